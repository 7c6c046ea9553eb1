// The history gate over a real store: which runs form a baseline window
// (accepted only, same scenario and environment label, started before the
// current run), and `fxbench compare --history` as a user runs it (the real CLI
// in its own process): the band in the table, exit 1 on a step, 0 on noise,
// advisory (exit 0) with a short window unless --strict, exit 2 on bad input.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HistoryStore } from '../../src/history/store.ts';
import { baselineWindow } from '../../src/history/window.ts';
import { runCli, scratch } from '../helpers/cli.ts';
import { lognormalUs, phase, result, target } from '../helpers/results.ts';

const tmp = scratch('fxbench-gate-');
// Per-run warm p50 around 20 ms with a run-to-run spread of about 0.6 ms.
const WOBBLE = [0, 0.5, -0.4, 0.9, -0.7, 0.2, -0.2, 0.6, -0.9, 0.3];
const run = (i: number, warmMs: number, scenario = 'nightly') => {
  const r = result(
    [target('api', [phase({ warmUs: lognormalUs(300, warmMs, i, 0.02), coldUs: lognormalUs(3, 150, i + 50) })])],
    scenario,
  );
  r.startedAt = `2026-11-${String(i).padStart(2, '0')}T02:00:00.000Z`;
  return r;
};
const put = (name: string, r: unknown) => {
  const f = path.join(tmp.dir, name);
  writeFileSync(f, JSON.stringify(r));
  return f;
};

const db = path.join(tmp.dir, 'history.sqlite');
{
  const s = HistoryStore.open(db);
  for (let i = 1; i <= 10; i++) s.record(run(i, 20 + WOBBLE[i - 1]!), `c${i}`, { accepted: true });
  // Not in a window: a failed run, one of unknown status, another environment, another scenario.
  s.record(run(11, 40), 'bad', { accepted: false });
  s.record(run(12, 40), 'old');
  s.record(run(13, 40), 'arm', { accepted: true, env: 'arm64' });
  s.record(run(14, 40, 'warmup'), 'w', { accepted: true });
  s.close();
}

const gate = suite('history gate');
gate.after(() => tmp.cleanup());

gate('the window: last N accepted runs of the scenario and environment, before the current run', () => {
  const w = baselineWindow(db, { scenario: 'nightly', env: 'default', targets: ['api'], size: 10 });
  assert.equal(
    w.map((r) => r.label),
    ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10'],
  );
  assert.is(w[0]!.targets[0]!.name, 'api');
  const last3 = baselineWindow(db, { scenario: 'nightly', env: 'default', targets: ['api'], size: 3 });
  assert.equal(
    last3.map((r) => r.label),
    ['c8', 'c9', 'c10'],
  );
  const before = baselineWindow(db, {
    scenario: 'nightly',
    env: 'default',
    targets: ['api'],
    size: 10,
    before: '2026-11-05T00:00:00.000Z',
  });
  assert.equal(
    before.map((r) => r.label),
    ['c1', 'c2', 'c3', 'c4'],
  );
  assert.equal(
    baselineWindow(db, { scenario: 'nightly', env: 'arm64', targets: ['api'], size: 10 }).map((r) => r.label),
    ['arm'],
  );
  assert.equal(
    baselineWindow(path.join(tmp.dir, 'none.sqlite'), { scenario: 'x', env: 'default', targets: [], size: 5 }),
    [],
  );
});

gate('compare --history: a step beyond allowance and band fails (exit 1) and prints the band', async () => {
  const cur = put('slow.json', run(20, 26));
  const r = await runCli(['compare', '--history', db, cur]);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /^baseline: history window of 10 accepted runs of nightly \(environment default; 2026-11-01T02:00:00\.000Z … 2026-11-10T02:00:00\.000Z\)/m,
  );
  assert.match(r.stdout, /band = one-sided 98\.5% prediction interval for one more run from the per-run values/);
  assert.match(r.stdout, /^ {2}metric\s+median\s+current\s+change\s+allowed\s+band\s+verdict\s+runs$/m);
  assert.match(
    r.stdout,
    /^ {2}latency\.warm\.p50\s+20\.\d+ ms\s+26\.\d+ ms\s+\+2\d\.\d%\s+\+10%\s+1\d\.\d+ ms…2\d\.\d+ ms\s+REGRESSION\s+10$/m,
  );
  assert.match(r.stdout, /compare: FAILED: \d regressions? \(api: [^)]*latency\.warm\.p50/);
});

