/**
 * Chart 2: latency over time: per-second p50 and p99 lines per target (from
 * PhaseResult.timeline), with the seconds that had cold starts marked by a
 * triangle sized by how many. Left out when no phase has a timeline.
 */
import type { Result } from '../../model/result.ts';
import { colorByTarget, dashLegend, NEUTRAL_SYMBOL, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';
import { DOTS_UP_TO, timelineRows } from './timeline-data.ts';

/** Builds the chart, or null when the run has no timeline. */
export function latencyOverTimeChart(result: Result): Chart | null {
  const rows = timelineRows(result);
  const lines: { target: string; [k: string]: unknown }[] = [];
  const cold: object[] = [];
  for (const r of rows) {
    for (const [stat, v] of [
      ['p50', r.p50Ms],
      ['p99', r.p99Ms],
    ] as const) {
      if (v !== null)
        lines.push({
          target: r.target,
          phase: r.phase,
          segment: r.segment,
          tS: r.tS,
          stat,
          latencyMs: Math.max(v, 0.001),
        });
    }
    if (r.coldStarts > 0)
      cold.push({
        target: r.target,
        phase: r.phase,
        tS: r.tS,
        coldStarts: r.coldStarts,
        latencyMs: Math.max(r.p99Ms ?? r.p50Ms ?? 0.001, 0.001),
      });
  }
  if (!lines.length) return null;
  const coarse = rows.some((r) => r.widthS > 1);
  // Short series get a dot per second, so a phase that lasted one second still shows.
  const dots = rows.length <= DOTS_UP_TO;
  const tooltip = [
    { field: 'target' },
    { field: 'phase' },
    { field: 'tS', title: 'second' },
    { field: 'stat', title: 'percentile' },
    { field: 'latencyMs', title: 'latency (ms)', format: '.3~f' },
  ];
  const x = {
    field: 'tS',
    type: 'quantitative',
    title: 'elapsed since the target started (s)',
    axis: { tickMinStep: 1, format: 'd' },
  };
  const y = {
    field: 'latencyMs',
    type: 'quantitative',
    title: 'latency (ms, log)',
    scale: { type: 'log', nice: false, padding: 8 },
  };
  return {
    id: 'latency-over-time',
    title: 'Latency over time (p50 and p99 per second, cold starts marked)',
    note: `Client-side latency of the invocations in each second${coarse ? ' (long run: buckets of several seconds; p50 is their mean, p99 their max)' : ''}. Triangles mark seconds with cold starts, sized by their count.`,
    datasets: { latencyOverTime: lines, coldStartsOverTime: cold },
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      description: 'Latency over time with cold starts marked',
      width: 'container',
      height: 300,
      layer: [
        {
          data: { name: 'latencyOverTime' },
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            x,
            y,
            color: colorByTarget(
              result,
              'top',
              lines.map((l) => l.target),
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
            detail: { field: 'segment' },
            tooltip,
          },
        },
        // Dots in their own layer: on the line layer they would replace the dashes in the legend.
        ...(dots
          ? [
              {
                data: { name: 'latencyOverTime' },
                mark: { type: 'point', size: 20, filled: true, opacity: 1 },
                encoding: { x, y, color: colorByTarget(result, 'shared'), tooltip },
              },
            ]
          : []),
        ...(cold.length
          ? [
              {
                data: { name: 'coldStartsOverTime' },
                mark: { type: 'point', shape: 'triangle-up', filled: true, opacity: 0.9, strokeWidth: 0.5 },
                encoding: {
                  x,
                  y,
                  color: colorByTarget(result, 'shared'),
                  size: {
                    field: 'coldStarts',
                    type: 'quantitative',
                    title: 'cold starts in the second',
                    scale: { range: [30, 260], zero: false },
                    legend: {
                      orient: 'top',
                      format: 'd',
                      tickMinStep: 1,
                      symbolFillColor: NEUTRAL_SYMBOL,
                      symbolStrokeColor: NEUTRAL_SYMBOL,
                    },
                  },
                  tooltip: [
                    { field: 'target' },
                    { field: 'phase' },
                    { field: 'tS', title: 'second' },
                    { field: 'coldStarts', title: 'cold starts' },
                    { field: 'latencyMs', title: 'p99 (ms)', format: '.3~f' },
                  ],
                },
              },
            ]
          : []),
      ],
    },
  };
}
