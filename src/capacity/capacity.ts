/**
 * Capacity planning: turns a measured run (results.json) into what launch day
 * needs, per target and per provider — concurrency (Little's law), instances,
 * cold starts and throttling when a peak arrives, whether the p99 SLO holds,
 * the monthly bill and its cold-start share, the cheapest memory size, nodes for
 * self-hosted platforms. Pure arithmetic on the Result: every figure says what
 * it was computed from, and an input the run lacks is named, never invented.
 */
import { decodeHistogram, mergeHistograms, percentileMs } from '../metrics/histogram.ts';
import type { PhaseResult, Result, TargetResult } from '../model/result.ts';
import { planningFor } from '../drivers/registry.ts';
import type { ScalingLimits } from '../model/planning.ts';
import { fmt } from './format.ts';
import { throttling } from './throttling.ts';
import {
  MONTH_HOURS,
  MONTH_S,
  type CapacityPlan,
  type Figure,
  type MemoryOption,
  type PlanOptions,
  type TargetPlan,
} from './types.ts';

/** Plans every target of a result for every requested provider. */
export function planCapacity(result: Result, opts: PlanOptions): CapacityPlan {
  const targets: TargetPlan[] = [];
  const limitsUsed: Record<string, ScalingLimits> = {};
  for (const t of result.targets) {
    if (!t.summary) continue;
    const providers = opts.providers?.length
      ? opts.providers
      : [t.provider, ...(planningFor(t.provider).billedAs ?? [])];
    for (const provider of providers) {
      const limits = { ...planningFor(provider).limits, ...(opts.limits?.[provider] ?? {}) };
      limitsUsed[provider] = limits;
      targets.push(planTarget(t, provider, limits, opts));
    }
  }
  return {
    planVersion: 1,
    from: { scenario: result.scenario.name, startedAt: result.startedAt },
    options: opts,
    targets,
    limits: limitsUsed,
  };
}

