/**
 * The figures a capacity plan derives from a measured target besides
 * concurrency: cold-start latency, the SLO verdict, cold starts per month, the
 * measured warm cost, memory options and self-hosted nodes. Each says what it was
 * computed from, or why it is unknown.
 */
import { decodeHistogram, mergeHistograms, percentileMs } from '../metrics/histogram.ts';
import type { PhaseResult, TargetResult } from '../model/result.ts';
import { planningFor } from '../drivers/registry.ts';
import { fmt } from './format.ts';
import { MONTH_HOURS, type Figure, type MemoryOption, type PlanOptions, type TargetPlan } from './types.ts';

/**
 * Fewest invocations at a rate a p99 verdict is read from: with fewer than 100
 * samples the "p99" is the largest sample, one outlier's word. Below it the plan
 * says "not measured" and names the phase that would measure it.
 */
export const MIN_P99_SAMPLES = 100;

/** Phase kinds that hold a rate (open load), so their latency and throughput are figures *at* a rate. */
const RATE_KINDS = new Set(['steady', 'ramp']);

/** What would measure the SLO or capacity at `rps`, in words. */
function wouldMeasure(rps: number): string {
  return `a steady phase at ${fmt(rps)} req/s for at least ${Math.ceil(MIN_P99_SAMPLES / Math.max(rps, 1e-9))} s (${MIN_P99_SAMPLES} invocations), or a ramp phase through ${fmt(rps)} req/s, would measure it`;
}

/** Cold-start latency measured in the run (cold p50), for the peak figure. */
export function coldFigures(t: TargetResult): { latency: Figure } {
  const c = t.summary?.coldLatencyMs;
  return {
    latency: c
      ? { value: c.p50, from: `cold-start latency p50 measured over ${t.summary!.coldStarts} cold starts` }
      : { value: null, from: 'no cold start measured in this run' },
  };
}

/** Whether the p99 SLO holds at `rps`, from the ramp knee, steady phases, or (said so) extrapolated. */
export function sloVerdict(
  t: TargetResult,
  rps: number,
  sloMs: number,
  missing: string[],
): NonNullable<TargetPlan['slo']> {
  const steps = t.ramp?.steps ?? [];
  if (steps.length) {
    const tested = Math.max(...steps.map((x) => x.rateRps));
    const meeting = steps.filter((x) => x.p99Ms !== null && x.p99Ms <= sloMs && x.ok).map((x) => x.rateRps);
    const best = meeting.length ? Math.max(...meeting) : null;
    if (rps <= tested) {
      // The slowest step at or above the planned rate decides.
      const at = steps.filter((x) => x.rateRps >= rps).sort((a, b) => a.rateRps - b.rateRps)[0]!;
      // Its invocations, from the step's phase round (results without them are trusted as they are).
      const stepPhases = t.phases.filter((p) => p.kind === 'ramp' && p.rateRps === at.rateRps);
      const n = stepPhases.reduce((a, p) => a + p.requests, 0);
      if (stepPhases.length && n < MIN_P99_SAMPLES) {
        missing.push(
          `SLO at ${fmt(rps)} req/s not measured: the ramp step at ${fmt(at.rateRps)} req/s had ${n} invocations`,
        );
        return {
          p99Ms: sloMs,
          basis: 'not measured',
          holds: {
            value: null,
            from: `not measured: the ramp step at ${fmt(at.rateRps)} req/s had ${n} invocations, fewer than the ${MIN_P99_SAMPLES} a p99 needs; a longer ramp (or ${wouldMeasure(rps)})`,
          },
        };
      }
      const holds = at.p99Ms !== null && at.p99Ms <= sloMs && at.ok;
      return {
        p99Ms: sloMs,
        basis: 'measured',
        holds: {
          value: holds,
          from: `ramp step at ${fmt(at.rateRps)} req/s: p99 ${at.p99Ms === null ? '-' : fmt(at.p99Ms, 1)} ms${best !== null ? `; highest step within ${sloMs} ms: ${fmt(best)} req/s` : ''}`,
        },
      };
    }
    missing.push(`ramp went to ${fmt(tested)} req/s: SLO at ${fmt(rps)} req/s not measured`);
    const last = [...steps].sort((a, b) => b.rateRps - a.rateRps)[0]!;
    const ok = last.p99Ms !== null && last.p99Ms <= sloMs && last.ok;
    return {
      p99Ms: sloMs,
      basis: 'extrapolated',
      holds: {
        value: ok ? null : false,
        from: ok
          ? `ramp stopped at ${fmt(tested)} req/s still within the SLO: unknown above`
          : `already broken at ${fmt(last.rateRps)} req/s (p99 ${fmt(last.p99Ms ?? NaN, 1)} ms)`,
      },
    };
  }
  const atRate = t.phases.filter(
    (p) => p.kind === 'steady' && p.rateRps !== undefined && p.rateRps >= rps && p.latencyMs,
  );
  const steady = atRate.filter((p) => p.requests >= MIN_P99_SAMPLES);
  if (steady.length) {
    const at = steady.sort((a, b) => a.rateRps! - b.rateRps!)[0]!;
    return {
      p99Ms: sloMs,
      basis: 'measured',
      holds: {
        value: at.latencyMs!.p99 <= sloMs,
        from: `steady phase at ${fmt(at.rateRps!)} req/s: p99 ${fmt(at.latencyMs!.p99, 1)} ms`,
      },
    };
  }
  // Without a phase at the rate, latency measured otherwise (a burst: everything at once, then
  // nothing; a steady phase too short or too slow) says nothing about the p99 at this rate.
  missing.push(`no ramp phase: SLO at ${fmt(rps)} req/s not measured`);
  const short = atRate.sort((a, b) => a.rateRps! - b.rateRps!)[0];
  const kinds = [...new Set(t.phases.map((p) => p.kind))].join(', ') || 'none';
  return {
    p99Ms: sloMs,
    basis: 'not measured',
    holds: {
      value: null,
      from: short
        ? `not measured: the steady phase at ${fmt(short.rateRps!)} req/s had ${short.requests} invocations, fewer than the ${MIN_P99_SAMPLES} a p99 needs; ${wouldMeasure(rps)}`
        : `not measured: no phase of this run ran at ${fmt(rps)} req/s or more (phases: ${kinds}); ${wouldMeasure(rps)}`,
    },
  };
}

