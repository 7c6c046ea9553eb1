/**
 * `--workers N`: runs a scenario in N worker processes, each with a share of
 * the load (PhaseModule.share: rates and users divided), and merges their
 * results exactly (metrics/merge.ts). Node runs one event loop per process, so
 * this is how one machine's cores all generate load. Live ticks of the workers
 * are added into one for the progress line.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { FxError } from '../../model/errors.ts';
import { mergeResults } from '../../metrics/merge.ts';
import type { Result } from '../../model/result.ts';
import type { TickEvent } from '../engine/live.ts';
import type { RunEvent } from '../runner.ts';
import type { FromWorker, ToWorker, WorkerJob } from './protocol.ts';
import { epochMs } from '../../clock.ts';
import { START_MARGIN_MS, StartBarrier } from './together.ts';

// Built (dist/), a worker is plain Node; from the sources (a clone) it needs tsx's hooks too.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const ENTRY = fileURLToPath(new URL(FROM_SOURCE ? './worker-main.ts' : './worker-main.js', import.meta.url));
// tsx by its resolved URL: a run may start from any folder (a bare 'tsx' resolves from the cwd).
const EXEC_ARGV = FROM_SOURCE ? ['--import', import.meta.resolve('tsx')] : [];

/** Options of runWorkers. */
export interface WorkersOptions {
  workers: number;
  scenario: string;
  config?: string;
  targets?: string[];
  samplesFile?: string;
  signal: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** Called with each worker's PID once started (tests, cleanup). */
  onWorker?: (pid: number) => void;
  /**
   * Called at the start with a function that asks every worker for what it has
   * recorded so far (each then exits) and resolves with their merged shares,
   * after `PARTIAL_WAIT_MS` at most (undefined if none answered). A second Ctrl-C uses it.
   */
  onPartial?: (gather: () => Promise<Result | undefined>) => void;
}

/** How long a second Ctrl-C waits for the workers' shares, ms. */
export const PARTIAL_WAIT_MS = 2000;

/**
 * Adds the workers' latest ticks of one phase into one: counts and rates add;
 * latency shows the worst worker. It is the phase's final tick (with `totals`)
 * only when every worker's is: one worker's end is not the phase's.
 */
export function addTicks(ticks: TickEvent[]): TickEvent {
  const { totals: _ended, ...t } = ticks[0]!;
  const ended = ticks.every((x) => x.totals);
  const max = (f: (x: TickEvent) => number | null) =>
    ticks.reduce<number | null>((a, x) => (f(x) === null ? a : Math.max(a ?? 0, f(x)!)), null);
  const add = (f: (x: TickEvent) => number) => ticks.reduce((a, x) => a + f(x), 0);
  return {
    ...t,
    elapsedMs: Math.max(...ticks.map((x) => x.elapsedMs)),
    requests: add((x) => x.requests),
    ok: add((x) => x.ok),
    errors: add((x) => x.errors),
    coldStarts: add((x) => x.coldStarts),
    coldUnknown: add((x) => x.coldUnknown),
    late: add((x) => x.late),
    dropped: add((x) => x.dropped),
    rps: add((x) => x.rps),
    p50Ms: max((x) => x.p50Ms),
    p99Ms: max((x) => x.p99Ms),
    // Each worker's current round, added (workers run the same rounds in step).
    round: t.round && {
      ...t.round,
      requests: add((x) => x.round?.requests ?? 0),
      errors: add((x) => x.round?.errors ?? 0),
      coldStarts: add((x) => x.round?.coldStarts ?? 0),
      coldUnknown: add((x) => x.round?.coldUnknown ?? 0),
      late: add((x) => x.round?.late ?? 0),
      dropped: add((x) => x.round?.dropped ?? 0),
    },
    ...(ended
      ? { totals: { p50Ms: max((x) => x.totals?.p50Ms ?? null), p99Ms: max((x) => x.totals?.p99Ms ?? null) } }
      : {}),
  };
}

/**
 * Asks each live worker for its share so far; resolves with every share merged
 * (interrupted), or undefined when none came. A worker that already sent its
 * whole result counts with it. A worker that sends nothing within
 * `PARTIAL_WAIT_MS`, or exits first, is named on stderr and in each target's
 * notes: its invocations are missing from the counts, which must not pass for
 * the whole run's.
 */
