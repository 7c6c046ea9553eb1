// test-timeout: 180 s
// `npm run bench:shards` stays runnable: the benchmark in its quick mode
// (BENCH_QUICK=1) as a real process. Asserts the table's rows and that the
// figures are real: every run, single or merged, counted the planned requests
// (rate × duration), percentiles ordered, the shards' start spread measured.
// How close the merged percentiles come to one process's is for the benchmark
// to show on a quiet machine, not for a timed test.
import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../helpers/cli.ts';

const test = suite('bench:shards (quick)');

test('prints one process and merged shards side by side, each with the planned requests', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/shards.ts'], {
    cwd: ROOT,
    env: { ...process.env, BENCH_QUICK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  assert.is(code, 0, out);
  const planned = Number(/(\d+) requests planned/.exec(out)?.[1]);
  assert.is(planned, 100, out);
  const row = (name: string) => {
    const line = out.split('\n').find((l) => l.startsWith(name));
    assert.ok(line, `row "${name}" in:\n${out}`);
    const cells = line!
      .slice(name.length)
      .trim()
      .split(/\s{2,}/);
    const [requests, ok] = cells.map(Number);
    const [p50, p99, max] = [...line!.matchAll(/([\d.]+) ms/g)].map((m) => Number(m[1]));
    return { requests, ok, p50: p50!, p99: p99!, max: max!, line: line! };
  };
  for (const name of ['1 process, round 1', '2 shards merged, round 1']) {
    const r = row(name);
    assert.is(r.requests, planned, r.line);
    assert.ok(r.ok! <= planned, r.line);
    assert.ok(r.p50 > 0 && r.p50 <= r.p99 && r.p99 <= r.max, r.line);
  }
  assert.match(row('2 shards merged, round 1').line, /\d+ ms$/);
  assert.match(out, 'every run, single or merged, counted the 100 planned requests');
});

test.run();