/** Cold starts per month: the peaks' new instances, plus the measured cold rate of steady load. */
export function coldStartsPerMonth(t: TargetResult, plan: TargetPlan, opts: PlanOptions, monthly: number): Figure {
  const parts: string[] = [];
  let total = 0;
  if (plan.peak?.coldStarts.value != null) {
    const peaks = opts.peaksPerMonth ?? 30;
    total += plan.peak.coldStarts.value * peaks;
    parts.push(
      `${plan.peak.coldStarts.value} per peak × ${peaks} peaks${opts.peaksPerMonth === undefined ? ' (assumed daily)' : ''}`,
    );
  }
  // Steady-state cold rate: steady and ramp phases after the target's first phase
  // (the first one scales the function up from zero; its cold starts are not steady state).
  const steady = t.phases.slice(1).filter((p) => p.kind === 'steady' || p.kind === 'ramp');
  const req = steady.reduce((a, p) => a + p.requests, 0);
  if (req) {
    const rate = steady.reduce((a, p) => a + p.coldStarts, 0) / req;
    total += rate * monthly;
    parts.push(
      `steady-state cold rate ${(rate * 100).toFixed(3)}% (${req} invocations after the first phase) × monthly requests`,
    );
  }
  return parts.length
    ? { value: total, from: parts.join(' + ') }
    : { value: null, from: 'no peak given and no steady phase measured' };
}

/** Warm per-invocation cost measured in the run, when its billing is the planned provider's. */
export function measuredWarmCost(t: TargetResult, provider: string): Figure | null {
  const sameBilling = t.provider === provider || (planningFor(t.provider).billedAs ?? []).includes(provider);
  if (!sameBilling) return null;
  const warmPhases = t.phases.filter((p) => p.coldStarts === 0 && p.cost && p.requests > 0);
  const req = warmPhases.reduce((a, p) => a + p.requests, 0);
  if (!req) return null;
  const usd = warmPhases.reduce((a, p) => a + p.cost!.perInvocationUSD * p.requests, 0) / req;
  return { value: usd, from: `measured billed cost of ${req} warm invocations (${warmPhases[0]!.cost!.priceSource})` };
}