function gatherPartial(children: ChildProcess[], finished: (Result | undefined)[]): Promise<Result | undefined> {
  return new Promise((resolve) => {
    const got: (Result | undefined)[] = [...finished];
    const why: string[] = [];
    let waiting = 0;
    const done = () => {
      clearTimeout(timer);
      const missing = children.flatMap((_, i) =>
        got[i]
          ? []
          : [`worker ${i + 1} of ${children.length}: ${why[i] ?? `no share within ${PARTIAL_WAIT_MS / 1000} s`}`],
      );
      const shares = got.filter((r): r is Result => r !== undefined);
      if (!shares.length) return resolve(undefined);
      const merged: Result = { ...mergeResults(shares), interrupted: true };
      if (missing.length) {
        const note = `second Ctrl-C: ${missing.join('; ')}; its invocations are left out of these counts`;
        process.stderr.write(`fxbench: ${note}\n`);
        merged.targets = merged.targets.map((t) => ({ ...t, notes: [...(t.notes ?? []), note] }));
      }
      resolve(merged);
    };
    const timer = setTimeout(done, PARTIAL_WAIT_MS);
    for (const [i, c] of children.entries()) {
      if (got[i]) continue;
      if (!c.connected) {
        why[i] = `exited (${c.signalCode ?? c.exitCode}) without a result`;
        continue;
      }
      waiting++;
      const onMessage = (m: FromWorker) => {
        if (m.kind !== 'partial') return;
        c.off('message', onMessage);
        if (m.result) got[i] = m.result;
        else why[i] = 'had recorded nothing yet';
        if (--waiting === 0) done();
      };
      c.on('message', onMessage);
      // 'disconnect', not 'exit': the channel closes once its last message has been read.
      c.once('disconnect', () => {
        if (c.listeners('message').includes(onMessage)) {
          c.off('message', onMessage);
          why[i] = 'closed its channel without a share';
          if (--waiting === 0) done();
        }
      });
      c.send({ kind: 'snapshot' } satisfies ToWorker);
    }
    if (!waiting) done();
  });
}

/** Runs the scenario in `workers` processes and resolves with the merged Result. */
export async function runWorkers(o: WorkersOptions): Promise<Result> {
  if (o.samplesFile) writeFileSync(o.samplesFile, ''); // workers append to it
  const children: ChildProcess[] = [];
  // Whole results of the workers that finished, by index: a second Ctrl-C counts them too.
  const finished: (Result | undefined)[] = [];
  const latest = new Map<number, TickEvent>();
  // Each phase and ramp step starts in every worker at one instant (together.ts).
  const barrier = new StartBarrier(o.workers);
  const release = (go: number[]) => {
    // A worker that finished or moved past a phase may complete a ramp step's shares.
    for (const step of barrier.judged())
      for (const i of step.workers)
        if (children[i]?.connected) children[i].send({ kind: 'totals', totals: step.totals } satisfies ToWorker);
    for (const end of barrier.phaseEnds())
      for (const i of end.workers)
        if (children[i]?.connected) children[i].send({ kind: 'merged', target: end.totals } satisfies ToWorker);
    if (!go.length) return;
    const atEpochMs = epochMs() + START_MARGIN_MS;
    for (const i of go) if (children[i]?.connected) children[i].send({ kind: 'go', atEpochMs } satisfies ToWorker);
  };
  const onAbort = () => children.forEach((c) => c.connected && c.send({ kind: 'abort' } satisfies ToWorker));
  o.signal.addEventListener('abort', onAbort, { once: true });
  // Set by a second Ctrl-C: the workers then exit one by one after sending their shares, and one
  // exiting must not end the run (whose cleanup would kill the others before their shares came).
  let gathering = false;
  o.onPartial?.(() => {
    gathering = true;
    return gatherPartial(children, finished);
  });
  try {
    const results = await Promise.all(
      Array.from({ length: o.workers }, (_, index) => {
        const job: WorkerJob = {
          scenario: o.scenario,
          config: o.config,
          targets: o.targets,
          shard: { index, count: o.workers },
          samplesFile: o.samplesFile,
        };
        const child = fork(ENTRY, [JSON.stringify(job)], {
          execArgv: EXEC_ARGV,
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        if (child.pid) o.onWorker?.(child.pid);
        return new Promise<Result>((resolve, reject) => {
          let settled = false;
          child.on('message', (m: FromWorker) => {
            if (m.kind === 'at') {
              release(barrier.at(index, m.position, m.wait));
            } else if (m.kind === 'step') {
              barrier.share(index, m.phase, m.round, m.figures);
              release([]);
            } else if (m.kind === 'phase-end') {
              barrier.phaseEnd(index, m.phase, m.target);
              release([]);
            } else if (m.kind === 'result') {
              settled = true;
              finished[index] = m.result;
              release(barrier.done(index));
              resolve(m.result);
            } else if (m.kind === 'partial') {
              // gatherPartial's own listener takes it
            } else if (m.kind === 'failed') {
              settled = true;
              release(barrier.done(index));
              reject(new FxError(m.exitCode === 2 ? 2 : 3, `worker ${index + 1}: ${m.message}`));
            } else if (m.event.kind === 'write-error') {
              o.onEvent?.(m.event); // each worker writes its own share of the file
            } else if (m.event.kind === 'tick') {
              const tick = m.event;
              latest.set(index, tick);
              const same = [...latest.values()].filter((x) => x.target === tick.target && x.phase === tick.phase);
              const all = same.length === latest.size;
              // A phase's end is printed once, when every worker's share of it has ended (it used to
              // print at worker 1's end too, with the other's unfinished count: "281 req", then "300 req").
              if (tick.totals) {
                if (all && same.every((x) => x.totals)) o.onEvent?.(addTicks(same));
              } else if (index === 0 || all) o.onEvent?.(addTicks(same));
            } else if (index === 0) o.onEvent?.(m.event); // phase and step lines once, not N times
          });
          child.on('exit', (code, sig) => {
            release(barrier.done(index));
            if (!settled && !gathering)
              reject(FxError.runFailed(`worker ${index + 1} exited (${sig ?? code}) without a result`));
          });
        });
      }),
    );
    return mergeResults(results);
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}
