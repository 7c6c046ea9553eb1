/**
 * Live progress of a run on stderr. On a TTY: one status line redrawn a few
 * times a second in place (log-update: no flicker, no scroll), and ordinary
 * lines (a phase starting, a step) printed above it. Not on a TTY (CI logs): a
 * plain status line every few seconds. `quiet`: nothing at all.
 */
import { createLogUpdate } from 'log-update';
import { formatMs } from '../units.ts';
import type { TickEvent } from '../scenarios/engine/live.ts';

/** Interval of plain status lines when not on a TTY, ms. */
export const PLAIN_EVERY_MS = 5000;

/** What the run command talks to. */
export interface Progress {
  /** Prints a line (above the status line on a TTY). */
  line(text: string): void;
  /** Takes a live snapshot; redraws (TTY) or prints every few seconds (plain). */
  tick(e: TickEvent): void;
  /** Leaves the last status line on screen and stops drawing. */
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

/** One status line: phase, elapsed/planned, rps, p50/p99 so far, requests, cold starts, errors, late sends. */
export function formatTick(e: TickEvent): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)}`;
  const time = e.plannedMs ? `${s(Math.min(e.elapsedMs, e.plannedMs))}/${s(e.plannedMs)} s` : `${s(e.elapsedMs)} s`;
  const parts = [
    `${e.target} ${e.phase}`,
    time,
    `${Math.round(e.rps)} req/s`,
    `p50 ${formatMs(e.p50Ms)} ms`,
    `p99 ${formatMs(e.p99Ms)} ms`,
    `req ${e.requests}`,
    `cold ${e.coldStarts}`,
    `err ${e.errors}`,
    `late ${e.late}`,
  ];
  if (e.dropped) parts.push(`dropped ${e.dropped}`);
  return `  ${parts.join('  ')}`;
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
  let status = '';
  return {
    line(text) {
      // Keep the finished phase's last status above the new line; then carry on below.
      if (status) draw.done();
      status = '';
      o.stream.write(`${text}\n`);
    },
    tick(e) {
      status = formatTick(e);
      draw(status);
    },
    done() {
      if (status) draw.done();
      status = '';
    },
  };
}
