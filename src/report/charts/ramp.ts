/**
 * Ramp chart: p99 latency at each offered rate of a ramp phase
 * (TargetResult.ramp), failed steps hollow, the knee marked by a vertical rule.
 * Left out when no target ran a ramp.
 */
import type { Result } from '../../model/result.ts';
import { colorByTarget, NEUTRAL_SYMBOL, tickValues, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';

/** Builds the chart, or null when no target ran a ramp. */
export function rampChart(result: Result): Chart | null {
  const steps = result.targets.flatMap((t) =>
    (t.ramp?.steps ?? [])
      .filter((s) => s.p99Ms !== null)
      .map((s) => ({
        target: t.name,
        rateRps: s.rateRps,
        p99Ms: Math.max(s.p99Ms!, 0.001),
        errorRate: s.errorRate,
        verdict: s.ok ? 'within bounds' : 'broke',
      })),
  );
  // Achieved vs offered per step, from the step's own phase result (its completions per second).
  const achieved = result.targets.flatMap((t) =>
    (t.ramp?.steps ?? []).flatMap((s) => {
      const p = t.phases.find((x) => x.kind === 'ramp' && x.rateRps === s.rateRps);
      if (!p) return [];
      return [
        {
          target: t.name,
          rateRps: s.rateRps,
          achievedRps: p.throughputRps,
          errorRate: s.errorRate,
          errorLabel: s.errorRate > 0 ? `${+(s.errorRate * 100).toFixed(1)}% err` : '',
          verdict: s.ok ? 'within bounds' : 'broke',
        },
      ];
    }),
  );
  if (!steps.length) return null;
  const slos = result.targets
    .filter((t) => t.ramp?.slo && t.ramp.steps.length)
    .map((t) => ({ target: t.name, p99Ms: t.ramp!.slo!.p99Ms, label: `p99 SLO ${t.ramp!.slo!.p99Ms} ms` }));
  const knees = result.targets
    .filter((t) => t.ramp && t.ramp.kneeRps !== null)
    .map((t) => ({
      target: t.name,
      kneeRps: t.ramp!.kneeRps,
      brokeAtRps: t.ramp!.brokeAtRps,
      label: `knee ${t.ramp!.kneeRps} req/s`,
    }));
  const x = {
    field: 'rateRps',
    type: 'quantitative',
    title: 'offered rate (requests / s)',
    axis: { values: tickValues(steps.map((s) => s.rateRps)), labelOverlap: true },
  };
  const latencyView = {
    height: 240,
    layer: [
      {
        data: { name: 'rampSteps' },
        mark: { type: 'line', point: false, strokeWidth: 1.5 },
        encoding: {
          x,
          y: { field: 'p99Ms', type: 'quantitative', title: 'p99 (ms, log)', scale: { type: 'log' } },
          color: colorByTarget(
            result,
            'top',
            steps.map((s) => s.target),
          ),
        },
      },
      {
        data: { name: 'rampSteps' },
        mark: { type: 'point', size: 60, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'p99Ms', type: 'quantitative' },
          color: colorByTarget(result, 'shared'),
          fill: {
            condition: { test: "datum.verdict === 'broke'", value: 'transparent' },
            field: 'target',
            type: 'nominal',
            scale: colorByTarget(result).scale as object,
          },
          tooltip: [
            { field: 'target' },
            { field: 'rateRps', title: 'rate (req/s)' },
            { field: 'p99Ms', title: 'p99 (ms)', format: '.3~f' },
            { field: 'errorRate', title: 'error rate', format: '.2%' },
            { field: 'verdict' },
          ],
        },
      },
      ...(knees.length
        ? [
            {
              data: { name: 'rampKnees' },
              mark: { type: 'text', align: 'left', dx: 4, baseline: 'top', y: 2, fontSize: 10 },
              encoding: {
                x: { field: 'kneeRps', type: 'quantitative' },
                text: { field: 'label' },
                color: colorByTarget(result, 'shared'),
              },
            },
            {
              data: { name: 'rampKnees' },
              mark: { type: 'rule', strokeDash: [2, 3], strokeWidth: 1.5 },
              encoding: {
                x: { field: 'kneeRps', type: 'quantitative' },
                color: colorByTarget(result, 'shared'),
                tooltip: [
                  { field: 'target' },
                  { field: 'kneeRps', title: 'knee (req/s)' },
                  { field: 'brokeAtRps', title: 'broke at (req/s)' },
                ],
              },
            },
          ]
        : []),
      ...(slos.length
        ? [
            {
              data: { name: 'rampSlo' },
              mark: { type: 'text', align: 'left', x: 4, dy: -6, fontSize: 10 },
              encoding: {
                y: { field: 'p99Ms', type: 'quantitative' },
                text: { field: 'label' },
                color: colorByTarget(result, 'shared'),
              },
            },
            {
              data: { name: 'rampSlo' },
              mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1, opacity: 0.8 },
              encoding: {
                y: { field: 'p99Ms', type: 'quantitative' },
                color: colorByTarget(result, 'shared'),
                tooltip: [{ field: 'target' }, { field: 'p99Ms', title: 'p99 bound (ms)' }],
              },
            },
          ]
        : []),
    ],
  };
  return {
    id: 'ramp',
    title: 'Ramp: p99 latency vs offered rate',
    note: `Each step of the ramp: p99 (top; hollow points broke the bounds) and the completions per second it achieved against the rate it offered (bottom; the dashed diagonal is achieved = offered, each step's error rate written beside it when not 0). The dotted rule marks the knee: the highest rate still within bounds${slos.length ? '; the dashed line, the p99 SLO' : ''}.`,
    datasets: {
      rampSteps: steps,
      rampKnees: knees,
      ...(slos.length ? { rampSlo: slos } : {}),
      ...(achieved.length ? { rampAchieved: achieved } : {}),
    },
    ...(achieved.length ? { widthShares: [1, 1] } : {}),
    spec: achieved.length
      ? {
          $schema: VEGA_LITE_SCHEMA,
          vconcat: [latencyView, achievedView(result, x)],
          resolve: { scale: { color: 'shared' } },
        }
      : { $schema: VEGA_LITE_SCHEMA, width: 'container', ...latencyView },
  };
}

