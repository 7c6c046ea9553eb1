/**
 * Cold-start guess from latency alone (method `heuristic`), for functions that
 * do not send the instance-id headers. An invocation counts as cold when it took
 * at least `thresholdMs` AND at least `ratio` times the fastest invocation seen
 * before it (so a function that is simply slow is not all "cold"). An estimate:
 * reports label it as such.
 */
export class LatencyColdHeuristic {
  private fastestMs = Infinity;

  constructor(
    private readonly thresholdMs = 1000,
    private readonly ratio = 3,
  ) {}

  /** Whether an invocation of `latencyMs` looks like a cold start. */
  observe(latencyMs: number): boolean {
    const cold =
      latencyMs >= this.thresholdMs && (this.fastestMs === Infinity || latencyMs >= this.ratio * this.fastestMs);
    if (latencyMs < this.fastestMs) this.fastestMs = latencyMs;
    return cold;
  }
}
