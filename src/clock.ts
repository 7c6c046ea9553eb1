/**
 * The monotonic clock every timing in fxbench uses. Never Date.now(): wall
 * clocks jump (NTP), and a latency must not.
 */
const T0 = process.hrtime.bigint();

/**
 * Nanoseconds since this module was loaded, as a plain number. Relative to T0 so
 * the value stays far below 2^53 (about 104 days) and keeps full precision.
 */
export function nowNs(): number {
  return Number(process.hrtime.bigint() - T0);
}

/** Milliseconds since T0, as a float with sub-microsecond resolution. */
export function nowMs(): number {
  return nowNs() / 1e6;
}

/**
 * Sleeps for at least `ms` on the monotonic clock, waking early (without
 * throwing) when `signal` aborts. Node's timers run on a cached millisecond loop
 * clock and can fire up to ~1 ms early against hrtime; the remainder is slept
 * again (the last sub-millisecond with setImmediate), so a bound is never cut short.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const targetNs = nowNs() + ms * 1e6;
    let timer: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    const done = () => {
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const check = () => {
      const remainingMs = (targetNs - nowNs()) / 1e6;
      if (remainingMs <= 0) return done();
      if (remainingMs >= 1) timer = setTimeout(check, Math.floor(remainingMs));
      else immediate = setImmediate(check);
    };
    signal?.addEventListener('abort', done, { once: true });
    timer = setTimeout(check, ms);
  });
}

/**
 * Now on the wall clock every process of the machine shares, ms since the Unix
 * epoch, with the monotonic clock's sub-millisecond resolution (spreads within
 * one process are exact). For instants agreed between processes.
 */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Waits until the wall clock reads `atMs` (epochMs), on timers alone (they fire
 * a fraction of a millisecond late). No busy wait: generators sharing cores
 * (the local runtime's instances) would take turns spinning and start a time
 * slice apart. Returns early when `signal` aborts.
 */
export async function waitUntil(atMs: number, signal?: AbortSignal): Promise<void> {
  for (let left = atMs - epochMs(); left > 0 && !signal?.aborted; left = atMs - epochMs()) await sleep(left, signal);
}
