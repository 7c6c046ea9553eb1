/**
 * Chart 1: the latency percentile spectrum, HdrHistogram style: percentile on a
 * log "nines" axis (50%, 90%, 99%, 99.9% equally spaced), latency on a log axis,
 * one line per target and series (warm, cold), so tails are visible at all.
 */
import { decodeHistogram, percentileSpectrum } from '../../metrics/histogram.ts';
import type { Result } from '../../model/result.ts';
import { colorByTarget, dashLegend, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';

/** One plotted point. */
export interface SpectrumPoint {
  target: string;
  series: 'warm' | 'cold' | 'all';
  percentile: number;
  /** -log10(1 - percentile/100): 1 = 90%, 2 = 99%, 3 = 99.9%. */
  nines: number;
  latencyMs: number;
}

/** Computes the spectrum of every target's summary histograms (warm and cold; all when neither is known). */
export function spectrumData(result: Result): SpectrumPoint[] {
  const out: SpectrumPoint[] = [];
  for (const t of result.targets) {
    const h = t.summary?.histograms;
    if (!h) continue;
    const series: ['warm' | 'cold' | 'all', string][] = [
      ['warm', h.warm],
      ['cold', h.cold],
    ];
    if (!t.summary!.warmLatencyMs && !t.summary!.coldLatencyMs) series.push(['all', h.all]);
    for (const [name, encoded] of series) {
      for (const p of percentileSpectrum(decodeHistogram(encoded))) {
        if (p.percentile >= 100) continue;
        out.push({
          target: t.name,
          series: name,
          percentile: p.percentile,
          nines: -Math.log10(1 - p.percentile / 100),
          latencyMs: Math.max(p.latencyMs, 0.001),
        });
      }
    }
  }
  return out;
}

/** The vega-lite spec; data (`spectrum`) is bound at render time from the embedded JSON. */
export function spectrumSpec(result: Result, points: SpectrumPoint[] = spectrumData(result)): Record<string, unknown> {
  const series = (['warm', 'cold', 'all'] as const).filter((s) => points.some((p) => p.series === s));
  const dashes = { warm: [1, 0], cold: [6, 3], all: [2, 2] };
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: 'Latency percentile spectrum, warm and cold apart',
    width: 'container',
    height: 320,
    data: { name: 'spectrum' },
    // Dots in their own layer: on the line layer they would replace the dashes in the legend.
    layer: [
      { mark: { type: 'line', interpolate: 'monotone', strokeWidth: 1.75 } },
      { mark: { type: 'point', size: 24, filled: true, opacity: 1 }, encoding: { strokeDash: null } },
    ],
    encoding: {
      x: {
        field: 'nines',
        type: 'quantitative',
        title: 'percentile (log "nines" scale)',
        axis: {
          values: [0, 0.30103, 1, 2, 3, 4, 5],
          labelExpr:
            "datum.value < 0.01 ? '0%' : datum.value < 0.5 ? '50%' : format(100 - 100 / pow(10, datum.value), '.3~f') + '%'",
        },
        scale: { domainMin: 0 },
      },
      y: {
        field: 'latencyMs',
        type: 'quantitative',
        title: 'latency (ms, log)',
        scale: { type: 'log', nice: false, padding: 8 },
      },
      color: colorByTarget(
        result,
        'top',
        points.map((p) => p.target),
      ),
      strokeDash: {
        field: 'series',
        type: 'nominal',
        title: 'series',
        scale: { domain: series, range: series.map((s) => dashes[s]) },
        legend: dashLegend(),
      },
      detail: { field: 'series' },
      tooltip: [
        { field: 'target' },
        { field: 'series' },
        { field: 'percentile', title: 'percentile (%)', format: '.3~f' },
        { field: 'latencyMs', title: 'latency (ms)', format: '.3~f' },
      ],
    },
  };
}

/** Chart 1; null when no target has a latency histogram. */
export function spectrumChart(result: Result): Chart | null {
  const points = spectrumData(result);
  if (!points.length) return null;
  return {
    id: 'latency-spectrum',
    title: 'Latency percentile spectrum (warm vs cold)',
    note: 'HdrHistogram style: each step right is ten times rarer (90%, 99%, 99.9%…). Solid: warm invocations; dashed: cold starts. Both axes logarithmic.',
    datasets: { spectrum: points },
    spec: spectrumSpec(result, points),
  };
}
