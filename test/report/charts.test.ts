// The report's chart data, from hand-made results: which charts a run gets
// (and which it lacks), the exact figures each chart plots, and that every
// spec compiles with vega-lite without a warning.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as vl from 'vega-lite';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import { phaseLabel } from '../../src/report/format.ts';
import { initBins } from '../../src/report/charts/cold-starts.ts';
import { memoryPoints } from '../../src/report/charts/cost.ts';
import { buildCharts } from '../../src/report/charts/index.ts';
import { keepalivePoints } from '../../src/report/charts/keepalive.ts';
import { targetColorScale } from '../../src/report/charts/palette.ts';
import { payloadPoints } from '../../src/report/charts/payload.ts';
import { MAX_POINTS, timelineRows } from '../../src/report/charts/timeline-data.ts';
import type { Result } from '../../src/model/result.ts';
import { FIXTURES_DIR, memorySweepFixture, payloadSweepFixture, warmupFixture } from '../helpers/results.ts';

const load = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as Result;
const full = load('results-full.json');
const burst = load('results-burst-a.json');

// ---
const which = suite('which charts a run gets');

which('a run with every phase kind gets all ten charts, in page order', () => {
  assert.equal(
    buildCharts(full).map((c) => c.id),
    [
      'latency-spectrum',
      'burst',
      'latency-over-time',
      'cold-starts',
      'keepalive',
      'payload',
      'memory',
      'cost',
      'throughput',
      'ramp',
    ],
  );
});

which('a plain burst run gets only the charts it has data for (no timeline, sweeps or ramp)', () => {
  assert.equal(
    buildCharts(burst).map((c) => c.id),
    ['latency-spectrum', 'burst', 'cold-starts', 'cost'],
  );
});

which('a run with one payload size, one memory size and one idle gap draws no sweep charts', () => {
  const r = structuredClone(burst);
  for (const p of r.targets[0]!.phases) Object.assign(p, { payloadBytes: 1024, memoryMB: 128, idleGapMs: 1000 });
  assert.equal(
    buildCharts(r).map((c) => c.id),
    ['latency-spectrum', 'burst', 'cold-starts', 'cost'],
  );
});

which('a run without cost or cold-start method leaves those charts out', () => {
  const r = structuredClone(burst);
  const t = r.targets[0]!;
  t.coldStartMethod = 'none';
  t.summary!.cost = null;
  for (const p of t.phases) p.cost = null;
  assert.equal(
    buildCharts(r).map((c) => c.id),
    ['latency-spectrum', 'burst'],
  );
});

which('a target that failed before any invocation draws nothing', () => {
  const r = structuredClone(burst);
  r.targets[0] = { ...r.targets[0]!, phases: [], summary: null, error: 'prepare failed' };
  assert.equal(buildCharts(r), []);
});

which('every spec compiles with vega-lite without a warning', () => {
  for (const result of [
    full,
    burst,
    load('results-xss.json'),
    load('results-million.json'),
    memorySweepFixture(),
    payloadSweepFixture(),
    warmupFixture(),
  ]) {
    for (const c of buildCharts(result)) {
      const warnings: string[] = [];
      const logger = {
        level: () => logger,
        info: () => logger,
        debug: () => logger,
        warn: (...a: unknown[]) => {
          warnings.push(a.join(' '));
          return logger;
        },
        error: (...a: unknown[]) => {
          warnings.push(a.join(' '));
          return logger;
        },
      };
      vl.compile({ ...c.spec, datasets: c.datasets } as never, { logger: logger as never });
      assert.equal(warnings, [], `${result.scenario.name} ${c.id}`);
    }
  }
});

which('every target keeps one colour in every chart (the scale lists all targets in order)', () => {
  const scale = targetColorScale(full.targets.map((t) => t.name));
  for (const c of buildCharts(full)) {
    const json = JSON.stringify(c.spec);
    assert.ok(
      json.includes(JSON.stringify({ field: 'target', type: 'nominal', title: 'target', scale }).slice(0, -1)),
      c.id,
    );
  }
});

// ---
const figures = suite('chart figures');

figures('keep-alive rounds pool by idle gap: cold starts over invocations, gaps ascending', () => {
  const pts = keepalivePoints(full).filter((p) => p.target === 'local-hello');
  const phases = full.targets[0]!.phases.filter((p) => p.idleGapMs !== undefined);
  assert.equal(
    pts.map((p) => p.idleGapMs),
    [1_000, 10_000, 60_000, 300_000, 900_000],
  );
  for (const pt of pts) {
    const p = phases.find((x) => x.idleGapMs === pt.idleGapMs)!;
    assert.is(pt.coldStarts, p.coldStarts);
    assert.is(pt.requests, 20);
    assert.is(pt.coldProbability, p.coldStarts / 20);
  }
  assert.is(pts.at(-1)!.coldProbability, 1);
});

