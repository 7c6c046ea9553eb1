/** Messages between `fxbench run --workers N` and its worker processes (IPC, JSON). */
import type { Result } from '../../model/result.ts';
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

/** Parent → worker: stop sending (first Ctrl-C); send what you recorded and exit (second Ctrl-C). */
export type ToWorker = { kind: 'abort' } | { kind: 'snapshot' };

/** Worker → parent. */
export type FromWorker =
  | { kind: 'event'; event: RunEvent }
  | { kind: 'result'; result: Result }
  /** The answer to `snapshot`: what was recorded so far (none if the run had not started). */
  | { kind: 'partial'; result?: Result }
  | { kind: 'failed'; message: string; exitCode: number };
