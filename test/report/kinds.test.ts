// Golden data checks per chart kind: the data each kind's chart is drawn from
// (the spec's named datasets) for a fixture run, and each kind's answer in the
// headline. The charts themselves are rendered in Chromium by browser.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCharts } from '../../src/report/charts/index.ts';
import { memoryOptima, memorySizes } from '../../src/report/charts/memory.ts';
import { headline } from '../../src/report/headline.ts';
import type { Result } from '../../src/model/result.ts';
import {
  burstFixture,
  FIXTURES_DIR,
  memorySweepFixture,
  payloadSweepFixture,
  phase,
  result,
  target,
  warmupFixture,
} from '../helpers/results.ts';
import { timelineRows } from '../../src/report/charts/timeline-data.ts';
import { phaseLabel } from '../../src/report/format.ts';
import { formatMs } from '../../src/units.ts';
import { summaryCsv } from '../../src/report/csv.ts';
import { combineResults } from '../../src/report/combine.ts';
import { targetColors } from '../../src/report/charts/palette.ts';
import { deltaRows } from '../../src/report/side-by-side.ts';
import { arrivalLines, formatSummary } from '../../src/report/text.ts';
import { renderHtml } from '../../src/report/html.ts';
import { thresholdScope } from '../../src/report/html-sections.ts';

const chart = (r: Result, id: string) => {
  const c = buildCharts(r).find((x) => x.id === id);
  assert.ok(c, `chart ${id} drawn`);
  return c!;
};

// ---
const memory = suite('memory sweep (Power Tuning style)');

memory('a failed size is left off both lines, drawn as an error, and never named the optimum', () => {
  const r = memorySweepFixture();
  const sizes = memorySizes(r);
  const s128 = sizes.find((s) => s.memoryMB === 128)!;
  assert.ok(s128.failed);
  assert.is(
    s128.errors,
    r.targets[0]!.phases.filter((p) => p.memoryMB === 128).reduce((n, p) => n + p.errors['out-of-memory'], 0),
  );
  assert.ok(s128.errors > 0 && s128.errors < s128.requests, 'some, not all, failed');
  // Priced at all, 128 MB would be the cheapest: the optimum must not take it.
  const priced = sizes.filter((s) => s.perMillionUSD !== null);
  assert.is(priced.reduce((a, b) => (a.perMillionUSD! < b.perMillionUSD! ? a : b)).memoryMB, 128);
  const [o] = memoryOptima(sizes);
  assert.is(o!.cheapest!.memoryMB, 256, 'cheapest among the sizes that did not fail');
  assert.is(o!.fastest!.memoryMB, 1024, 'more memory, more CPU: fastest at the top');
  assert.ok([256, 512, 1024].includes(o!.balanced!.memoryMB));
  assert.equal(
    o!.failed.map((s) => s.memoryMB),
    [128],
  );
  const c = chart(r, 'memory');
  const latency = c.datasets.memoryLatency as { memoryMB: number; measure: string; value: number }[];
  const cost = c.datasets.memoryCost as { memoryMB: number; perMillionUSD: number }[];
  assert.equal([...new Set(latency.map((p) => p.memoryMB))], [256, 512, 1024]);
  assert.equal(
    cost.map((p) => p.memoryMB),
    [256, 512, 1024],
  );
  assert.equal(
    (c.datasets.memoryFailed as { memoryMB: number; label: string }[]).map((p) => [p.memoryMB, p.label]),
    [[128, `✕ ${s128.errors}/${s128.requests} failed`]],
  );
  const p50 = latency.find((p) => p.memoryMB === 512 && p.measure === 'p50 latency')!;
  assert.is(p50.value, sizes.find((s) => s.memoryMB === 512)!.p50Ms);
  assert.equal(
    (c.datasets.memoryPicks as { memoryMB: number; label: string }[])
      .find((p) => p.memoryMB === 256)!
      .label.split(' · ')[0],
    'cheapest',
  );
  // Two y axes: latency left, cost right.
  assert.equal((c.spec.resolve as { scale: { y: string } }).scale.y, 'independent');
  // The whole-run cost bar (an average over every size) is not drawn for a pure sweep.
  assert.not.ok(buildCharts(r).some((x) => x.id === 'cost'));
  // The headline names the optimum and the excluded size.
  const answer = headline(r).targets[0]!.answers[0]!;
  assert.match(answer, /^memory sweep: cheapest 256 MB \(\$[\d.]+ per 1M\), fastest 1024 MB/);
  assert.match(
    answer,
    new RegExp(`excluded: 128 MB failed ${s128.errors} of ${s128.requests} \\(${s128.errors} out-of-memory\\)$`),
  );
});

