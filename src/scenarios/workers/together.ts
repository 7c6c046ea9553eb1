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
 */
import { waitUntil } from '../../clock.ts';
import type { StartTogether } from '../runner.ts';
import type { FromWorker } from './protocol.ts';

/** How far ahead of the release the agreed instant is: IPC to every worker takes well under 1 ms here. */
export const START_MARGIN_MS = 20;

/** Orders positions: element by element, a prefix before what extends it. */
export function comparePositions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/** The parent's side: where each worker is, and who may go. */
export class StartBarrier {
  private readonly positions: (readonly number[])[];
  private readonly waiting: boolean[];

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

  async at(position: number[], signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const atEpochMs = await new Promise<number | null>((resolve) => {
      const onAbort = () => {
        this.go = null;
        resolve(null);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.go = (t) => {
        signal.removeEventListener('abort', onAbort);
        resolve(t);
      };
      this.send({ kind: 'at', position, wait: true });
    });
    if (atEpochMs !== null) await waitUntil(atEpochMs, signal);
  }

  past(position: number[]): void {
    this.send({ kind: 'at', position, wait: false });
  }
}
