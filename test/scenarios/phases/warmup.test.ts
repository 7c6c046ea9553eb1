// Warmup: the settle point as a pure function (table, no timers), then the
// cold → warm transition on the real local runtime: a forced cold start even
// though an earlier phase left a warm instance, then latency settles.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeHistogram } from '../../../src/metrics/histogram.ts';
import { settlePoint } from '../../../src/scenarios/phases/warmup.ts';
import { runFixture } from '../../helpers/phases.ts';

const settle = suite('settlePoint');

const ROWS: [string, number[], number | null][] = [
  ['an empty series never settled', [], null],
  ['only the cold start was slow', [300, 1, 1.2, 0.9, 1, 1.1], 1],
  ['never slow: settled from the first', [1, 1.1, 0.9, 1], 0],
  ['cold start, then two slow JIT-warming invocations', [300, 12, 6, 1, 1, 1, 1, 1], 3],
  ['a single spike after settling does not move the point', [300, 1, 1, 1, 9, 1, 1, 1], 1],
  ['a hiccup right after the cold start does not postpone the point', [300, 1, 30, 1, 1, 1], 1],
  ['two slow of three: not settled yet', [300, 1, 30, 30, 1, 1, 1, 1], 4],
  ['jitter under 2 ms above a sub-ms median is within the band', [200, 2.4, 0.5, 0.6, 0.5, 0.5], 1],
  ['failed invocations (Infinity) are never within the band', [300, Infinity, 1, 1, 1, 1], 2],
  ['a series too short for a full window uses the whole series', [1, 1], 0],
  ['failing on and off: never settled', [300, Infinity, 1, Infinity, Infinity, 1], null],
  ['every invocation failed: never settled', [Infinity, Infinity, Infinity], null],
];
for (const [name, series, expected] of ROWS) settle(name, () => assert.is(settlePoint(series), expected));

settle.run();

// ---

const run = suite('warmup on the local runtime');

run(
  'forces a cold start after a warm burst: exactly the first of 8 is cold, and latency settles within 3',
  async () => {
    const { result, samples } = await runFixture('warmup');
    const t = result.targets[0]!;
    assert.is(t.error, undefined);
    const [b, w] = t.phases;
    assert.is(b!.coldStarts, 1);
    assert.is(w!.kind, 'warmup');
    assert.is(w!.requests, 8);
    assert.is(w!.ok, 8);
    assert.is(w!.coldStarts, 1, 'forced cold even though the burst left a warm instance');
    assert.is(w!.forcedCold, true);
    const series = samples.filter((s) => s.phase === 'warmup').sort((a, b) => a.seq - b.seq);
    assert.equal(
      series.map((s) => s.cold),
      [true, false, false, false, false, false, false, false],
    );
    assert.is(new Set(series.map((s) => s.instanceId)).size, 1, 'one instance serves the whole series');
    // heavy-init spends 200 ms in init: the cold invocation is far slower than any warm one.
    assert.ok(series[0]!.latencyUs > 150_000, `cold latency ${series[0]!.latencyUs} µs`);
    assert.ok(
      w!.settledAfter !== null && w!.settledAfter! >= 1 && w!.settledAfter! <= 3,
      `settledAfter ${w!.settledAfter}`,
    );
    assert.is(decodeHistogram(w!.histograms.cold).totalCount, 1);
    assert.is(decodeHistogram(w!.histograms.warm).totalCount, 7);
    // Sends never overlap and are 20 ms apart at least: 8 sends span ≥ 140 ms of intended times.
    assert.ok(series[7]!.intendedNs - series[0]!.intendedNs >= 140e6);
  },
);

run.run();