figures('two rounds at the same gap pool into one point', () => {
  const r = structuredClone(full);
  const ka = r.targets[0]!.phases.filter((p) => p.idleGapMs !== undefined);
  ka[1]!.idleGapMs = ka[0]!.idleGapMs; // rounds 1 and 2 both at 1 s
  const pt = keepalivePoints(r).find((p) => p.target === 'local-hello' && p.idleGapMs === 1_000)!;
  assert.is(pt.requests, 40);
  assert.is(pt.coldStarts, ka[0]!.coldStarts + ka[1]!.coldStarts);
});

figures('payload points are percentiles of the merged histograms at each size (exact, not averaged)', () => {
  const pts = payloadPoints(full).filter((p) => p.target === 'aws-hello');
  assert.equal([...new Set(pts.map((p) => p.payloadBytes))], [1024, 65_536, 1_048_576]);
  const phase = full.targets[1]!.phases.find((p) => p.payloadBytes === 65_536)!;
  const pt = pts.find((p) => p.payloadBytes === 65_536)!;
  assert.is(pt.p99Ms, phase.latencyMs!.p99);
  assert.is(pt.p50Ms, phase.latencyMs!.p50);
  assert.is(pt.requests, 100);
});

figures('memory points: p99 from the histograms and cost per 1M from total over priced invocations', () => {
  const pts = memoryPoints(full).filter((p) => p.target === 'local-hello');
  assert.equal(
    pts.map((p) => p.memoryMB),
    [128, 256, 512, 1024],
  );
  const phase = full.targets[0]!.phases.find((p) => p.memoryMB === 512)!;
  const pt = pts.find((p) => p.memoryMB === 512)!;
  assert.is(pt.p99Ms, phase.latencyMs!.p99);
  assert.ok(
    Math.abs(pt.perMillionUSD - phase.cost!.perMillionUSD) < 1e-12,
    `${pt.perMillionUSD} vs ${phase.cost!.perMillionUSD}`,
  );
  assert.is(pt.label, '512 MB');
});

figures("init bins share one set of edges and each target's shares add up to 1", () => {
  const bins = initBins(full);
  for (const t of full.targets) {
    const mine = bins.filter((b) => b.target === t.name);
    assert.ok(mine.length > 3, t.name);
    assert.ok(Math.abs(mine.reduce((a, b) => a + b.share, 0) - 1) < 1e-9);
  }
  const edges = new Set(bins.flatMap((b) => [b.fromMs, b.toMs]));
  assert.ok(edges.size <= 25, `${edges.size} distinct edges for 24 bins`);
  // The edges span the lowest to the highest quantile read (one per cold start here: < 1000 of them).
  const quantile = (at: 'first' | 'last') =>
    full.targets.map((t) => {
      const h = decodeHistogram(t.summary!.histograms.init);
      const n = h.totalCount;
      return h.getValueAtPercentile((100 * (at === 'first' ? 0.5 : n - 0.5)) / n) / 1000;
    });
  assert.is(Math.min(...bins.map((b) => b.fromMs)), Math.min(...quantile('first')));
  assert.ok(Math.abs(Math.max(...bins.map((b) => b.toMs)) - Math.max(...quantile('last'))) < 1e-9);
});

figures('timelines: one row per second, from the target start; long runs coarsen to at most MAX_POINTS', () => {
  const rows = timelineRows(full).filter((r) => r.target === 'aws-hello');
  const tl = full.targets[1]!.phases.find((p) => p.timeline)!.timeline!;
  assert.is(rows.length, tl.length);
  assert.is(rows[0]!.tS, 0);
  assert.is(rows[3]!.requestsPerS, tl[3]!.requests);
  assert.is(rows[3]!.p99Ms, tl[3]!.p99Ms);

  const million = load('results-million.json');
  const long = timelineRows(million).filter((r) => r.target === 'local-hello');
  const seconds = million.targets[0]!.phases[0]!.timeline!;
  assert.ok(seconds.length > MAX_POINTS, `${seconds.length} seconds`);
  assert.ok(long.length <= MAX_POINTS, `${long.length} rows`);
  assert.is(long[0]!.widthS, 2);
  // Counts add: the coarse rows still hold every request.
  const total = seconds.reduce((a, s) => a + s.requests, 0);
  assert.is(Math.round(long.reduce((a, r) => a + r.requestsPerS * r.widthS, 0)), total);
  assert.is(long[0]!.p99Ms, Math.max(seconds[0]!.p99Ms!, seconds[1]!.p99Ms!));
});

figures('phase labels name the round and the swept setting', () => {
  assert.is(phaseLabel({ name: 'burst', round: 2 }), 'burst #2');
  assert.is(phaseLabel({ name: 'payload', payloadBytes: 65_536 }), 'payload · 64KB');
  assert.is(phaseLabel({ name: 'keepalive', round: 3, idleGapMs: 300_000 }), 'keepalive #3 · idle 5min');
  assert.is(phaseLabel({ name: 'memory', memoryMB: 512 }), 'memory · 512 MB');
  assert.is(phaseLabel({ name: 'steady', rateRps: 50 }), 'steady · 50 req/s');
});

which.run();
figures.run();
