/**
 * What `compare` and `history` measure: the metric names (`latency.p99`,
 * `latency.warm.p50`, `cold.rate`, `errors.rate`, `cost.perMillion`, …), the
 * allowances users write (`+10%`, `+5ms`, `+0.05`), and the figures of one
 * target recomputed from its encoded histograms and counters (so results merged
 * from shards compare the same as one run).
 *
 * Metric grammar:
 *
 *   metric   := latency | init | "cold.rate" | "errors.rate" | "cost.perMillion"
 *   latency  := "latency" [ ".warm" | ".cold" ] "." quantile     (ms)
 *   init     := "init." quantile                                 (provider-reported init duration, ms)
 *   quantile := "p" digits [ "." digits ]   p50 = 50th, p999 = 99.9th, p99.5 = 99.5th percentile
 *
 * Allowance grammar (how much worse the current run may be):
 *
 *   allowance := "+" number "%"    relative to the baseline
 *              | "+" number "ms"   absolute, latency metrics only
 *              | "+" number        absolute, in the metric's unit (rates: a fraction; cost: USD per million)
 *              | "off"             do not compare this metric
 */
import type { Issue } from '../model/errors.ts';
import type { TargetResult } from '../model/result.ts';
import { decodeHistogram, mergeHistograms, newHistogram, type Histogram, percentileMs } from './histogram.ts';

/** Which histogram a latency metric reads. */
export type LatencySet = 'all' | 'warm' | 'cold' | 'init';

/** A parsed metric name. */
export type MetricSpec =
  | { name: string; kind: 'latency'; set: LatencySet /** 0 < quantile < 1 */; quantile: number }
  | { name: string; kind: 'rate'; rate: 'cold' | 'errors' }
  | { name: string; kind: 'cost' };

/** How much worse a metric may get: a fraction of the baseline, or an amount in the metric's unit (ms, fraction, USD/1M). */
export type Allowance = { kind: 'relative'; fraction: number } | { kind: 'absolute'; amount: number };

/** Metrics compared when `--max-regression` does not say otherwise, with their allowances. */
export const DEFAULT_ALLOWANCES: Readonly<Record<string, string>> = {
  'latency.p50': '+10%',
  'latency.p99': '+10%',
  'latency.warm.p50': '+10%',
  'latency.warm.p99': '+10%',
  // Cold starts vary more from run to run than warm calls (process starts on a
  // shared machine, a provider's placement): a wider default.
  'latency.cold.p50': '+25%',
  'init.p50': '+25%',
  'cold.rate': '+0.05',
  'errors.rate': '+0.01',
  'cost.perMillion': '+5%',
};

/** Parses a quantile token such as `p50`, `p999`, `p99.5`; undefined when invalid. */
function parseQuantile(token: string): number | undefined {
  const m = /^p(\d+)(?:\.(\d+))?$/.exec(token);
  if (!m) return undefined;
  const digits = m[1]!;
  // Run-together digits mean nines only: p999, p9999 (p100 or p125 mean nothing).
  if (m[2] === undefined && digits.length > 2 && !/^99+$/.test(digits)) return undefined;
  // p999 means 99.9 (HdrHistogram's and k6's habit); p50 and p5 mean what they say.
  const pct =
    m[2] !== undefined
      ? Number(`${digits}.${m[2]}`)
      : digits.length > 2
        ? Number(`${digits.slice(0, 2)}.${digits.slice(2)}`)
        : Number(digits);
  return pct > 0 && pct < 100 ? Math.round(pct * 1e6) / 1e8 : undefined;
}

/** Parses a metric name (grammar above); undefined when it is not one. */
export function parseMetric(name: string): MetricSpec | undefined {
  if (name === 'cold.rate') return { name, kind: 'rate', rate: 'cold' };
  if (name === 'errors.rate') return { name, kind: 'rate', rate: 'errors' };
  if (name === 'cost.perMillion') return { name, kind: 'cost' };
  const parts = name.split('.');
  let set: LatencySet | undefined;
  let token: string | undefined;
  if (parts[0] === 'latency' && parts.length === 2) [set, token] = ['all', parts[1]];
  else if (parts[0] === 'latency' && (parts[1] === 'warm' || parts[1] === 'cold')) {
    set = parts[1];
    // Quantiles with a decimal point (p99.5) split into two parts.
    token = parts.slice(2).join('.');
  } else if (parts[0] === 'latency') [set, token] = ['all', parts.slice(1).join('.')];
  else if (parts[0] === 'init') [set, token] = ['init', parts.slice(1).join('.')];
  if (!set || !token) return undefined;
  const quantile = parseQuantile(token);
  return quantile === undefined ? undefined : { name, kind: 'latency', set, quantile };
}

/** Parses one allowance for `metric`; an issue message when invalid, null for "off". */
export function parseAllowance(text: string, metric: MetricSpec): Allowance | null | string {
  const t = text.trim();
  if (t === 'off') return null;
  const m = /^\+?(\d+(?:\.\d+)?)\s*(%|ms)?$/.exec(t);
  if (!m) return `expected an allowance such as "+10%", "+5ms" or "+0.05" (or "off"), got ${JSON.stringify(text)}`;
  const value = Number(m[1]);
  if (m[2] === '%') return { kind: 'relative', fraction: value / 100 };
  if (m[2] === 'ms' && metric.kind !== 'latency')
    return `"ms" applies to latency metrics only, got ${JSON.stringify(text)} for ${metric.name}`;
  if (!m[2] && metric.kind === 'latency')
    return `a latency allowance needs a unit: "${value}%" or "${value}ms", got ${JSON.stringify(text)}`;
  return { kind: 'absolute', amount: value };
}