memory.run();

// ---
const payload = suite('payload sweep');

payload(
  'directions apart, a size that failed whole marked as an error (no latency), every size labelled, the limit drawn',
  () => {
    const r = payloadSweepFixture();
    const c = chart(r, 'payload');
    type Pt = { series: string; direction: string; payloadBytes: number; step: number; p50Ms: number; p99Ms: number };
    const pts = c.datasets.payload as Pt[];
    const MB = 1024 * 1024;
    assert.equal(
      pts.filter((p) => p.direction === 'request').map((p) => p.payloadBytes),
      [1024, 65_536, MB, 6 * MB],
      'request line: 7 MB failed whole and is not drawn as a latency',
    );
    assert.equal(
      pts.filter((p) => p.direction === 'response').map((p) => p.payloadBytes),
      [1024, 65_536, MB],
    );
    assert.equal([...new Set(pts.map((p) => p.series))].sort(), ['request', 'response']);
    const phase = r.targets[0]!.phases.find((p) => p.name === 'response' && p.payloadBytes === MB)!;
    const pt = pts.find((p) => p.direction === 'response' && p.payloadBytes === MB)!;
    assert.is(pt.p50Ms, phase.latencyMs!.p50);
    assert.is(pt.p99Ms, phase.latencyMs!.p99);
    const errors = c.datasets.payloadErrors as { payloadBytes: number; mark: string; errorClasses: string }[];
    assert.equal(
      errors.map((e) => [e.payloadBytes, e.mark, e.errorClasses]),
      [[7 * MB, '✕ 5/5 failed', '5 payload-too-large']],
    );
    // Every size is a tick with its label (no overlap culling).
    type Axis = { values: number[]; labelExpr: string; labelOverlap: boolean };
    const layers = (c.spec as { layer: { encoding?: { x?: { axis?: Axis } } }[] }).layer;
    const axis = layers[1]!.encoding!.x!.axis!;
    assert.equal(axis.values, [0, 1, 2, 3, 4]);
    assert.is(axis.labelOverlap, false);
    assert.match(axis.labelExpr, /^\["1KB","64KB","1MB","6MB","7MB"\]\[datum\.value\]/);
    // Lambda's 6 MB limit sits on the 6 MB step.
    assert.equal(
      (c.datasets.payloadLimits as { bytes: number; step: number; label: string }[]).map((l) => [
        l.bytes,
        l.step,
        l.label,
      ]),
      [[6 * MB, 3, '6MB limit (local)']],
    );
  },
);

payload(
  'the headline answers per direction: p50 from the smallest to the largest size that ran, the failed sizes',
  () => {
    const r = payloadSweepFixture();
    const ph = (name: string, bytes: number) =>
      r.targets[0]!.phases.find((p) => p.name === name && p.payloadBytes === bytes)!.latencyMs!.p50;
    const MB = 1024 * 1024;
    const lines = headline(r).targets[0]!.answers.filter((a) => a.startsWith('payload'));
    const fmt = (v: number) => formatMs(v);
    assert.equal(lines, [
      `payload (request): p50 ${fmt(ph('request', 1024))} ms at 1KB → ${fmt(ph('request', 6 * MB))} ms at 6MB; 7MB failed 5 of 5 (5 payload-too-large)`,
      `payload (response): p50 ${fmt(ph('response', 1024))} ms at 1KB → ${fmt(ph('response', MB))} ms at 1MB`,
    ]);
  },
);

