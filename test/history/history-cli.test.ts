// `fxbench history` as a user runs it (the real CLI in its own process): it
// shows the scenario of the latest run unless --scenario says otherwise (never
// a mix of scenarios), labels runs with a commit (GITHUB_SHA, the scenario's git
// checkout, or --label) and shows each run's status: accepted, failed or ? (not
// known). The label rules are also tested on a real git checkout.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runLabel } from '../../src/history/label.ts';
import { HistoryStore } from '../../src/history/store.ts';
import { runCli, scratch } from '../helpers/cli.ts';
import { lognormalUs, phase, result, target } from '../helpers/results.ts';

const tmp = scratch('fxbench-history-cli-');
const run = (i: number, scenario: string, warmMs: number) => {
  const r = result([target('api', [phase({ warmUs: lognormalUs(50, warmMs, i) })])], scenario);
  r.startedAt = `2026-11-0${i}T02:00:00.000Z`;
  return r;
};
const db = path.join(tmp.dir, 'history.sqlite');
{
  const s = HistoryStore.open(db);
  s.record(run(1, 'warmup', 500), 'w1', { accepted: true });
  s.record(run(2, 'nightly', 20), 'abc123', { accepted: true });
  s.record(run(3, 'nightly', 30), 'def456', { accepted: false });
  s.record(run(4, 'nightly', 21));
  s.close();
}

const h = suite('fxbench history');
h.after(() => tmp.cleanup());

h('defaults to the scenario of the latest run, with labels, environment and status', async () => {
  const r = await runCli(['history', '--db', db, '--metric', 'latency.warm.p50']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^scenario nightly \(of the latest run; --scenario NAME for another\)\n/);
  assert.not.match(r.stdout, /warmup/);
  assert.match(r.stdout, /^started\s+scenario\s+label\s+env\s+status\s+latency\.warm\.p50\s+change\s+samples$/m);
  assert.match(r.stdout, /^2026-11-02 02:00:00Z\s+nightly\s+abc123\s+default\s+accepted\s+\d+\.\d+ ms\s+50$/m);
  assert.match(
    r.stdout,
    /^2026-11-03 02:00:00Z\s+nightly\s+def456\s+default\s+failed\s+\d+\.\d+ ms\s+\+\d+\.\d%\s+50$/m,
  );
  assert.match(r.stdout, /^2026-11-04 02:00:00Z\s+nightly\s+-\s+default\s+\?\s+/m);
  // No "+1582%" from one scenario to another.
  assert.is(r.stdout.match(/^2026-/gm)?.length, 3);
});

h('--scenario picks another; --add records a file with --label and its status', async () => {
  const r = await runCli(['history', '--db', db, '--scenario', 'warmup']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^scenario warmup\n/);
  assert.match(r.stdout, /^2026-11-01 02:00:00Z\s+warmup\s+w1\s+default\s+accepted\s/m);
  const f = path.join(tmp.dir, 'r5.json');
  const r5 = run(5, 'nightly', 22);
  r5.thresholds = [{ target: 'api', metric: 'latency.p99', condition: '< 1ms', actual: 30, ok: false }];
  writeFileSync(f, JSON.stringify(r5));
  const add = await runCli(['history', '--db', db, '--add', f, '--label', 'v1.2.0'], {
    env: { GITHUB_SHA: '' },
  });
  assert.is(add.code, 0, add.stderr);
  assert.match(add.stdout, /^2026-11-05 02:00:00Z\s+nightly\s+v1\.2\.0\s+default\s+failed\s/m);
});

h('labels: --label, then FXBENCH_LABEL, then GITHUB_SHA, then the git commit of the scenario checkout', () => {
  const repo = path.join(tmp.dir, 'repo');
  mkdirSync(path.join(repo, 'scenarios'), { recursive: true });
  const g = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: repo,
      encoding: 'utf8',
    }).trim();
  g('init', '-q');
  writeFileSync(path.join(repo, 'scenarios/s.ts'), 'export default {};\n');
  g('add', '.');
  g('commit', '-q', '-m', 'one');
  const sha = g('rev-parse', 'HEAD');
  const scenario = path.join(repo, 'scenarios/s.ts');
  assert.is(runLabel(undefined, scenario, {}), sha.slice(0, 12));
  writeFileSync(scenario, 'export default { changed: true };\n');
  assert.is(runLabel(undefined, scenario, {}), `${sha.slice(0, 12)}-dirty`);
  assert.is(runLabel(undefined, scenario, { GITHUB_SHA: 'f'.repeat(40) }), 'f'.repeat(12));
  assert.is(runLabel(undefined, scenario, { GITHUB_SHA: 'f'.repeat(40), FXBENCH_LABEL: 'nightly-7' }), 'nightly-7');
  assert.is(runLabel('v2', scenario, { FXBENCH_LABEL: 'nightly-7' }), 'v2');
  const outside = path.join(tmp.dir, 'plain');
  mkdirSync(outside);
  assert.is(runLabel(undefined, path.join(outside, 's.ts'), {}), undefined);
});

h('a store written by an older fxbench (schema 1) is upgraded in place; its runs show status ?', async () => {
  const old = path.join(tmp.dir, 'old.sqlite');
  const s = HistoryStore.open(old);
  s.record(run(1, 'nightly', 20), 'x1');
  s.db.exec('ALTER TABLE runs DROP COLUMN env; ALTER TABLE runs DROP COLUMN accepted; PRAGMA user_version = 1');
  s.close();
  const r = await runCli(['history', '--db', old]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^2026-11-01 02:00:00Z\s+nightly\s+x1\s+default\s+\?\s/m);
  const again = HistoryStore.open(old, { readonly: true });
  assert.is((again.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, 2);
  again.close();
});

h.run();
