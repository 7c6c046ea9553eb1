/**
 * Ramp to the knee: raises the open-model rate step by step from `from` to `to`
 * (`steps` equal steps sharing `duration`) and holds each step to an SLO (p99
 * latency, error rate). Reports the knee — the highest rate whose step still met
 * the SLO — and the rate at which it broke; by default it stops at the first
 * broken step (no point hammering a target past its limit). Each step is a round
 * of the phase with its `rateRps`; invocations the engine could not send count
 * against the step like errors.
 */
import { check, checkObject, fail, optional, required } from '../../config/check.ts';
import { runOpenLoop } from '../engine/open-loop.ts';
import { keepUpLine, watchGenerator } from '../engine/generator-watch.ts';
import { constantPacer, shareOffsetMs } from '../engine/pacer.ts';
import type { StepTotals } from '../engine/live.ts';
import type { PhaseContext, PhaseModule } from './phase.ts';
import { DEFAULT_MAX_IN_FLIGHT, MAX_PHASE_MS } from './steady.ts';
import { findKnee, judgeStep, type RampSlo } from '../../metrics/ramp-knee.ts';

/** Checked ramp settings. */
export interface RampSettings {
  name: string;
  fromRps: number;
  toRps: number;
  durationMs: number;
  steps: number;
  slo: RampSlo;
  maxInFlight: number;
  stopOnBreak: boolean;
  /** This is share `index` of `count` (workers): its sends interleave with the others' (see steady's share). */
  share?: { index: number; count: number };
}

/** The rate of step `i` (from 0) of `steps`, evenly spaced from `from` to `to` inclusive. */
export function stepRate(fromRps: number, toRps: number, steps: number, i: number): number {
  return steps === 1 ? toRps : fromRps + ((toRps - fromRps) * i) / (steps - 1);
}

/** A step's figures from this process's own invocations alone (no --workers). */
function ownTotals(ctx: PhaseContext, round: number, dropped: number): StepTotals | undefined {
  const own = ctx.roundStats?.(round);
  return own && { requests: own.requests, errors: own.errors, dropped, p99Ms: own.p99Ms };
}

