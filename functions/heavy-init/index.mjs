// A function with a heavy init: ~300 ms of module-load work (as a large SDK or
// framework would cost), so cold starts are plainly visible next to warm ones.
import { createHash } from 'node:crypto';

const initWorkMs = Number(process.env.INIT_WORK_MS ?? 300);
const start = performance.now();
let digest = Buffer.alloc(32);
while (performance.now() - start < initWorkMs) digest = createHash('sha256').update(digest).digest();
const initDigest = digest.toString('hex').slice(0, 12);

export const handler = async () => ({ ok: true, initDigest });
