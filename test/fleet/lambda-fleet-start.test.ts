// test-serial: the 4 generators must start within 50 ms of the agreed instant; a file beside it made one 58 ms late
// test-timeout: 200 s
// `fxbench run --fleet lambda:<function> --shards 4` without AWS (see
// lambda-fleet.test.ts for the set-up): the merged result is the sum of the
// shards (counters, histograms, against what the server counted), and the
// generators start within a stated tolerance of the agreed instant (each
// reports its actual start). Alone, because a start offset is what it checks.
import path from 'node:path';
import * as assert from 'uvu/assert';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import { fleetSuite } from '../helpers/fleet-lambda.ts';

/** Start spread tolerated between generators, ms: 4 processes on a shared 2-core machine. */
const SPREAD_TOLERANCE_MS = 50;

const { test, kit } = fleetSuite('run --fleet: the shards started at one instant');

test('4 generators: the merged result is the sum of the shards, and they start together', async () => {
  const before = await kit.count();
  const file = kit.scenario('fleet-steady', "steady({ rate: 40, duration: '2s' })");
  const out = path.join(kit.dir, 'out-4');
  const t0 = performance.now();
  const r = await kit.run(file, 'fleet-worker', 4, out);
  const wallMs = performance.now() - t0;
  assert.is(r.code, 0, r.stderr + r.stdout);
  const sent = (await kit.count()) - before;
  const res = kit.results(out);
  const f = res.fleet!;
  assert.is(f.generators, 4);
  assert.is(f.shards, 4);
  assert.equal(f.missing, []);
  assert.match(f.where, /^lambda:fleet-worker \(us-east-1, http:\/\/127\.0\.0\.1:\d+\)$/);
  // 40/s × 2 s = 80, 20 per share; the server saw exactly those.
  assert.equal(
    f.workers.map((w) => w.requests),
    [20, 20, 20, 20],
  );
  const s = res.targets[0]!.summary!;
  assert.is(s.requests, 80);
  assert.is(s.ok, 80);
  assert.is(sent, 80);
  assert.is(decodeHistogram(s.histograms.all).totalCount, 80);
  assert.is(decodeHistogram(res.targets[0]!.phases[0]!.histograms.all).totalCount, 80);
  assert.is(res.targets[0]!.phases[0]!.rateRps, 40);
  // Each generator reports its actual start against the agreed instant.
  const offsets = f.workers.map((w) => w.startOffsetMs!);
  for (const w of f.workers) assert.ok(w.readyBeforeMs! > 0, `shard ${w.shard} ready ${w.readyBeforeMs} ms before`);
  for (const o of offsets) assert.ok(o >= 0 && o < SPREAD_TOLERANCE_MS, `start offset ${o} ms`);
  const spread = Math.max(...offsets) - Math.min(...offsets);
  assert.ok(spread < SPREAD_TOLERANCE_MS, `spread ${spread} ms`);
  // The fleet's own cost: 4 requests, GB-s from the REPORT lines (512 MB each).
  assert.is(f.cost!.requests, 4);
  assert.ok(f.cost!.basis.includes('billed duration (REPORT)'), f.cost!.basis.join());
  assert.ok(f.cost!.basis.includes('memory 512 MB (REPORT)'), f.cost!.basis.join());
  const billedS = f.workers.reduce((a, w) => a + w.billedMs!, 0) / 1000;
  assert.ok(Math.abs(f.cost!.gbSeconds - billedS * 0.5) < 0.01, `${f.cost!.gbSeconds} vs ${billedS * 0.5}`);
  assert.match(r.stdout, /fleet: 4 of 4 generators answered, on lambda:fleet-worker/);
  assert.match(r.stdout, /cost of the fleet: \$[\d.e-]+ \([\d.]+ GB-s, 4 requests; aws-lambda us-east-1 arm64/);
  process.stderr.write(
    `    measured: start offsets ${offsets.map((o) => o.toFixed(2)).join(', ')} ms (spread ${spread.toFixed(2)} ms); ready ${f.workers.map((w) => w.readyBeforeMs).join(', ')} ms before; wall ${(wallMs / 1000).toFixed(1)} s\n`,
  );
});

test.run();
