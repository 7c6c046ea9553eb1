/**
 * V8 startup snapshots of fxbench's Node bootstrap, one per memory size. Node
 * instances are capped with V8's heap limit (`--max-heap-size`, the memory
 * cap), and with any heap flag Node rejects its built-in startup snapshot and
 * boots the slow way: ≈ 15 ms more per cold start on this machine (measured in
 * bench/runtime.ts). A snapshot built with the same flag is accepted, so the cap
 * costs nothing at start. Snapshots are built once per Node version, memory size
 * and bootstrap version, cached under the OS temp folder, and used only when
 * ready; any failure falls back to the plain bootstrap.
 *
 * Only on Node 20 by default. Measured 2026-11-30 (2-core machine, `fxbench run`
 * of 6 forced cold starts of functions/hello at 1024 MB, medians of two runs
 * each): Node 24 217–226 ms from the snapshot against 158–160 ms plain, Node 26
 * 188–206 against 126–129 ms: newer Nodes keep their built-in snapshot under the
 * heap flag, and deserialising fxbench's own is the slower path (the "+103 ms on
 * Node 26" seen before). Node 20: 140–176 against 129–155 ms that day, 23 ms
 * faster on 2026-11-22. FXBENCH_SNAPSHOT=1 turns it on for any Node,
 * FXBENCH_NO_SNAPSHOT=1 off.
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

/** Whether a Node line starts instances from the snapshot by default (only Node 20: see above). */
export function snapshotByDefault(nodeVersion = process.versions.node): boolean {
  return Number(nodeVersion.split('.')[0]) < 22;
}

/** Snapshots in use: FXBENCH_NO_SNAPSHOT=1 off, FXBENCH_SNAPSHOT=1 on, else snapshotByDefault(). */
export function snapshotsOn(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FXBENCH_NO_SNAPSHOT === '1') return false;
  return env.FXBENCH_SNAPSHOT === '1' || snapshotByDefault();
}

/** The snapshot for this heap cap if it is built (synchronous: for spawning). */
export function readySnapshot(memoryMB: number): string | null {
  return ready.get(memoryMB) ?? null;
}

/**
 * Builds (or finds in the cache) the snapshot for this heap cap; resolves to its
 * path, or null when it cannot be built (then instances use the plain bootstrap).
 * Null at once when snapshots are off (snapshotsOn).
 */
export function ensureSnapshot(memoryMB: number): Promise<string | null> {
  if (!snapshotsOn()) return Promise.resolve(null);
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
  let tmp: string | null = null;
  try {
    const file = cacheFile(memoryMB);
    if (existsSync(file)) return file;
    mkdirSync(path.dirname(file), { recursive: true });
    // Built beside, then renamed: concurrent builders never see half a file.
    const out = `${file}.${process.pid}.${Date.now()}.tmp`;
    tmp = out;
    await new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        [`--max-heap-size=${memoryMB}`, '--snapshot-blob', out, '--build-snapshot', CORE],
        { timeout: BUILD_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    renameSync(out, file);
    return file;
  } catch {
    try {
      if (tmp) rmSync(tmp, { force: true });
    } catch {
      /* nothing to clean */
    }
    return null;
  }
}
