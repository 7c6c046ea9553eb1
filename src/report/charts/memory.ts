/**
 * The memory sweep answered the way AWS Lambda Power Tuning answers it: memory
 * size on x, duration (p50 and p99 latency, left axis) and cost per 1M
 * invocations (right axis) per size, one chart per sweep. A size where any
 * invocation failed is no candidate: it is left off both lines, drawn as a
 * marked error at its size, and never named as an optimum. The optimum is
 * named three ways among the sizes that did not fail: the cheapest, the
 * fastest (lowest p50), and the balanced pick (lowest mean of cost and p50,
 * each divided by its largest value over the candidates: Power Tuning's
 * "balanced" strategy at weight 0.5).
 */
import { decodeHistogram, mergeHistograms, percentileMs } from '../../metrics/histogram.ts';
import { errorTotal } from '../../metrics/figures.ts';
import { formatMs, formatUSD } from '../../units.ts';
import type { Result } from '../../model/result.ts';
import { errorBreakdown, int } from '../format.ts';
import { colorByTarget, dashLegend, tickValues, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';

/** Line styles: p50 solid, p99 dashed, cost dotted. */
const DASHES = {
  domain: ['p50 latency', 'p99 latency', 'cost per 1M'],
  range: [
    [1, 0],
    [5, 3],
    [2, 2],
  ],
};

/** One memory size of a target's sweep. */
export interface MemorySize {
  target: string;
  memoryMB: number;
  requests: number;
  errors: number;
  /** "3 out-of-memory"; empty when none failed. */
  errorClasses: string;
  /** Whether any invocation at this size failed (then it is no candidate). */
  failed: boolean;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Mean cost per 1M invocations at this size (priced invocations only); null when none was priced. */
  perMillionUSD: number | null;
}

/** The sizes a target's sweep names best. */
export interface MemoryOptimum {
  target: string;
  cheapest: MemorySize | null;
  fastest: MemorySize | null;
  balanced: MemorySize | null;
  failed: MemorySize[];
}

/** Every target's memory sweep (at least two sizes), sizes ascending. */
export function memorySizes(result: Result): MemorySize[] {
  const out: MemorySize[] = [];
  for (const t of result.targets) {
    const bySize = new Map<
      number,
      { hist: string[]; requests: number; errors: Record<string, number>; totalUSD: number; costed: number }
    >();
    for (const p of t.phases) {
      if (p.memoryMB === undefined) continue;
      const g = bySize.get(p.memoryMB) ?? { hist: [], requests: 0, errors: {}, totalUSD: 0, costed: 0 };
      g.hist.push(p.histograms.all);
      g.requests += p.requests;
      for (const [k, n] of Object.entries(p.errors)) g.errors[k] = (g.errors[k] ?? 0) + n;
      if (p.cost) {
        g.totalUSD += p.cost.totalUSD;
        // The cost figures carry the total and the mean: their ratio is the number priced.
        g.costed += p.cost.perInvocationUSD > 0 ? p.cost.totalUSD / p.cost.perInvocationUSD : 0;
      }
      bySize.set(p.memoryMB, g);
    }
    if (bySize.size < 2) continue;
    for (const [mb, g] of [...bySize.entries()].sort((a, b) => a[0] - b[0])) {
      const h = mergeHistograms(g.hist.map(decodeHistogram));
      const errors = errorTotal({ errors: g.errors } as Parameters<typeof errorTotal>[0]);
      out.push({
        target: t.name,
        memoryMB: mb,
        requests: g.requests,
        errors,
        errorClasses: errorBreakdown({ errors: g.errors as never }),
        failed: errors > 0,
        p50Ms: h.totalCount ? percentileMs(h, 50) : null,
        p99Ms: h.totalCount ? percentileMs(h, 99) : null,
        perMillionUSD: g.costed ? (g.totalUSD / g.costed) * 1e6 : null,
      });
    }
  }
  return out;
}

/** The cheapest, fastest and balanced size of each target's sweep, failed sizes excluded. */
export function memoryOptima(sizes: MemorySize[]): MemoryOptimum[] {
  const targets = [...new Set(sizes.map((s) => s.target))];
  return targets.map((target) => {
    const mine = sizes.filter((s) => s.target === target);
    const ok = mine.filter((s) => !s.failed && s.p50Ms !== null);
    const min = (list: MemorySize[], key: (s: MemorySize) => number) =>
      list.reduce<MemorySize | null>((best, s) => (best === null || key(s) < key(best) ? s : best), null);
    const priced = ok.filter((s) => s.perMillionUSD !== null);
    const maxCost = Math.max(...priced.map((s) => s.perMillionUSD!));
    const maxP50 = Math.max(...priced.map((s) => s.p50Ms!));
    return {
      target,
      cheapest: min(priced, (s) => s.perMillionUSD!),
      fastest: min(ok, (s) => s.p50Ms!),
      balanced: min(priced, (s) => 0.5 * (s.perMillionUSD! / maxCost) + 0.5 * (s.p50Ms! / maxP50)),
      failed: mine.filter((s) => s.failed),
    };
  });
}

/** The optimum in words: "cheapest 256 MB ($6.64 / 1M), fastest 256 MB (p50 1.75 s), balanced 256 MB; 128 MB failed (6 of 6: 6 out-of-memory)". */
export function memoryAnswer(o: MemoryOptimum): string {
  const mb = (s: MemorySize | null) => (s ? `${s.memoryMB} MB` : 'none');
  const parts = [
    `cheapest ${mb(o.cheapest)}${o.cheapest ? ` (${formatUSD(o.cheapest.perMillionUSD)} per 1M)` : ''}`,
    `fastest ${mb(o.fastest)}${o.fastest ? ` (p50 ${formatMs(o.fastest.p50Ms)} ms)` : ''}`,
    `balanced ${mb(o.balanced)}`,
  ];
  if (!o.cheapest && !o.fastest)
    return `memory sweep: no size ran without failures, so none is named; ${o.failed.map((s) => `${s.memoryMB} MB failed ${int(s.errors)} of ${int(s.requests)} (${s.errorClasses})`).join(', ')}`;
  const failed = o.failed.map(
    (s) => `${s.memoryMB} MB failed ${int(s.errors)} of ${int(s.requests)} (${s.errorClasses})`,
  );
  return `memory sweep: ${parts.join(', ')}${failed.length ? `; excluded: ${failed.join(', ')}` : ''}`;
}

/** Builds the chart, or null when no target swept memory. */
export function memoryChart(result: Result): Chart | null {
  const sizes = memorySizes(result);
  if (!sizes.length) return null;
  const optima = memoryOptima(sizes);
  const candidates = sizes.filter((s) => !s.failed);
  const lines = candidates.flatMap((s) => [
    ...(s.p50Ms !== null ? [{ ...s, measure: 'p50 latency', value: Math.max(s.p50Ms, 0.001) }] : []),
    ...(s.p99Ms !== null ? [{ ...s, measure: 'p99 latency', value: Math.max(s.p99Ms, 0.001) }] : []),
  ]);
  const costs = candidates.filter((s) => s.perMillionUSD !== null);
  const failed = sizes
    .filter((s) => s.failed)
    .map((s) => ({ ...s, label: `✕ ${int(s.errors)}/${int(s.requests)} failed` }));
  const picks = optima.flatMap((o) =>
    (['cheapest', 'fastest', 'balanced'] as const)
      .filter((k) => o[k])
      .map((k) => ({ target: o.target, pick: k, memoryMB: o[k]!.memoryMB })),
  );
  // One label per size: "cheapest · balanced".
  const pickLabels = [...new Set(picks.map((p) => `${p.target}\u0000${p.memoryMB}`))].map((key) => {
    const [target, mb] = key.split('\u0000');
    return {
      target,
      memoryMB: Number(mb),
      label: picks
        .filter((p) => p.target === target && p.memoryMB === Number(mb))
        .map((p) => p.pick)
        .join(' · '),
    };
  });
  const x = {
    field: 'memoryMB',
    type: 'quantitative',
    title: 'memory (MB, log)',
    scale: { type: 'log', base: 2, nice: false, padding: 24 },
    axis: { values: tickValues(sizes.map((s) => s.memoryMB)), format: 'd', labelOverlap: true },
  };
  const present = sizes.map((s) => s.target);
  const latencyLayer = {
    data: { name: 'memoryLatency' },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.75 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'latency (ms)', scale: { zero: false } },
          color: colorByTarget(result, 'top', present),
          strokeDash: {
            field: 'measure',
            type: 'nominal',
            title: null,
            scale: DASHES,
            legend: dashLegend(),
          },
          detail: { field: 'target' },
          tooltip: [
            { field: 'target' },
            { field: 'memoryMB', title: 'memory (MB)' },
            { field: 'measure' },
            { field: 'value', title: 'latency (ms)', format: '.4~r' },
            { field: 'requests', title: 'invocations' },
          ],
        },
      },
      // Dots in their own layer: on the line layer they would replace the dashes in the legend.
      {
        mark: { type: 'point', filled: true, size: 50, opacity: 1 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative' },
          color: colorByTarget(result, 'shared'),
          detail: { field: 'measure' },
        },
      },
    ],
  };
  const costLayer = {
    data: { name: 'memoryCost' },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5 } },
      { mark: { type: 'point', shape: 'square', filled: true, size: 50, opacity: 1 }, encoding: { strokeDash: null } },
    ],
    encoding: {
      x,
      strokeDash: { datum: 'cost per 1M', type: 'nominal', scale: DASHES },
      y: {
        field: 'perMillionUSD',
        type: 'quantitative',
        title: 'cost (USD per 1M invocations)',
        axis: { orient: 'right', format: '$,.3~r' },
        scale: { zero: true },
      },
      color: colorByTarget(result, 'shared'),
      tooltip: [
        { field: 'target' },
        { field: 'memoryMB', title: 'memory (MB)' },
        { field: 'perMillionUSD', title: 'USD / 1M', format: '$,.4~f' },
        { field: 'requests', title: 'invocations' },
      ],
    },
  };
  const failedLayer = {
    data: { name: 'memoryFailed' },
    layer: [
      { mark: { type: 'rule', strokeDash: [3, 3], color: '#cf222e', strokeWidth: 1.5 }, encoding: { x } },
      {
        mark: { type: 'text', color: '#cf222e', fontWeight: 600, fontSize: 11, y: 8, angle: 0, align: 'center' },
        encoding: {
          x,
          text: { field: 'label' },
          tooltip: [
            { field: 'target' },
            { field: 'memoryMB', title: 'memory (MB)' },
            { field: 'errors', title: 'failed invocations' },
            { field: 'requests', title: 'invocations' },
            { field: 'errorClasses', title: 'errors' },
          ],
        },
      },
    ],
  };
  const pickLayer = {
    data: { name: 'memoryPicks' },
    mark: { type: 'text', fontSize: 11, fontWeight: 600, baseline: 'bottom', y: { expr: 'height' }, dy: -4 },
    encoding: {
      x,
      text: { field: 'label' },
      color: colorByTarget(result, 'shared'),
    },
  };
  const answers = optima.map(memoryAnswer);
  return {
    id: 'memory',
    title: 'Memory sweep: duration and cost per memory size',
    note: `Latency (solid p50, dashed p99; left axis) and cost per 1M invocations (dotted squares; right axis) per size. A size where any invocation failed is no candidate: drawn as a red ✕ rule, never on the lines. ${answers.join('. ')}.`,
    datasets: {
      memoryLatency: lines,
      ...(costs.length ? { memoryCost: costs } : {}),
      ...(failed.length ? { memoryFailed: failed } : {}),
      ...(pickLabels.length ? { memoryPicks: pickLabels } : {}),
    },
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      width: 'container',
      height: 280,
      layer: [
        { layer: [latencyLayer, ...(failed.length ? [failedLayer] : []), ...(pickLabels.length ? [pickLayer] : [])] },
        ...(costs.length ? [costLayer] : []),
      ],
      resolve: { scale: { y: 'independent' } },
    },
  };
}