gate('compare --history: the same build passes (exit 0)', async () => {
  const r = await runCli(['compare', '--history', db, put('same.json', run(21, 20.1))]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /compare: ok: no regression\n$/);
});

gate('a short window is advisory (exit 0, says so) unless --strict (exit 1)', async () => {
  const cur = put('slow-early.json', run(4, 26));
  const r = await runCli(['compare', '--history', db, cur]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /advisory: only 3 accepted runs of nightly \(environment default\) in the window; 5 are needed/,
  );
  assert.match(r.stdout, /compare: ADVISORY: \d regressions? \(advisory: too few runs in the window, does not fail\)/);
  const strict = await runCli(['compare', '--history', db, cur, '--strict']);
  assert.is(strict.code, 1);
  assert.match(strict.stdout, /--strict: a window this short fails the gate/);
  const env = await runCli(['compare', '--history', db, put('slow-arm.json', run(20, 26)), '--env-label', 'arm64']);
  assert.is(env.code, 0);
  assert.match(env.stdout, /only 1 accepted run of nightly \(environment arm64\)/);
});

gate('bad input: exit 2 with one clear message each', async () => {
  const cur = put('c.json', run(20, 20));
  const cases: [string[], RegExp][] = [
    [['--history', path.join(tmp.dir, 'missing.sqlite'), cur], /missing\.sqlite: --history: history store not found/],
    [['--history', db, cur, cur], /--history: with --history give only the current results\.json/],
    [['--history', db, cur, '--window', '1'], /--window: expected an integer >= 2, got 1/],
    [['--history', db, cur, '--env-label', 'a b'], /--env-label: expected a short label/],
    [
      [cur],
      /not an A\/B run: give <baseline> <current> results files, --history STORE <current>, or one A\/B results\.json/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(['compare', ...args]);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

gate('a single baseline file says it cannot see run-to-run noise', async () => {
  const r = await runCli(['compare', put('a.json', run(1, 20)), put('b.json', run(2, 20))]);
  assert.is(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /note: one baseline file shows the sampling noise inside each run, not the noise between runs/,
  );
});

gate(
  'run --baseline history: judged against the store it records into, and a regressed run is marked failed',
  async () => {
    // Six accepted runs no real run can match: warm calls at 2 ms (the delay function sleeps 20 ms).
    const store = path.join(tmp.dir, 'runs/history.sqlite');
    const s = HistoryStore.open(store);
    for (let i = 1; i <= 6; i++) {
      const r = result(
        [target('local-delay', [phase({ warmUs: lognormalUs(118, 2, i, 0.05), coldUs: [50_000, 50_000] })])],
        'delay-burst',
      );
      r.startedAt = `2026-01-0${i}T02:00:00.000Z`;
      s.record(r, `c${i}`, { accepted: true, env: 'ci-small' });
    }
    s.close();
    const F = 'test/fixtures/compare';
    const out = path.join(tmp.dir, 'runs/now');
    const r = await runCli(
      [
        'run',
        `${F}/delay-burst.ts`,
        '-c',
        `${F}/bench.config.ts`,
        '--out',
        out,
        '-q',
        '--baseline',
        'history',
        '--history',
        store,
      ],
      { env: { FXBENCH_ENV: 'ci-small' }, timeoutMs: 120_000 },
    );
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /baseline: history window of 6 accepted runs of delay-burst \(environment ci-small;/);
    assert.match(r.stdout, /compare: FAILED: \d regressions \(local-delay: [^)]*latency\.warm\.p50/);
    const db = HistoryStore.open(store, { readonly: true });
    const last = db.db.prepare('SELECT env, accepted FROM runs ORDER BY id DESC LIMIT 1').get();
    db.close();
    assert.equal({ ...(last as object) }, { env: 'ci-small', accepted: 0 });
    // --baseline history with --no-history cannot work: exit 2 before anything runs.
    const bad = await runCli([
      'run',
      `${F}/delay-burst.ts`,
      '-c',
      `${F}/bench.config.ts`,
      '--baseline',
      'history',
      '--no-history',
    ]);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /--baseline: --baseline history reads the history store: drop --no-history/);
  },
);

gate.run();