payload.run();

const load = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as Result;

// ---
const burst = suite('burst rounds');

burst('cold starts per round and cold vs warm p99 per round, from each round; no cold point for a warm round', () => {
  const r = burstFixture();
  const c = chart(r, 'burst');
  const rounds = c.datasets.burstRounds as { round: number; coldStarts: number; requests: number }[];
  assert.equal(
    rounds.map((x) => [x.round, x.coldStarts, x.requests]),
    [
      [1, 20, 20],
      [2, 0, 20],
    ],
  );
  const lat = c.datasets.burstLatency as { round: number; state: string; p99: number }[];
  const [p1, p2] = r.targets[0]!.phases;
  assert.equal(
    lat.map((x) => [x.round, x.state, x.p99]),
    [
      [1, 'cold', p1!.coldLatencyMs!.p99],
      [2, 'warm', p2!.warmLatencyMs!.p99],
    ],
  );
  assert.match(
    headline(r).targets[0]!.answers[0]!,
    /^burst: cold starts per round 20\/0 \(of 20\/20\); cold p99 [\d.]+\/- ms; warm p99 -\/[\d.]+ ms$/,
  );
});

burst(
  'per-second charts are drawn only for kinds where time says something (not burst, warmup, payload, memory, keep-alive)',
  () => {
    const r = burstFixture();
    for (const p of r.targets[0]!.phases)
      p.timeline = [{ t: 0, requests: 20, ok: 20, errors: 0, coldStarts: 0, p50Ms: 1, p99Ms: 2 }];
    assert.equal(timelineRows(r), []);
    assert.not.ok(buildCharts(r).some((c) => c.id === 'latency-over-time' || c.id === 'throughput'));
    // A steady phase keeps its time series.
    const full = load('results-full.json');
    const rows = timelineRows(full);
    assert.ok(rows.length > 0 && rows.every((x) => x.phase.startsWith('steady')));
  },
);

burst('arrival lines: each round with cold starts, then one line for the rounds without any', () => {
  const r = burstFixture();
  const rounds = r.targets[0]!.phases;
  const stamp = (spreadMs: number, cold: boolean) => ({
    stamped: 20,
    firstAcceptedMs: 1e12,
    lastAcceptedMs: 1e12 + spreadMs,
    spreadMs,
    coldBeginSpreadMs: cold ? spreadMs : null,
    shortestColdBusyMs: cold ? 900 : null,
  });
  rounds.forEach((p, i) => {
    p.arrival = stamp(i === 0 ? 140 : 2 + i, i === 0);
  });
  const lines = arrivalLines(r);
  const name = r.targets[0]!.name;
  assert.equal(lines, [
    `arrival ${name}/${phaseLabel(rounds[0]!)}: 20 accepted over 140.0 ms, cold starts began over 140.0 ms`,
    `arrival ${name}/${rounds[1]!.name}: ${rounds.length - 1} round${rounds.length === 2 ? '' : 's'} with no cold start, each accepted within ${formatMs(1 + rounds.length)} ms`,
  ]);
});

burst(
  'arrival lines: several all-cold rounds in one line; a round of one invocation says nothing; a not-all-cold round stays',
  () => {
    const r = burstFixture();
    const rounds = r.targets[0]!.phases;
    assert.ok(rounds.length >= 2, `fixture has ${rounds.length} rounds`);
    const stamp = (stamped: number, spreadMs: number, beginMs: number | null, notAllCold?: string) => ({
      stamped,
      firstAcceptedMs: 1e12,
      lastAcceptedMs: 1e12 + spreadMs,
      spreadMs,
      coldBeginSpreadMs: beginMs,
      shortestColdBusyMs: beginMs === null ? null : 900,
      ...(notAllCold ? { notAllCold } : {}),
    });
    const name = r.targets[0]!.name;
    // Every round all cold: one line for the phase, with the worst spreads.
    rounds.forEach((p, i) => {
      p.arrival = stamp(20, 10 + i, 5 + i);
    });
    const n = rounds.length;
    assert.equal(arrivalLines(r), [
      `arrival ${name}/${rounds[0]!.name}: ${n} rounds all cold, each accepted within ${formatMs(9 + n)} ms, cold starts began within ${formatMs(4 + n)} ms`,
    ]);
    // Rounds of one invocation: nothing to say about simultaneity.
    rounds.forEach((p) => {
      p.arrival = stamp(1, 0, 0);
    });
    assert.equal(arrivalLines(r), []);
    // A round that was not all cold keeps its own two lines.
    rounds[1]!.arrival = stamp(20, 400, 390, '12 of 20 reused an instance: arrivals spread over 400 ms');
    assert.equal(arrivalLines(r), [
      `arrival ${name}/${phaseLabel(rounds[1]!)}: 20 accepted over 400.0 ms, cold starts began over 390.0 ms`,
      `  ${name}/${phaseLabel(rounds[1]!)}: 12 of 20 reused an instance: arrivals spread over 400 ms`,
    ]);
  },
);

