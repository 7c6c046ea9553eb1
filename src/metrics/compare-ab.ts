/**
 * The A/B verdict: the candidate arm against the baseline arm of one A/B run
 * (scenarios/ab.ts), from paired blocks. Blocks 2k and 2k+1 (one of each arm,
 * adjacent in time, ABBA order) form pair k; each metric is computed per block
 * (a block's own p50, p90, p99, rates from its histograms and counters) and the
 * pairs' differences are tested:
 *
 * - relative allowances (`+10%`): d = ln(candidate / baseline) per pair, the
 *   change is exp(mean d) − 1;
 * - absolute allowances (`+5ms`, `+0.05`): d = candidate − baseline.
 *
 * A paired one-sided t-test on d (n − 1 degrees of freedom) gives a 97.5% lower
 * bound on the mean difference. A metric is a regression when the change is
 * beyond its allowance AND the lower bound is above zero (the candidate is
 * credibly worse); `improved` is the mirror image. Drift that moves both blocks
 * of a pair alike cancels in d, which is why an A/B gate tolerates a noisy
 * machine that a history window would have to absorb into a wide band.
 * Fewer than 3 complete pairs: n/a.
 */
import { FxError } from '../model/errors.ts';
import type { Result, TargetResult } from '../model/result.ts';
import { median } from './band.ts';
import { metricValue, targetFigures, type MetricRule } from './compare-metrics.ts';
import type { CompareVerdict, MetricComparison } from './compare.ts';
import { DEFAULT_ALPHA, studentTQuantile } from './significance.ts';

/** Fewest complete pairs for a verdict. */
export const MIN_AB_PAIRS = 3;

const UNITS = { latency: 'ms', rate: 'fraction', cost: 'USD/1M' } as const;

/** A target's phases of one block, as a target of their own. */
function blockTarget(t: TargetResult, block: number): TargetResult {
  return { ...t, phases: t.phases.filter((p) => p.abBlock === block), summary: null };
}

/** The pairs of an A/B result: for each, the block numbers of the baseline and the candidate. */
export function abPairs(order: ('A' | 'B')[]): { a: number; b: number }[] {
  const pairs: { a: number; b: number }[] = [];
  for (let k = 0; 2 * k + 1 < order.length; k++) {
    const x = 2 * k;
    const y = x + 1;
    if (order[x] === order[y]) continue;
    pairs.push(order[x] === 'A' ? { a: x, b: y } : { a: y, b: x });
  }
  return pairs;
}

/** Judges the candidate against the baseline of an A/B result. Throws FxError (exit 2) when it is not one. */
export function compareAB(result: Result, rules: MetricRule[], alpha = DEFAULT_ALPHA, file?: string): CompareVerdict {
  const ab = result.ab;
  if (!ab)
    throw FxError.invalid([
      { file, field: 'ab', message: 'not an A/B run (the scenario names no ab: { baseline, candidate })' },
    ]);
  const A = result.targets.find((t) => t.name === ab.baseline);
  const B = result.targets.find((t) => t.name === ab.candidate);
  if (!A || !B)
    throw FxError.invalid([
      { file, field: 'targets', message: `the A/B run lacks target ${JSON.stringify(A ? ab.candidate : ab.baseline)}` },
    ]);
  const pairs = abPairs(ab.order);
  const notes: string[] = [];
  if (pairs.length < ab.blocks / 2)
    notes.push(`${pairs.length} of ${ab.blocks / 2} planned pairs ran: the verdict rests on those`);
  if (B.error || A.error) {
    const error = B.error ?? `the baseline failed: ${A.error}`;
    return verdictOf(result, ab, [{ target: B.name, metrics: [], error, regressions: 1 }], notes, alpha, file);
  }
  const figures = (t: TargetResult, block: number) => targetFigures(blockTarget(t, block));
  const per = pairs.map((p) => ({ a: figures(A, p.a), b: figures(B, p.b) }));
  const metrics = rules.map((r) =>
    judgePairs(
      r,
      per.map((x) => [metricValue(x.a, r.metric), metricValue(x.b, r.metric)]),
      alpha,
    ),
  );
  const target = {
    target: `${B.name} vs ${A.name}`,
    metrics,
    regressions: metrics.filter((m) => m.verdict === 'regression').length,
  };
  return verdictOf(result, ab, [target], notes, alpha, file);
}

function verdictOf(
  result: Result,
  ab: NonNullable<Result['ab']>,
  targets: CompareVerdict['targets'],
  notes: string[],
  alpha: number,
  file?: string,
): CompareVerdict {
  const regressions = targets.reduce((n, t) => n + t.regressions, 0);
  if (result.interrupted) notes.push('the run was interrupted: its figures are partial');
  return {
    baseline: { file: `target ${ab.baseline}`, scenario: result.scenario?.name ?? '', startedAt: result.startedAt },
    current: {
      file: file ?? `target ${ab.candidate}`,
      scenario: result.scenario?.name ?? '',
      startedAt: result.startedAt,
    },
    targets,
    regressions,
    ok: regressions === 0,
    notes,
    alpha,
    mode: 'ab',
    abPairs: abPairs(ab.order).length,
  };
}

/** One metric over the pairs' [baseline, candidate] figures (nulls: a block without the figure). */
export function judgePairs(rule: MetricRule, pairs: [number | null, number | null][], alpha = DEFAULT_ALPHA) {
  const m = rule.metric;
  const a = rule.allowance;
  const relative = a.kind === 'relative';
  const usable = pairs.filter(
    (p): p is [number, number] => p[0] !== null && p[1] !== null && (!relative || (p[0] > 0 && p[1] > 0)),
  );
  const out: MetricComparison = {
    metric: m.name,
    kind: m.kind,
    unit: UNITS[m.kind],
    baseline: usable.length ? median(usable.map((p) => p[0])) : null,
    current: usable.length ? median(usable.map((p) => p[1])) : null,
    change: null,
    allowance: a,
    allowanceText: rule.allowanceText,
    verdict: 'n/a',
    samples: { baseline: usable.length, current: usable.length },
  };
  if (usable.length < MIN_AB_PAIRS) {
    out.note = `${usable.length} pair${usable.length === 1 ? '' : 's'} with this figure on both sides; ${MIN_AB_PAIRS} are needed`;
    return out;
  }
  const d = usable.map(([x, y]) => (relative ? Math.log(y / x) : y - x));
  const n = d.length;
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(1 - alpha, n - 1) * (sd / Math.sqrt(n));
  const lower = mean - half;
  const upper = mean + half;
  const show = (x: number) => (relative ? Math.exp(x) - 1 : x);
  out.change = show(mean);
  const limit = relative ? Math.log(1 + a.fraction) : a.amount;
  const beyond = mean > limit;
  const below = mean < -limit;
  const fmt = (x: number) =>
    relative
      ? `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`
      : `${x >= 0 ? '+' : '−'}${+Math.abs(x).toPrecision(3)}${m.kind === 'latency' ? ' ms' : ''}`;
  const interval = `paired over ${n} block pairs: ${fmt(show(mean))}, ${+((1 - 2 * alpha) * 100).toFixed(1)}% interval ${fmt(show(lower))} … ${fmt(show(upper))}`;
  if (beyond && lower > 0) out.verdict = 'regression';
  else if (below && upper < 0) out.verdict = 'improved';
  else if (beyond) {
    out.verdict = 'noise';
    out.note = `beyond the allowance, but not credibly worse (${interval})`;
    return out;
  } else out.verdict = 'ok';
  out.note = interval;
  return out;
}
