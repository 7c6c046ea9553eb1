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

/** Sleeps for `ms`, waking early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
