/**
 * Warmup: a sequential series of invocations, `interval` apart, starting from a
 * cold instance. It shows the cold → warm transition: the first invocation pays
 * the cold start, the next few may still pay for lazy initialisation and JIT,
 * then latency settles. The phase reports how many invocations that took
 * (`settledAfter`, see settlePoint).
 *
 * Cold first: forced where the driver can (capability `forceCold`); else the
 * phase waits `idleWindow`; `coldFirst: false` starts from whatever state the
 * function is in.
 */
import { check, checkObject, optional, required } from '../../config/check.ts';
import { nowNs, sleep } from '../../clock.ts';
import { FxError } from '../../model/errors.ts';
import { invokeWithReport, type PhaseModule } from './phase.ts';

/** Checked warmup settings. */
export interface WarmupSettings {
  name: string;
  /** Invocations in the series. */
  requests: number;
  /** From one send to the next, ms (a slow response delays the next send; sends never overlap). */
  intervalMs: number;
  /** Start from a cold instance (default true). */
  coldFirst: boolean;
  /** Without capability forceCold: wait this long first so the platform reaps idle instances, ms. */
  idleWindowMs?: number;
}

/** How settlePoint judges "settled". */
export interface SettleOptions {
  /** Invocations from the settle point of which a majority must be within the band (default 3, fewer when the series is shorter). */
  window?: number;
  /** Band: at most `factor` × the steady median … (default 2) */
  factor?: number;
  /** … or the steady median plus `slackMs`, whichever is larger (default 2 ms: loopback jitter). */
  slackMs?: number;
}

/**
 * Invocations before latency settled: the first invocation within the band
 * around the steady median (the median of the series' second half) that starts
 * a window of `window` invocations most of which are within it too, so one
 * scheduling hiccup does not postpone the point but a still-slow series does.
 * Failed invocations (NaN/Infinity) are never within the band. 1 means "only
 * the cold start was slow", 0 "it was never slow", null "it never settled" (or
 * the series is empty).
 */
export function settlePoint(latenciesMs: readonly number[], opts: SettleOptions = {}): number | null {
  const n = latenciesMs.length;
  if (n === 0) return null;
  const finite = latenciesMs
    .slice(Math.floor(n / 2))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (!finite.length) return null;
  const mid = finite.length >> 1;
  const median = finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
  const band = Math.max(median * (opts.factor ?? 2), median + (opts.slackMs ?? 2));
  const w = Math.min(opts.window ?? 3, n);
  const within = (j: number) => Number.isFinite(latenciesMs[j]!) && latenciesMs[j]! <= band;
  for (let k = 0; k + w <= n; k++) {
    if (!within(k)) continue;
    let count = 0;
    for (let j = k; j < k + w; j++) if (within(j)) count++;
    if (count * 2 > w) return k;
  }
  return null;
}

export const warmupPhase: PhaseModule<WarmupSettings> = {
  kind: 'warmup',

  check(raw, path, ctx) {
    const before = ctx.issues.length;
    const o = checkObject(raw, path, ctx, {
      kind: required(check.oneOf(['warmup'])),
      name: optional(check.string()),
      requests: required(check.int(1, 10_000)),
      interval: optional(check.durationMs()),
      coldFirst: optional(check.boolean()),
      idleWindow: optional(check.durationMs()),
    });
    if (!o || ctx.issues.length > before) return undefined;
    if (o.idleWindow !== undefined && o.coldFirst === false) {
      ctx.issues.push({ file: ctx.file, field: `${path}.idleWindow`, message: 'not used with coldFirst: false' });
      return undefined;
    }
    return {
      name: o.name ?? 'warmup',
      requests: o.requests,
      intervalMs: o.interval ?? 100,
      coldFirst: o.coldFirst ?? true,
      ...(o.idleWindow !== undefined ? { idleWindowMs: o.idleWindow } : {}),
    };
  },

  describe(s) {
    return `warmup: ${s.requests} in a row, ${s.intervalMs} ms apart${s.coldFirst ? ', from a cold instance' : ''}`;
  },

  requires(s) {
    if (!s.coldFirst || s.idleWindowMs !== undefined) return [];
    return [
      {
        capability: 'forceCold',
        field: 'coldFirst',
        message: `warmup "${s.name}" starts from a cold instance (coldFirst, default true): set coldFirst: false to warm up from whatever state the function is in, or idleWindow (e.g. '10m') to wait for idle instances to be reaped first`,
      },
    ];
  },

  async run(s, ctx) {
    if (s.coldFirst) {
      if (ctx.capabilities.forceCold) {
        ctx.progress('forcing a cold instance');
        await ctx.forceCold();
      } else if (s.idleWindowMs !== undefined) {
        ctx.progress(`waiting ${s.idleWindowMs} ms for idle instances to be reaped`);
        await sleep(s.idleWindowMs, ctx.signal);
      } else {
        throw FxError.runFailed(
          `warmup ${s.name}: starting cold needs a driver that can force cold starts (capability forceCold) or an idleWindow to wait first; or set coldFirst: false`,
        );
      }
    }
    ctx.progress(`${s.requests} invocations, ${s.intervalMs} ms apart`);
    const latenciesMs: number[] = [];
    const startNs = nowNs();
    for (let seq = 0; seq < s.requests; seq++) {
      if (ctx.signal.aborted) return;
      const dueNs = startNs + seq * s.intervalMs * 1e6;
      const waitMs = (dueNs - nowNs()) / 1e6;
      if (waitMs > 0) await sleep(waitMs, ctx.signal);
      if (ctx.signal.aborted) return;
      // Sends never overlap: when the previous response came back after this one
      // was due, the series is late by design and latency counts from the send.
      const r = await invokeWithReport(ctx, 1, seq, Math.max(dueNs, nowNs()));
      if (!r) return;
      latenciesMs.push(r.errorClass ? Infinity : r.latencyUs / 1000);
    }
    const settledAfter = settlePoint(latenciesMs);
    ctx.annotate?.(1, {
      settledAfter,
      latencyByInvocationMs: latenciesMs.map((ms) => (Number.isFinite(ms) ? ms : null)),
      ...(s.coldFirst ? { forcedCold: ctx.capabilities.forceCold } : {}),
    });
    ctx.progress(
      settledAfter === null
        ? 'latency never settled'
        : `latency settled after ${settledAfter} invocation${settledAfter === 1 ? '' : 's'}`,
    );
  },
};
