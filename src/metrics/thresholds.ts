/**
 * Threshold evaluation: each checked rule (threshold-parser.ts) against each
 * target it applies to, computed from the Result itself (encoded histograms and
 * counters), so `fxbench run` and anything reading results.json agree. A rule
 * whose figure is missing (the target failed, the phase never ran, no cold
 * start to measure init on) fails with `actual: null`: no data is never a pass.
 */
import type { PhaseResult, TargetResult, ThresholdOutcome } from '../model/result.ts';
import { decodeHistogram, extremesUs, mergeHistograms, percentileMs, type Histogram } from './histogram.ts';
import type { MetricRef, ThresholdOperator, ThresholdSpec } from './threshold-parser.ts';

/** Figures a rule can be evaluated on: phase rounds, or a target's summary. */
type Figures = Omit<PhaseResult, 'name' | 'kind' | 'round'>;

/** Whether `actual <op> expected` holds. */
export function compare(actual: number, op: ThresholdOperator, expected: number): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

/** The phase rounds of `t` a rule's scope selects (every round of every phase without a phase selector). */
export function selectPhases(spec: Pick<ThresholdSpec, 'phase' | 'round'>, t: TargetResult): PhaseResult[] {
  return t.phases.filter(
    (p) =>
      (spec.phase === undefined || p.name === spec.phase) &&
      (spec.round === undefined || (p.round ?? 1) === spec.round),
  );
}

/**
 * Computes a metric over phase rounds (added together exactly: histograms add,
 * counters sum). Null when there is nothing to measure.
 */
export function metricValue(metric: MetricRef, parts: readonly Figures[]): number | null {
  if (!parts.length) return null;
  const src = metric.source;
  if ('histogram' in src) {
    const h = merged(parts, src.histogram);
    if (h.totalCount === 0) return null;
    if (src.stat === 'mean') return h.mean / 1000;
    if (src.stat === 'min' || src.stat === 'max') return extremesUs(h)[src.stat] / 1000;
    return percentileMs(h, src.stat);
  }
  const sum = (f: (p: Figures) => number) => parts.reduce((a, p) => a + f(p), 0);
  const requests = sum((p) => p.requests);
  switch (src.scalar) {
    case 'requests.count':
      return requests;
    case 'instances.count':
      // Distinct instances: known for one phase round, or for a whole target from its summary (evaluateOne
      // passes it). Rounds' counts do not add (one instance serves several) and their ids are not in the
      // result: over several rounds there is no exact figure, so no data.
      return parts.length === 1 ? (parts[0]!.instances ?? null) : null;
    case 'cold.count':
    case 'cold.rate': {
      // Invocations whose cold/warm state is known: the warm and cold histograms hold exactly those.
      // None known: no data (a count of 0 would pass `cold.count == 0` on no signal at all).
      const known = merged(parts, 'warm').totalCount + merged(parts, 'cold').totalCount;
      if (!known) return null;
      return src.scalar === 'cold.count' ? sum((p) => p.coldStarts) : sum((p) => p.coldStarts) / known;
    }
    case 'errors.count':
      return requests - sum((p) => p.ok);
    case 'errors.rate':
      return requests ? (requests - sum((p) => p.ok)) / requests : null;
    case 'throughput.rps': {
      const seconds = sum((p) => (p.throughputRps > 0 ? p.requests / p.throughputRps : 0));
      return seconds > 0 ? requests / seconds : null;
    }
    case 'cost.total':
    case 'cost.perInvocation':
    case 'cost.perMillion': {
      const costed = parts.filter((p) => p.cost);
      if (!costed.length) return null;
      const total = costed.reduce((a, p) => a + p.cost!.totalUSD, 0);
      if (src.scalar === 'cost.total') return total;
      const invocations = costed.reduce(
        (a, p) => a + (p.cost!.perInvocationUSD > 0 ? p.cost!.totalUSD / p.cost!.perInvocationUSD : 0),
        0,
      );
      if (!invocations) return null;
      return src.scalar === 'cost.perInvocation' ? total / invocations : (total / invocations) * 1e6;
    }
    default: {
      const cls = src.scalar.slice('errors.'.length) as keyof PhaseResult['errors'];
      return sum((p) => p.errors[cls] ?? 0);
    }
  }
}

function merged(parts: readonly Figures[], which: 'all' | 'warm' | 'cold' | 'init'): Histogram {
  const list = parts.map((p) => decodeHistogram(p.histograms[which]));
  return list.length === 1 ? list[0]! : mergeHistograms(list);
}

/** Evaluates one rule on one target. */
export function evaluateOne(spec: ThresholdSpec, t: TargetResult): ThresholdOutcome {
  // A whole-target instance count is the summary's, distinct across every phase.
  const whole =
    spec.phase === undefined &&
    spec.round === undefined &&
    'scalar' in spec.metric.source &&
    spec.metric.source.scalar === 'instances.count';
  const parts = whole ? (t.summary && t.phases.length ? [t.summary] : []) : selectPhases(spec, t);
  const actual = metricValue(spec.metric, parts);
  return {
    target: t.name,
    metric: spec.metric.name,
    condition: spec.condition,
    actual,
    ok: actual !== null && compare(actual, spec.op, spec.value),
    ...(spec.phase !== undefined ? { phase: spec.phase } : {}),
    ...(spec.round !== undefined ? { round: spec.round } : {}),
    expected: spec.value,
    ...(spec.abortOnFail ? { abortOnFail: true } : {}),
  };
}

/**
 * Evaluates every rule on every target it applies to (each target that ran,
 * or the one its `target:` selector names), in rule order then target order.
 */
export function evaluateThresholds(
  specs: readonly ThresholdSpec[],
  targets: readonly TargetResult[],
): ThresholdOutcome[] {
  const out: ThresholdOutcome[] = [];
  for (const spec of specs) {
    for (const t of targets) if (spec.target === undefined || spec.target === t.name) out.push(evaluateOne(spec, t));
  }
  return out;
}

/**
 * The first `abortOnFail` rule a target has crossed so far, as
 * `target metric condition (actual …)`, or undefined. Rules whose scope has no
 * data yet (a phase still to come) do not abort.
 */
export function abortingThreshold(specs: readonly ThresholdSpec[], t: TargetResult): string | undefined {
  for (const spec of specs) {
    if (!spec.abortOnFail || (spec.target !== undefined && spec.target !== t.name)) continue;
    const o = evaluateOne(spec, t);
    if (o.actual !== null && !o.ok)
      return `${t.name} ${spec.key} ${spec.condition} (actual ${formatValue(o.actual, spec.metric.unit)})`;
  }
  return undefined;
}

/** Formats a metric value in its unit for tables and messages. */
export function formatValue(v: number | null, unit: MetricRef['unit']): string {
  if (v === null) return 'no data';
  switch (unit) {
    case 'ms':
      return `${+v.toPrecision(4)}ms`;
    case 'fraction':
      return `${+v.toPrecision(4)}`;
    case 'usd':
      return `$${v >= 0.01 ? v.toFixed(4) : v.toPrecision(3)}`;
    case 'count':
      return String(v);
    case 'rps':
      return `${+v.toPrecision(4)}/s`;
  }
}
