/** Messages between `fxbench run --workers N` and its worker processes (IPC, JSON). */
import type { Result, TargetResult } from '../../model/result.ts';
import type { StepFigures, StepTotals } from '../engine/live.ts';
import type { RunEvent } from '../runner.ts';

/** What a worker is told to run (passed as its one argument, JSON). */
export interface WorkerJob {
  scenario: string;
  config?: string;
  targets?: string[];
  /** This worker's share: index from 0 of `count`. */
  shard: { index: number; count: number };
  samplesFile?: string;
  graceMs?: number;
}

/**
 * Parent → worker: stop sending (first Ctrl-C); send what you recorded and exit
 * (second Ctrl-C); start the phase or step you wait at at this instant; the
 * step's totals across the workers (together.ts).
 */
export type ToWorker =
  | { kind: 'abort' }
  | { kind: 'snapshot' }
  | { kind: 'go'; atEpochMs: number }
  /** The totals of the ramp step the worker sent its share of (together.ts). */
  | { kind: 'totals'; totals: StepTotals }
  /** The target's result across the workers at the end of the phase the worker sent its own of (together.ts). */
  | { kind: 'merged'; target: TargetResult };

/** Worker → parent. */
export type FromWorker =
  | { kind: 'event'; event: RunEvent }
  | { kind: 'result'; result: Result }
  /** The answer to `snapshot`: what was recorded so far (none if the run had not started). */
  | { kind: 'partial'; result?: Result }
  | { kind: 'failed'; message: string; exitCode: number }
  /** Where the worker is in the run (together.ts): waiting there for the others (`wait`), or past it. */
  | { kind: 'at'; position: number[]; wait: boolean }
  /** Its share of round `round` of the phase at `phase` (a ramp step), to be judged with the others' (together.ts). */
  | { kind: 'step'; phase: number[]; round: number; figures: StepFigures }
  /** Its target's result at the end of the phase at `phase`, to be merged with the others' (thresholds that stop the run). */
  | { kind: 'phase-end'; phase: number[]; target: TargetResult };