export const rampPhase: PhaseModule<RampSettings> = {
  kind: 'ramp',

  check(raw, path, ctx) {
    const before = ctx.issues.length;
    const o = checkObject(raw, path, ctx, {
      kind: required(check.oneOf(['ramp'])),
      name: optional(check.string()),
      from: required(check.number(0.001, 1_000_000)),
      to: required(check.number(0.001, 1_000_000)),
      duration: required(check.durationMs()),
      steps: optional(check.int(1, 1000)),
      slo: required((v, p, c) =>
        checkObject(v, p, c, { p99: required(check.durationMs()), errorRate: optional(check.number(0, 1)) }),
      ),
      maxInFlight: optional(check.int(1, 1_000_000)),
      stopOnBreak: optional(check.boolean()),
    });
    if (!o) return undefined;
    if (typeof o.from === 'number' && typeof o.to === 'number' && o.to < o.from)
      fail(ctx, `${path}.to`, `expected a rate at least "from" (${o.from}), got ${o.to}`);
    const durationMs = o.duration;
    if (durationMs !== undefined && (durationMs <= 0 || durationMs > MAX_PHASE_MS))
      fail(ctx, `${path}.duration`, `expected a duration above 0 and at most 24h, got ${durationMs} ms`);
    const steps = o.steps ?? 5;
    if (durationMs && durationMs / steps < 100)
      fail(
        ctx,
        `${path}.steps`,
        `expected steps of at least 100 ms each; ${steps} steps in ${durationMs} ms are too short to judge`,
      );
    if (ctx.issues.length > before) return undefined;
    const slo = o.slo;
    if (!slo) return undefined; // not an object: its checker recorded why
    return {
      name: o.name ?? 'ramp',
      fromRps: o.from,
      toRps: o.to,
      durationMs: durationMs!,
      steps,
      slo: { p99Ms: slo.p99, errorRate: slo.errorRate ?? 0.01 },
      maxInFlight: o.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      stopOnBreak: o.stopOnBreak ?? true,
    };
  },

  describe(s) {
    return `ramp: ${s.fromRps}/s → ${s.toRps}/s in ${s.steps} steps of ${+(s.durationMs / s.steps / 1000).toFixed(3)} s, SLO p99 ≤ ${s.slo.p99Ms} ms and errors ≤ ${+(s.slo.errorRate * 100).toFixed(3)}%${s.stopOnBreak ? ', stops at the first broken step' : ''}`;
  },

  plannedMs: (s) => s.durationMs,

  share(s, index, count) {
    return {
      ...s,
      share: { index, count },
      fromRps: s.fromRps / count,
      toRps: s.toRps / count,
      maxInFlight: Math.max(1, Math.ceil(s.maxInFlight / count)),
    };
  },

  async run(s, ctx) {
    const stepMs = s.durationMs / s.steps;
    for (let i = 0; i < s.steps; i++) {
      if (ctx.signal.aborted) return;
      const round = i + 1;
      const rateRps = stepRate(s.fromRps, s.toRps, s.steps, i);
      // With --workers, worker 1's line is the run's: the step's whole rate, not this share's.
      const stepRps = ctx.startTogether && s.share ? rateRps * s.share.count : rateRps;
      ctx.progress(`step ${round}/${s.steps}: ${+stepRps.toFixed(3)}/s`);
      ctx.annotate?.(round, { rateRps, late: 0, dropped: 0 });
      // With --workers, every share starts the step at one instant (its sends interleave with the others').
      let startNs: number | undefined;
      if (ctx.startTogether) {
        // The agreed instant: a share that woke late keeps the others' schedule.
        startNs = await ctx.startTogether(i);
        if (ctx.signal.aborted) return;
      }
      const watch = watchGenerator();
      const stats = await runOpenLoop({
        // A share's first send waits `index` intervals of the whole step's rate (rateRps × count).
        pacer: constantPacer(rateRps, stepMs, s.share ? shareOffsetMs(s.share.index, rateRps * s.share.count) : 0),
        maxInFlight: s.maxInFlight,
        signal: ctx.signal,
        startNs,
        send: async (seq, intendedNs) => {
          await ctx.invoke(round, seq, intendedNs);
        },
        onLate: (late) => ctx.annotate?.(round, { late }),
      });
      const stalls = await watch.stop();
      ctx.annotate?.(round, { late: stats.late, dropped: stats.dropped });
      if (stats.late || stats.dropped) ctx.progress(`step ${round}: ${keepUpLine(stats, stalls, s.maxInFlight)}`);
      // With --workers, the step across every worker's share: one worker's share alone may break the SLO
      // (the step's one cold start) where the step did not, and that worker stopped while the others went on.
      const live = ctx.judgeStep ? await ctx.judgeStep(round, stats.dropped) : ownTotals(ctx, round, stats.dropped);
      if (!live) continue;
      const total = live.requests + live.dropped;
      const errorRate = total ? (live.errors + live.dropped) / total : 0;
      const ok = total > 0 && live.p99Ms !== null && live.p99Ms <= s.slo.p99Ms && errorRate <= s.slo.errorRate;
      ctx.progress(
        `step ${round}: p99 ${live.p99Ms ?? '-'} ms, errors ${(errorRate * 100).toFixed(2)}%: ${ok ? 'within' : 'broke'} the SLO`,
      );
      if (!ok && s.stopOnBreak) return;
    }
  },

  summarize(s, rounds) {
    const steps = rounds
      .filter((p) => p.rateRps !== undefined)
      .sort((a, b) => a.rateRps! - b.rateRps!)
      .map((p) => ({ rateRps: p.rateRps!, ...judgeStep(p, s.slo) }));
    return { ramp: { ...findKnee(steps), steps, slo: s.slo } };
  },
};
