// `fxbench merge` reads logs (issue 14, part 2): the pods of `fxbench fleet k8s`
// print their partial result as one `FXBENCH-RESULT i/N <base64 gzip>` line
// among other output; a saved `kubectl logs` (with --prefix or --timestamps, one
// pod or several per file) merges like the results.json files. The shards'
// thresholds are judged again on the merged figures.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeResultLine, findResultLines } from '../../src/fleet/k8s-result-line.ts';
import type { Result, ThresholdOutcome } from '../../src/model/result.ts';
import { runCli, scratch } from '../helpers/cli.ts';
import { FIXTURES_DIR } from '../helpers/results.ts';

const whole = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'results-burst-a.json'), 'utf8')) as Result;
const REQUESTS = whole.targets[0]!.summary!.requests;
const shard = (index: number, count: number, over: Partial<Result> = {}): Result => ({
  ...whole,
  shard: { index, count },
  startedAt: new Date(Date.parse(whole.startedAt) + (index - 1) * 750).toISOString(),
  ...over,
});
const line = (r: Result) => encodeResultLine(JSON.stringify(r), `${r.shard!.index}/${r.shard!.count}`);
const tmp = scratch('fxbench-merge-logs-');
const file = (name: string, text: string) => {
  const f = path.join(tmp.dir, name);
  writeFileSync(f, text);
  return f;
};
const out = path.join(tmp.dir, 'merged.json');
const merged = () => JSON.parse(readFileSync(out, 'utf8')) as Result;

// ---
const lines = suite('result lines');

lines('a line round-trips, whatever precedes it on the line; other lines are ignored', () => {
  const text = `starting\n[pod/job-0-abc/fxbench] 2026-11-30T10:00:00Z ${line(shard(1, 2))}\nsummary table\n`;
  const found = findResultLines(text);
  assert.is(found.length, 1);
  assert.is(found[0]!.line, 2);
  assert.is(found[0]!.shard, '1/2');
  assert.equal(JSON.parse(found[0]!.json!), shard(1, 2));
});

lines('a line cut short is reported with its line number, not skipped', () => {
  const cut = line(shard(1, 2)).slice(0, 200);
  const found = findResultLines(`x\n${cut}\n`);
  assert.is(found.length, 1);
  assert.is(found[0]!.line, 2);
  assert.match(found[0]!.error!, /does not decode: .*was the log line cut short\?/);
});

lines.run();

// ---
const cli = suite('fxbench merge of logs');
cli.after(() => tmp.cleanup());

cli('one log per pod, with kubectl prefixes and other output: merged like results files', async () => {
  const a = file('pod-0.log', `fxbench run: 40 requests\n[pod/j-0/fxbench] ${line(shard(1, 2))}\n`);
  const b = file('pod-1.log', `${line(shard(2, 2))}\ndone\n`);
  const r = await runCli(['merge', a, b, '-o', out]);
  assert.is(r.code, 0, r.stderr);
  assert.is(merged().targets[0]!.summary!.requests, 2 * REQUESTS);
  assert.is(merged().shard, undefined);
  assert.match(
    r.stderr,
    'shards started within 750 ms of each other (first 2026-03-02T08:00:00.000Z, last 2026-03-02T08:00:00.750Z)',
  );
});

cli('one log holding every pod (kubectl logs -l job-name=…) and a results.json beside logs', async () => {
  const all = file('all.log', `${line(shard(1, 3))}\nnoise\n${line(shard(2, 3))}\n`);
  const third = file('third.json', JSON.stringify(shard(3, 3)));
  const r = await runCli(['merge', all, third, '-o', out]);
  assert.is(r.code, 0, r.stderr);
  assert.is(merged().targets[0]!.summary!.requests, 3 * REQUESTS);
});

cli('the same shard twice in one log is named by file and line (exit 2)', async () => {
  const twice = file('twice.log', `${line(shard(1, 2))}\n${line(shard(1, 2))}\n`);
  const r = await runCli(['merge', twice, '-o', out]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `${twice}:2: shard: shard 1/2 is given twice (also in ${twice}:1)`);
});

cli('a cut line, and a log with no result line, are bad input (exit 2)', async () => {
  const cut = file('cut.log', `ok\n${line(shard(1, 2)).slice(0, 120)}\n`);
  const r = await runCli(['merge', cut, '-o', out]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `${cut}:2: the FXBENCH-RESULT payload`);
  const empty = file('empty.log', 'Error: ImagePullBackOff\n');
  const e = await runCli(['merge', empty, '-o', out]);
  assert.is(e.code, 2, e.stderr);
  assert.match(e.stderr, `${empty}: not JSON`);
});

const threshold = (metric: string, condition: string, actual: number, ok: boolean): ThresholdOutcome => ({
  target: 'local-hello',
  metric,
  condition,
  actual,
  ok,
});

cli("the shards' thresholds are judged again on the merged figures; exit 1 when one is crossed", async () => {
  // Each shard ran half: requests.count == 2N failed on each share and holds on the whole.
  const rules = [
    threshold('requests.count', `== ${2 * REQUESTS}`, REQUESTS, false),
    threshold('errors.rate', '< 0.01', 0, true),
  ];
  const a = file('t1.log', line(shard(1, 2, { thresholds: rules })));
  const b = file('t2.log', line(shard(2, 2, { thresholds: rules })));
  const ok = await runCli(['merge', a, b, '-o', out]);
  assert.is(ok.code, 0, ok.stderr);
  assert.equal(
    merged().thresholds.map((t) => [t.metric, t.actual, t.ok]),
    [
      ['requests.count', 2 * REQUESTS, true],
      ['errors.rate', 0, true],
    ],
  );
  assert.match(ok.stdout, 'thresholds: all 2 held');

  const strict = [threshold('requests.count', `< ${REQUESTS + 1}`, REQUESTS, true)];
  const c = file('t3.log', line(shard(1, 2, { thresholds: strict })));
  const d = file('t4.log', line(shard(2, 2, { thresholds: strict })));
  const crossed = await runCli(['merge', c, d, '-o', out]);
  assert.is(crossed.code, 1, crossed.stderr);
  assert.match(crossed.stdout, 'thresholds: 1 of 1 crossed');
  assert.is(merged().thresholds[0]!.ok, false);
  const skipped = await runCli(['merge', c, d, '-o', out, '--no-thresholds']);
  assert.is(skipped.code, 0, skipped.stderr);
  assert.equal(merged().thresholds, []);
});

cli.run();
