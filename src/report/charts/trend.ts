/**
 * Chart 9: the trend over the last runs of this scenario, from the history store
 * (src/history): warm p50 and p99 per target, run by run, with cold-start rate
 * and cost in the tooltip. Left out when the store holds fewer than two runs.
 */
import type { HistoryRun } from '../../history/trend.ts';
import type { Result } from '../../model/result.ts';
import { colorByTarget, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';

/** One plotted point: a target's figure in one run. */
export interface TrendRow {
  run: number;
  startedAt: string;
  label: string;
  target: string;
  stat: 'warm p50' | 'warm p99';
  latencyMs: number;
  coldStartRate: number | null;
  costPerMillionUSD: number | null;
}

/** Rows for the chart: one per run, target and statistic (warm figures, else all). */
export function trendRows(history: HistoryRun[]): TrendRow[] {
  const rows: TrendRow[] = [];
  history.forEach((run, i) => {
    for (const t of run.targets) {
      const base = {
        run: i + 1,
        startedAt: run.startedAt,
        label: run.label ?? run.startedAt,
        target: t.name,
        coldStartRate: t.coldStartRate,
        costPerMillionUSD: t.costPerMillionUSD,
      };
      const p50 = t.warmP50Ms ?? t.p50Ms;
      const p99 = t.warmP99Ms ?? t.p99Ms;
      if (p50 !== null) rows.push({ ...base, stat: 'warm p50', latencyMs: Math.max(p50, 0.001) });
      if (p99 !== null) rows.push({ ...base, stat: 'warm p99', latencyMs: Math.max(p99, 0.001) });
    }
  });
  return rows;
}

/** Builds the chart, or null with fewer than two runs in the history. */
export function trendChart(result: Result, history: HistoryRun[] = []): Chart | null {
  if (history.length < 2) return null;
  const rows = trendRows(history);
  if (!rows.length) return null;
  return {
    id: 'trend',
    title: `Trend over the last ${history.length} runs`,
    note: `Warm p50 (solid) and p99 (dashed) latency per target, one point per run of "${result.scenario.name}" recorded in the history store; the last point is this run.`,
    datasets: { trend: rows },
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      data: { name: 'trend' },
      width: 'container',
      height: 240,
      mark: { type: 'line', point: { size: 30, filled: true }, strokeWidth: 1.5 },
      encoding: {
        x: {
          field: 'run',
          type: 'quantitative',
          title: 'run (oldest → this one)',
          axis: { tickMinStep: 1, format: 'd' },
          scale: { domain: [1, history.length] },
        },
        y: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms)', scale: { zero: false, nice: true } },
        color: colorByTarget(
          result,
          'top',
          rows.map((r) => r.target),
        ),
        strokeDash: {
          field: 'stat',
          type: 'nominal',
          title: null,
          scale: {
            domain: ['warm p50', 'warm p99'],
            range: [
              [1, 0],
              [5, 3],
            ],
          },
          legend: { orient: 'top', symbolType: 'stroke', symbolStrokeColor: 'currentColor' },
        },
        detail: { field: 'stat' },
        tooltip: [
          { field: 'target' },
          { field: 'stat' },
          { field: 'latencyMs', title: 'latency (ms)', format: '.3~f' },
          { field: 'label', title: 'run' },
          { field: 'coldStartRate', title: 'cold-start rate', format: '.2%' },
          { field: 'costPerMillionUSD', title: '$ per 1M', format: '$.4~f' },
        ],
      },
    },
  };
}
