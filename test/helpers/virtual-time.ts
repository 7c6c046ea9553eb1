/**
 * Virtual time for the engine's loops: a clock (`now`, ns) and a `sleep` to
 * inject into runOpenLoop / runClosedLoop, and `run(work)` that drives them.
 * Nothing waits on a real timer: whenever everything that can run has run (a
 * full turn of the event loop in which nobody read the clock or started a
 * sleep), the clock jumps to the earliest pending sleep and wakes it. A schedule
 * of seconds runs in milliseconds, and the same every time.
 */
export class VirtualClock {
  private ns = 0;
  private seq = 0;
  /** Calls of now() and sleep(): activity since the last look. */
  private touched = 0;
  private readonly sleepers: { at: number; seq: number; wake: () => void }[] = [];

  /** Nanoseconds since the clock was made (it starts at 0). */
  readonly now = (): number => {
    this.touched++;
    return this.ns;
  };

  /** Resolves once the clock has moved `ms` on, or at once when `signal` aborts (as clock.ts's sleep). */
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      this.touched++;
      if (signal?.aborted || ms <= 0) return resolve();
      const entry = { at: this.ns + ms * 1e6, seq: this.seq++, wake: () => done() };
      const done = () => {
        const i = this.sleepers.indexOf(entry);
        if (i >= 0) this.sleepers.splice(i, 1);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      signal?.addEventListener('abort', done, { once: true });
      this.sleepers.push(entry);
    });

  /** Runs `work` to its end in virtual time; throws when it waits on nothing this clock can wake. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const watched = work.finally(() => (settled = true));
    watched.catch(() => undefined);
    while (!settled) {
      // Let everything that is ready run: turns of the event loop until one passes untouched.
      let before: number;
      do {
        before = this.touched;
        await new Promise<void>((r) => setImmediate(r));
      } while (!settled && this.touched !== before);
      if (settled) break;
      if (!this.sleepers.length) throw new Error('virtual time: the work waits, but on no sleep of this clock');
      const next = this.sleepers.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a));
      this.ns = Math.max(this.ns, next.at);
      next.wake();
    }
    return watched;
  }
}
