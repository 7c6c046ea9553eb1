// Thresholds through the real CLI on the local runtime: held → exit 0,
// crossed → the table and exit 1, invalid → exit 2 with nothing sent,
// abortOnFail → the run stops after the phase that crossed. results.json
// records every outcome.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Result } from '../../src/model/result.ts';
import { runCli, scratch } from '../helpers/cli.ts';

const F = 'test/fixtures/thresholds';
const tmp = scratch();
const results = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as Result;

const test = suite('fxbench run with thresholds');
test.after(() => tmp.cleanup());

test('all held: exit 0, results.json records each outcome', async () => {
  const out = path.join(tmp.dir, 'pass');
  const r = await runCli(['run', `${F}/pass.ts`, '--out', out, '--quiet']);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /thresholds: all 4 held/);
  const t = results(out).thresholds;
  assert.equal(
    t.map((o) => [o.target, o.metric, o.phase, o.round, o.condition, o.ok]),
    [
      ['local-hello', 'cold.count', 'burst', 1, '== 2', true],
      ['local-hello', 'cold.count', 'burst', 2, '== 0', true],
      ['local-hello', 'errors.rate', undefined, undefined, '< 0.01', true],
      ['local-hello', 'latency.p99', undefined, undefined, '< 30s', true],
    ],
  );
  assert.equal(t.map((o) => o.actual).slice(0, 3), [2, 0, 0]);
  assert.is(t[3]!.expected, 30_000);
});

test('crossed: the table names metric, condition, actual and by how much; exit 1', async () => {
  const out = path.join(tmp.dir, 'fail');
  const r = await runCli(['run', `${F}/fail.ts`, '--out', out, '--quiet']);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /local-hello\s+cold\.count\{phase:burst,round:2\}\s+== 0\s+0\s+✓/);
  assert.match(r.stdout, /local-hello\s+cold\.rate\s+< 0\.2\s+0\.5\s+\+0\.3 \(\+150\.0%\)\s+✗ crossed/);
  assert.match(r.stdout, /local-hello\s+latency\.max\s+< 1ms\s+[\d.]+ms\s+\+[\d.]+ms \(\+[\d.]+%\)\s+✗ crossed/);
  assert.match(r.stdout, /thresholds: 2 of 3 crossed/);
  assert.equal(
    results(out).thresholds.map((o) => [
      o.metric,
      o.actual === null ? null : o.metric === 'latency.max' ? 'ms' : o.actual,
      o.ok,
    ]),
    [
      ['cold.count', 0, true],
      ['cold.rate', 0.5, false],
      ['latency.max', 'ms', false],
    ],
  );
});

test('invalid: exit 2 naming file and fields, nothing sent, no report written', async () => {
  const out = path.join(tmp.dir, 'invalid');
  const r = await runCli(['run', `${F}/invalid.ts`, '--out', out]);
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(
    r.stderr,
    /test\/fixtures\/thresholds\/invalid\.ts: thresholds\["latency\.p99"\]: latency\.p99: expected a condition such as "< 800ms"/,
  );
  assert.match(
    r.stderr,
    /test\/fixtures\/thresholds\/invalid\.ts: thresholds\["coldStartRate"\]: unknown metric "coldStartRate"/,
  );
  assert.not.ok(existsSync(out), 'nothing ran, nothing written');
});

test('abortOnFail: the run stops after the phase that crossed; exit 1', async () => {
  const out = path.join(tmp.dir, 'abort');
  const r = await runCli(['run', `${F}/abort.ts`, '--out', out, '--quiet']);
  assert.is(r.code, 1, r.stdout + r.stderr);
  const res = results(out);
  assert.equal(
    res.targets[0]!.phases.map((p) => p.name),
    ['first'],
    'the second phase never ran',
  );
  assert.is(res.abortedByThreshold, 'local-hello cold.rate < 0.1 (actual 1)');
  assert.is(res.interrupted, false);
  assert.equal(
    res.thresholds.map((o) => [o.metric, o.actual, o.ok, o.abortOnFail]),
    [['cold.rate', 1, false, true]],
  );
  assert.match(
    r.stdout,
    /stopped early: threshold crossed \(abortOnFail\): local-hello cold\.rate < 0\.1 \(actual 1\)/,
  );
});

test.run();
