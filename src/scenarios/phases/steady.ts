/**
 * Steady load for a fixed time, in either arrival model:
 * - `{ rate, duration }`: the open model. Invocations leave at `rate` per second
 *   whatever the target does; latency counts from each intended send time, and
 *   sends the engine could not make on time are reported as `late` / `dropped`.
 *   `maxInFlight` caps concurrent invocations (default 1000).
 * - `{ users, duration }`: the closed model. `users` virtual users, each sending
 *   when its last invocation returned (after `think`); bounded also by `requests`.
 * The serverless question: "at this load, what are the percentiles, the cold
 * starts and the cost?"
 */
import { check, checkObject, fail, optional, required } from '../../config/check.ts';
import { runClosedLoop } from '../engine/closed-loop.ts';
import { runOpenLoop } from '../engine/open-loop.ts';
import { keepUpLine, watchGenerator } from '../engine/generator-watch.ts';
import { constantPacer, shareOffsetMs } from '../engine/pacer.ts';
import type { PhaseModule } from './phase.ts';

/** Longest phase accepted: 24 h. Every phase is bounded. */
export const MAX_PHASE_MS = 24 * 3_600_000;
/** Default in-flight cap of the open model. */
export const DEFAULT_MAX_IN_FLIGHT = 1000;

/** Checked steady settings: exactly one of `rateRps` (open) and `users` (closed). */
export interface SteadySettings {
  name: string;
  rateRps?: number;
  users?: number;
  durationMs: number;
  /** Open model: in-flight cap. */
  maxInFlight: number;
  /** Closed model: pause between a response and the user's next send, ms. */
  thinkMs: number;
  /** Closed model: stop after this many invocations (besides the duration). */
  maxRequests?: number;
  /** Open model, one share of a rate split over workers (`share`): its first send's delay, ms. */
  offsetMs?: number;
}

/** Splits `n` into `count` near-equal integer parts; part `index`. */
export function sharePart(n: number, index: number, count: number): number {
  return Math.floor(n / count) + (index < n % count ? 1 : 0);
}

export const steadyPhase: PhaseModule<SteadySettings> = {
  kind: 'steady',

  check(raw, path, ctx) {
    const before = ctx.issues.length;
    const o = checkObject(raw, path, ctx, {
      kind: required(check.oneOf(['steady'])),
      name: optional(check.string()),
      rate: optional(check.number(0.001, 1_000_000)),
      users: optional(check.int(1, 100_000)),
      duration: required(check.durationMs()),
      maxInFlight: optional(check.int(1, 1_000_000)),
      think: optional(check.durationMs()),
      requests: optional(check.int(1, 1_000_000_000)),
    });
    if (!o) return undefined;
    if ((o.rate === undefined) === (o.users === undefined))
      fail(
        ctx,
        path,
        'expected exactly one of "rate" (open model, invocations per second) and "users" (closed model, virtual users)',
      );
    const durationMs = o.duration;
    if (durationMs !== undefined && (durationMs <= 0 || durationMs > MAX_PHASE_MS))
      fail(ctx, `${path}.duration`, `expected a duration above 0 and at most 24h, got ${durationMs} ms`);
    if (o.rate !== undefined && (o.think !== undefined || o.requests !== undefined))
      fail(
        ctx,
        path,
        '"think" and "requests" belong to the closed model ("users"); the open model is bounded by rate × duration',
      );
    if (o.users !== undefined && o.maxInFlight !== undefined)
      fail(ctx, `${path}.maxInFlight`, 'belongs to the open model ("rate"); the closed model has "users" in flight');
    if (ctx.issues.length > before) return undefined;
    return {
      name: o.name ?? 'steady',
      rateRps: o.rate,
      users: o.users,
      durationMs: durationMs!,
      maxInFlight: o.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      thinkMs: o.think ?? 0,
      maxRequests: o.requests,
    };
  },

  describe(s) {
    const secs = `${+(s.durationMs / 1000).toFixed(3)} s`;
    if (s.rateRps !== undefined)
      return `steady: ${s.rateRps}/s for ${secs} (open model, latency from intended send time, at most ${s.maxInFlight} in flight)`;
    return `steady: ${s.users} users for ${secs}${s.thinkMs ? `, ${s.thinkMs} ms think time` : ''}${s.maxRequests ? `, at most ${s.maxRequests} invocations` : ''} (closed model)`;
  },

  plannedMs: (s) => s.durationMs,

  share(s, index, count) {
    // Share k sends the whole schedule's sends k, k + count, …: the shares interleave
    // (constantPacer), and N workers at a low rate do not start N instances at once.
    if (s.rateRps !== undefined)
      return {
        ...s,
        rateRps: s.rateRps / count,
        offsetMs: shareOffsetMs(index, s.rateRps),
        maxInFlight: Math.max(1, Math.ceil(s.maxInFlight / count)),
      };
    const users = sharePart(s.users!, index, count);
    if (users === 0) return undefined;
    return {
      ...s,
      users,
      maxRequests: s.maxRequests === undefined ? undefined : sharePart(s.maxRequests, index, count) || 1,
    };
  },

  async run(s, ctx) {
    const send = async (seq: number, intendedNs: number) => {
      await ctx.invoke(1, seq, intendedNs);
    };
    if (s.rateRps !== undefined) {
      ctx.annotate?.(1, { rateRps: s.rateRps, late: 0, dropped: 0 });
      const watch = watchGenerator();
      const stats = await runOpenLoop({
        pacer: constantPacer(s.rateRps, s.durationMs, s.offsetMs),
        // With --workers, the agreed instant: a share that woke late keeps the others' schedule.
        startNs: ctx.startNs,
        maxInFlight: s.maxInFlight,
        signal: ctx.signal,
        send,
        onLate: (late) => ctx.annotate?.(1, { late }),
      });
      const stalls = await watch.stop();
      ctx.annotate?.(1, { late: stats.late, dropped: stats.dropped });
      if (stats.late || stats.dropped) ctx.progress(keepUpLine(stats, stalls, s.maxInFlight));
      return;
    }
    await runClosedLoop({
      users: s.users!,
      durationMs: s.durationMs,
      maxRequests: s.maxRequests,
      thinkMs: s.thinkMs,
      signal: ctx.signal,
      send,
    });
  },
};
