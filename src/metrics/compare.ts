/**
 * Compares a run with a baseline, target by target and metric by metric, and
 * returns a verdict (a regression is data, never a throw). Figures are
 * recomputed from the encoded histograms (compare-metrics.ts); a change beyond
 * its allowance is a regression only when it is also credible given the sample
 * counts, i.e. the confidence bounds of the two runs do not overlap
 * (significance.ts: order-statistic bounds for latency quantiles,
 * Clopper–Pearson for rates, a normal approximation for the mean cost).
 *
 * Inputs that cannot be compared (targets present on one side only, a baseline
 * target that failed, a target with fewer requests than `minRequests`) are bad
 * input: FxError, exit 2, naming each.
 */
import { FxError, type Issue } from '../model/errors.ts';
import type { Result } from '../model/result.ts';
import {
  metricSamples,
  metricValue,
  targetFigures,
  type Allowance,
  type MetricRule,
  type MetricSpec,
  type TargetFigures,
} from './compare-metrics.ts';
import type { Band } from './band.ts';
import { DEFAULT_ALPHA, meanBounds, proportionBounds, quantileBounds, type Bounds } from './significance.ts';

/**
 * - `ok`: within its allowance.
 * - `regression`: beyond its allowance, and credibly worse (bounds apart).
 * - `noise`: beyond its allowance, but the samples cannot tell it from noise.
 * - `improved`: better by more than the allowance, and credibly better.
 * - `n/a`: no figure on one side (e.g. no cold starts in either run).
 */
export type MetricVerdict = 'ok' | 'regression' | 'noise' | 'improved' | 'n/a';

/** One compared metric of one target. */
export interface MetricComparison {
  metric: string;
  kind: MetricSpec['kind'];
  /** Unit of baseline/current: ms, a fraction (rates) or USD per million (cost). */
  unit: 'ms' | 'fraction' | 'USD/1M';
  baseline: number | null;
  current: number | null;
  /** current − baseline as a fraction of baseline (relative allowance) or in the unit (absolute); null when either is missing. */
  change: number | null;
  allowance: Allowance;
  allowanceText: string;
  verdict: MetricVerdict;
  /** Samples each figure rests on. */
  samples: { baseline: number; current: number };
  /** Confidence bounds on both figures, used for the credibility test (file and A/B baselines). */
  bounds?: { baseline: Bounds; current: Bounds };
  /** The run-to-run band the figure was judged against (history baselines; `baseline` is then its median and `samples.baseline` its run count). */
  band?: Band;
  /** Why, in words, when the verdict needs one. */
  note?: string;
}

/** One target's comparison. */
export interface TargetComparison {
  target: string;
  metrics: MetricComparison[];
  /** Set when the current run of this target failed: counted as a regression. */
  error?: string;
  regressions: number;
}

/** The outcome of comparing two results. */
export interface CompareVerdict {
  baseline: { file?: string; scenario: string; startedAt: string };
  current: { file?: string; scenario: string; startedAt: string };
  targets: TargetComparison[];
  /** Regressions over all targets (failed targets count as one each). */
  regressions: number;
  /** True when nothing regressed. */
  ok: boolean;
  /** Notes for the reader (interrupted runs, differing providers). */
  notes: string[];
  /** One-sided error of each confidence bound (0 for a history window, which uses a band instead). */
  alpha: number;
  /**
   * What the baseline was: one results file (`file`: sees sampling noise only),
   * a window of accepted runs from the history store (`history`), or the
   * interleaved baseline target of an A/B run (`ab`). Absent means `file`.
   */
  mode?: 'file' | 'history' | 'ab';
  /** The window behind a history verdict. */
  window?: { runs: number; minRuns: number; alpha: number; env: string; labels: string[] };
  /** Set when the verdict cannot fail (too few runs in the window): why. */
  advisory?: string;
  /** A/B verdicts: the block pairs compared. */
  abPairs?: number;
}

/** Options for compareResults. */
export interface CompareOptions {
  rules: MetricRule[];
  /** A target needs at least this many requests on both sides (default 1). */
  minRequests?: number;
  /** One-sided error of each bound (default 0.025: 95% for the pair). */
  alpha?: number;
  /** File names, for messages and reports. */
  baselineFile?: string;
  currentFile?: string;
}

