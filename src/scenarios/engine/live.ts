/**
 * Live figures of the phase that is running: the runner emits a `tick` event a
 * few times a second from them (progress display, workers reporting to their
 * parent), and phases read a round's figures so far (ramp checks its SLO).
 */
import { encodeHistogram, mergeHistograms, percentileMs } from '../../metrics/histogram.ts';
import type { Recorder } from '../../metrics/recorder.ts';
import type { PhaseResult } from '../../model/result.ts';

/** How often ticks are emitted, ms. */
export const TICK_MS = 250;

/** A snapshot of the running phase (RunEvent kind `tick`). */
export interface TickEvent {
  kind: 'tick';
  target: string;
  phase: string;
  /** Since the phase started, ms. */
  elapsedMs: number;
  /** Planned length of the phase, ms; null when the phase cannot say. */
  plannedMs: number | null;
  /** Counts over the phase so far (all rounds). */
  requests: number;
  ok: number;
  errors: number;
  coldStarts: number;
  /** Invocations whose cold/warm state the driver could not tell (their cold starts are unknown, not 0). */
  coldUnknown: number;
  late: number;
  dropped: number;
  /** Completed requests per second over the last tick. */
  rps: number;
  /** Latency of the current round so far, ms. */
  p50Ms: number | null;
  p99Ms: number | null;
  /**
   * The current round (the latest one with a recorder; null before the first
   * invocation) and its figures so far: what a live display shows, one scope.
   */
  round: ({ index: number } & RoundCounts & RoundMeta) | null;
  /** Set on the phase's last tick, sent as it ends: its latency over every round (the counts above are already). */
  totals?: { p50Ms: number | null; p99Ms: number | null };
}

/** Counts of one round so far. */
export interface RoundCounts {
  requests: number;
  errors: number;
  coldStarts: number;
  coldUnknown: number;
}

/** Figures a phase attaches to one round's PhaseResult (all optional schema fields). */
export type RoundMeta = Partial<
  Pick<
    PhaseResult,
    | 'idleGapMs'
    | 'payloadBytes'
    | 'payloadDirection'
    | 'memoryMB'
    | 'newInstances'
    | 'settledAfter'
    | 'latencyByInvocationMs'
    | 'forcedCold'
    | 'arrival'
    | 'late'
    | 'dropped'
    | 'rateRps'
  >
>;

/** Figures of one round so far. */
export interface RoundStats {
  requests: number;
  ok: number;
  errors: number;
  /** p99 latency so far, ms; null before the first response. */
  p99Ms: number | null;
}

/** One worker's share of a ramp step (StartTogether.judge): its counts and latency histogram (encoded; null when empty). */
export interface StepFigures {
  requests: number;
  ok: number;
  dropped: number;
  histogram: string | null;
}

/** A ramp step's figures across the workers. */
export interface StepTotals {
  requests: number;
  errors: number;
  dropped: number;
  /** p99 latency, ms; null without a response. */
  p99Ms: number | null;
}

/** A round's figures as one worker's share of a ramp step (StartTogether.judge). */
export function stepFigures(rec: Recorder | undefined, dropped: number): StepFigures {
  const r = rec?.recorded;
  return {
    requests: r?.requests ?? 0,
    ok: r?.ok ?? 0,
    dropped,
    histogram: r?.all.totalCount ? encodeHistogram(r.all) : null,
  };
}

/** Reads a round's figures from its recorder. */
export function roundStats(rec: Recorder | undefined): RoundStats | undefined {
  if (!rec) return undefined;
  const r = rec.recorded;
  return {
    requests: r.requests,
    ok: r.ok,
    errors: r.requests - r.ok,
    p99Ms: r.all.totalCount ? percentileMs(r.all, 99) : null,
  };
}

/** Emits ticks for one phase while it runs; `stop()` ends them. */
export class PhaseLive {
  private readonly timer: NodeJS.Timeout;
  private readonly startMs = performance.now();
  private lastMs = this.startMs;
  private lastRequests = 0;

  constructor(
    private readonly target: string,
    private readonly phase: string,
    private readonly plannedMs: number | null,
    private readonly rounds: Map<number, Recorder>,
    private readonly meta: Map<number, RoundMeta>,
    private readonly emit: (e: TickEvent) => void,
  ) {
    this.timer = setInterval(() => this.emit(this.snapshot()), TICK_MS);
    this.timer.unref();
  }

  /** The figures now. */
  snapshot(): TickEvent {
    let requests = 0,
      ok = 0,
      coldStarts = 0,
      coldUnknown = 0,
      late = 0,
      dropped = 0;
    let latest: Recorder | undefined;
    let latestRound = -Infinity;
    for (const [round, rec] of this.rounds) {
      const r = rec.recorded;
      requests += r.requests;
      ok += r.ok;
      coldStarts += r.coldStarts;
      coldUnknown += r.coldUnknown;
      if (round > latestRound) {
        latestRound = round;
        latest = rec;
      }
    }
    for (const m of this.meta.values()) {
      late += m.late ?? 0;
      dropped += m.dropped ?? 0;
    }
    const now = performance.now();
    const rps = now > this.lastMs ? ((requests - this.lastRequests) * 1000) / (now - this.lastMs) : 0;
    this.lastMs = now;
    this.lastRequests = requests;
    const all = latest?.recorded.all;
    const has = all && all.totalCount > 0;
    const m = this.meta.get(latestRound);
    const round = latest
      ? {
          index: latestRound,
          requests: latest.recorded.requests,
          errors: latest.recorded.requests - latest.recorded.ok,
          coldStarts: latest.recorded.coldStarts,
          coldUnknown: latest.recorded.coldUnknown,
          ...(m ?? {}),
        }
      : null;
    return {
      kind: 'tick',
      target: this.target,
      phase: this.phase,
      elapsedMs: now - this.startMs,
      plannedMs: this.plannedMs,
      requests,
      ok,
      errors: requests - ok,
      coldStarts,
      coldUnknown,
      late,
      dropped,
      rps,
      p50Ms: has ? percentileMs(all, 50) : null,
      p99Ms: has ? percentileMs(all, 99) : null,
      round,
    };
  }

  /** Resolves like `run`, and stops ticking once it settles. */
  async during<T>(run: Promise<T>): Promise<T> {
    try {
      return await run;
    } finally {
      this.stop();
    }
  }

  /** Stops ticking (emits one last tick, with the phase's latency over every round). */
  stop(): void {
    clearInterval(this.timer);
    const recorded = [...this.rounds.values()].map((r) => r.recorded.all).filter((h) => h.totalCount > 0);
    const all = recorded.length ? mergeHistograms(recorded) : undefined;
    this.emit({
      ...this.snapshot(),
      totals: { p50Ms: all ? percentileMs(all, 50) : null, p99Ms: all ? percentileMs(all, 99) : null },
    });
  }
}