/**
 * The lower view: completions per second each step achieved against the rate it
 * offered (the dashed diagonal is "achieved = offered"), the step's error rate
 * written beside it when not 0.
 */
function achievedView(result: Result, x: object): object {
  return {
    height: 160,
    data: { name: 'rampAchieved' },
    layer: [
      {
        mark: { type: 'line', strokeDash: [4, 4], strokeWidth: 1, color: NEUTRAL_SYMBOL, opacity: 0.5 },
        encoding: { x, y: { field: 'rateRps', type: 'quantitative' } },
      },
      {
        mark: { type: 'line', point: { size: 40, filled: true }, strokeWidth: 1.5 },
        encoding: {
          x: { ...x, title: 'offered rate (requests / s)' },
          y: {
            field: 'achievedRps',
            type: 'quantitative',
            title: 'achieved (completions / s)',
            scale: { domainMin: 0 },
          },
          color: colorByTarget(result, 'shared'),
          tooltip: [
            { field: 'target' },
            { field: 'rateRps', title: 'offered (req/s)' },
            { field: 'achievedRps', title: 'achieved (req/s)', format: ',.1f' },
            { field: 'errorRate', title: 'error rate', format: '.2%' },
            { field: 'verdict' },
          ],
        },
      },
      {
        mark: { type: 'text', dy: -9, fontSize: 10 },
        encoding: {
          x,
          y: { field: 'achievedRps', type: 'quantitative' },
          text: { field: 'errorLabel' },
          color: colorByTarget(result, 'shared'),
        },
      },
    ],
  };
}
