/**
 * Chart 4: the keep-alive survival curve: the probability that an invocation
 * is a cold start after the function sat idle for a given gap (phases with
 * `idleGapMs`), one line per target. Rounds with the same gap are pooled
 * (cold starts over invocations). Left out unless some target has at least two
 * distinct gaps.
 */
import type { Result } from '../../model/result.ts';
import { colorByTarget, DURATION_LABEL_EXPR, tickValues, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';

/** One point of a target's curve. */
export interface KeepalivePoint {
  target: string;
  idleGapMs: number;
  coldStarts: number;
  requests: number;
  coldProbability: number;
}

/** Pools every target's keep-alive rounds by gap, gaps ascending. */
export function keepalivePoints(result: Result): KeepalivePoint[] {
  const out: KeepalivePoint[] = [];
  for (const t of result.targets) {
    const byGap = new Map<number, { cold: number; known: number; requests: number }>();
    for (const p of t.phases) {
      if (p.idleGapMs === undefined || p.requests === 0) continue;
      const g = byGap.get(p.idleGapMs) ?? { cold: 0, known: 0, requests: 0 };
      g.cold += p.coldStarts;
      // coldStartRate is over invocations whose state is known: recover that count.
      g.known += p.coldStartRate > 0 ? p.coldStarts / p.coldStartRate : p.requests;
      g.requests += p.requests;
      byGap.set(p.idleGapMs, g);
    }
    if (byGap.size < 2) continue;
    for (const [gap, g] of [...byGap.entries()].sort((a, b) => a[0] - b[0])) {
      out.push({
        target: t.name,
        idleGapMs: gap,
        coldStarts: g.cold,
        requests: g.requests,
        coldProbability: g.known ? g.cold / g.known : 0,
      });
    }
  }
  return out;
}

/** Builds the chart, or null when no target has a keep-alive sweep. */
export function keepaliveChart(result: Result): Chart | null {
  const points = keepalivePoints(result);
  if (!points.length) return null;
  return {
    id: 'keepalive',
    title: 'Keep-alive: cold-start probability vs idle gap',
    note: 'After the function sat idle this long, how likely was the next invocation to start cold? Where the curve rises is where the provider reclaims idle instances.',
    datasets: { keepalive: points },
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      width: 'container',
      height: 260,
      data: { name: 'keepalive' },
      mark: { type: 'line', point: { size: 50, filled: true }, interpolate: 'monotone' },
      encoding: {
        x: {
          field: 'idleGapMs',
          type: 'quantitative',
          title: 'idle gap (log)',
          scale: { type: 'log', nice: false, padding: 16 },
          axis: {
            labelExpr: DURATION_LABEL_EXPR,
            labelOverlap: true,
            values: tickValues(points.map((p) => p.idleGapMs)),
          },
        },
        y: {
          field: 'coldProbability',
          type: 'quantitative',
          title: 'cold-start probability',
          axis: { format: '.0%' },
          scale: { domain: [0, 1] },
        },
        color: colorByTarget(
          result,
          'top',
          points.map((p) => p.target),
        ),
        tooltip: [
          { field: 'target' },
          { field: 'idleGapMs', title: 'idle gap (ms)', format: ',.0f' },
          { field: 'coldProbability', title: 'cold probability', format: '.1%' },
          { field: 'coldStarts', title: 'cold starts' },
          { field: 'requests', title: 'invocations' },
        ],
      },
    },
  };
}
