/**
 * Entry of one worker process of `fxbench run --workers N`: loads the scenario
 * itself (scenarios may hold functions, which cannot cross processes), runs its
 * share of the load, streams events to the parent and sends back its partial
 * Result. Ctrl-C reaches every process of the terminal's group: the worker
 * ignores it and stops when the parent says so (or when the parent is gone).
 */
import { killAllLocalInstancesSync } from '../../drivers/local/driver.ts';
import { FxError } from '../../model/errors.ts';
import { loadScenario } from '../load.ts';
import { runPlan } from '../runner.ts';
import type { FromWorker, ToWorker, WorkerJob } from './protocol.ts';
import { WorkerTogether } from './together.ts';
import type { Result } from '../../model/result.ts';

const job = JSON.parse(process.argv[2]!) as WorkerJob;
const send = (m: FromWorker) => process.send!(m);
const ac = new AbortController();
const together = new WorkerTogether(send);
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => ac.abort());
let snapshot: (() => Result) | undefined;
process.on('message', (m: ToWorker) => {
  if (m.kind === 'abort') ac.abort();
  if (m.kind === 'go') together.onGo(m.atEpochMs);
  if (m.kind === 'totals') together.onTotals(m.totals);
  if (m.kind === 'merged') together.onMerged(m.target);
  if (m.kind === 'snapshot') {
    // Second Ctrl-C: what was recorded so far, then out at once (in-flight invocations are left out).
    killAllLocalInstancesSync();
    process.send!({ kind: 'partial', result: snapshot?.() } satisfies FromWorker, () => process.exit(130));
  }
});
process.on('disconnect', () => {
  // The parent is gone: nobody will read a result; stop everything now.
  killAllLocalInstancesSync();
  process.exit(130);
});

try {
  const plan = await loadScenario(job.scenario, { configFile: job.config });
  if (job.targets?.length) plan.targets = plan.targets.filter((t) => job.targets!.includes(t.name));
  const result = await runPlan(plan, {
    signal: ac.signal,
    graceMs: job.graceMs,
    shard: job.shard,
    together,
    samplesFile: job.samplesFile,
    samplesAppend: true,
    onEvent: (event) => send({ kind: 'event', event }),
    onSnapshot: (s) => {
      snapshot = s;
    },
  });
  send({ kind: 'result', result });
} catch (err) {
  send({ kind: 'failed', message: (err as Error).message, exitCode: err instanceof FxError ? err.exitCode : 3 });
}
process.disconnect();
