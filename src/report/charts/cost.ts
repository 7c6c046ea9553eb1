/**
 * Chart 6: cost per million invocations per target (bars, from each target's
 * summary), and, where the run swept memory sizes (phases with `memoryMB`),
 * cost per 1M against p99 latency per memory size: the trade-off AWS Lambda
 * Power Tuning shows. Left out when no target has a cost.
 */
import { decodeHistogram, mergeHistograms, percentileMs } from '../../metrics/histogram.ts';
import type { Result } from '../../model/result.ts';
import { colorByTarget, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';

/** One target's cost bar. */
export interface CostBar {
  target: string;
  perMillionUSD: number;
  perInvocationUSD: number;
  totalUSD: number;
  priceSource: string;
}

/** One memory size of a target's sweep. */
export interface MemoryPoint {
  target: string;
  memoryMB: number;
  label: string;
  p99Ms: number;
  perMillionUSD: number;
  requests: number;
}

/** Targets with a cost. */
export function costBars(result: Result): CostBar[] {
  return result.targets
    .filter((t) => t.summary?.cost)
    .map((t) => {
      const c = t.summary!.cost!;
      return {
        target: t.name,
        perMillionUSD: c.perMillionUSD,
        perInvocationUSD: c.perInvocationUSD,
        totalUSD: c.totalUSD,
        priceSource: c.priceSource,
      };
    });
}

/** Every target's memory sweep (at least two sizes, each with a cost), sizes ascending. */
export function memoryPoints(result: Result): MemoryPoint[] {
  const out: MemoryPoint[] = [];
  for (const t of result.targets) {
    const bySize = new Map<number, { hist: string[]; totalUSD: number; costed: number }>();
    for (const p of t.phases) {
      if (p.memoryMB === undefined || !p.cost || !p.latencyMs) continue;
      const g = bySize.get(p.memoryMB) ?? { hist: [], totalUSD: 0, costed: 0 };
      g.hist.push(p.histograms.all);
      g.totalUSD += p.cost.totalUSD;
      // The cost figures carry the total and the mean: their ratio is the number priced.
      g.costed += p.cost.perInvocationUSD > 0 ? p.cost.totalUSD / p.cost.perInvocationUSD : 0;
      bySize.set(p.memoryMB, g);
    }
    if (bySize.size < 2) continue;
    for (const [mb, g] of [...bySize.entries()].sort((a, b) => a[0] - b[0])) {
      const h = mergeHistograms(g.hist.map(decodeHistogram));
      out.push({
        target: t.name,
        memoryMB: mb,
        label: `${mb} MB`,
        p99Ms: percentileMs(h, 99),
        perMillionUSD: g.costed ? (g.totalUSD / g.costed) * 1e6 : 0,
        requests: h.totalCount,
      });
    }
  }
  return out;
}

/** Builds the chart, or null when nothing was costed. */
export function costChart(result: Result): Chart | null {
  const bars = costBars(result);
  if (!bars.length) return null;
  const points = memoryPoints(result);
  const barView = {
    title: points.length ? { text: 'cost per 1M invocations', fontSize: 12 } : undefined,
    data: { name: 'costBars' },
    height: Math.max(56, 30 * bars.length),
    encoding: {
      y: { field: 'target', type: 'nominal', title: null, sort: null },
      x: { field: 'perMillionUSD', type: 'quantitative', title: 'USD per 1M invocations', axis: { format: '$,.2~f' } },
      tooltip: [
        { field: 'target' },
        { field: 'perMillionUSD', title: 'USD / 1M', format: '$,.4~f' },
        { field: 'perInvocationUSD', title: 'USD / invocation', format: '$.3~e' },
        { field: 'totalUSD', title: 'USD this run', format: '$.4~g' },
        { field: 'priceSource', title: 'prices' },
      ],
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: { color: colorByTarget(result, points.length ? 'shared' : 'none') },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { text: { field: 'perMillionUSD', format: '$,.4r' } },
      },
    ],
  };
  const note = 'Cost per million invocations at the price table shown in the header (free tiers excluded)';
  if (!points.length) {
    return {
      id: 'cost',
      title: 'Cost per 1M invocations',
      note: `${note}.`,
      datasets: { costBars: bars },
      spec: { $schema: VEGA_LITE_SCHEMA, width: 'container', ...barView },
    };
  }
  const memoryView = {
    title: { text: 'cost vs p99 by memory size', fontSize: 12 },
    data: { name: 'memory' },
    height: 240,
    encoding: {
      x: {
        field: 'p99Ms',
        type: 'quantitative',
        title: 'p99 latency (ms, log)',
        scale: { type: 'log', nice: false, padding: 24 },
      },
      y: {
        field: 'perMillionUSD',
        type: 'quantitative',
        title: 'USD per 1M invocations',
        axis: { format: '$,.2~f' },
        scale: { zero: false },
      },
      color: colorByTarget(
        result,
        'top',
        bars.map((b) => b.target),
      ),
      tooltip: [
        { field: 'target' },
        { field: 'memoryMB', title: 'memory (MB)' },
        { field: 'p99Ms', title: 'p99 (ms)', format: '.3~f' },
        { field: 'perMillionUSD', title: 'USD / 1M', format: '$,.4~f' },
        { field: 'requests', title: 'invocations' },
      ],
    },
    layer: [
      {
        mark: { type: 'line', point: { size: 50, filled: true }, strokeWidth: 1.5 },
        encoding: { order: { field: 'memoryMB', type: 'quantitative' } },
      },
      { mark: { type: 'text', dy: -9, fontSize: 10 }, encoding: { text: { field: 'label' } } },
    ],
  };
  return {
    id: 'cost',
    title: 'Cost per 1M invocations, and cost vs p99 by memory size',
    note: `${note}; right: each memory size of the sweep (up and right is worse).`,
    datasets: { costBars: bars, memory: points },
    widthShares: [0.4, 0.6],
    spec: { $schema: VEGA_LITE_SCHEMA, hconcat: [barView, memoryView], resolve: { scale: { color: 'shared' } } },
  };
}
