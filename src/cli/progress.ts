/**
 * Live progress of a run on stderr, in one scope at a time: the live line shows
 * the current round (or step, size, gap) only: its requests, errors, cold starts
 * and latency so far, with the rate now and the phase's clock. When the phase
 * ends, the live line gives way to one line of the phase's totals over every
 * round. On a TTY the live line is redrawn in place a few times a second
 * (log-update) and erased, never left behind: ordinary lines (a phase starting,
 * a round starting) are printed above it. Not on a TTY (CI logs): the live line
 * as a plain line every 5 s, and the totals line. `quiet`: nothing at all.
 */
import { createLogUpdate } from 'log-update';
import { formatBytes, formatMs } from '../units.ts';
import { formatGap } from '../report/format.ts';
import type { TickEvent } from '../scenarios/engine/live.ts';

/** Interval of plain status lines when not on a TTY, ms. */
export const PLAIN_EVERY_MS = 5000;

/** What the run command talks to. */
export interface Progress {
  /** Prints a line (above the live line on a TTY). */
  line(text: string): void;
  /** Takes a live snapshot; redraws (TTY) or prints every few seconds (plain). */
  tick(e: TickEvent): void;
  /** Erases the live line (TTY) and stops drawing. */
  done(): void;
}

/** Options of createProgress. */
export interface ProgressOptions {
  stream: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Draw in place (default: whether `stream` is a TTY). */
  tty?: boolean;
  quiet?: boolean;
  /** Clock in ms (tests inject one). */
  now?: () => number;
}

/** The live line: the current round only (its counts and latency so far), the rate now, and the phase's clock. */
export function formatTick(e: TickEvent): string {
  const r = e.round;
  // The round as the summary table names it: `burst #2`, `payload #3 64KB`, `ramp #2 110/s`.
  const scope = [e.phase];
  if (r && (r.index > 1 || e.requests > r.requests)) scope[0] += ` #${r.index}`;
  if (r?.idleGapMs !== undefined) scope.push(`idle ${formatGap(r.idleGapMs)}`);
  if (r?.payloadBytes !== undefined) scope.push(formatBytes(r.payloadBytes));
  if (r?.memoryMB !== undefined) scope.push(`${r.memoryMB} MB`);
  if (r?.rateRps !== undefined) scope.push(`${+r.rateRps.toFixed(2)}/s`);
  const parts = [
    `${r?.requests ?? 0} req`,
    `${r?.errors ?? 0} err`,
    cold(r?.coldStarts ?? 0, r?.coldUnknown ?? 0, r?.requests ?? 0),
    `p50 ${formatMs(e.p50Ms)} ms`,
    `p99 ${formatMs(e.p99Ms)} ms`,
    `${Math.round(e.rps)} req/s`,
  ];
  if (r?.late) parts.push(`${r.late} late`);
  if (r?.dropped) parts.push(`${r.dropped} dropped`);
  parts.push(clock(e));
  return `  ${e.target} ${scope.join(' ')}: ${parts.join(', ')}`;
}

/** The line a phase leaves when it ends: its totals over every round, on one line. */
export function formatTotals(e: TickEvent): string {
  const parts = [
    `${e.requests} req`,
    `${e.errors} err`,
    cold(e.coldStarts, e.coldUnknown, e.requests),
    `p50 ${formatMs(e.totals?.p50Ms ?? null)} ms`,
    `p99 ${formatMs(e.totals?.p99Ms ?? null)} ms`,
  ];
  if (e.late) parts.push(`${e.late} late`);
  if (e.dropped) parts.push(`${e.dropped} dropped`);
  parts.push(`${(e.elapsedMs / 1000).toFixed(1)} s`);
  return `  ${e.target} ${e.phase} done: ${parts.join(', ')}`;
}

/** Cold starts, never a 0 that was not observed: n/a when no invocation's state was known, else of how many. */
function cold(coldStarts: number, unknown: number, requests: number): string {
  if (!unknown) return `${coldStarts} cold`;
  return unknown >= requests ? 'cold n/a' : `${coldStarts} cold of ${requests - unknown} observed`;
}

/** The phase's clock: elapsed of planned, or elapsed. */
function clock(e: TickEvent): string {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  return e.plannedMs ? `${s(Math.min(e.elapsedMs, e.plannedMs))}/${s(e.plannedMs)} s` : `${s(e.elapsedMs)} s`;
}

/** Makes the progress display for a run. */
export function createProgress(o: ProgressOptions): Progress {
  if (o.quiet) return { line: () => undefined, tick: () => undefined, done: () => undefined };
  const now = o.now ?? (() => performance.now());
  const ws = o.stream as NodeJS.WriteStream;
  // A terminal that reports no size (some CI ptys) would get nothing from an in-place redraw: print plain lines there.
  const tty = o.tty ?? Boolean(ws.isTTY && (ws.rows ?? 24) > 0 && (ws.columns ?? 80) > 0);
  if (!tty) {
    let lastMs = -Infinity;
    let lastPhase = '';
    return {
      line: (text) => void o.stream.write(`${text}\n`),
      tick(e) {
        if (e.totals) {
          lastPhase = '';
          o.stream.write(`${formatTotals(e)}\n`);
          return;
        }
        const key = `${e.target}/${e.phase}`;
        const t = now();
        // A new phase resets the clock so each phase prints its first line after a few seconds, not at once.
        if (key !== lastPhase) {
          lastPhase = key;
          lastMs = t;
        }
        if (t - lastMs < PLAIN_EVERY_MS) return;
        lastMs = t;
        o.stream.write(`${formatTick(e)}\n`);
      },
      done: () => undefined,
    };
  }
  const draw = createLogUpdate(o.stream as NodeJS.WritableStream);
  // One line, cut to the terminal's width, so the live area never grows to several lines.
  const fit = (text: string) => {
    const width = Math.max(20, (ws.columns ?? 80) - 1);
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  };
  let status = '';
  return {
    line(text) {
      // persist() erases the live line and prints the text in its place; the live line comes back below it.
      draw.persist(text);
      if (status) draw(status);
    },
    tick(e) {
      if (e.totals) {
        // The phase ended: its live line gives way to its totals, for good.
        status = '';
        draw.persist(formatTotals(e));
        return;
      }
      status = fit(formatTick(e));
      draw(status);
    },
    done() {
      // Nothing left behind, and the cursor log-update hid is shown again.
      if (status) draw.clear();
      status = '';
      draw.done();
    },
  };
}
