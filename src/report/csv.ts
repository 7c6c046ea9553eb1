/**
 * CSV outputs (csv-stringify): summary.csv, one row per target × phase round
 * with every summary figure as a column; and percentiles.csv, the percentile
 * spectrum (all, warm, cold, init) of every target and phase, recomputed from
 * the encoded histograms. Numbers are plain decimals (never exponents) in the
 * units their column names say; an empty cell means "not measured".
 */
import { stringify } from 'csv-stringify/sync';
import { decodeHistogram, percentileSpectrum } from '../metrics/histogram.ts';
import { phaseLabel } from './format.ts';
import type { PhaseResult, Result, LatencySummary } from '../model/result.ts';
import { ERROR_CLASSES } from '../model/invocation.ts';
import { errorTotal } from '../metrics/figures.ts';

/** A number with at most `digits` decimals, no exponent, no trailing zeros; '' for none. */
export function decimal(x: number | null | undefined, digits: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '';
  const s = x.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

const LATENCY_FIELDS: (keyof LatencySummary)[] = ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'];
const ms = (x: number | null | undefined) => decimal(x, 3); // µs resolution, as recorded
const rate = (x: number | null | undefined) => decimal(x, 6);
const usd = (x: number | null | undefined) => decimal(x, 12);

/** Error classes in a result, in the driver contract's order, then any others it carries. */
function errorClasses(result: Result): string[] {
  const seen = new Set<string>();
  for (const t of result.targets) for (const p of t.phases) for (const k of Object.keys(p.errors)) seen.add(k);
  const known = ERROR_CLASSES.filter((c) => seen.has(c));
  return [...known, ...[...seen].filter((c) => !(ERROR_CLASSES as readonly string[]).includes(c)).sort()];
}

/** summary.csv */
export function summaryCsv(result: Result): string {
  const classes = errorClasses(result);
  const latencyCols = (prefix: string) => LATENCY_FIELDS.map((f) => `${prefix}_${f}_ms`);
  const columns = [
    'target',
    'provider',
    'function',
    'region',
    'target_memory_mb',
    'cold_start_method',
    'phase',
    'phase_label',
    'kind',
    'round',
    'payload_bytes',
    'idle_gap_ms',
    'memory_mb',
    'rate_rps',
    'settled_after',
    'requests',
    'ok',
    'errors',
    'error_rate',
    ...classes.map((c) => `errors_${c.replace(/-/g, '_')}`),
    'late',
    'dropped',
    'cold_starts',
    'cold_start_rate',
    'instances',
    ...latencyCols('latency'),
    ...latencyCols('warm'),
    ...latencyCols('cold'),
    ...latencyCols('init'),
    'throughput_rps',
    'bytes_out',
    'bytes_in',
    'cost_per_invocation_usd',
    'cost_per_million_usd',
    'cost_total_usd',
    'price_source',
    'cold_observed',
    'cold_na_reason',
  ];
  const latency = (s: LatencySummary | null) => LATENCY_FIELDS.map((f) => ms(s?.[f]));
  const rows: string[][] = [];
  for (const t of result.targets) {
    for (const p of t.phases) {
      const errors = errorTotal(p);
      rows.push([
        t.name,
        t.provider,
        t.function,
        t.region ?? '',
        t.memoryMB === null ? '' : String(t.memoryMB),
        t.coldStartMethod,
        p.name,
        phaseLabel(p),
        p.kind,
        p.round === undefined ? '' : String(p.round),
        opt(p.payloadBytes),
        opt(p.idleGapMs),
        opt(p.memoryMB),
        opt(p.rateRps),
        p.settledAfter === undefined ? '' : p.settledAfter === null ? 'never' : String(p.settledAfter),
        String(p.requests),
        String(p.ok),
        String(errors),
        rate(p.requests ? errors / p.requests : 0),
        ...classes.map((c) => String((p.errors as Record<string, number>)[c] ?? 0)),
        opt(p.late),
        opt(p.dropped),
        p.coldNa !== undefined ? '' : String(p.coldStarts),
        p.coldNa !== undefined ? '' : rate(p.coldStartRate),
        opt(p.instances),
        ...latency(p.latencyMs),
        ...latency(p.warmLatencyMs),
        ...latency(p.coldLatencyMs),
        ...latency(p.initDurationMs),
        decimal(p.throughputRps, 3),
        String(p.bytesOut),
        String(p.bytesIn),
        usd(p.cost?.perInvocationUSD),
        decimal(p.cost?.perMillionUSD, 6),
        usd(p.cost?.totalUSD),
        p.cost?.priceSource ?? '',
        opt(p.coldObserved),
        p.coldNa ?? '',
      ]);
    }
  }
  return stringify(rows, { header: true, columns });
}

function opt(x: number | undefined): string {
  return x === undefined ? '' : decimal(x, 3);
}

/** percentiles.csv: the spectrum of each target (phase "all") and of each phase. */
export function percentilesCsv(result: Result): string {
  const columns = ['target', 'phase', 'phase_label', 'round', 'series', 'percentile', 'latency_ms', 'count'];
  const rows: string[][] = [];
  const add = (target: string, phase: string, label: string, round: string, h: PhaseResult['histograms']) => {
    for (const series of ['all', 'warm', 'cold', 'init'] as const) {
      const hist = decodeHistogram(h[series]);
      for (const pt of percentileSpectrum(hist))
        rows.push([
          target,
          phase,
          label,
          round,
          series,
          decimal(pt.percentile, 3),
          ms(pt.latencyMs),
          String(hist.totalCount),
        ]);
    }
  };
  for (const t of result.targets) {
    if (t.summary) add(t.name, 'all', 'all phases', '', t.summary.histograms);
    for (const p of t.phases)
      add(t.name, p.name, phaseLabel(p), p.round === undefined ? '' : String(p.round), p.histograms);
  }
  return stringify(rows, { header: true, columns });
}
