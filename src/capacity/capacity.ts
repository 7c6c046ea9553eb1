import type { InitSplit, LatencySummary, Result, TargetResult } from '../model/result.ts';
import { INIT_WAIT_NOTE_MS } from '../metrics/figures.ts';
import { planningFor } from '../drivers/registry.ts';
import type { ProviderCost, ScalingLimits } from '../model/planning.ts';
import { fmt, fmtCount } from './format.ts';
import { coldFigures, coldStartsPerMonth, measuredWarmCost, memoryOptions, nodePlan, sloVerdict } from './figures.ts';
import { throttling } from './throttling.ts';
import { MONTH_S, type CapacityPlan, type Figure, type PlanOptions, type TargetPlan } from './types.ts';

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
  const missing: string[] = [];
  const pricing = planningFor(provider).cost;
  const k = opts.instanceConcurrency ?? limits.instanceConcurrency;
  const occ = occupancy(t, opts, k, missing);
  const plan: TargetPlan = {
    target: t.name,
    provider,
    measuredOn: t.provider,
    concurrencyMean: occ.concurrencyMean,
    concurrencyP99: occ.concurrencyP99,
    instances: occ.instances,
    monthlyRequests: { value: null, from: '' },
    perInvocationUSD: { value: null, from: '' },
    monthlyUSD: { value: null, from: '' },
    coldStartsPerMonth: { value: null, from: '' },
    coldShare: { value: null, from: '' },
    missing,
  };
  if (opts.peakRps !== undefined) plan.peak = peakPlan(t, opts, limits, k, occ, missing);
  if (opts.p99SloMs !== undefined) plan.slo = sloVerdict(t, opts.rps, opts.p99SloMs, missing);

  // Monthly volume and cost.
  const monthly = opts.monthlyRequests ?? opts.rps * MONTH_S;
  plan.monthlyRequests = {
    value: monthly,
    from: opts.monthlyRequests !== undefined ? 'given' : `${fmt(opts.rps)} req/s sustained for 30 days`,
  };
  plan.coldStartsPerMonth = coldStartsPerMonth(t, plan, opts, monthly);
  if (pricing.kind !== 'self-hosted' && occ.warm) managedCosts(t, provider, pricing, occ, opts, monthly, plan);
  else if (!occ.warm) plan.perInvocationUSD = { value: null, from: 'no latency measured' };
  if (pricing.kind === 'self-hosted') plan.nodes = nodePlan(t, opts, missing);
  return plan;
}

/** What one invocation occupies, from the warm latency measured, and the concurrency and instances that follows. */
interface Occupancy {
  warm: LatencySummary | null;
  /** Which latency `warm` is, for the `from` texts. */
  wFrom: string;
  /** p99 occupancy of one invocation, s; null when no latency was measured. */
  wP99S: number | null;
  concurrencyMean: Figure;
  concurrencyP99: Figure;
  instances: Figure;
}

function occupancy(t: TargetResult, opts: PlanOptions, k: number, missing: string[]): Occupancy {
  const s = t.summary!;
  // Occupancy per invocation: warm client latency (an upper bound on the
  // function's own duration: it includes the network hop).
  const warm = s.warmLatencyMs ?? s.latencyMs;
  const wFrom = s.warmLatencyMs ? 'warm latency' : 'latency (no warm/cold split measured)';
  const wP99S = warm ? warm.p99 / 1000 : null;
  if (!warm) missing.push('no latency measured');
  const concurrencyMean: Figure = !warm
    ? { value: null, from: 'no latency measured' }
    : {
        value: opts.rps * (warm.mean / 1000),
        from: `Little's law: ${fmt(opts.rps)} req/s × ${fmt(warm.mean, 2)} ms mean ${wFrom}`,
      };
  const concurrencyP99: Figure =
    !warm || wP99S === null
      ? { value: null, from: 'no latency measured' }
      : {
          value: opts.rps * wP99S,
          from: `Little's law on the p99: ${fmt(opts.rps)} req/s × ${fmt(warm.p99, 2)} ms p99 ${wFrom}`,
        };
  const instances: Figure = {
    value: concurrencyP99.value === null ? null : Math.max(1, Math.ceil(concurrencyP99.value / k)),
    from: `p99 concurrency / ${k} invocation${k > 1 ? 's' : ''} per instance`,
  };
  return { warm, wFrom, wP99S, concurrencyMean, concurrencyP99, instances };
}

/** Peak: new instances are cold starts; limits decide throttling. */
function peakPlan(
  t: TargetResult,
  opts: PlanOptions,
  limits: ScalingLimits,
  k: number,
  occ: Occupancy,
  missing: string[],
): TargetPlan['peak'] {
  const burstCold = coldFigures(t);
  const instancesNeeded = occ.instances.value;
  if (opts.peakRps === undefined || occ.wP99S === null || instancesNeeded === null || !occ.warm) return undefined;
  const durationS = opts.peakDurationS ?? 300;
  const peakInstances = Math.max(1, Math.ceil((opts.peakRps * occ.wP99S) / k));
  const newInstances = Math.max(0, peakInstances - instancesNeeded);
  const throttle = throttling(instancesNeeded, peakInstances, limits, durationS, k / occ.wP99S);
  if (burstCold.latency.value === null) missing.push('no cold start measured: cold-start latency at the peak unknown');
  return {
    instances: {
      value: peakInstances,
      from: `Little's law: ${fmt(opts.peakRps)} req/s × ${fmt(occ.warm.p99, 2)} ms p99 / ${k} per instance`,
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
}

/**
 * Where the measured inits waited for a CPU (PhaseResult.initSplit: the local
 * runtime's instances booting together on this machine's cores), a note that the
 * init billed holds that wait; a platform gives each instance a CPU share of its own.
 */
function initWaitNote(s: InitSplit | undefined): string {
  if (!s || s.waitMs < INIT_WAIT_NOTE_MS) return '';
  return ` (of the measured inits, mean ${fmt(s.initMs, 1)} ms, ${fmt(s.waitMs, 1)} ms waited for a CPU on the runtime machine and ${fmt(s.cpuMs, 1)} ms ran on one: a platform with a CPU share per instance would bill less)`;
}

/** Per-invocation and monthly cost on a provider billed per invocation, the cold starts' share, the memory options. */
function managedCosts(
  t: TargetResult,
  provider: string,
  pricing: ProviderCost,
  occ: Occupancy,
  opts: PlanOptions,
  monthly: number,
  plan: TargetPlan,
): void {
  const warm = occ.warm!;
  const coldPerMonth = plan.coldStartsPerMonth;
  const memoryMB = t.memoryMB ?? 128;
  const measured = measuredWarmCost(t, provider);
  const perInvocation = measured ?? {
    value: pricing.invocationUSD({ durationMs: warm.mean, memoryMB }),
    from: `${pricing.source}: ${memoryMB} MB × ${fmt(warm.mean, 2)} ms mean ${occ.wFrom} (client-side: overstates the billed duration)`,
  };
  plan.perInvocationUSD = perInvocation;
  const initMs = t.summary!.initDurationMs?.p50 ?? null;
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
          from: `${fmtCount(coldPerMonth.value ?? 0)} cold starts × ${fmt(initMs!, 1)} ms init p50 billed${initWaitNote(t.summary!.initSplit)}`,
        };
  const sweep = memoryOptions(t, monthly, opts.p99SloMs);
  if (!sweep.length) return;
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