/** `x` raised by its allowance: the most the current figure may be. */
export function allowedMax(x: number, a: Allowance): number {
  return a.kind === 'relative' ? x * (1 + a.fraction) : x + a.amount;
}

/** Compares `current` against `baseline`. Throws FxError (exit 2) when they cannot be compared. */
export function compareResults(baseline: Result, current: Result, opts: CompareOptions): CompareVerdict {
  const minRequests = opts.minRequests ?? 1;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const bFile = opts.baselineFile;
  const cFile = opts.currentFile;
  const issues: Issue[] = [];
  const notes: string[] = [];
  const bNames = baseline.targets.map((t) => t.name);
  const cNames = current.targets.map((t) => t.name);
  for (const n of bNames)
    if (!cNames.includes(n))
      issues.push({
        file: cFile,
        field: 'targets',
        message: `target ${JSON.stringify(n)} is in the baseline but not in the current run (current has: ${cNames.join(', ') || 'none'})`,
      });
  for (const n of cNames)
    if (!bNames.includes(n))
      issues.push({
        file: bFile,
        field: 'targets',
        message: `target ${JSON.stringify(n)} is in the current run but not in the baseline (baseline has: ${bNames.join(', ') || 'none'}); refresh the baseline`,
      });

  const targets: TargetComparison[] = [];
  for (const b of baseline.targets) {
    const c = current.targets.find((t) => t.name === b.name);
    if (!c) continue;
    const bi = baseline.targets.indexOf(b);
    const ci = current.targets.indexOf(c);
    if (b.error) {
      issues.push({
        file: bFile,
        field: `targets[${bi}]`,
        message: `target ${JSON.stringify(b.name)} failed in the baseline (${b.error}); it cannot be compared against`,
      });
      continue;
    }
    if (c.error) {
      targets.push({ target: c.name, metrics: [], error: c.error, regressions: 1 });
      continue;
    }
    const bPhases = [...new Set(b.phases.map((p) => p.name))];
    const cPhases = [...new Set(c.phases.map((p) => p.name))];
    if (bPhases.join('\u0000') !== cPhases.join('\u0000')) {
      issues.push({
        file: cFile,
        field: `targets[${ci}].phases`,
        message: `target ${JSON.stringify(c.name)} ran phases ${cPhases.join(', ') || 'none'} but the baseline ran ${bPhases.join(', ') || 'none'}; compare runs of the same scenario or refresh the baseline`,
      });
      continue;
    }
    if (b.provider !== c.provider || b.function !== c.function)
      notes.push(`${c.name}: baseline ran ${b.provider}/${b.function}, current ${c.provider}/${c.function}`);
    const bf = targetFigures(b);
    const cf = targetFigures(c);
    if (bf.requests < minRequests)
      issues.push({
        file: bFile,
        field: `targets[${bi}]`,
        message: `target ${JSON.stringify(b.name)} has ${bf.requests} requests, fewer than --min-requests ${minRequests}`,
      });
    if (cf.requests < minRequests)
      issues.push({
        file: cFile,
        field: `targets[${ci}]`,
        message: `target ${JSON.stringify(c.name)} has ${cf.requests} requests, fewer than --min-requests ${minRequests}`,
      });
    const metrics = opts.rules.map((r) => compareMetric(r, bf, cf, alpha));
    targets.push({ target: c.name, metrics, regressions: metrics.filter((m) => m.verdict === 'regression').length });
  }
  if (issues.length) throw FxError.invalid(issues);
  if (current.interrupted) notes.push('the current run was interrupted: its figures are partial');
  if (baseline.interrupted) notes.push('the baseline run was interrupted: its figures are partial');
  const regressions = targets.reduce((n, t) => n + t.regressions, 0);
  return {
    baseline: { file: bFile, scenario: baseline.scenario?.name ?? '', startedAt: baseline.startedAt },
    current: { file: cFile, scenario: current.scenario?.name ?? '', startedAt: current.startedAt },
    targets,
    regressions,
    ok: regressions === 0,
    notes,
    alpha,
  };
}

const UNITS = { latency: 'ms', rate: 'fraction', cost: 'USD/1M' } as const;

