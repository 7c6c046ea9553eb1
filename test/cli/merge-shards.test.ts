// `fxbench merge` takes distinct shards of one split only (issue 19, item 6):
// the same whole run twice (counts doubled before), a shard beside a whole run,
// and two copies of one shard are refused with exit 2, naming the files, and no
// output file is written. Two distinct shards still merge.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Result } from '../../src/model/result.ts';
import { runCli, scratch } from '../helpers/cli.ts';
import { FIXTURES_DIR } from '../helpers/results.ts';

const test = suite('fxbench merge refuses what is not distinct shards');
const tmp = scratch('fxbench-merge-');
test.after(() => tmp.cleanup());

const whole = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'results-burst-a.json'), 'utf8')) as Result;
const file = (name: string, r: Result) => {
  const f = path.join(tmp.dir, name);
  writeFileSync(f, `${JSON.stringify(r, null, 2)}\n`);
  return f;
};
const shard = (index: number, count: number): Result => ({ ...whole, shard: { index, count } });
const out = path.join(tmp.dir, 'merged.json');
const merge = (...files: string[]) => runCli(['merge', ...files, '-o', out]);

test('the same whole run twice: exit 2 naming both files, nothing written', async () => {
  const a = file('a.json', whole);
  const b = file('b.json', whole);
  const r = await merge(a, b);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `${a}: shard: a whole run (no "shard" field), not a shard`);
  assert.match(r.stderr, `${b}: shard: a whole run (no "shard" field), not a shard`);
  assert.not.ok(existsSync(out));
});

test('a shard beside a whole run: exit 2 naming the whole run', async () => {
  const s = file('s1.json', shard(1, 2));
  const w = file('whole.json', whole);
  const r = await merge(s, w);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `${w}: shard: a whole run (no "shard" field) given beside shards`);
  assert.not.match(r.stderr, `${s}:`);
  assert.not.ok(existsSync(out));
});

test('two copies of one shard (and the same file twice): exit 2 naming both', async () => {
  const one = file('one.json', shard(1, 2));
  const copy = file('copy.json', shard(1, 2));
  const r = await merge(one, copy);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `${copy}: shard: shard 1/2 is given twice (also in ${one})`);
  const same = await merge(one, one);
  assert.is(same.code, 2, same.stderr);
  assert.match(same.stderr, `shard 1/2 is given twice (also in ${one})`);
  assert.not.ok(existsSync(out));
});

test('shards of different splits: exit 2', async () => {
  const r = await merge(file('x.json', shard(1, 2)), file('y.json', shard(2, 3)));
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /shards of different splits: .*x\.json is 1\/2, .*y\.json is 2\/3/);
});

test('two distinct shards merge: counts add, exit 0', async () => {
  const r = await merge(file('p1.json', shard(1, 2)), file('p2.json', shard(2, 2)));
  assert.is(r.code, 0, r.stderr);
  const merged = JSON.parse(readFileSync(out, 'utf8')) as Result;
  assert.is(merged.shard, undefined);
  assert.is(merged.targets[0]!.summary!.requests, 2 * whole.targets[0]!.summary!.requests);
});

test.run();
