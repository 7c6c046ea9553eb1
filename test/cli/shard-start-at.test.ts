// test-timeout: 240 s
// test-serial: its three shards must be ready within the 6 s lead (lateMs unset); under load one was 1.4 s late
// `run --shard i/N --start-at T` (issue 14): shards given one instant wait for it
// in-process and split a burst among them, so the burst leaves from every shard at
// once; the merge is the whole burst. Real fxbench processes, a real HTTP server
// on 127.0.0.1 that records when each request arrived. Shards without --start-at
// (run at different times) keep the burst whole on shard 1, and coldFirst bursts
// stay whole on shard 1 (one generator forces the cold state). Bad --start-at
// values are refused before any request (exit 2, naming the flag).
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Result } from '../../src/model/result.ts';
import { burstPhase } from '../../src/scenarios/phases/burst.ts';
import { finished, runCli, scratch, startCli } from '../helpers/cli.ts';

const test = suite('run --shard --start-at');
const tmp = scratch('fxbench-start-at-');
let server: Server;
let arrivals: number[] = [];
let url = '';

test.before(async () => {
  server = createServer((req, res) => {
    arrivals.push(Date.now());
    req.resume();
    req.on('end', () => setTimeout(() => res.end('{"ok":true}'), 5));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  writeFileSync(
    path.join(tmp.dir, 'burst.ts'),
    `export default { name: 'split', targets: [{ name: 'api', provider: 'http', url: ${JSON.stringify(url)} }],
  phases: [{ kind: 'burst', concurrency: 7, rounds: 1 }] };\n`,
  );
  writeFileSync(path.join(tmp.dir, 'bench.config.ts'), 'export default {};\n');
});
test.after(() => {
  server.close();
  tmp.cleanup();
});

test('burst share: split among simultaneous shards (parts add up), else whole on the first; coldFirst whole on the first', () => {
  const s = { name: 'b', concurrency: 7, rounds: 2, gapMs: 100 };
  const parts = [0, 1, 2].map((i) => burstPhase.share!(s, i, 3, true)?.concurrency);
  assert.equal(parts, [3, 2, 2]);
  assert.equal(
    [0, 1, 2].map((i) => burstPhase.share!(s, i, 3, false)?.concurrency),
    [7, undefined, undefined],
  );
  const cold = { ...s, coldFirst: true };
  assert.equal(
    [0, 1, 2].map((i) => burstPhase.share!(cold, i, 3, true)?.concurrency),
    [7, undefined, undefined],
  );
  // More shards than invocations: the extra shards send nothing.
  assert.equal(
    [0, 1, 2].map((i) => burstPhase.share!({ ...s, concurrency: 2 }, i, 3, true)?.concurrency),
    [1, 1, undefined],
  );
});

test('three shards given one instant: 3 + 2 + 2 sent together, merged into the burst of 7', async () => {
  arrivals = [];
  const at = new Date(Date.now() + 6000).toISOString();
  const runs = [1, 2, 3].map((i) =>
    startCli(['run', 'burst.ts', '--shard', `${i}/3`, '--start-at', at, '-o', `s${i}`, '-q', '--no-history'], {
      cwd: tmp.dir,
    }),
  );
  const done = await Promise.all(runs.map((c) => finished(c, 120_000)));
  for (const d of done) assert.is(d.code, 0, d.stderr);
  const shard = (i: number) => JSON.parse(readFileSync(path.join(tmp.dir, `s${i}`, 'results.json'), 'utf8')) as Result;
  assert.equal(
    [1, 2, 3].map((i) => shard(i).targets[0]!.summary!.requests),
    [3, 2, 2],
  );
  assert.is(shard(2).shard!.startAt, at);
  assert.is(shard(2).shard!.lateMs, undefined);
  // No request before the instant; all 7 within a second of each other (three processes woken by their timers).
  assert.is(arrivals.length, 7);
  assert.ok(
    Math.min(...arrivals) >= Date.parse(at) - 50,
    `first arrival ${Math.min(...arrivals) - Date.parse(at)} ms from the instant`,
  );
  assert.ok(
    Math.max(...arrivals) - Math.min(...arrivals) < 1000,
    `spread ${Math.max(...arrivals) - Math.min(...arrivals)} ms`,
  );
  const m = await runCli(
    ['merge', 's1/results.json', 's2/results.json', 's3/results.json', '-o', 'merged.json', '-q'],
    {
      cwd: tmp.dir,
    },
  );
  assert.is(m.code, 0, m.stderr);
  const merged = JSON.parse(readFileSync(path.join(tmp.dir, 'merged.json'), 'utf8')) as Result;
  assert.is(merged.targets[0]!.summary!.requests, 7);
  assert.is(merged.targets[0]!.phases.length, 1);
});

test('shards without --start-at keep the burst whole on shard 1', async () => {
  arrivals = [];
  const one = await runCli(['run', 'burst.ts', '--shard', '1/2', '-o', 'w1', '-q', '--no-history'], { cwd: tmp.dir });
  const two = await runCli(['run', 'burst.ts', '--shard', '2/2', '-o', 'w2', '-q', '--no-history'], { cwd: tmp.dir });
  assert.is(one.code, 0, one.stderr);
  assert.is(two.code, 0, two.stderr);
  const reqs = (d: string) =>
    (JSON.parse(readFileSync(path.join(tmp.dir, d, 'results.json'), 'utf8')) as Result).targets[0]!.summary?.requests ??
    0;
  assert.equal([reqs('w1'), reqs('w2')], [7, 0]);
  assert.is(arrivals.length, 7);
});

test('--start-at refused before any request: without --shard, not an instant, more than a day ahead', async () => {
  arrivals = [];
  const cases: [string[], RegExp][] = [
    [['--start-at', new Date().toISOString()], /--start-at: only with --shard i\/N/],
    [
      ['--shard', '1/2', '--start-at', 'soon'],
      /--start-at: expected an instant such as 2026-11-30T12:00:00Z or Unix milliseconds, got "soon"/,
    ],
    [
      ['--shard', '1/2', '--start-at', new Date(Date.now() + 3 * 86400_000).toISOString()],
      /--start-at: .* is more than a day ahead/,
    ],
  ];
  for (const [flags, message] of cases) {
    const r = await runCli(['run', 'burst.ts', ...flags, '-o', 'bad', '-q', '--no-history'], { cwd: tmp.dir });
    assert.is(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.is(arrivals.length, 0);
});

test('a shard that starts after the instant says so, and records by how much', async () => {
  const at = new Date(Date.now() - 5000).toISOString();
  const r = await runCli(['run', 'burst.ts', '--shard', '1/2', '--start-at', at, '-o', 'late', '-q', '--no-history'], {
    cwd: tmp.dir,
  });
  assert.is(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /warning: shard 1\/2 starts \d+\.\d s after the agreed instant .*: a burst split among the shards is not simultaneous/,
  );
  const res = JSON.parse(readFileSync(path.join(tmp.dir, 'late', 'results.json'), 'utf8')) as Result;
  assert.ok(res.shard!.lateMs! >= 5000, String(res.shard!.lateMs));
  assert.is(res.targets[0]!.summary!.requests, 4);
});

test.run();
