/**
 * V8 startup snapshots of fxbench's Node bootstrap, one per memory size. Node
 * instances are capped with V8's heap limit (`--max-heap-size`, the memory
 * cap), and with any heap flag Node rejects its built-in startup snapshot and
 * boots the slow way: ≈ 15 ms more per cold start on this machine (measured in
 * bench/runtime.ts). A snapshot built with the same flag is accepted, so the cap
 * costs nothing at start. Snapshots are built once per Node version, memory size
 * and bootstrap version, cached under the OS temp folder, and used only when
 * ready; any failure falls back to the plain bootstrap.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CORE = new URL('./bootstrap-core.cjs', import.meta.url).pathname;
/** import-helper.cjs: instances started from a snapshot load handlers through it. */
export const IMPORT_HELPER = new URL('./import-helper.cjs', import.meta.url).pathname;
const BUILD_TIMEOUT_MS = 60_000;

const building = new Map<number, Promise<string | null>>();
const ready = new Map<number, string>();
let coreHash: string | null = null;

function cacheFile(memoryMB: number): string {
  coreHash ??= createHash('sha256').update(readFileSync(CORE)).update(CORE).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'fxbench-snapshots');
  return path.join(dir, `bootstrap-${process.version}-${process.arch}-${memoryMB}mb-${coreHash}.blob`);
}

/** The snapshot for this heap cap if it is built (synchronous: for spawning). */
export function readySnapshot(memoryMB: number): string | null {
  return ready.get(memoryMB) ?? null;
}

/**
 * Builds (or finds in the cache) the snapshot for this heap cap; resolves to its
 * path, or null when it cannot be built (then instances use the plain bootstrap).
 * Set FXBENCH_NO_SNAPSHOT=1 to turn snapshots off.
 */
export function ensureSnapshot(memoryMB: number): Promise<string | null> {
  if (process.env.FXBENCH_NO_SNAPSHOT === '1') return Promise.resolve(null);
  let p = building.get(memoryMB);
  if (!p) {
    p = build(memoryMB).then((file) => {
      if (file) ready.set(memoryMB, file);
      return file;
    });
    building.set(memoryMB, p);
  }
  return p;
}

async function build(memoryMB: number): Promise<string | null> {
  try {
    const file = cacheFile(memoryMB);
    if (existsSync(file)) return file;
    mkdirSync(path.dirname(file), { recursive: true });
    // Built beside, then renamed: concurrent builders never see half a file.
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        [`--max-heap-size=${memoryMB}`, '--snapshot-blob', tmp, '--build-snapshot', CORE],
        { timeout: BUILD_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    renameSync(tmp, file);
    return file;
  } catch {
    try {
      rmSync(`${cacheFile(memoryMB)}.${process.pid}.tmp`, { force: true });
    } catch {
      /* nothing to clean */
    }
    return null;
  }
}
