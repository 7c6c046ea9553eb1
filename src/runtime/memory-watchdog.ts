/**
 * The memory watchdog: one timer per fxbench process, off the invocation path,
 * that ends an instance as out-of-memory when its whole tree is over the
 * function's memory size.
 *
 * - With a memory cgroup (process-tree.ts) the kernel enforces the cap: it
 *   kills the largest process of the tree when the tree's resident memory
 *   reaches the limit. That may be a child of the instance rather than the
 *   instance, so every CGROUP_POLL_MS the watchdog reads the cgroup's oom_kill
 *   count and, once it moved, ends the whole instance, as Lambda ends an
 *   environment that ran out of memory.
 * - Without one, the watchdog is the cap: every RSS_POLL_MS it adds up VmRSS of
 *   the instance process and its descendants (/proc/<pid>/task/<pid>/children,
 *   recursively: the children each process's main thread started) and ends the
 *   instance once the sum is over the size. A tree that grows faster than the
 *   poll can overshoot by what it allocates in one period.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** Poll period without a cgroup (the watchdog is the cap), ms. */
export const RSS_POLL_MS = 25;
/** Poll period with a cgroup (the kernel is the cap; this only widens a partial kill to the instance), ms. */
export const CGROUP_POLL_MS = 200;

/** One watched instance. */
interface Watched {
  /** The instance process. */
  pid: number;
  /** Its cap, kB. */
  limitKB: number;
  /** Its cgroup folder, or null (then RSS is summed). */
  cgroup: string | null;
  /** Open fd of the cgroup's memory.oom_control (kept open, re-read from 0), or -1 until opened. */
  oomFd: number;
  /** Called once when the tree is over its cap (or the kernel killed part of it for memory). */
  onExceeded: () => void;
}

const rssWatched = new Set<Watched>();
const cgroupWatched = new Set<Watched>();
let rssTimer: NodeJS.Timeout | undefined;
let cgroupTimer: NodeJS.Timeout | undefined;
const BUF = Buffer.alloc(8192);

/**
 * Watches instance process `pid` against `memoryMB` (its cgroup folder when it
 * has one); returns the function that stops watching it.
 */
export function watchMemory(pid: number, memoryMB: number, cgroup: string | null, onExceeded: () => void): () => void {
  const w: Watched = { pid, limitKB: memoryMB * 1024, cgroup, oomFd: -1, onExceeded };
  if (cgroup) {
    cgroupWatched.add(w);
    cgroupTimer ??= poll(cgroupWatched, CGROUP_POLL_MS, checkCgroup, () => (cgroupTimer = undefined));
  } else {
    rssWatched.add(w);
    rssTimer ??= poll(rssWatched, RSS_POLL_MS, checkRss, () => (rssTimer = undefined));
  }
  return () => {
    rssWatched.delete(w);
    cgroupWatched.delete(w);
    if (w.oomFd >= 0) {
      try {
        closeSync(w.oomFd);
      } catch {
        /* closed */
      }
      w.oomFd = -1;
    }
  };
}

/** A timer over `set` that stops itself when the set is empty. */
function poll(set: Set<Watched>, everyMs: number, check: (w: Watched) => boolean, stopped: () => void) {
  const timer = setInterval(() => {
    if (set.size === 0) {
      clearInterval(timer);
      stopped();
      return;
    }
    for (const w of set) {
      if (!check(w)) continue;
      set.delete(w);
      w.onExceeded();
    }
  }, everyMs);
  timer.unref();
  return timer;
}

/** True once the kernel killed something in the instance's cgroup for memory. */
function checkCgroup(w: Watched): boolean {
  try {
    // Opened on the first poll: the instance makes its cgroup as it starts.
    if (w.oomFd < 0) w.oomFd = openSync(`${w.cgroup}/memory.oom_control`, 'r');
    const n = readSync(w.oomFd, BUF, 0, BUF.length, 0);
    const text = BUF.toString('latin1', 0, n);
    const at = text.indexOf('oom_kill ');
    return at >= 0 && parseInt(text.slice(at + 9), 10) > 0;
  } catch {
    return false; // not made yet, or gone
  }
}

/** True when the instance's tree is over its cap. */
function checkRss(w: Watched): boolean {
  return treeRssKB(w.pid, w.limitKB) > w.limitKB;
}

/**
 * Resident memory of `pid` and its descendants, kB (0 for a process that is
 * gone). Stops adding once over `stopAboveKB`.
 */
export function treeRssKB(pid: number, stopAboveKB = Number.POSITIVE_INFINITY): number {
  let total = 0;
  const todo = [pid];
  for (let i = 0; i < todo.length && i < 4096; i++) {
    const p = todo[i]!;
    total += rssKB(p);
    if (total > stopAboveKB) break;
    const kids = readSmall(`/proc/${p}/task/${p}/children`);
    if (!kids) continue;
    for (const k of kids.split(' ')) if (k) todo.push(Number(k));
  }
  return total;
}

function rssKB(pid: number): number {
  const status = readSmall(`/proc/${pid}/status`);
  if (!status) return 0;
  const at = status.indexOf('VmRSS:');
  return at < 0 ? 0 : parseInt(status.slice(at + 6, at + 30), 10) || 0;
}

function readSmall(file: string): string {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}
