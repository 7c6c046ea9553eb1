// Scale-out: merging is exact (the merged percentiles are those of one
// histogram fed every value), `--workers N` splits the load and adds it back up
// to exactly the planned count, and `--shard i/N` + `fxbench merge` give the
// same totals. The CLI runs as a user runs it, against a server on 127.0.0.1.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeHistogram } from '../../../src/metrics/histogram.ts';
import { mergeResults } from '../../../src/metrics/merge.ts';
import { Recorder } from '../../../src/metrics/recorder.ts';
import type { Sample } from '../../../src/model/sample.ts';
import { SCHEMA_VERSION, type Result } from '../../../src/model/result.ts';
import { runCli, scratch } from '../../helpers/cli.ts';
import { startServer, type TestServer } from '../../helpers/servers.ts';
import { phaseFigures } from '../../../src/metrics/figures.ts';

function sample(
  latencyUs: number,
  endS: number,
  errorClass: Sample['errorClass'] = null,
  cold: boolean | null = false,
): Sample {
  const intendedNs = endS * 1e9 - latencyUs * 1000;
  return {
    target: 't',
    phase: 'steady',
    round: 1,
    seq: 0,
    intendedNs,
    startNs: intendedNs,
    latencyUs,
    status: errorClass ? 500 : 200,
    errorClass,
    bytesOut: 1,
    bytesIn: 2,
    cold,
    coldMethod: 'instance-id',
  };
}

function resultOf(rec: Recorder, shard = false): Result {
  const figures = phaseFigures(rec.recorded, null, undefined, shard);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'fxbench', version: 'x', node: 'x', platform: 'x', cpus: 1 },
    scenario: { name: 's', file: 's.ts' },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:10.000Z',
    interrupted: false,
    thresholds: [],
    targets: [
      {
        name: 't',
        provider: 'http',
        function: 'f',
        memoryMB: null,
        coldStartMethod: 'instance-id',
        phases: [{ name: 'steady', kind: 'steady', ...figures, late: 1, rateRps: 10, timeline: rec.timelinePoints() }],
        summary: figures,
      },
    ],
  };
}

const merge = suite('merge');

merge('merged percentiles, counts and per-second series equal one recorder fed every value', () => {
  // A seeded mix of latencies from 20 µs to 20 s, spread over three "workers" and ten seconds.
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const one = new Recorder({ originNs: 0 });
  const parts = [new Recorder({ originNs: 0 }), new Recorder({ originNs: 0 }), new Recorder({ originNs: 0 })];
  for (let i = 0; i < 30_000; i++) {
    const us = Math.round(20 * 10 ** (rnd() * 6));
    const s = sample(us, 1 + (i / 30_000) * 10, i % 97 === 0 ? 'http-5xx' : null, i % 50 === 0);
    one.add(s);
    parts[i % 3]!.add(s);
  }
  const merged = mergeResults(parts.map((r) => resultOf(r))).targets[0]!.phases[0]!;
  const whole = resultOf(one).targets[0]!.phases[0]!;
  assert.equal(merged.latencyMs, whole.latencyMs);
  assert.equal(merged.warmLatencyMs, whole.warmLatencyMs);
  assert.equal(merged.coldLatencyMs, whole.coldLatencyMs);
  assert.equal(
    [merged.requests, merged.ok, merged.errors, merged.coldStarts, merged.coldStartRate, merged.bytesIn],
    [whole.requests, whole.ok, whole.errors, whole.coldStarts, whole.coldStartRate, whole.bytesIn],
  );
  for (const p of [50, 90, 99, 99.9, 99.99])
    assert.is(
      decodeHistogram(merged.histograms.all).getValueAtPercentile(p),
      decodeHistogram(whole.histograms.all).getValueAtPercentile(p),
      `p${p}`,
    );
  assert.equal(
    merged.timeline!.map(({ histogram: _h, ...x }) => x),
    whole.timeline!.map(({ histogram: _h, ...x }) => x),
    'seconds add exactly',
  );
  assert.is(merged.late, 3, 'late sends add');
  assert.is(merged.rateRps, 30, 'shares of a rate add');
});

merge('instances: shards that list their instance ids count each instance once; without ids, the sum', () => {
  // Two workers on one platform: both saw instance "b", each saw one of its own.
  const parts = [new Recorder({ originNs: 0 }), new Recorder({ originNs: 0 })];
  const ids = [
    ['a', 'b'],
    ['b', 'c'],
  ];
  ids.forEach((list, w) => {
    for (const id of list) parts[w]!.add({ ...sample(100, 1), instanceId: id });
  });
  const shards = parts.map((r) => resultOf(r, true));
  assert.equal(shards[0]!.targets[0]!.phases[0]!.instanceIds, ['a', 'b'], 'a shard lists its ids');
  assert.equal(shards[0]!.targets[0]!.summary!.instanceIds, ['a', 'b']);
  const merged = mergeResults(shards).targets[0]!;
  assert.is(merged.phases[0]!.instances, 3, 'a, b, c');
  assert.is(merged.summary!.instances, 3);
  assert.is(merged.phases[0]!.instanceIds, undefined, 'the merged result is whole: no ids');
  assert.is(merged.summary!.instanceIds, undefined);
  // Partial results without ids (an older fxbench, or a whole run's result): the sum, an upper bound.
  const old = mergeResults(parts.map((r) => resultOf(r, false))).targets[0]!;
  assert.is(old.phases[0]!.instances, 4);
  assert.is(resultOf(parts[0]!, false).targets[0]!.phases[0]!.instanceIds, undefined, 'a whole run lists no ids');
});

