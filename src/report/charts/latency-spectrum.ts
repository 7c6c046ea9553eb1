/**
 * Chart 1: the latency percentile spectrum, HdrHistogram style: percentile on a
 * log "nines" axis (50%, 90%, 99%, 99.9% equally spaced), latency on a log axis,
 * one line per target and series (warm, cold), so tails are visible at all.
 */
import { decodeHistogram, percentileSpectrum } from '../../metrics/histogram.ts';
import type { Result } from '../result.ts';

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
    const series: ['warm' | 'cold' | 'all', string][] = [['warm', h.warm], ['cold', h.cold]];
    if (!t.summary!.warmLatencyMs && !t.summary!.coldLatencyMs) series.push(['all', h.all]);
    for (const [name, encoded] of series) {
      for (const p of percentileSpectrum(decodeHistogram(encoded))) {
        if (p.percentile >= 100) continue;
        out.push({ target: t.name, series: name, percentile: p.percentile, nines: -Math.log10(1 - p.percentile / 100), latencyMs: Math.max(p.latencyMs, 0.001) });
      }
    }
  }
  return out;
}

/** The vega-lite spec; data is bound at render time from the embedded JSON. */
export function spectrumSpec(): object {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Latency percentile spectrum, warm and cold apart',
    width: 'container',
    height: 320,
    mark: { type: 'line', point: true, interpolate: 'monotone' },
    encoding: {
      x: {
        field: 'nines', type: 'quantitative', title: 'percentile',
        axis: { values: [0, 0.30103, 1, 2, 3, 4], labelExpr: "datum.value < 0.01 ? '0%' : datum.value < 0.5 ? '50%' : format(100 - 100 / pow(10, datum.value), '.3~f') + '%'" },
        scale: { domainMin: 0 },
      },
      y: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms, log)', scale: { type: 'log' } },
      color: { field: 'target', type: 'nominal', title: 'target' },
      strokeDash: { field: 'series', type: 'nominal', title: 'series', scale: { domain: ['warm', 'cold', 'all'], range: [[1, 0], [6, 3], [2, 2]] } },
      detail: { field: 'series' },
      tooltip: [
        { field: 'target' }, { field: 'series' },
        { field: 'percentile', title: 'percentile (%)', format: '.3~f' },
        { field: 'latencyMs', title: 'latency (ms)', format: '.3~f' },
      ],
    },
  };
}
