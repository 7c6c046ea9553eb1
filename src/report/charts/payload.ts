/**
 * Chart 5: latency vs payload size (phases with `payloadBytes`): p50 and p99 per
 * size and target, recomputed from the merged histograms of every phase round
 * at that size (exact, not an average of percentiles). Left out unless some
 * target ran at least two sizes.
 */
import { decodeHistogram, mergeHistograms, percentileMs } from '../../metrics/histogram.ts';
import type { Result } from '../../model/result.ts';
import { BYTES_LABEL_EXPR, colorByTarget, dashLegend, tickValues, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';

/** One point: a target's p50 or p99 at one payload size. */
export interface PayloadPoint {
  target: string;
  payloadBytes: number;
  stat: 'p50' | 'p99';
  latencyMs: number;
  requests: number;
}

/** Every target's latency by payload size, sizes ascending. */
export function payloadPoints(result: Result): PayloadPoint[] {
  const out: PayloadPoint[] = [];
  for (const t of result.targets) {
    const bySize = new Map<number, string[]>();
    for (const p of t.phases) {
      if (p.payloadBytes === undefined || !p.latencyMs) continue;
      bySize.set(p.payloadBytes, [...(bySize.get(p.payloadBytes) ?? []), p.histograms.all]);
    }
    if (bySize.size < 2) continue;
    for (const [bytes, encoded] of [...bySize.entries()].sort((a, b) => a[0] - b[0])) {
      const h = mergeHistograms(encoded.map(decodeHistogram));
      for (const [stat, pct] of [
        ['p50', 50],
        ['p99', 99],
      ] as const) {
        out.push({
          target: t.name,
          payloadBytes: Math.max(bytes, 1),
          stat,
          latencyMs: Math.max(percentileMs(h, pct), 0.001),
          requests: h.totalCount,
        });
      }
    }
  }
  return out;
}

/** Builds the chart, or null when no target has a payload sweep. */
export function payloadChart(result: Result): Chart | null {
  const points = payloadPoints(result);
  if (!points.length) return null;
  return {
    id: 'payload',
    title: 'Latency vs payload size',
    note: 'p50 (solid) and p99 (dashed) of every invocation at each request payload size, both axes logarithmic.',
    datasets: { payload: points },
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      width: 'container',
      height: 260,
      data: { name: 'payload' },
      // Dots in their own layer: on the line layer they would replace the dashes in the legend.
      layer: [
        { mark: { type: 'line', strokeWidth: 1.75 } },
        { mark: { type: 'point', size: 40, filled: true, opacity: 1 }, encoding: { strokeDash: null } },
      ],
      encoding: {
        x: {
          field: 'payloadBytes',
          type: 'quantitative',
          title: 'payload (log)',
          scale: { type: 'log', nice: false, padding: 16 },
          axis: {
            labelExpr: BYTES_LABEL_EXPR,
            labelOverlap: true,
            values: tickValues(points.map((p) => p.payloadBytes)),
          },
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
          field: 'stat',
          type: 'nominal',
          title: 'percentile',
          scale: {
            domain: ['p50', 'p99'],
            range: [
              [1, 0],
              [5, 3],
            ],
          },
          legend: dashLegend(),
        },
        tooltip: [
          { field: 'target' },
          { field: 'payloadBytes', title: 'payload (bytes)', format: ',' },
          { field: 'stat', title: 'percentile' },
          { field: 'latencyMs', title: 'latency (ms)', format: '.3~f' },
          { field: 'requests', title: 'invocations' },
        ],
      },
    },
  };
}