merge('refuses results of different scenarios (exit 2), naming the file', () => {
  const a = resultOf(new Recorder());
  const b = { ...resultOf(new Recorder()), scenario: { name: 'other', file: 'o.ts' } };
  try {
    mergeResults([a, b], ['a.json', 'b.json']);
    assert.unreachable('should throw');
  } catch (err) {
    assert.is((err as { exitCode: number }).exitCode, 2);
    assert.match(
      (err as Error).message,
      /b.json: scenario.name: expected shards of one scenario: "s" in a.json, got "other"/,
    );
  }
});

// ---

const cli = suite('--workers, --shard and fxbench merge');
const tmp = scratch();
let server: TestServer | undefined;
cli.before(async () => {
  server = await startServer('trivial');
});
cli.after(() => {
  server?.stop();
  tmp.cleanup();
});

const readResult = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as Result;

cli('--workers 2 splits 150/s between two processes and the merged result holds all 300 invocations', async () => {
  const out = path.join(tmp.dir, 'w2');
  const samples = path.join(tmp.dir, 'w2.ndjson');
  const r = await runCli(
    ['run', 'test/fixtures/engine/steady-url.ts', '--workers', '2', '--out', out, '--samples', samples],
    { env: { FXBENCH_TEST_URL: server!.url } },
  );
  assert.is(r.code, 0, r.stderr);
  // The phase's end, printed once with both shares (it was printed at the first worker's end too,
  // with the other's unfinished count: "281 req", then "300 req", in 2 runs of 3).
  const ends = r.stderr.split('\n').filter((l) => / steady done: /.test(l));
  assert.equal(
    ends.map((l) => /done: (\d+) req/.exec(l)?.[1]),
    ['300'],
    r.stderr,
  );
  const p = readResult(out).targets[0]!.phases[0]!;
  assert.is(p.requests + p.dropped!, 300);
  assert.is(p.dropped, 0);
  assert.is(p.rateRps, 150, 'the two shares of 75/s add up');
  assert.is(decodeHistogram(p.histograms.all).totalCount, 300);
  assert.is(
    p.timeline!.reduce((a, x) => a + x.requests, 0),
    300,
  );
  const lines = readFileSync(samples, 'utf8').trim().split('\n');
  assert.is(lines.length, 300, 'both workers stream into one samples file, one whole line per sample');
  assert.ok(lines.every((l) => JSON.parse(l).phase === 'steady'));
});

cli('--shard 1/2 and 2/2 write partial results; fxbench merge combines them exactly', async () => {
  const dirs = [path.join(tmp.dir, 's1'), path.join(tmp.dir, 's2')];
  for (const [i, dir] of dirs.entries()) {
    const r = await runCli(
      ['run', 'test/fixtures/engine/closed-url.ts', '--shard', `${i + 1}/2`, '--out', dir, '--quiet'],
      { env: { FXBENCH_TEST_URL: server!.url } },
    );
    assert.is(r.code, 0, r.stderr);
    const part = readResult(dir);
    assert.equal(part.shard, { index: i + 1, count: 2 });
    assert.is(part.targets[0]!.phases[0]!.requests, 500, 'each shard runs half of the 1000 invocations');
  }
  const merged = path.join(tmp.dir, 'merged.json');
  const m = await runCli(['merge', ...dirs.map((d) => path.join(d, 'results.json')), '-o', merged]);
  assert.is(m.code, 0, m.stderr);
  assert.match(m.stdout, /srv\s+steady\s+1000\s+0\s/);
  const r = JSON.parse(readFileSync(merged, 'utf8')) as Result;
  assert.is(r.shard, undefined, 'the merged result is whole');
  assert.is(r.targets[0]!.phases[0]!.requests, 1000);
  assert.is(decodeHistogram(r.targets[0]!.phases[0]!.histograms.all).totalCount, 1000);
  const twice = await runCli([
    'merge',
    path.join(dirs[0]!, 'results.json'),
    path.join(dirs[0]!, 'results.json'),
    '-o',
    merged,
  ]);
  assert.is(twice.code, 2);
  assert.match(twice.stderr, /shard 1\/2 is given twice/);
});

cli('bad --shard and --workers values exit 2 before anything runs', async () => {
  const a = await runCli(['run', 'test/fixtures/engine/closed-url.ts', '--shard', '3/2'], {
    env: { FXBENCH_TEST_URL: server!.url },
  });
  assert.is(a.code, 2);
  assert.match(a.stderr, /--shard: expected i\/N with 1 ≤ i ≤ N/);
  const b = await runCli(['run', 'test/fixtures/engine/closed-url.ts', '--workers', '0'], {
    env: { FXBENCH_TEST_URL: server!.url },
  });
  assert.is(b.code, 2);
  assert.match(b.stderr, /--workers: expected an integer from 1 to 64, got 0/);
});

merge.run();
cli.run();