/**
 * Bounds (1 − alpha each side) on a target's true figure of metric `m`, whose
 * point value is `value`: order-statistic bounds for latency quantiles (µs,
 * converted to ms), Clopper–Pearson for rates, and for the mean cost a normal
 * approximation with the latency histogram's spread standing in for the cost's
 * (significance.ts).
 */
export function metricBounds(m: MetricSpec, f: TargetFigures, value: number, alpha = DEFAULT_ALPHA): Bounds {
  if (m.kind === 'latency') {
    const x = quantileBounds(f.histograms[m.set], m.quantile, alpha);
    return { lower: x.lower / 1000, upper: x.upper / 1000 };
  }
  if (m.kind === 'rate')
    return proportionBounds(m.rate === 'cold' ? f.coldStarts : f.errors, metricSamples(f, m), alpha);
  const all = f.histograms.all;
  const cv = all.totalCount > 1 && all.mean > 0 ? all.stdDeviation / all.mean : Infinity;
  return meanBounds(value, cv, metricSamples(f, m), alpha);
}

/** Compares one metric of one target. */
export function compareMetric(
  rule: MetricRule,
  b: TargetFigures,
  c: TargetFigures,
  alpha = DEFAULT_ALPHA,
): MetricComparison {
  const m = rule.metric;
  const a = rule.allowance;
  const base = metricValue(b, m);
  const cur = metricValue(c, m);
  const out: MetricComparison = {
    metric: m.name,
    kind: m.kind,
    unit: UNITS[m.kind],
    baseline: base,
    current: cur,
    change: null,
    allowance: a,
    allowanceText: rule.allowanceText,
    verdict: 'n/a',
    samples: { baseline: metricSamples(b, m), current: metricSamples(c, m) },
  };
  if (base === null || cur === null) {
    out.note =
      base === null && cur === null
        ? 'no samples on either side'
        : base === null
          ? 'no samples in the baseline'
          : 'no samples in the current run';
    return out;
  }
  out.change = a.kind === 'relative' ? (base === 0 ? (cur === 0 ? 0 : Infinity) : (cur - base) / base) : cur - base;

  const bounds = {
    baseline: metricBounds(m, b, base, alpha),
    current: metricBounds(m, c, cur, alpha),
  };
  out.bounds = bounds;

  const worse = cur > allowedMax(base, a);
  const better = allowedMax(cur, a) < base;
  if (worse) {
    // Credible: the current figure's lower bound is above the baseline's upper
    // bound, so the run really is worse, and by more than allowed (point figures).
    if (bounds.current.lower > bounds.baseline.upper) out.verdict = 'regression';
    else {
      out.verdict = 'noise';
      const conf = `${+((1 - alpha) * 100).toFixed(1)}%`;
      out.note = Number.isFinite(bounds.baseline.upper)
        ? `beyond the allowance, but not credible with ${out.samples.baseline} and ${out.samples.current} samples (${conf} bounds: current ≥ ${fmt(bounds.current.lower, out.unit)}, baseline ≤ ${fmt(bounds.baseline.upper, out.unit)})`
        : `beyond the allowance, but ${out.samples.baseline} baseline samples cannot bound ${m.name} from above (${unboundedWhy(m, alpha)}): not judged`;
    }
  } else if (better && bounds.current.upper < bounds.baseline.lower) out.verdict = 'improved';
  else out.verdict = 'ok';
  return out;
}

/** Why a metric's upper bound does not exist: the samples it would need. */
function unboundedWhy(m: MetricRule['metric'], alpha: number): string {
  if (m.kind !== 'latency') return 'no spread of it is known';
  // The largest sample bounds the q-quantile from above with confidence 1 − q^n: n ≥ ln α / ln q.
  const need = Math.ceil(Math.log(alpha) / Math.log(m.quantile));
  return `a ${(1 - alpha) * 100}% upper bound on a p${+(m.quantile * 100).toFixed(3)} needs at least ${need} samples`;
}

function fmt(x: number, unit: MetricComparison['unit']): string {
  if (!Number.isFinite(x)) return 'unbounded';
  return unit === 'ms' ? `${+x.toPrecision(4)} ms` : String(+x.toPrecision(3));
}