/** Plans one target on one provider. Exported for tests. */
export function planTarget(t: TargetResult, provider: string, limits: ScalingLimits, opts: PlanOptions): TargetPlan {
  const s = t.summary!;
  const missing: string[] = [];
  const pricing = planningFor(provider).cost;
  const selfHosted = pricing.kind === 'self-hosted';
  const k = opts.instanceConcurrency ?? limits.instanceConcurrency;

  // Occupancy per invocation: warm client latency (an upper bound on the
  // function's own duration: it includes the network hop).
  const warm = s.warmLatencyMs ?? s.latencyMs;
  const wFrom = s.warmLatencyMs ? 'warm latency' : 'latency (no warm/cold split measured)';
  const wMeanS = warm ? warm.mean / 1000 : null;
  const wP99S = warm ? warm.p99 / 1000 : null;
  if (!warm) missing.push('no latency measured');

  const concurrencyMean: Figure =
    wMeanS === null
      ? { value: null, from: 'no latency measured' }
      : {
          value: opts.rps * wMeanS,
          from: `Little's law: ${fmt(opts.rps)} req/s × ${fmt(warm!.mean, 2)} ms mean ${wFrom}`,
        };
  const concurrencyP99: Figure =
    wP99S === null
      ? { value: null, from: 'no latency measured' }
      : {
          value: opts.rps * wP99S,
          from: `Little's law on the p99: ${fmt(opts.rps)} req/s × ${fmt(warm!.p99, 2)} ms p99 ${wFrom}`,
        };
  const instancesNeeded = concurrencyP99.value === null ? null : Math.max(1, Math.ceil(concurrencyP99.value / k));
  const instances: Figure = {
    value: instancesNeeded,
    from: `p99 concurrency / ${k} invocation${k > 1 ? 's' : ''} per instance`,
  };

  const plan: TargetPlan = {
    target: t.name,
    provider,
    measuredOn: t.provider,
    concurrencyMean,
    concurrencyP99,
    instances,
    monthlyRequests: { value: null, from: '' },
    perInvocationUSD: { value: null, from: '' },
    monthlyUSD: { value: null, from: '' },
    coldStartsPerMonth: { value: null, from: '' },
    coldShare: { value: null, from: '' },
    missing,
  };

  // Peak: new instances are cold starts; limits decide throttling.
  const burstCold = coldFigures(t);
  if (opts.peakRps !== undefined && wP99S !== null && instancesNeeded !== null) {
    const durationS = opts.peakDurationS ?? 300;
    const peakInstances = Math.max(1, Math.ceil((opts.peakRps * wP99S) / k));
    const newInstances = Math.max(0, peakInstances - instancesNeeded);
    const throttle = throttling(instancesNeeded, peakInstances, limits, durationS, k / wP99S);
    plan.peak = {
      instances: {
        value: peakInstances,
        from: `Little's law: ${fmt(opts.peakRps)} req/s × ${fmt(warm!.p99, 2)} ms p99 / ${k} per instance`,
      },
      coldStarts: {
        value: newInstances,
        from: `${peakInstances} instances at the peak − ${instancesNeeded} already warm at ${fmt(opts.rps)} req/s`,
      },
      coldStartMs: burstCold.latency,
      throttled: throttle.throttled,
      throttledRequests: throttle.requests,
      scaleUpS: throttle.scaleUpS,
    };
    if (burstCold.latency.value === null)
      missing.push('no cold start measured: cold-start latency at the peak unknown');
  }

  // SLO.
  if (opts.p99SloMs !== undefined) plan.slo = sloVerdict(t, opts.rps, opts.p99SloMs, missing);

  // Monthly volume and cost.
  const monthly = opts.monthlyRequests ?? opts.rps * MONTH_S;
  plan.monthlyRequests = {
    value: monthly,
    from: opts.monthlyRequests !== undefined ? 'given' : `${fmt(opts.rps)} req/s sustained for 30 days`,
  };
  const coldPerMonth = coldStartsPerMonth(t, plan, opts, monthly);
  plan.coldStartsPerMonth = coldPerMonth;
  if (!selfHosted && warm) {
    const memoryMB = t.memoryMB ?? 128;
    const measured = measuredWarmCost(t, provider);
    const perInvocation = measured ?? {
      value: pricing.invocationUSD({ durationMs: warm.mean, memoryMB }),
      from: `${pricing.source}: ${memoryMB} MB × ${fmt(warm.mean, 2)} ms mean ${wFrom} (client-side: overstates the billed duration)`,
    };
    plan.perInvocationUSD = perInvocation;
    const initMs = s.initDurationMs?.p50 ?? null;
    const extraPerCold =
      initMs === null
        ? null
        : pricing.invocationUSD({ durationMs: warm.mean + initMs, memoryMB }) -
          pricing.invocationUSD({ durationMs: warm.mean, memoryMB });
    const coldUSD = extraPerCold === null || coldPerMonth.value === null ? 0 : extraPerCold * coldPerMonth.value;
    const total = perInvocation.value! * monthly + coldUSD;
    plan.monthlyUSD = {
      value: total,
      from: `${fmtCount(monthly)} × per-invocation cost${coldUSD ? ' + cold starts × billed init' : ''}`,
    };
    plan.coldShare =
      extraPerCold === null
        ? { value: null, from: 'no init duration measured' }
        : {
            value: total ? coldUSD / total : 0,
            from: `${fmtCount(coldPerMonth.value ?? 0)} cold starts × ${fmt(initMs!, 1)} ms init p50 billed`,
          };
    const sweep = memoryOptions(t, monthly, opts.p99SloMs);
    if (sweep.length) {
      plan.memory = sweep;
      const ok = sweep
        .filter((m) => m.meetsSlo !== false && m.monthlyUSD !== null)
        .sort((a, b) => a.monthlyUSD! - b.monthlyUSD!);
      plan.cheapestMemoryMB = ok.length
        ? {
            value: ok[0]!.memoryMB,
            from:
              opts.p99SloMs !== undefined
                ? `cheapest memory sweep size with p99 ≤ ${opts.p99SloMs} ms`
                : 'cheapest memory sweep size (no --p99 given)',
          }
        : { value: null, from: `no memory size met p99 ≤ ${opts.p99SloMs} ms` };
    }
  } else if (!warm) {
    plan.perInvocationUSD = { value: null, from: 'no latency measured' };
  }

  if (selfHosted) plan.nodes = nodePlan(t, opts, missing);
  return plan;
}

