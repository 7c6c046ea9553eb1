// A history writer process for the concurrency test: once loaded it tells the
// test "ready" (IPC) and waits for its "go", sent to both writers once both are
// ready (so they start together whatever their load times); then records COUNT
// (argv[4]) synthetic runs (3 targets × 4 phases each) into the store at
// argv[2], tagged argv[3], one run at a time as `fxbench run` does, then prints
// "done <tag> <count>".
import { HistoryStore } from '../../src/history/store.ts';
import { lognormalUs, phase, result, target } from '../helpers/results.ts';

const [file, tag, countText] = process.argv.slice(2);
const count = Number(countText);
// One set of phases, reused: the content differs per run by scenario name and time.
const phases = [1, 2, 3, 4].map((round) =>
  phase({ round, warmUs: lognormalUs(50, 20, round), coldUs: lognormalUs(2, 150, round + 10) }),
);
if (process.send) {
  const go = new Promise((r) => process.once('message', r));
  process.send('ready');
  await go;
  process.disconnect();
}
for (let i = 0; i < count; i++) {
  const r = result(
    ['a', 'b', 'c'].map((t) => target(t, phases)),
    `writer-${tag}`,
  );
  r.startedAt = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
  // Each run opens and closes the store, like separate `fxbench run` processes.
  const store = HistoryStore.open(file!);
  try {
    store.record(r, `${tag}-${i}`);
  } finally {
    store.close();
  }
  // A breath between runs, as between real `fxbench run`s: without it one process
  // can finish a long streak while the other waits on the CPU, and the race the
  // test is about barely happens.
  await new Promise((r) => setTimeout(r, 2));
}
process.stdout.write(`done ${tag} ${count}\n`);
