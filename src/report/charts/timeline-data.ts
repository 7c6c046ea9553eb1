/**
 * Per-second series of every target (PhaseResult.timeline), for the
 * latency-over-time and throughput charts, of the phase kinds where a time
 * series says something (steady, ramp; not UNTIMED_KINDS). Each target is drawn from its own
 * first second (targets run one after another; aligned this way they overlay
 * and compare). Long runs are coarsened to at most MAX_POINTS buckets per
 * target so the report stays small: counts add; p50 is the mean of the
 * seconds' p50s and p99 the max of their p99s (an upper bound), as the note says.
 */
import type { Result } from '../../model/result.ts';
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
  phase: string;
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

/** The rows of every target with a timeline; empty when none has one. */
export function timelineRows(result: Result): TimelineRow[] {
  const out: TimelineRow[] = [];
  for (const t of result.targets) {
    const t0 = targetStartS({ ...t, phases: t.phases.filter((p) => !UNTIMED_KINDS.has(p.kind)) });
    if (t0 === null) continue;
    const timed = t.phases.filter((p) => !UNTIMED_KINDS.has(p.kind));
    const count = timed.reduce((n, p) => n + (p.timeline?.length ?? 0), 0);
    const widthS = Math.max(1, Math.ceil(count / MAX_POINTS));
    for (const p of timed) {
      const tl = p.timeline ?? [];
      for (let i = 0; i < tl.length; i += widthS) {
        const chunk = tl.slice(i, i + widthS);
        const sum = (f: (x: (typeof chunk)[number]) => number) => chunk.reduce((a, x) => a + f(x), 0);
        const p50s = chunk.map((x) => x.p50Ms).filter((x): x is number => x !== null);
        const p99s = chunk.map((x) => x.p99Ms).filter((x): x is number => x !== null);
        out.push({
          target: t.name,
          phase: phaseLabel(p),
          tS: chunk[0]!.t - t0,
          widthS: chunk.length,
          requestsPerS: sum((x) => x.requests) / chunk.length,
          okPerS: sum((x) => x.ok) / chunk.length,
          errorsPerS: sum((x) => x.errors) / chunk.length,
          coldStarts: sum((x) => x.coldStarts),
          p50Ms: p50s.length ? p50s.reduce((a, b) => a + b, 0) / p50s.length : null,
          p99Ms: p99s.length ? Math.max(...p99s) : null,
        });
      }
    }
  }
  return out;
}