/** One metric to compare and how much worse it may get. */
export interface MetricRule {
  metric: MetricSpec;
  allowance: Allowance;
  /** The allowance as the user (or the default) wrote it. */
  allowanceText: string;
}

/**
 * The rules to compare: the defaults, overridden or extended by a
 * `--max-regression` list (`'latency.p99=+10%,cold.rate=+0.05'`). Throws nothing:
 * problems come back as issues on `field` (exit 2 in the CLI).
 */
export function parseRules(
  list: string | undefined,
  field = '--max-regression',
): { rules: MetricRule[]; issues: Issue[] } {
  const texts = new Map(Object.entries(DEFAULT_ALLOWANCES));
  const issues: Issue[] = [];
  for (const item of (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      issues.push({
        field,
        message: `expected metric=allowance such as "latency.p99=+10%", got ${JSON.stringify(item)}`,
      });
      continue;
    }
    const name = item.slice(0, eq).trim();
    if (!parseMetric(name)) {
      issues.push({
        field,
        message: `unknown metric ${JSON.stringify(name)}; expected latency[.warm|.cold].pNN, init.pNN, cold.rate, errors.rate or cost.perMillion`,
      });
      continue;
    }
    texts.set(name, item.slice(eq + 1).trim());
  }
  const rules: MetricRule[] = [];
  for (const [name, text] of texts) {
    const metric = parseMetric(name)!;
    const allowance = parseAllowance(text, metric);
    if (typeof allowance === 'string') issues.push({ field, message: `${name}: ${allowance}` });
    else if (allowance) rules.push({ metric, allowance, allowanceText: text.startsWith('+') ? text : `+${text}` });
  }
  return { rules, issues };
}

/** One target's figures over all its phases, recomputed from histograms and counters. */
export interface TargetFigures {
  requests: number;
  errors: number;
  /** Invocations known to be cold or warm (the denominator of the cold-start rate). */
  coldKnown: number;
  coldStarts: number;
  /** Summed cost and the number of invocations it was summed over (null when no cost). */
  costTotalUSD: number | null;
  costed: number;
  histograms: Record<LatencySet, Histogram>;
}

/**
 * Adds a target's phases (or, with none, its summary) into one set of figures.
 * Percentiles come from merged histograms, never from the summaries, so the
 * figures of a shard-merged result equal those of one run.
 */
export function targetFigures(t: TargetResult): TargetFigures {
  const parts = t.phases.length ? t.phases : t.summary ? [t.summary] : [];
  const sets: LatencySet[] = ['all', 'warm', 'cold', 'init'];
  const histograms = Object.fromEntries(
    sets.map((s) => [
      s,
      parts.length ? mergeHistograms(parts.map((p) => decodeHistogram(p.histograms[s]))) : newHistogram(),
    ]),
  ) as Record<LatencySet, Histogram>;
  let requests = 0;
  let errors = 0;
  let costTotalUSD: number | null = null;
  let costed = 0;
  for (const p of parts) {
    requests += p.requests;
    errors += Object.values(p.errors).reduce((a, b) => a + b, 0);
    if (p.cost && p.cost.perInvocationUSD > 0) {
      costTotalUSD = (costTotalUSD ?? 0) + p.cost.totalUSD;
      // perInvocationUSD = totalUSD / invocations costed: recover the count to weight phases exactly.
      costed += p.cost.totalUSD / p.cost.perInvocationUSD;
    }
  }
  return {
    requests,
    errors,
    coldKnown: histograms.warm.totalCount + histograms.cold.totalCount,
    coldStarts: histograms.cold.totalCount,
    costTotalUSD,
    costed: Math.round(costed),
    histograms,
  };
}

/** The value of a metric for a target (ms for latency, a fraction for rates, USD per million for cost); null when there is none. */
export function metricValue(f: TargetFigures, m: MetricSpec): number | null {
  switch (m.kind) {
    case 'latency': {
      const h = f.histograms[m.set];
      return h.totalCount ? percentileMs(h, m.quantile * 100) : null;
    }
    case 'rate':
      return m.rate === 'cold'
        ? f.coldKnown
          ? f.coldStarts / f.coldKnown
          : null
        : f.requests
          ? f.errors / f.requests
          : null;
    case 'cost':
      return f.costTotalUSD !== null && f.costed ? (f.costTotalUSD / f.costed) * 1e6 : null;
  }
}

/** How many samples a metric rests on. */
export function metricSamples(f: TargetFigures, m: MetricSpec): number {
  switch (m.kind) {
    case 'latency':
      return f.histograms[m.set].totalCount;
    case 'rate':
      return m.rate === 'cold' ? f.coldKnown : f.requests;
    case 'cost':
      return f.costed;
  }
}