burst.run();

// ---
const keepalive = suite('keep-alive');

keepalive('steps between probes (no smoothing), n per point, the configured idle timeout marked', () => {
  const r = load('results-full.json');
  r.targets[0]!.idleTimeoutMs = 600_000;
  const c = chart(r, 'keepalive');
  const layers = (c.spec as { layer: { mark?: { type: string; interpolate?: string } }[] }).layer;
  assert.is(layers[0]!.mark!.interpolate, 'step-after');
  assert.not.ok(JSON.stringify(c.spec).includes('monotone'));
  const pts = c.datasets.keepalive as { target: string; idleGapMs: number; n: string; requests: number }[];
  for (const p of pts) assert.is(p.n, `n=${p.requests}`);
  assert.equal(
    pts.filter((p) => p.target === 'local-hello').map((p) => p.idleGapMs),
    [1_000, 10_000, 60_000, 300_000, 900_000],
  );
  assert.equal(c.datasets.keepaliveTimeout, [
    { target: 'local-hello', idleGapMs: 600_000, label: 'idle timeout 10min (configured)' },
  ]);
  assert.match(
    headline(r).targets[0]!.answers.find((a) => a.startsWith('keep-alive'))!,
    /configured idle timeout 10min/,
  );
});

keepalive.run();

// ---
const warmup = suite('warmup');

warmup('latency by invocation with the settle point marked; "settled after N" in the headline and summary.csv', () => {
  const r = warmupFixture();
  const series = r.targets[0]!.phases[0]!.latencyByInvocationMs!;
  const c = chart(r, 'warmup');
  assert.equal(
    (c.datasets.warmup as { invocation: number; latencyMs: number }[]).map((p) => [p.invocation, p.latencyMs]),
    series.flatMap((ms, i) => (ms === null ? [] : [[i + 1, ms]])),
  );
  assert.equal(
    (c.datasets.warmupFailed as { invocation: number }[]).map((p) => p.invocation),
    [6],
  );
  const settled = c.datasets.warmupSettled as { settledAfter: number; ruleAt: number; label: string }[];
  assert.equal(
    settled.map((s) => [s.settledAfter, s.ruleAt, s.label]),
    [[3, 3.5, 'settled after 3']],
  );
  assert.is(
    headline(r).targets[0]!.answers[0],
    'warmup: settled after 3 invocations (first 350.0 ms, then p50 2.000 ms)',
  );
  const csv = summaryCsv(r).split('\n');
  const col = csv[0]!.split(',').indexOf('settled_after');
  assert.ok(col > 0);
  assert.is(csv[1]!.split(',')[col], '3');
});

warmup.run();

// ---
const side = suite('side by side');

const twoRuns = () => {
  const a = load('results-full.json');
  const b = load('results-full.json');
  // The second run: p99 of local-hello 10% higher, cost the same.
  b.targets[0]!.summary!.latencyMs!.p99 *= 1.1;
  return combineResults([
    { file: 'reports/20261130-030317-burst/results.json', result: a },
    { file: 'reports/20261130-040317-burst/results.json', result: b },
  ]);
};

