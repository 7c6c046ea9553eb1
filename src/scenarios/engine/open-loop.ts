/**
 * The open model: sends leave on the pacer's schedule whether or not earlier
 * ones came back, and every latency counts from the send's *intended* time, so a
 * stalled target shows in the percentiles (no coordinated omission). When the
 * engine cannot keep up — the in-flight cap is reached or the event loop fell
 * behind — the sends that leave late are counted (`late`). When the schedule's
 * time is up, sends still owed because the loop fell behind (a stall of the
 * generator's process: GC, a busy machine) leave at once, late, as they would
 * mid-schedule; only those the in-flight cap was holding back (the target is not
 * keeping up) are counted as `dropped`, never silently skipped. (Until
 * 2026-12-01 a stall at the very end dropped the sends it delayed: a 40 ms stall
 * as a 2 s phase ended cost it its last send, and in a ramp, where dropped sends
 * count as errors, one such drop in a 50-send step is a 2 % error rate.)
 */
import { nowNs, sleep } from '../../clock.ts';
import type { Pacer } from './pacer.ts';

/** Waits shorter than this are spun (setImmediate) rather than slept: 0.2 ms. */
const SPIN_BELOW_NS = 200_000;

/** A send later than this after its intended time counts as late: 10 ms. */
export const DEFAULT_LATE_AFTER_MS = 10;

/** Options of one open-model run. */
export interface OpenLoopOptions {
  pacer: Pacer;
  /** Most sends in flight at once; further due sends wait (and count as late). */
  maxInFlight: number;
  signal: AbortSignal;
  /** Sends one invocation meant for `intendedNs` (monotonic); resolves when it finished, never rejects. */
  send(seq: number, intendedNs: number): Promise<void>;
  /** A send this much after its intended time counts as late, ms (default 10). */
  lateAfterMs?: number;
  /** Told the running totals whenever `late` grows (for live progress). */
  onLate?(late: number): void;
  /** The clock (tests inject one); default clock.ts's `nowNs`. */
  now?: () => number;
  /**
   * When the schedule starts, on that clock (default: now). With --workers, the
   * instant every worker agreed on: a worker that woke late keeps the agreed
   * schedule (what fell due meanwhile leaves at once and counts as late) instead
   * of shifting its whole share against the others'.
   */
  startNs?: number;
  /**
   * Waits `ms` on that clock, waking early when `signal` aborts (tests inject one
   * with `now`, to run a schedule in virtual time); default clock.ts's `sleep`.
   * The in-flight cap's wait ends when a send comes back (in tests always), else
   * on a real timer at the schedule's end.
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What an open-model run did. */
export interface OpenLoopStats {
  /** Sends the schedule planned. */
  planned: number;
  /** Sends made. */
  sent: number;
  /** Sends made more than `lateAfterMs` after their intended time. */
  late: number;
  /** How long after its intended time the latest send left, ms (0 when none was behind). */
  worstLateMs: number;
  /** Sends never made: the in-flight cap held them back until the time ran out (0 when interrupted: those were never owed). */
  dropped: number;
  /** Most sends in flight at one time. */
  maxInFlight: number;
}

/** Runs an open-model schedule to its end (or until `signal` aborts); resolves once every send has finished. */
export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopStats> {
  const now = o.now ?? nowNs;
  const sleepFor = o.sleep ?? sleep;
  const lateAfterNs = (o.lateAfterMs ?? DEFAULT_LATE_AFTER_MS) * 1e6;
  const planned = o.pacer.plannedHits;
  const startNs = o.startNs ?? now();
  let hits = 0;
  let late = 0;
  let worstLateNs = 0;
  let inFlight = 0;
  let peak = 0;
  let wake: (() => void) | null = null;
  let drained: (() => void) | null = null;
  const done = () => {
    inFlight--;
    if (wake) {
      const w = wake;
      wake = null;
      w();
    }
    if (inFlight === 0 && drained) drained();
  };
  let batch = 0;
  /** The loop waited at the in-flight cap and has not been on schedule since: what is owed, the cap held back. */
  let capHeld = false;
  while (!o.signal.aborted) {
    const elapsed = now() - startNs;
    const { waitNs, stop } = o.pacer.pace(elapsed, hits);
    // Time is up: what is still owed leaves now (late when over `lateAfterMs`, as
    // mid-schedule), unless the in-flight cap is what held it back: that is dropped.
    if (stop && (hits >= planned || inFlight >= o.maxInFlight || capHeld)) break;
    if (!stop && waitNs > 0) {
      batch = 0;
      capHeld = false; // on schedule again
      // Timers fire in whole milliseconds, never early: a send may leave up to ~1 ms
      // after its intended time, and its latency counts that (it is measured from
      // the intended time). Spinning on setImmediate would be exact but burns a
      // core at any rate above a few hundred per second — a core the local
      // runtime's instances need — so only the last sliver of a wait is spun.
      if (waitNs >= SPIN_BELOW_NS) await sleepFor(Math.max(1, Math.round(waitNs / 1e6)), o.signal);
      // An injected clock moves only when slept on: its last sliver is slept, not spun.
      else if (o.sleep) await o.sleep(waitNs / 1e6, o.signal);
      else await new Promise<void>((r) => setImmediate(r));
      continue;
    }
    if (!stop && inFlight >= o.maxInFlight) {
      batch = 0;
      capHeld = true;
      // Wait for a slot, but no longer than the schedule lasts: what is still owed then is dropped.
      const leftMs = (o.pacer.durationNs - elapsed) / 1e6;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, Math.max(1, leftMs));
        function finish() {
          clearTimeout(timer);
          o.signal.removeEventListener('abort', finish);
          wake = null;
          resolve();
        }
        wake = finish;
        o.signal.addEventListener('abort', finish, { once: true });
      });
      continue;
    }
    const intendedNs = startNs + o.pacer.hitAtNs(hits);
    const behindNs = elapsed - (intendedNs - startNs);
    if (behindNs > worstLateNs) worstLateNs = behindNs;
    if (behindNs > lateAfterNs) {
      late++;
      o.onLate?.(late);
    }
    inFlight++;
    if (inFlight > peak) peak = inFlight;
    o.send(hits, intendedNs).then(done, done);
    hits++;
    // Catching up sends many at once; yield now and then so responses are read meanwhile.
    if (++batch >= 64) {
      batch = 0;
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  if (inFlight > 0) await new Promise<void>((r) => (drained = r));
  return {
    planned,
    sent: hits,
    late,
    worstLateMs: worstLateNs / 1e6,
    dropped: o.signal.aborted ? 0 : planned - hits,
    maxInFlight: peak,
  };
}
