/**
 * Per-second series of every target (PhaseResult.timeline), for the
 * latency-over-time and throughput charts, of the phase kinds where a time
 * series says something (steady, ramp; not UNTIMED_KINDS). Each target is drawn from its own
 * first second (targets run one after another; aligned this way they overlay
 * and compare). Long runs are coarsened to at most MAX_POINTS buckets per
 * target so the report stays small: counts add; p50 is the mean of the
 * seconds' p50s and p99 the max of their p99s (an upper bound), as the note says.
 */
import type { PhaseResult, Result, TimelinePoint } from '../../model/result.ts';
import { mergeTimelines } from '../../metrics/timeline.ts';
import { targetStartS } from './chart.ts';
import { phaseLabel } from '../format.ts';

/**
 * Phase kinds whose per-second series say nothing (a few invocations in rounds,
 * sweeps, probes): their answer is drawn by their own chart, and the per-second
 * charts leave them out.
 */
export const UNTIMED_KINDS: ReadonlySet<string> = new Set(['burst', 'warmup', 'payload', 'memory', 'keepalive']);

/** Per-second series up to this many rows (all targets) draw a dot per row. */
export const DOTS_UP_TO = 240;

/** Most points per target and series kept in the report. */
export const MAX_POINTS = 600;

/** One (possibly coarsened) bucket of a target's timeline. */
export interface TimelineRow {
  target: string;
  /** The phase (or phases, joined by ' + ', when one second holds the end of one and the start of the next). */
  phase: string;
  /** Stretch of consecutive seconds this row belongs to (a new one after a pause between phases). */
  segment: number;
  /** Seconds since the target's first second. */
  tS: number;
  /** Bucket width, s (1 unless coarsened). */
  widthS: number;
  requestsPerS: number;
  okPerS: number;
  errorsPerS: number;
  coldStarts: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/**
 * One target's timed seconds as one series: phases (and a ramp's steps) that end
 * and begin within the same second are added into that second (each alone holds
 * only part of it, which drew a dip to a fraction of the rate at every step
 * boundary); a second with no completion inside a phase's span is a 0, not
 * left out (a line drawn over it invented values). `segment` counts stretches
 * without a gap, so a pause between phases is not bridged by a line.
 */
function targetSeconds(timed: PhaseResult[]): (TimelinePoint & { phase: string; segment: number })[] {
  const byT = new Map<number, { points: TimelinePoint[]; phases: string[] }>();
  for (const p of timed) {
    const tl = p.timeline ?? [];
    if (!tl.length) continue;
    const label = phaseLabel(p);
    const have = new Map(tl.map((x) => [x.t, x]));
    for (let t = tl[0]!.t; t <= tl[tl.length - 1]!.t; t++) {
      const x = have.get(t) ?? { t, requests: 0, ok: 0, errors: 0, coldStarts: 0, p50Ms: null, p99Ms: null };
      const e = byT.get(t) ?? { points: [], phases: [] };
      e.points.push(x);
      if (!e.phases.includes(label)) e.phases.push(label);
      byT.set(t, e);
    }
  }
  const out: (TimelinePoint & { phase: string; segment: number })[] = [];
  let segment = 0;
  for (const t of [...byT.keys()].sort((a, b) => a - b)) {
    const e = byT.get(t)!;
    const filled = e.points.filter((x) => x.requests > 0);
    const point = filled.length > 1 ? mergeTimelines([filled])[0]! : (filled[0] ?? e.points[0]!);
    if (out.length && t > out[out.length - 1]!.t + 1) segment++;
    out.push({ ...point, t, phase: e.phases.join(' + '), segment });
  }
  return out;
}

/** The rows of every target with a timeline; empty when none has one. */
export function timelineRows(result: Result): TimelineRow[] {
  const out: TimelineRow[] = [];
  for (const t of result.targets) {
    const timed = t.phases.filter((p) => !UNTIMED_KINDS.has(p.kind));
    const t0 = targetStartS({ ...t, phases: timed });
    if (t0 === null) continue;
    const seconds = targetSeconds(timed);
    const widthS = Math.max(1, Math.ceil(seconds.length / MAX_POINTS));
    for (let i = 0; i < seconds.length; i += widthS) {
      // A bucket never spans a gap: it ends where its segment does.
      let chunk = seconds.slice(i, i + widthS);
      chunk = chunk.filter((x) => x.segment === chunk[0]!.segment);
      const sum = (f: (x: (typeof chunk)[number]) => number) => chunk.reduce((a, x) => a + f(x), 0);
      const p50s = chunk.map((x) => x.p50Ms).filter((x): x is number => x !== null);
      const p99s = chunk.map((x) => x.p99Ms).filter((x): x is number => x !== null);
      out.push({
        target: t.name,
        phase: [...new Set(chunk.map((x) => x.phase))].join(' + '),
        segment: chunk[0]!.segment,
        tS: chunk[0]!.t - t0,
        widthS: chunk.length,
        requestsPerS: sum((x) => x.requests) / chunk.length,
        okPerS: sum((x) => x.ok) / chunk.length,
        errorsPerS: sum((x) => x.errors) / chunk.length,
        coldStarts: sum((x) => x.coldStarts),
        p50Ms: p50s.length ? p50s.reduce((a, b) => a + b, 0) / p50s.length : null,
        p99Ms: p99s.length ? Math.max(...p99s) : null,
      });
      i -= widthS - chunk.length;
    }
  }
  return out;
}