side('a target keeps its colour family across runs; charts and tables use the same colours', () => {
  const r = twoRuns();
  const colors = targetColors(r);
  assert.equal(
    r.targets.map((t) => t.name),
    [
      '20261130-030317-burst · local-hello',
      '20261130-030317-burst · aws-hello',
      '20261130-040317-burst · local-hello',
      '20261130-040317-burst · aws-hello',
    ],
  );
  assert.is(colors[0], '#3b82f6');
  assert.is(colors[1], '#f97316');
  assert.is(colors[2], '#76a8f9', 'local-hello of the second run: a lighter blue');
  assert.is(colors[3], '#fb9d5c', 'aws-hello of the second run: a lighter orange');
  const scale =
    (chart(r, 'latency-spectrum').spec as { encoding?: unknown }) && JSON.stringify(chart(r, 'cold-starts').spec);
  assert.ok(scale.includes('"range":["#3b82f6","#f97316","#76a8f9","#fb9d5c"]'));
  const html = renderHtml(r);
  assert.ok(
    html.includes('<span class="swatch" style="background:#76a8f9"></span>20261130-040317-burst · local-hello'),
  );
  // Full labels: wrapped in charts (two lines), never cut.
  assert.ok(scale.includes(`"labelExpr":"split(datum.label, ' · ')"`));
});

side('Δ against the first run, absolute and %, grouped by target; the terminal table grouped by target', () => {
  const r = twoRuns();
  const rows = deltaRows(r);
  assert.equal(
    rows.map((x) => [x.target, x.run, x.first]),
    [
      ['local-hello', '20261130-030317-burst', true],
      ['local-hello', '20261130-040317-burst', false],
      ['aws-hello', '20261130-030317-burst', true],
      ['aws-hello', '20261130-040317-burst', false],
    ],
  );
  const p99 = rows[1]!.cells.p99!;
  const was = r.targets[0]!.summary!.latencyMs!.p99;
  assert.is(p99.value, r.targets[2]!.summary!.latencyMs!.p99);
  assert.ok(Math.abs(p99.delta! - (p99.value! - was)) < 1e-12);
  assert.ok(Math.abs(p99.deltaPct! - 0.1) < 1e-9, String(p99.deltaPct));
  assert.is(rows[1]!.cells.cost!.delta, 0);
  const html = renderHtml(r);
  assert.match(html, /<section class="deltas" id="deltas">/);
  assert.match(html, /<td class="delta">\+[\d.]+ ms<\/td><td class="delta">\+10\.0%<\/td>/);
  const text = formatSummary(r).split('\n');
  const table = text.filter((l) => l.startsWith('20261130-') && !l.includes(': cold-start rate'));
  const names = table.map((l) => l.split('  ')[0]!.trim());
  // Grouped by target: local-hello of both runs, then aws-hello of both runs.
  const order = [...new Set(names.map((n) => n.split(' · ')[1]))];
  assert.equal(order, ['local-hello', 'aws-hello']);
  const firstAws = names.findIndex((n) => n.endsWith('aws-hello'));
  assert.ok(names.slice(0, firstAws).every((n) => n.endsWith('local-hello')));
  assert.ok(text.includes('change against the first run:'));
  assert.ok(text.some((l) => /^local-hello\s+20261130-040317-burst .*\+10\.0%/.test(l)));
});

side.run();

// ---
const thresholds = suite('thresholds table');

thresholds('shows the scope each threshold was held to', () => {
  assert.is(thresholdScope({}), 'whole run');
  assert.is(thresholdScope({ phase: 'keepalive', round: 2 }), 'phase keepalive, round 2');
  const r = load('results-full.json');
  r.thresholds.push({
    target: 'local-hello',
    metric: 'cold.rate',
    condition: '== 0',
    actual: 0,
    ok: true,
    phase: 'keepalive',
    round: 2,
  });
  const html = renderHtml(r);
  assert.match(html, /<th scope="col" class="text">scope<\/th>/);
  assert.match(
    html,
    /<td class="text">cold\.rate<\/td><td class="text">phase keepalive, round 2<\/td><td class="text">== 0<\/td>/,
  );
  assert.match(html, /<td class="text">latency\.p99<\/td><td class="text">whole run<\/td>/);
});