function fmtCount(n: number): string {
  return n >= 1e6 ? `${fmt(n / 1e6, 2)}M` : n >= 1e3 ? `${fmt(n / 1e3, 1)}k` : fmt(n, 0);
}

/** Cold-start latency measured in the run (cold p50), for the peak figure. */
function coldFigures(t: TargetResult): { latency: Figure } {
  const c = t.summary?.coldLatencyMs;
  return {
    latency: c
      ? { value: c.p50, from: `cold-start latency p50 measured over ${t.summary!.coldStarts} cold starts` }
      : { value: null, from: 'no cold start measured in this run' },
  };
}

/** Whether the p99 SLO holds at `rps`, from the ramp knee, steady phases, or (said so) extrapolated. */
function sloVerdict(t: TargetResult, rps: number, sloMs: number, missing: string[]): NonNullable<TargetPlan['slo']> {
  const steps = t.ramp?.steps ?? [];
  if (steps.length) {
    const tested = Math.max(...steps.map((x) => x.rateRps));
    const meeting = steps.filter((x) => x.p99Ms !== null && x.p99Ms <= sloMs && x.ok).map((x) => x.rateRps);
    const best = meeting.length ? Math.max(...meeting) : null;
    if (rps <= tested) {
      // The slowest step at or above the planned rate decides.
      const at = steps.filter((x) => x.rateRps >= rps).sort((a, b) => a.rateRps - b.rateRps)[0]!;
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
  const steady = t.phases.filter(
    (p) => p.kind === 'steady' && p.rateRps !== undefined && p.rateRps >= rps && p.latencyMs,
  );
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
  missing.push(`no ramp phase: SLO at ${fmt(rps)} req/s not measured`);
  const warm = t.summary?.warmLatencyMs ?? t.summary?.latencyMs;
  if (!warm) return { p99Ms: sloMs, basis: 'not measured', holds: { value: null, from: 'no latency measured' } };
  const measuredRps = Math.max(0, ...t.phases.map((p) => p.throughputRps));
  return {
    p99Ms: sloMs,
    basis: 'extrapolated',
    holds: {
      value: warm.p99 <= sloMs,
      from: `extrapolated: warm p99 ${fmt(warm.p99, 1)} ms measured at up to ${fmt(measuredRps)} req/s, assuming it stays flat to ${fmt(rps)} req/s`,
    },
  };
}

/** Cold starts per month: the peaks' new instances, plus the measured cold rate of steady load. */
function coldStartsPerMonth(t: TargetResult, plan: TargetPlan, opts: PlanOptions, monthly: number): Figure {
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
function measuredWarmCost(t: TargetResult, provider: string): Figure | null {
  const sameBilling = t.provider === provider || (planningFor(t.provider).billedAs ?? []).includes(provider);
  if (!sameBilling) return null;
  const warmPhases = t.phases.filter((p) => p.coldStarts === 0 && p.cost && p.requests > 0);
  const req = warmPhases.reduce((a, p) => a + p.requests, 0);
  if (!req) return null;
  const usd = warmPhases.reduce((a, p) => a + p.cost!.perInvocationUSD * p.requests, 0) / req;
  return { value: usd, from: `measured billed cost of ${req} warm invocations (${warmPhases[0]!.cost!.priceSource})` };
}

/** Memory sweep: per size, p99 (recomputed from histograms), cost per 1M, monthly cost, SLO. */
function memoryOptions(t: TargetResult, monthly: number, sloMs?: number): MemoryOption[] {
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
function nodePlan(t: TargetResult, opts: PlanOptions, missing: string[]): NonNullable<TargetPlan['nodes']> {
  let perNode: Figure;
  if (t.ramp?.kneeRps)
    perNode = { value: t.ramp.kneeRps, from: 'ramp knee (highest rate within the ramp SLO) on the measured node' };
  else {
    const best = Math.max(0, ...t.phases.map((p) => p.throughputRps));
    perNode = best
      ? { value: best, from: 'highest throughput measured in this run (a lower bound: no ramp phase)' }
      : { value: null, from: 'no throughput measured' };
    if (!t.ramp) missing.push('no ramp phase: per-node capacity is the highest throughput seen, a lower bound');
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
