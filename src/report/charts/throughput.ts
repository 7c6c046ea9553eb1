/**
 * Chart 7: throughput and errors over time: per-second requests (and of them,
 * errors) per target, from PhaseResult.timeline. Left out when no phase has a
 * timeline.
 */
import type { Result } from '../../model/result.ts';
import { colorByTarget, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';
import { DOTS_UP_TO, timelineRows } from './timeline-data.ts';

/** Builds the chart, or null when the run has no timeline. */
export function throughputChart(result: Result): Chart | null {
  const rows = timelineRows(result).map((r) => ({
    target: r.target,
    phase: r.phase,
    segment: r.segment,
    tS: r.tS,
    requestsPerS: r.requestsPerS,
    okPerS: r.okPerS,
    errorsPerS: r.errorsPerS,
    errorShare: r.requestsPerS ? r.errorsPerS / r.requestsPerS : 0,
  }));
  if (!rows.length) return null;
  const x = {
    field: 'tS',
    type: 'quantitative',
    title: 'elapsed since the target started (s)',
    axis: { tickMinStep: 1, format: 'd' },
  };
  // With no error at all the axis would have no extent: show 0–1 so "none" reads as a flat line at 0.
  const point = rows.length <= DOTS_UP_TO ? { size: 14, filled: true } : false;
  const errorScale = rows.some((r) => r.errorsPerS > 0) ? { domainMin: 0 } : { domain: [0, 1] };
  const tooltip = [
    { field: 'target' },
    { field: 'phase' },
    { field: 'tS', title: 'second' },
    { field: 'requestsPerS', title: 'requests/s', format: ',.1f' },
    { field: 'okPerS', title: 'ok/s', format: ',.1f' },
    { field: 'errorsPerS', title: 'errors/s', format: ',.2f' },
    { field: 'errorShare', title: 'error share', format: '.2%' },
  ];
  return {
    id: 'throughput',
    title: 'Throughput and errors over time',
    note: 'Invocations completed per second (top) and failed ones per second (bottom), per target.',
    datasets: { throughput: rows },
    widthShares: [1, 1],
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      data: { name: 'throughput' },
      vconcat: [
        {
          height: 200,
          mark: { type: 'line', strokeWidth: 1.5, point },
          encoding: {
            x: { ...x, title: null, axis: { labels: false, ticks: false, tickMinStep: 1 } },
            y: { field: 'requestsPerS', type: 'quantitative', title: 'requests / s' },
            color: colorByTarget(
              result,
              'top',
              rows.map((r) => r.target),
            ),
            detail: { field: 'segment' },
            tooltip,
          },
        },
        {
          height: 110,
          mark: { type: 'line', strokeWidth: 1.5, interpolate: 'step-after', point },
          encoding: {
            x,
            y: {
              field: 'errorsPerS',
              type: 'quantitative',
              title: 'errors / s',
              scale: errorScale,
              axis: { format: ',.3~f', tickCount: 3 },
            },
            color: colorByTarget(result, 'shared'),
            detail: { field: 'segment' },
            tooltip,
          },
        },
      ],
      resolve: { scale: { x: 'shared', color: 'shared' } },
    },
  };
}