thresholds.run();

// ---
const ramp = suite('ramp: per-second series across step boundaries');

/** Two ramp steps of 20/s and 60/s that meet inside second 3, and a second 5 with no completion. */
const rampRun = (): Result => {
  const pt = (t: number, requests: number, errors = 0) => ({
    t,
    requests,
    ok: requests - errors,
    errors,
    coldStarts: 0,
    p50Ms: requests ? 10 : null,
    p99Ms: requests ? 20 : null,
  });
  const step1 = { ...phase({ name: 'ramp', round: 1, warmUs: [10_000] }), kind: 'ramp', rateRps: 20 };
  step1.timeline = [pt(0, 15), pt(1, 20), pt(2, 20), pt(3, 5)];
  const step2 = { ...phase({ name: 'ramp', round: 2, warmUs: [10_000] }), kind: 'ramp', rateRps: 60 };
  step2.timeline = [pt(3, 45, 1), pt(4, 60), pt(6, 60), pt(7, 30)];
  return result([target('local-ramp', [step1, step2])], 'ramp');
};

ramp(
  'a second shared by two steps is one point with both counts; a second with no completion is 0, not skipped',
  () => {
    const rows = timelineRows(rampRun());
    assert.equal(
      rows.map((r) => [r.tS, r.requestsPerS, r.errorsPerS]),
      [
        [0, 15, 0],
        [1, 20, 0],
        [2, 20, 0],
        [3, 50, 1],
        [4, 60, 0],
        [5, 0, 0],
        [6, 60, 0],
        [7, 30, 0],
      ],
    );
    const [s1, s2] = rampRun().targets[0]!.phases;
    assert.is(rows[3]!.phase, `${phaseLabel(s1!)} + ${phaseLabel(s2!)}`);
    assert.ok(
      rows.every((r) => r.segment === 0),
      'no pause: one line',
    );
    const tp = chart(rampRun(), 'throughput');
    const data = (tp.datasets as Record<string, { requestsPerS: number }[]>).throughput!;
    // The old per-step lines dipped to 5/s at the boundary, where 50 invocations completed.
    assert.ok(data.slice(1, -1).every((d) => d.requestsPerS >= 20 || d.requestsPerS === 0));
  },
);

ramp('a pause between phases starts a new segment, so no line bridges it', () => {
  const r = rampRun();
  const s2 = r.targets[0]!.phases[1]!;
  s2.timeline = s2.timeline!.map((x) => ({ ...x, t: x.t + 10 }));
  const rows = timelineRows(r);
  assert.equal([...new Set(rows.map((x) => x.segment))], [0, 1]);
  assert.is(rows.find((x) => x.tS === 3)!.requestsPerS, 5, 'the steps no longer share second 3');
});

ramp("achieved vs offered per step, with each step's error rate beside it", () => {
  const r = rampRun();
  const [s1, s2] = r.targets[0]!.phases;
  s1!.throughputRps = 19.6;
  s2!.throughputRps = 41.2;
  r.targets[0]!.ramp = {
    kneeRps: 20,
    brokeAtRps: 60,
    slo: { p99Ms: 300, errorRate: 0.01 },
    steps: [
      { rateRps: 20, p99Ms: 20, errorRate: 0, ok: true },
      { rateRps: 60, p99Ms: 20, errorRate: 0.025, ok: false },
    ],
  };
  const c = chart(r, 'ramp');
  const rows = (c.datasets as Record<string, { rateRps: number; achievedRps: number; errorLabel: string }[]>)
    .rampAchieved!;
  assert.equal(
    rows.map((x) => [x.rateRps, x.achievedRps, x.errorLabel]),
    [
      [20, 19.6, ''],
      [60, 41.2, '2.5% err'],
    ],
  );
  assert.is((c.spec as { vconcat: unknown[] }).vconcat.length, 2, 'p99 view above, achieved view below');
});

ramp.run();
