/**
 * Pacers: the schedule of an open-model phase as a pure function (after vegeta's
 * `Pacer.Pace(elapsed, hits) → (wait, stop)`), so every schedule is tested
 * without a clock. Times are nanoseconds since the phase started.
 */

/** What a pacer says about the next send. */
export interface Pace {
  /** How long to wait before the next send, ns; 0 when it is due (or overdue). */
  waitNs: number;
  /** True when the schedule is over: every planned send is made or the time is up. */
  stop: boolean;
}

/** An open-model schedule. */
export interface Pacer {
  /** Given the time since start and the sends made so far, when is the next one due? */
  pace(elapsedNs: number, hits: number): Pace;
  /** The intended send time of send number `hit` (from 0), ns since start. */
  hitAtNs(hit: number): number;
  /** Sends the whole schedule plans. */
  readonly plannedHits: number;
  /** Length of the schedule, ns. No send is due at or after it. */
  readonly durationNs: number;
  /** The rate at `elapsedNs`, requests per second (for progress and reports). */
  rateAt(elapsedNs: number): number;
}

function paceWith(p: Pick<Pacer, 'hitAtNs' | 'plannedHits' | 'durationNs'>, elapsedNs: number, hits: number): Pace {
  // Time is up even when sends are still owed: the open loop makes them at once (late) unless the
  // in-flight cap holds them back, and counts those as `dropped` (open-loop.ts).
  if (hits >= p.plannedHits || elapsedNs >= p.durationNs) return { waitNs: 0, stop: true };
  const next = p.hitAtNs(hits);
  return { waitNs: next > elapsedNs ? next - elapsedNs : 0, stop: false };
}

/**
 * The offset of share `index` of a constant rate split over workers or shards:
 * `index` intervals of the whole rate, so the shares' sends interleave (constantPacer).
 */
export function shareOffsetMs(index: number, wholeRateRps: number): number {
  return (index * 1000) / wholeRateRps;
}

/**
 * A fixed rate: send i is due at offset + i / rate. Plans the sends due strictly
 * before the end: 100/s for 1 s is 100 sends at 0, 10, … 990 ms. `offsetMs`
 * (0 to one interval of the whole schedule) shifts one share of a rate split
 * over workers: share k of N at rate/N with offset k / rate sends exactly the
 * whole schedule's sends k, k + N, k + 2N, …, so the shares interleave into the
 * schedule one generator would keep, instead of N sends leaving at once.
 */
export function constantPacer(rateRps: number, durationMs: number, offsetMs = 0): Pacer {
  if (!(rateRps > 0) || !(durationMs > 0))
    throw new RangeError(`constantPacer: rate and duration must be > 0 (got ${rateRps}/s, ${durationMs} ms)`);
  if (!(offsetMs >= 0)) throw new RangeError(`constantPacer: offset must be ≥ 0 (got ${offsetMs} ms)`);
  const intervalNs = 1e9 / rateRps;
  const durationNs = durationMs * 1e6;
  const offsetNs = offsetMs * 1e6;
  const p = {
    plannedHits: Math.max(0, Math.ceil((durationNs - offsetNs) / intervalNs - 1e-9)),
    durationNs,
    hitAtNs: (hit: number) => offsetNs + hit * intervalNs,
    rateAt: () => rateRps,
  };
  return { ...p, pace: (elapsedNs, hits) => paceWith(p, elapsedNs, hits) };
}

/**
 * A rate that changes linearly from `fromRps` to `toRps` over the duration (k6's
 * ramping-arrival-rate for one stage). Sends due by time t are the integral of the
 * rate, a·t + (b−a)·t²/(2D); send i is due where that integral reaches i.
 */
export function linearPacer(fromRps: number, toRps: number, durationMs: number): Pacer {
  if (!(fromRps >= 0) || !(toRps >= 0) || fromRps + toRps === 0 || !(durationMs > 0))
    throw new RangeError(
      `linearPacer: rates must be >= 0 (not both 0) and duration > 0 (got ${fromRps}→${toRps}/s, ${durationMs} ms)`,
    );
  if (fromRps === toRps) return constantPacer(fromRps, durationMs);
  const a = fromRps;
  const D = durationMs / 1000;
  const k = (toRps - fromRps) / (2 * D); // hits(t) = a·t + k·t²
  const total = a * D + k * D * D;
  const p = {
    plannedHits: Math.ceil(total - 1e-9),
    durationNs: durationMs * 1e6,
    // The root of k·t² + a·t − i = 0 in [0, D]; written to stay exact when k is tiny or negative.
    hitAtNs: (hit: number) => (hit === 0 ? 0 : ((2 * hit) / (a + Math.sqrt(Math.max(0, a * a + 4 * k * hit)))) * 1e9),
    rateAt: (elapsedNs: number) => a + 2 * k * Math.min(D, elapsedNs / 1e9),
  };
  return { ...p, pace: (elapsedNs, hits) => paceWith(p, elapsedNs, hits) };
}
