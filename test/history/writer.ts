// A history writer process for the concurrency test: waits until the wall-clock
// time argv[5] (ms since epoch, so two writers start together whatever their
// load times), then records COUNT (argv[4]) synthetic runs (3 targets × 4
// phases each) into the store at argv[2], tagged argv[3], one run at a time as
// `fxbench run` does, then prints "done <tag> <count>".
import { HistoryStore } from '../../src/history/store.ts';
import { lognormalUs, phase, result, target } from '../helpers/results.ts';

const [file, tag, countText, startAtText] = process.argv.slice(2);
const count = Number(countText);
const waitMs = Number(startAtText) - Date.now();
if (waitMs > 0) await new Promise((r) => setTimeout(r, Math.min(waitMs, 10_000)));
// One set of phases, reused: the content differs per run by scenario name and time.
const phases = [1, 2, 3, 4].map((round) => phase({ round, warmUs: lognormalUs(50, 20, round), coldUs: lognormalUs(2, 150, round + 10) }));
for (let i = 0; i < count; i++) {
  const r = result(['a', 'b', 'c'].map((t) => target(t, phases)), `writer-${tag}`);
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
