// Two processes writing the same history store at once must not corrupt it or
// lose a run: first two writer processes racing from a store that does not exist
// yet (both create the schema, then interleave 60 runs each), then two real
// `fxbench run` CLIs finishing at the same time with the same --history.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openSqlite, pragma } from '../../src/history/sqlite.ts';
import { finished, ROOT, runCli, scratch, startCli } from '../helpers/cli.ts';

const tmp = scratch('fxbench-history-concurrent-');
const children: ChildProcess[] = [];
const RUNS_EACH = 60;

/** A writer process (writer.ts): `ready` once it has loaded, `go()` starts its writes, `done` once it exited. */
function writer(
  file: string,
  tag: string,
): { ready: Promise<void>; go(): void; done: Promise<{ code: number | null; out: string }> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/history/writer.ts'), file, tag, String(RUNS_EACH)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    void done.then(({ code }) => reject(new Error(`writer ${tag} exited (${code}) before it was ready:\n${out}`)));
  });
  ready.catch(() => {}); // reported where it is awaited
  return { ready, go: () => child.send('go'), done };
}

const concurrent = suite('history with two writers at once');

concurrent.after(() => {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
  tmp.cleanup();
});

concurrent(`two writer processes racing from no store keep all ${2 * RUNS_EACH} runs intact`, async () => {
  const file = path.join(tmp.dir, 'race/history.sqlite');
  // Both start writing together: each is told to go once both have loaded.
  const wa = writer(file, 'a');
  const wb = writer(file, 'b');
  await Promise.all([wa.ready, wb.ready]);
  wa.go();
  wb.go();
  const [a, b] = await Promise.all([wa.done, wb.done]);
  assert.is(a.code, 0, a.out);
  assert.is(b.code, 0, b.out);
  assert.is(a.out, `done a ${RUNS_EACH}\n`);
  assert.is(b.out, `done b ${RUNS_EACH}\n`);
  const db = openSqlite(file, { readonly: true });
  try {
    assert.is(pragma(db, 'integrity_check'), 'ok');
    assert.is(pragma(db, 'journal_mode'), 'wal');
    const perWriter = db
      .prepare('SELECT scenario, COUNT(*) AS runs FROM runs GROUP BY scenario ORDER BY scenario')
      .all();
    assert.equal(perWriter, [
      { scenario: 'writer-a', runs: RUNS_EACH },
      { scenario: 'writer-b', runs: RUNS_EACH },
    ]);
    // Every run has all of its 3 targets × 4 phases: no run was half written.
    const partial = db.prepare('SELECT run_id, COUNT(*) AS n FROM phase_results GROUP BY run_id HAVING n != 12').all();
    assert.equal(partial, []);
    assert.is((db.prepare('SELECT COUNT(*) AS n FROM phase_results').get() as { n: number }).n, 2 * RUNS_EACH * 12);
    // Labels are each writer's own sequence, none missing.
    const labels = (db.prepare("SELECT label FROM runs WHERE scenario = 'writer-a'").all() as { label: string }[])
      .map((r) => r.label)
      .sort();
    assert.equal(labels, Array.from({ length: RUNS_EACH }, (_, i) => `a-${i}`).sort());
    // The writers really did interleave: the sequence of run ids switches writer many times.
    const order = (db.prepare('SELECT scenario FROM runs ORDER BY id').all() as { scenario: string }[]).map(
      (r) => r.scenario,
    );
    const switches = order.filter((s, i) => i > 0 && s !== order[i - 1]).length;
    assert.ok(switches >= 10, `writers switched only ${switches} times: ${order.join(' ')}`);
  } finally {
    db.close();
  }
});

concurrent('two `fxbench run` processes at once both land in the same --history', async () => {
  const file = path.join(tmp.dir, 'cli/history.sqlite');
  const F = 'test/fixtures/scenarios/small-burst.ts';
  const one = startCli(['run', F, '--out', path.join(tmp.dir, 'cli/one'), '--history', file, '-q']);
  const two = startCli(['run', F, '--out', path.join(tmp.dir, 'cli/two'), '--history', file, '-q']);
  children.push(one, two);
  const [r1, r2] = await Promise.all([finished(one, 60_000), finished(two, 60_000)]);
  assert.is(r1.code, 0, r1.stderr);
  assert.is(r2.code, 0, r2.stderr);
  const h = await runCli(['history', '--db', file, '--metric', 'cold.rate']);
  assert.is(h.code, 0, h.stderr);
  // small-burst: 4 at once × 2 rounds, round 1 all cold → cold rate 0.5 in both runs.
  assert.is(h.stdout.match(/small-burst\s+\S+\s+default\s+accepted\s+0\.5000\s/g)?.length, 2, h.stdout);
  const db = openSqlite(file, { readonly: true });
  try {
    assert.is(pragma(db, 'integrity_check'), 'ok');
    assert.is((db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n, 2);
    assert.is((db.prepare('SELECT COUNT(*) AS n FROM phase_results').get() as { n: number }).n, 4);
  } finally {
    db.close();
  }
});

concurrent.run();
