/**
 * Burst, round by round: how many invocations of each round started cold (bars),
 * and the cold and warm p99 of each round (points; a round with no cold start
 * has no cold point, never a zero). Rounds are the phase's own (`round`), so a
 * first cold round and the warm rounds after it read apart, which a rate over
 * all rounds hides. Left out unless some target ran a burst.
 */
import type { Result } from '../../model/result.ts';
import { formatMs } from '../../units.ts';
import { colorByTarget, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';

/** One burst round of one target. */
export interface BurstRound {
  target: string;
  phase: string;
  round: number;
  /** The round on the x axis: "#2", or "warm #2" when the target ran several burst phases. */
  label: string;
  /** Position among the target's burst rounds. */
  order: number;
  requests: number;
  coldStarts: number;
  /** Null when the round's cold state was not observed (n/a, not 0). */
  coldKnown: boolean;
  coldP99Ms: number | null;
  warmP99Ms: number | null;
  p99Ms: number | null;
}

/** Every target's burst rounds, in order. */
export function burstRounds(result: Result): BurstRound[] {
  return result.targets.flatMap((t) => {
    const bursts = t.phases.filter((p) => p.kind === 'burst');
    const several = new Set(bursts.map((p) => p.name)).size > 1;
    return bursts.map((p, i) => ({
      target: t.name,
      phase: p.name,
      round: p.round ?? i + 1,
      // Rounds of several burst phases read apart: "cold #1", "warm #1".
      label: several ? `${p.name} #${p.round ?? 1}` : `#${p.round ?? i + 1}`,
      order: i,
      requests: p.requests,
      coldStarts: p.coldStarts,
      coldKnown: t.coldStartMethod !== 'none' && (p as { coldNa?: string }).coldNa === undefined,
      coldP99Ms: p.coldLatencyMs?.p99 ?? null,
      warmP99Ms: p.warmLatencyMs?.p99 ?? null,
      p99Ms: p.latencyMs?.p99 ?? null,
    }));
  });
}

/** A target's burst in words: "burst: cold starts per round 20/0/0 (of 20/20/20); cold p99 356.2/-/- ms; warm p99 -/2.410/2.100 ms". */
export function burstAnswer(rounds: BurstRound[]): string {
  const cold = rounds.map((r) => (r.coldKnown ? String(r.coldStarts) : 'n/a')).join('/');
  const ms = (f: (r: BurstRound) => number | null) => rounds.map((r) => formatMs(f(r))).join('/');
  return `burst: cold starts per round ${cold} (of ${rounds.map((r) => r.requests).join('/')}); cold p99 ${ms((r) => r.coldP99Ms)} ms; warm p99 ${ms((r) => r.warmP99Ms)} ms`;
}

/** Builds the chart, or null when no target ran a burst. */
export function burstChart(result: Result): Chart | null {
  const rounds = burstRounds(result);
  if (!rounds.length) return null;
  const present = rounds.map((r) => r.target);
  const roundAxis = {
    field: 'label',
    type: 'ordinal',
    title: 'round',
    sort: { field: 'order', op: 'min' },
    axis: { labelAngle: 0 },
  };
  const coldView = {
    title: { text: 'cold starts per round', fontSize: 12 },
    data: { name: 'burstRounds' },
    transform: [{ filter: 'datum.coldKnown' }],
    height: 200,
    encoding: {
      x: roundAxis,
      xOffset: { field: 'target', type: 'nominal', scale: { domain: [...new Set(present)] } },
      y: {
        field: 'coldStarts',
        type: 'quantitative',
        title: 'cold starts (invocations)',
        axis: { tickMinStep: 1, format: 'd' },
      },
      tooltip: [
        { field: 'target' },
        { field: 'round' },
        { field: 'coldStarts', title: 'cold starts' },
        { field: 'requests', title: 'invocations' },
      ],
    },
    layer: [
      { mark: { type: 'bar', cornerRadiusEnd: 2 }, encoding: { color: colorByTarget(result, 'top', present) } },
      {
        mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 11 },
        encoding: { text: { field: 'coldStarts' } },
      },
    ],
  };
  const latency = rounds.flatMap((r) => [
    ...(r.coldP99Ms !== null ? [{ ...r, state: 'cold', p99: Math.max(r.coldP99Ms, 0.001) }] : []),
    ...(r.warmP99Ms !== null ? [{ ...r, state: 'warm', p99: Math.max(r.warmP99Ms, 0.001) }] : []),
  ]);
  const latencyView = {
    title: { text: 'p99 per round, cold vs warm', fontSize: 12 },
    data: { name: 'burstLatency' },
    height: 200,
    encoding: {
      x: roundAxis,
      xOffset: { field: 'target', type: 'nominal', scale: { domain: [...new Set(present)] } },
      y: {
        field: 'p99',
        type: 'quantitative',
        title: 'p99 latency (ms, log)',
        scale: { type: 'log', nice: false, padding: 10 },
      },
      color: colorByTarget(result, 'shared'),
      shape: {
        field: 'state',
        type: 'nominal',
        title: 'invocations',
        scale: { domain: ['cold', 'warm'], range: ['triangle-up', 'circle'] },
        legend: { orient: 'top', symbolFillColor: 'currentColor', symbolStrokeColor: 'currentColor' },
      },
      tooltip: [
        { field: 'target' },
        { field: 'round' },
        { field: 'state', title: 'invocations' },
        { field: 'p99', title: 'p99 (ms)', format: '.4~r' },
      ],
    },
    mark: { type: 'point', filled: true, size: 80, opacity: 1 },
  };
  return {
    id: 'burst',
    title: 'Burst: cold starts and p99 per round',
    note: 'Each round of the burst: how many invocations started cold (left), and the p99 of its cold and of its warm invocations (right; a round without cold starts has no cold point).',
    datasets: { burstRounds: rounds, burstLatency: latency },
    widthShares: [0.45, 0.55],
    spec: { $schema: VEGA_LITE_SCHEMA, hconcat: [coldView, latencyView], resolve: { scale: { color: 'shared' } } },
  };
}
