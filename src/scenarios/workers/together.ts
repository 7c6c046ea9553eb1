/**
 * `--workers N` start together: every worker starts each phase (and each ramp
 * step) at one agreed instant, so the shares of an open model interleave into
 * the schedule one generator would keep (pacer.ts, shareOffsetMs) and no share
 * runs beside a phase the others have not finished. Without it each worker
 * began a phase when it got there: after its own start-up (loading the
 * scenario, preparing its driver), and, where a phase runs in worker 1 only (a
 * burst), worker 2 went straight on to the next phase while worker 1 was still
 * bursting (measured: worker 2's open-model share ran during worker 1's burst).
 *
 * A worker's place in the run is a position: [run, target, phase] where a
 * phase starts, [run, target, phase, step] where a ramp step starts, compared
 * element by element (a prefix comes first). `run` counts runPlan calls, so an
 * A/B run's blocks follow one another. The parent (StartBarrier) releases the
 * workers waiting at a position once every worker is there or past it (a
 * worker that skips a phase is already at the next one; a worker whose target
 * ended early is past all of its phases; a finished worker past everything),
 * and tells them one instant a little ahead (START_MARGIN_MS), time for the
 * message to reach every worker.
 *
 * A ramp's step is also judged together: each worker sends its share's figures
 * of the step (counts and its latency histogram) and waits; once every worker
 * in the phase has sent its share, the parent adds them (histograms exactly)
 * and tells each the step's totals, against which every worker checks the SLO.
 * Judged alone, worker 1 whose share held the step's one cold start stopped the
 * ramp while worker 2 ran the next steps at half the rate (measured 2026-12-02:
 * 2 of 3 runs of a 3-step ramp from cold, SLO p99 60 ms, `--workers 2`). In the
 * same way, where a threshold may stop the run (abortOnFail), each worker sends
 * its target's result at each phase's end, and every worker checks the
 * thresholds on the merged one.
 */
import { epochMs, nowNs, waitUntil } from '../../clock.ts';
import { decodeHistogram, mergeHistograms, percentileMs } from '../../metrics/histogram.ts';
import { mergeTargets } from '../../metrics/merge.ts';
import type { TargetResult } from '../../model/result.ts';
import type { StepFigures, StepTotals } from '../engine/live.ts';
import type { StartTogether } from '../runner.ts';
import type { FromWorker } from './protocol.ts';
import { PAST_STEPS } from '../positions.ts';

/** How far ahead of the release the agreed instant is: IPC to every worker takes well under 1 ms here. */
export const START_MARGIN_MS = 20;

/** Orders positions: element by element, a prefix before what extends it. */
export function comparePositions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/** Adds the workers' shares of a step into the step's totals (p99 from the added histograms). */
export function addStepFigures(shares: readonly StepFigures[]): StepTotals {
  const histograms = shares.flatMap((f) => (f.histogram ? [decodeHistogram(f.histogram)] : []));
  const all = mergeHistograms(histograms);
  const requests = shares.reduce((a, f) => a + f.requests, 0);
  return {
    requests,
    errors: requests - shares.reduce((a, f) => a + f.ok, 0),
    dropped: shares.reduce((a, f) => a + f.dropped, 0),
    p99Ms: all.totalCount ? percentileMs(all, 99) : null,
  };
}

/** A step (round ≥ 1) or a phase's end (round 0) being judged: the phase's position, and each worker's share once sent. */
interface Pending<T> {
  phase: readonly number[];
  round: number;
  shares: (T | undefined)[];
}

/** One judged: the workers to tell, and what to tell them. */
export interface Judged<R> {
  phase: readonly number[];
  round: number;
  workers: number[];
  totals: R;
}

/** The parent's side: where each worker is, and who may go. */
export class StartBarrier {
  private readonly positions: (readonly number[])[];
  private readonly waiting: boolean[];
  private readonly steps: Pending<StepFigures>[] = [];
  private readonly ends: Pending<TargetResult>[] = [];

  constructor(workers: number) {
    this.positions = Array.from({ length: workers }, () => [-1]);
    this.waiting = Array.from({ length: workers }, () => false);
  }

  /** Worker `i` is at `position`, waiting for the others (`wait`) or past it; returns the workers to release now. */
  at(i: number, position: readonly number[], wait: boolean): number[] {
    this.positions[i] = position;
    this.waiting[i] = wait;
    return this.release();
  }

  /** Worker `i` has finished (its result came, it failed or exited): it holds no one back; returns the workers to release. */
  done(i: number): number[] {
    this.positions[i] = [Number.POSITIVE_INFINITY];
    this.waiting[i] = false;
    return this.release();
  }

  /** Worker `i` sent its share of round `round` of the phase at `phase`; the step is judged once all are in (judged). */
  share(i: number, phase: readonly number[], round: number, figures: StepFigures): void {
    this.add(this.steps, i, phase, round, figures);
  }