/** Memory sweep: per size, p99 (recomputed from histograms), cost per 1M, monthly cost, SLO. */
export function memoryOptions(t: TargetResult, monthly: number, sloMs?: number): MemoryOption[] {
  const bySize = new Map<number, PhaseResult[]>();
  for (const p of t.phases)
    if (p.memoryMB !== undefined) bySize.set(p.memoryMB, [...(bySize.get(p.memoryMB) ?? []), p]);
  return [...bySize.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([memoryMB, phases]) => {
      const h = mergeHistograms(phases.map((p) => decodeHistogram(p.histograms.all)));
      const p99Ms = h.totalCount ? percentileMs(h, 99) : null;
      const costed = phases.filter((p) => p.cost);
      const req = costed.reduce((a, p) => a + p.requests, 0);
      const per = req ? costed.reduce((a, p) => a + p.cost!.perInvocationUSD * p.requests, 0) / req : null;
      return {
        memoryMB,
        p99Ms,
        perMillionUSD: per === null ? null : per * 1e6,
        monthlyUSD: per === null ? null : per * monthly,
        meetsSlo: sloMs === undefined || p99Ms === null ? null : p99Ms <= sloMs,
      };
    });
}

/** Self-hosted: nodes needed at the measured per-node throughput, and their cost. */
export function nodePlan(t: TargetResult, opts: PlanOptions, missing: string[]): NonNullable<TargetPlan['nodes']> {
  let perNode: Figure;
  if (t.ramp?.kneeRps)
    perNode = { value: t.ramp.kneeRps, from: 'ramp knee (highest rate within the ramp SLO) on the measured node' };
  else {
    // Only phases held at a rate for enough invocations show what a node sustains; a burst's
    // throughput is how fast one wave drained, not a rate the node keeps up.
    const sustained = t.phases.filter((p) => RATE_KINDS.has(p.kind) && p.requests >= MIN_P99_SAMPLES);
    const best = Math.max(0, ...sustained.map((p) => p.throughputRps));
    const kinds = [...new Set(t.phases.map((p) => p.kind))].join(', ') || 'none';
    perNode = best
      ? {
          value: best,
          from: `highest throughput of a steady or ramp phase with at least ${MIN_P99_SAMPLES} invocations (a lower bound: no ramp knee)`,
        }
      : {
          value: null,
          from: `not measured: no steady or ramp phase with at least ${MIN_P99_SAMPLES} invocations (phases: ${kinds}); a ramp phase (its knee is the per-node capacity) would measure it`,
        };
    if (!t.ramp)
      missing.push(
        best
          ? 'no ramp phase: per-node capacity is the highest sustained throughput seen, a lower bound'
          : 'no ramp phase: per-node capacity not measured',
      );
  }
  const nodes: Figure = perNode.value
    ? {
        value: Math.ceil(opts.rps / perNode.value),
        from: `${fmt(opts.rps)} req/s / ${fmt(perNode.value)} req/s per node`,
      }
    : { value: null, from: perNode.from };
  const peakNodes: Figure | undefined =
    opts.peakRps !== undefined && perNode.value
      ? {
          value: Math.ceil(opts.peakRps / perNode.value),
          from: `${fmt(opts.peakRps)} req/s / ${fmt(perNode.value)} req/s per node`,
        }
      : undefined;
  const monthlyUSD: Figure =
    opts.nodePriceHourUSD === undefined
      ? { value: null, from: 'no node price: pass --node-price-hour' }
      : nodes.value === null
        ? { value: null, from: nodes.from }
        : {
            value: nodes.value * MONTH_HOURS * opts.nodePriceHourUSD,
            from: `${nodes.value} nodes × ${MONTH_HOURS} h × $${opts.nodePriceHourUSD}/h (given)`,
          };
  if (opts.nodePriceHourUSD === undefined)
    missing.push('no node price: self-hosted monthly cost not computed (--node-price-hour)');
  return { perNodeRps: perNode, nodes, peakNodes, monthlyUSD };
}
