/**
 * Chart 4: the keep-alive survival curve: the probability that an invocation
 * is a cold start after the function sat idle for a given gap (phases with
 * `idleGapMs`), one line per target. Rounds with the same gap are pooled
 * (cold starts over invocations). Left out unless some target has at least two
 * distinct gaps.
 */
import type { Result } from '../../model/result.ts';
import { formatGap } from '../format.ts';
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

/** The idle gap where a target's instances start going cold: the first gap with any cold start. */
export function keepaliveAnswer(points: KeepalivePoint[], idleTimeoutMs?: number): string {
  const first = points.find((p) => p.coldStarts > 0);
  const timeout = idleTimeoutMs !== undefined ? ` (configured idle timeout ${formatGap(idleTimeoutMs)})` : '';
  if (!first)
    return `keep-alive: warm after every idle gap up to ${formatGap(points[points.length - 1]!.idleGapMs)}${timeout}`;
  const before = points.filter((p) => p.idleGapMs < first.idleGapMs).pop();
  return `keep-alive: cold starts begin between ${before ? formatGap(before.idleGapMs) : '0'} and ${formatGap(first.idleGapMs)} idle (${first.coldStarts} of ${first.requests} cold at ${formatGap(first.idleGapMs)})${timeout}`;
}

/** Builds the chart, or null when no target has a keep-alive sweep. */
export function keepaliveChart(result: Result): Chart | null {
  const points = keepalivePoints(result).map((p) => ({ ...p, n: `n=${p.requests}` }));
  if (!points.length) return null;
  const timeouts = result.targets
    .filter((t) => t.idleTimeoutMs !== undefined && points.some((p) => p.target === t.name))
    .map((t) => ({
      target: t.name,
      idleGapMs: t.idleTimeoutMs!,
      label: `idle timeout ${formatGap(t.idleTimeoutMs!)} (configured)`,
    }));
  const gaps = [...points.map((p) => p.idleGapMs), ...timeouts.map((t) => t.idleGapMs)];
  const x = {
    field: 'idleGapMs',
    type: 'quantitative',
    title: 'idle gap before the invocation (log)',
    scale: { type: 'log', nice: false, padding: 16, domain: [Math.min(...gaps), Math.max(...gaps)] },
    axis: {
      labelExpr: DURATION_LABEL_EXPR,
      labelOverlap: true,
      values: tickValues(gaps),
    },
  };
  const y = {
    field: 'coldProbability',
    type: 'quantitative',
    title: 'cold-start probability (share of invocations)',
    axis: { format: '.0%' },
    scale: { domain: [0, 1.12] },
  };
  const tooltip = [
    { field: 'target' },
    { field: 'idleGapMs', title: 'idle gap (ms)', format: ',.0f' },
    { field: 'coldProbability', title: 'cold probability', format: '.1%' },
    { field: 'coldStarts', title: 'cold starts' },
    { field: 'requests', title: 'invocations' },
  ];
  return {
    id: 'keepalive',
    title: 'Keep-alive: cold-start probability vs idle gap',
    note: `After the function sat idle this long, how likely was the next invocation to start cold? Each point is the probes at one gap (n: invocations); the line steps between them, inventing nothing in between.${timeouts.length ? ' The dashed rule marks the idle timeout the function was configured with.' : ''}`,
    datasets: { keepalive: points, ...(timeouts.length ? { keepaliveTimeout: timeouts } : {}) },
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      width: 'container',
      height: 260,
      layer: [
        {
          data: { name: 'keepalive' },
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.75 },
          encoding: {
            x,
            y,
            color: colorByTarget(
              result,
              'top',
              points.map((p) => p.target),
            ),
            tooltip,
          },
        },
        {
          data: { name: 'keepalive' },
          mark: { type: 'point', filled: true, size: 55, opacity: 1 },
          encoding: { x, y, color: colorByTarget(result, 'shared'), tooltip },
        },
        {
          data: { name: 'keepalive' },
          mark: { type: 'text', dy: -10, fontSize: 10 },
          encoding: { x, y, text: { field: 'n' }, color: colorByTarget(result, 'shared') },
        },
        ...(timeouts.length
          ? [
              {
                data: { name: 'keepaliveTimeout' },
                layer: [
                  { mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.25 } },
                  {
                    mark: { type: 'text', align: 'right', dx: -4, baseline: 'top', y: 2, fontSize: 10 },
                    encoding: { text: { field: 'label' } },
                  },
                ],
                encoding: {
                  x,
                  color: colorByTarget(result, 'shared'),
                  tooltip: [{ field: 'target' }, { field: 'label', title: 'idle timeout' }],
                },
              },
            ]
          : []),
      ],
    },
  };
}