  /** Worker `i` sent its target's result at the end of the phase at `phase` (phaseEnds). */
  phaseEnd(i: number, phase: readonly number[], target: TargetResult): void {
    this.add(this.ends, i, phase, 0, target);
  }

  /**
   * The steps whose shares are all in: a share is expected of every worker not
   * finished and not past the phase (one behind will get there: the phase's steps
   * start together). Each comes once, with the workers to tell its totals.
   */
  judged(): Judged<StepTotals>[] {
    // A worker without a share of the phase says so by a position past its every step.
    const pastSteps = (phase: readonly number[]) => [...phase, PAST_STEPS];
    return this.complete(this.steps, addStepFigures, (p, phase) => comparePositions(p, pastSteps(phase)) < 0);
  }

  /** The phase ends whose targets are all in (as judged), with the targets merged. */
  phaseEnds(): Judged<TargetResult>[] {
    return this.complete(this.ends, mergeTargets, (p, phase) => comparePositions(p.slice(0, phase.length), phase) <= 0);
  }

  private add<T>(list: Pending<T>[], i: number, phase: readonly number[], round: number, share: T): void {
    let pending = list.find((p) => p.round === round && comparePositions(p.phase, phase) === 0);
    if (!pending) list.push((pending = { phase, round, shares: [] }));
    pending.shares[i] = share;
  }

  /** The pending whose shares are in from every worker not finished that `expects` (its position, the phase's). */
  private complete<T, R>(
    list: Pending<T>[],
    add: (shares: T[]) => R,
    expects: (position: readonly number[], phase: readonly number[]) => boolean,
  ): Judged<R>[] {
    const out: Judged<R>[] = [];
    for (const pending of [...list]) {
      const expected = this.positions.flatMap((p, i) =>
        p[0] !== Number.POSITIVE_INFINITY && expects(p, pending.phase) ? [i] : [],
      );
      if (!expected.every((i) => pending.shares[i] !== undefined)) continue;
      list.splice(list.indexOf(pending), 1);
      const workers = pending.shares.flatMap((f, i) => (f !== undefined ? [i] : []));
      out.push({
        phase: pending.phase,
        round: pending.round,
        workers,
        totals: add(workers.map((i) => pending.shares[i]!)),
      });
    }
    return out;
  }

  private release(): number[] {
    const go: number[] = [];
    for (let i = 0; i < this.positions.length; i++) {
      const mine = this.positions[i]!;
      if (this.waiting[i] && this.positions.every((p) => comparePositions(p, mine) >= 0)) {
        this.waiting[i] = false;
        go.push(i);
      }
    }
    return go;
  }
}

/** The worker's side: tells the parent where it is and waits for the agreed instant. */
export class WorkerTogether implements StartTogether {
  private runs = 0;
  private go: ((atEpochMs: number) => void) | null = null;
  private totals: ((t: StepTotals) => void) | null = null;
  private merged: ((t: TargetResult) => void) | null = null;

  constructor(private readonly send: (m: FromWorker) => void) {}

  run(): number {
    return this.runs++;
  }

  /** The parent's `go`: the instant to start at. */
  onGo(atEpochMs: number): void {
    const go = this.go;
    this.go = null;
    go?.(atEpochMs);
  }

  /** The parent's `totals`: the step's figures across the workers. */
  onTotals(totals: StepTotals): void {
    const done = this.totals;
    this.totals = null;
    done?.(totals);
  }

  /** The parent's `merged`: the target's result across the workers at the phase's end. */
  onMerged(target: TargetResult): void {
    const done = this.merged;
    this.merged = null;
    done?.(target);
  }

  judge(phase: number[], round: number, figures: StepFigures, signal: AbortSignal): Promise<StepTotals | undefined> {
    return this.ask<StepTotals>(signal, (f) => (this.totals = f), { kind: 'step', phase, round, figures });
  }

  mergeTarget(phase: number[], target: TargetResult, signal: AbortSignal): Promise<TargetResult | undefined> {
    return this.ask<TargetResult>(signal, (f) => (this.merged = f), { kind: 'phase-end', phase, target });
  }

  /** Sends `m` and resolves with the answer given to the callback that `slot` keeps; undefined on abort. */
  private ask<R>(
    signal: AbortSignal,
    slot: (f: ((r: R) => void) | null) => void,
    m: FromWorker,
  ): Promise<R | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onAbort = () => {
        slot(null);
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      slot((r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      });
      this.send(m);
    });
  }

  async at(position: number[], signal: AbortSignal): Promise<number | undefined> {
    const atEpochMs = await this.ask<number>(signal, (f) => (this.go = f), { kind: 'at', position, wait: true });
    if (atEpochMs === undefined) return undefined;
    await waitUntil(atEpochMs, signal);
    // The agreed instant on the monotonic clock: past by as much as the 'go' or the timer came late.
    return nowNs() - (epochMs() - atEpochMs) * 1e6;
  }

  past(position: number[]): void {
    this.send({ kind: 'at', position, wait: false });
  }
}
