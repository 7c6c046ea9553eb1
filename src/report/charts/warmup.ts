/**
 * Warmup: latency by invocation (1, 2, 3, …, from the cold start on), one line
 * per target, with a rule at the invocation after which latency settled
 * (`settledAfter`, decided by the warmup phase). Failed invocations are red ✕
 * marks, not latencies. Needs the per-invocation series the warmup phase
 * records (`latencyByInvocationMs`); left out when no target has one.
 */
import type { Result } from '../../model/result.ts';
import { formatMs } from '../../units.ts';
import { colorByTarget, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';

/** One invocation of a warmup series. */
export interface WarmupPoint {
  target: string;
  phase: string;
  invocation: number;
  latencyMs: number | null;
}

/** A target's warmup answer: where it settled. */
export interface WarmupSettle {
  target: string;
  phase: string;
  settledAfter: number | null;
  invocations: number;
  /** p50 latency of the invocations after the settle point, ms (null when it never settled). */
  settledP50Ms: number | null;
  firstMs: number | null;
}

/** Every target's warmup series. */
export function warmupPoints(result: Result): WarmupPoint[] {
  return result.targets.flatMap((t) =>
    t.phases
      .filter((p) => p.kind === 'warmup' && p.latencyByInvocationMs?.length)
      .flatMap((p) =>
        p.latencyByInvocationMs!.map((ms, i) => ({ target: t.name, phase: p.name, invocation: i + 1, latencyMs: ms })),
      ),
  );
}

/** Every target's settle point (from warmup phases, series or not). */
export function warmupSettles(result: Result): WarmupSettle[] {
  return result.targets.flatMap((t) =>
    t.phases
      .filter((p) => p.kind === 'warmup' && p.settledAfter !== undefined)
      .map((p) => {
        const series = p.latencyByInvocationMs ?? [];
        const rest = p.settledAfter
          ? series
              .slice(p.settledAfter)
              .filter((x): x is number => x !== null)
              .sort((a, b) => a - b)
          : [];
        return {
          target: t.name,
          phase: p.name,
          settledAfter: p.settledAfter ?? null,
          invocations: p.requests,
          settledP50Ms: rest.length ? rest[Math.floor((rest.length - 1) / 2)]! : null,
          firstMs: series[0] ?? null,
        };
      }),
  );
}

/** "warmup: settled after 3 invocations (first 356.2 ms, then p50 2.104 ms)"; or "never settled in 20". */
export function warmupAnswer(s: WarmupSettle): string {
  if (s.settledAfter === null) return `warmup: latency never settled in ${s.invocations} invocations`;
  const figures =
    s.firstMs !== null && s.settledP50Ms !== null
      ? ` (first ${formatMs(s.firstMs)} ms, then p50 ${formatMs(s.settledP50Ms)} ms)`
      : '';
  return `warmup: settled after ${s.settledAfter} invocation${s.settledAfter === 1 ? '' : 's'}${figures}`;
}

/** Builds the chart, or null when no target recorded a warmup series. */
export function warmupChart(result: Result): Chart | null {
  const points = warmupPoints(result);
  if (!points.length) return null;
  const ok = points
    .filter((p) => p.latencyMs !== null)
    .map((p) => ({ ...p, latencyMs: Math.max(p.latencyMs!, 0.001) }));
  const failed = points.filter((p) => p.latencyMs === null).map((p) => ({ ...p, mark: '✕' }));
  const settles = warmupSettles(result)
    .filter((s) => s.settledAfter !== null && points.some((p) => p.target === s.target))
    .map((s) => ({ ...s, ruleAt: s.settledAfter! + 0.5, label: `settled after ${s.settledAfter}` }));
  const n = Math.max(...points.map((p) => p.invocation));
  const x = {
    field: 'invocation',
    type: 'quantitative',
    title: 'invocation (1 = the cold start)',
    scale: { domain: [0.5, n + 0.5], nice: false },
    axis: { tickMinStep: 1, format: 'd', values: n <= 30 ? Array.from({ length: n }, (_, i) => i + 1) : undefined },
  };
  const y = {
    field: 'latencyMs',
    type: 'quantitative',
    title: 'latency (ms, log)',
    scale: { type: 'log', nice: false, padding: 10 },
  };
  const tooltip = [
    { field: 'target' },
    { field: 'invocation' },
    { field: 'latencyMs', title: 'latency (ms)', format: '.4~r' },
  ];
  const present = points.map((p) => p.target);
  return {
    id: 'warmup',
    title: 'Warmup: latency by invocation',
    note: `Each invocation in order from the cold start; the dashed rule marks where latency settled (the invocations after it stay near their median).${failed.length ? ' Red ✕: failed invocations.' : ''}`,
    datasets: {
      warmup: ok,
      ...(failed.length ? { warmupFailed: failed } : {}),
      ...(settles.length ? { warmupSettled: settles } : {}),
    },
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      width: 'container',
      height: 260,
      layer: [
        {
          data: { name: 'warmup' },
          mark: { type: 'line', strokeWidth: 1.5, point: { filled: true, size: 35 } },
          encoding: { x, y, color: colorByTarget(result, 'top', present), tooltip },
        },
        ...(failed.length
          ? [
              {
                data: { name: 'warmupFailed' },
                mark: { type: 'text', color: '#cf222e', fontWeight: 700, fontSize: 13, y: 8 },
                encoding: { x, text: { field: 'mark' }, tooltip: [{ field: 'target' }, { field: 'invocation' }] },
              },
            ]
          : []),
        ...(settles.length
          ? [
              {
                data: { name: 'warmupSettled' },
                layer: [
                  { mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.25 } },
                  {
                    mark: {
                      type: 'text',
                      align: 'left',
                      dx: 4,
                      baseline: 'top',
                      fontSize: 10,
                      y: { expr: "12 * indexof(domain('color'), datum.target) + 2" },
                    },
                    encoding: { text: { field: 'label' } },
                  },
                ],
                encoding: {
                  x: { ...x, field: 'ruleAt' },
                  color: colorByTarget(result, 'shared'),
                  tooltip: [{ field: 'target' }, { field: 'settledAfter', title: 'settled after (invocations)' }],
                },
              },
            ]
          : []),
      ],
    },
  };
}
