/**
 * Chart 6: cost per million invocations per target (bars, from each target's
 * summary). Memory sweeps are answered per size by the memory chart
 * (memory.ts); `memoryPoints` stays for the figures it is tested on.
 */
import { decodeHistogram, mergeHistograms, percentileMs } from '../../metrics/histogram.ts';
import type { Result } from '../../model/result.ts';
import { colorByTarget, VEGA_LITE_SCHEMA, WRAP_LABEL_EXPR, type Chart } from './chart.ts';

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

/**
 * Builds the chart, or null when nothing was costed, or when every costed target
 * ran only a memory sweep (its cost over all sizes answers nothing: the memory
 * chart does, per size).
 */
export function costChart(result: Result): Chart | null {
  const swept = new Set(memoryPoints(result).map((p) => p.target));
  const sweeping = new Set(
    result.targets
      .filter((t) => swept.has(t.name) && t.phases.every((p) => p.memoryMB !== undefined))
      .map((t) => t.name),
  );
  const bars = costBars(result);
  if (!bars.length || bars.every((b) => sweeping.has(b.target))) return null;
  return {
    id: 'cost',
    title: 'Cost per 1M invocations',
    note: `Cost per million invocations over all phases of each target, at the price table shown in the targets table (free tiers excluded)${sweeping.size ? '; for a memory sweep see the memory chart, per size' : ''}.`,
    datasets: { costBars: bars },
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      width: 'container',
      data: { name: 'costBars' },
      height: Math.max(56, 30 * bars.length),
      encoding: {
        y: {
          field: 'target',
          type: 'nominal',
          title: null,
          sort: null,
          axis: { labelExpr: WRAP_LABEL_EXPR, labelLimit: 0 },
        },
        x: {
          field: 'perMillionUSD',
          type: 'quantitative',
          title: 'USD per 1M invocations',
          axis: { format: '$,.2~f', labelFlush: true },
          // Room right of the longest bar for its label.
          scale: { domain: [0, Math.max(...bars.map((b) => b.perMillionUSD)) * 1.45 || 1], nice: true },
        },
        tooltip: [
          { field: 'target' },
          { field: 'perMillionUSD', title: 'USD / 1M', format: '$,.4~f' },
          { field: 'perInvocationUSD', title: 'USD / invocation', format: '$.3~e' },
          { field: 'totalUSD', title: 'USD this run', format: '$.4~g' },
          { field: 'priceSource', title: 'prices' },
        ],
      },
      layer: [
        { mark: { type: 'bar', cornerRadiusEnd: 2 }, encoding: { color: colorByTarget(result, 'none') } },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
          encoding: { text: { field: 'perMillionUSD', format: '$,.4r' } },
        },
      ],
    },
  };
}
