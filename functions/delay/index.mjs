// Waits before answering: DELAY_MS (env, default 20) milliseconds, or the
// payload's `delayMs`. Stands in for "a build made slower" in regression tests
// (tests run it with DELAY_MS=20 and then 26: the same function 30% slower);
// INIT_DELAY_MS adds init time (bench/gate.ts: a cold start 100 ms slower).
import { randomUUID } from 'node:crypto';

const instanceId = randomUUID();
const defaultDelayMs = Number(process.env.DELAY_MS ?? 20);
// INIT_DELAY_MS (default 0): extra init time, spent while the module loads (a cold start's init).
const initDelayMs = Number(process.env.INIT_DELAY_MS ?? 0);
if (initDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, initDelayMs));

export const handler = async (event) => {
  const delayMs = Number(event?.delayMs ?? defaultDelayMs);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return { delayMs, instanceId };
};
