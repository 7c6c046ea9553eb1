/**
 * Chart 3: cold starts per target: the cold-start rate (bars, with counts) and
 * the distribution of provider-reported init durations (histogram on log-spaced
 * bins, as a share of each target's cold starts, so targets with different
 * counts compare). Built from each target's summary histograms. Left out when
 * no target can tell cold from warm; the distribution is left out when no
 * target reported an init duration.
 */
import { decodeHistogram, percentileMs } from '../../metrics/histogram.ts';
import type { Result } from '../../model/result.ts';
import { int } from '../format.ts';
import { colorByTarget, VEGA_LITE_SCHEMA, WRAP_LABEL_EXPR, type Chart } from './chart.ts';

/** Number of bins of the init-duration histogram. */
export const INIT_BINS = 24;

/** One bin of a target's init-duration distribution. */
export interface InitBin {
  target: string;
  fromMs: number;
  toMs: number;
  /** Share of the target's cold starts whose init fell in the bin, 0–1. */
  share: number;
}

/**
 * Bins every target's init histogram on the same log-spaced edges. The
 * distribution is read through quantiles (one per sample up to 1000 samples,
 * then 1000 evenly spaced), each carrying an equal share of the mass.
 */
export function initBins(result: Result): InitBin[] {
  const quantiles: { target: string; valuesMs: number[] }[] = [];
  for (const t of result.targets) {
    const enc = t.summary?.histograms.init;
    if (!enc) continue;
    const h = decodeHistogram(enc);
    if (h.totalCount === 0) continue;
    const n = Math.min(h.totalCount, 1000);
    const valuesMs: number[] = [];
    for (let i = 0; i < n; i++) valuesMs.push(percentileMs(h, (100 * (i + 0.5)) / n));
    quantiles.push({ target: t.name, valuesMs });
  }
  if (!quantiles.length) return [];
  const all = quantiles.flatMap((q) => q.valuesMs);
  let lo = Math.max(Math.min(...all), 0.001);
  let hi = Math.max(...all);
  if (hi / lo < 1.2) [lo, hi] = [lo / 1.1, hi * 1.1];
  const edges = Array.from({ length: INIT_BINS + 1 }, (_, i) => lo * (hi / lo) ** (i / INIT_BINS));
  const out: InitBin[] = [];
  for (const q of quantiles) {
    const counts = new Array<number>(INIT_BINS).fill(0);
    for (const v of q.valuesMs) {
      const i = Math.min(
        INIT_BINS - 1,
        Math.max(
          0,
          Math.floor(((Math.log(Math.max(v, lo)) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * INIT_BINS),
        ),
      );
      counts[i]!++;
    }
    counts.forEach((c, i) => {
      if (c > 0) out.push({ target: q.target, fromMs: edges[i]!, toMs: edges[i + 1]!, share: c / q.valuesMs.length });
    });
  }
  return out;
}

/** Builds the chart, or null when no target tells cold from warm. */
export function coldStartsChart(result: Result): Chart | null {
  const rates = result.targets
    .filter((t) => t.summary && t.coldStartMethod !== 'none')
    .map((t) => ({
      target: t.name,
      coldStarts: t.summary!.coldStarts,
      requests: t.summary!.requests,
      rate: t.summary!.coldStartRate,
      method: t.coldStartMethod,
      label: `${int(t.summary!.coldStarts)} of ${int(t.summary!.requests)}`,
    }));
  if (!rates.length) return null;
  const bins = initBins(result);
  const rateView = {
    title: { text: 'cold-start rate', fontSize: 12 },
    data: { name: 'coldRate' },
    height: Math.max(56, 30 * rates.length),
    encoding: {
      y: {
        field: 'target',
        type: 'nominal',
        title: null,
        sort: null,
        axis: { labelExpr: WRAP_LABEL_EXPR, labelLimit: 0 },
      },
      x: {
        field: 'rate',
        type: 'quantitative',
        title: 'cold starts / invocations',
        axis: { format: '.1~%', tickCount: 5 },
        scale: { domain: [0, Math.min(1, Math.max(0.05, ...rates.map((r) => r.rate)) * 1.25)] },
      },
      tooltip: [
        { field: 'target' },
        { field: 'rate', title: 'cold-start rate', format: '.2%' },
        { field: 'coldStarts', title: 'cold starts' },
        { field: 'requests', title: 'invocations' },
        { field: 'method', title: 'decided by' },
      ],
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: { color: colorByTarget(result, bins.length ? 'shared' : 'none') },
      },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 }, encoding: { text: { field: 'label' } } },
    ],
  };
  const initView = {
    title: { text: 'init duration (share of cold starts)', fontSize: 12 },
    data: { name: 'initDuration' },
    height: 200,
    mark: { type: 'rect', opacity: 0.75 },
    encoding: {
      x: {
        field: 'fromMs',
        type: 'quantitative',
        title: 'init duration (ms, log)',
        scale: { type: 'log', nice: false, padding: 12 },
      },
      x2: { field: 'toMs' },
      y: { field: 'share', type: 'quantitative', title: 'share of cold starts', axis: { format: '.0%' } },
      y2: { datum: 0 },
      color: colorByTarget(
        result,
        'top',
        rates.map((r) => r.target),
      ),
      tooltip: [
        { field: 'target' },
        { field: 'fromMs', title: 'from (ms)', format: '.1f' },
        { field: 'toMs', title: 'to (ms)', format: '.1f' },
        { field: 'share', title: 'share', format: '.1%' },
      ],
    },
  };
  const note = 'Cold-start rate over all phases, and how long provider-reported init took (bins on a log scale).';
  if (!bins.length) {
    return {
      id: 'cold-starts',
      title: 'Cold starts per target',
      note,
      datasets: { coldRate: rates },
      spec: { $schema: VEGA_LITE_SCHEMA, width: 'container', ...rateView, title: undefined },
    };
  }
  return {
    id: 'cold-starts',
    title: 'Cold starts per target: rate and init duration',
    note,
    datasets: { coldRate: rates, initDuration: bins },
    widthShares: [0.38, 0.62],
    spec: { $schema: VEGA_LITE_SCHEMA, hconcat: [rateView, initView], resolve: { scale: { color: 'shared' } } },
  };
}
