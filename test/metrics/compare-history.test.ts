// The history gate's band (src/metrics/band.ts, compare-history.ts) against
// synthetic histories whose run-to-run noise is known: a 3-sigma step is a
// regression, a 1-sigma wobble is not; a change the allowance alone would fail
// is noise when the window shows that much spread; too few runs make the
// verdict advisory; a single-file comparison reads the same from both sides
// (a regression one way is an improvement the other way).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_BAND_ALPHA, MAD_SCALE, median, predictionBand, robustSigma } from '../../src/metrics/band.ts';
import { parseRules } from '../../src/metrics/compare-metrics.ts';
import { compareWithWindow, judgeValues, type WindowRun } from '../../src/metrics/compare-history.ts';
import { compareResults } from '../../src/metrics/compare.ts';
import { normalQuantile, studentTQuantile } from '../../src/metrics/significance.ts';
import { lognormalUs, phase, result, rng, target } from '../helpers/results.ts';

/** `n` values of run-to-run noise with mean `mu` and standard deviation `sigma`: the normal's quantiles (Blom), in a fixed shuffled order. */
function knownNoise(n: number, mu: number, sigma: number): number[] {
  const z = Array.from({ length: n }, (_, i) => normalQuantile((i + 1 - 0.375) / (n + 0.25)));
  const order = [3, 7, 0, 9, 5, 1, 8, 4, 2, 6].filter((i) => i < n);
  return order.map((i) => mu + sigma * z[i]!);
}

/** A run whose warm latencies all sit at `warmMs` (±0.5%), so its warm p50 is `warmMs` to the histogram's precision. */
function runAt(warmMs: number, seed: number, startedAt: string, phases = ['burst']) {
  const r = result([
    target(
      'api',
      phases.map((name) => phase({ name, warmUs: lognormalUs(200, warmMs, seed, 0.005), coldUs: [150_000] })),
    ),
  ]);
  r.startedAt = startedAt;
  return r;
}
const day = (i: number) => `2026-11-${String(i + 1).padStart(2, '0')}T02:00:00.000Z`;
const windowOf = (values: number[], phases?: string[]): WindowRun[] =>
  values.map((v, i) => {
    const r = runAt(v, i + 1, day(i), phases);
    return { startedAt: r.startedAt, label: `c${i}`, targets: r.targets };
  });
const warmRule = (allowance: string) =>
  parseRules(`latency.warm.p50=${allowance}`).rules.filter((r) => r.metric.name === 'latency.warm.p50');
const source = { scenario: 'synthetic', env: 'default' };

const band = suite('history band');

band(
  'prediction band: mean ± t(1 − α, n − 1) · s · √(1 + 1/n), on the log scale for latency; a wild run left out of 8 or more',
  () => {
    assert.is(median([3, 1, 2]), 2);
    assert.is(median([4, 1, 3, 2]), 2.5);
    assert.is(robustSigma([10, 11, 12, 13, 1000]), MAD_SCALE * 1);
    // Linear: values 10..14, mean 12, s = √2.5; k = t(0.985, 4) · √1.2.
    const b = predictionBand([10, 11, 12, 13, 14]);
    const k = studentTQuantile(1 - DEFAULT_BAND_ALPHA, 4) * Math.sqrt(1.2);
    assert.is(b.median, 12);
    assert.is(b.scale, 'linear');
    assert.ok(Math.abs(b.sigma - Math.sqrt(2.5)) < 1e-12, String(b.sigma));
    assert.ok(Math.abs(b.k - k) < 1e-9 && k > 3.3 && k < 3.8, `k ${b.k}`);
    assert.ok(Math.abs(b.upper - (12 + k * Math.sqrt(2.5))) < 1e-9);
    // Log: the band is a range of ratios around the geometric mean (a 2× spread is symmetric as ratios).
    const l = predictionBand([50, 100, 200], { log: true });
    assert.is(l.scale, 'log');
    assert.ok(Math.abs(l.lower * l.upper - 100 * 100) < 1e-6, `${l.lower} ${l.upper}`);
    // A value ≤ 0 cannot be on a log scale: linear.
    assert.is(predictionBand([0, 1, 2], { log: true }).scale, 'linear');
    // One run: no spread known, the band is unbounded (the gate cannot fail on it).
    assert.is(predictionBand([5]).upper, Infinity);
    // In a window of 8 or more, a wild run (over 6 robust sigmas out) is left out: it would blind the band.
    const eight = [100, 101, 99, 102, 98, 100.5, 99.5, 101.5];
    const wild = predictionBand([...eight, 400], { log: true });
    assert.is(wild.left, 1);
    assert.is(wild.runs, 8);
    const clean = predictionBand(eight, { log: true });
    assert.ok(Math.abs(wild.upper - clean.upper) < 1e-9, `${wild.upper} vs ${clean.upper}`);
    assert.ok(wild.upper < 110, String(wild.upper));
    // Fewer than 8 runs: nothing is left out (a MAD of 5 is too unsteady), and the wild run widens the band.
    const few = predictionBand([10, 11, 12, 13, 1000], { log: true });
    assert.is(few.left, undefined);
    assert.is(few.median, 12);
    assert.ok(few.upper > 1000, String(few.upper));
    // The known-noise history measures its own sigma to within 10% (linear), and its band's k with 10 runs is ≈ 2.7.
    const h = predictionBand(knownNoise(10, 100, 5));
    assert.ok(Math.abs(h.sigma - 5) < 0.5, JSON.stringify(h));
    assert.ok(h.k > 2.6 && h.k < 2.8, `k ${h.k}`);
  },
);

band('a 3-sigma step is a regression; a 1-sigma wobble is not (allowance tight, so the band decides)', () => {
  const mu = 100;
  const sigma = 5;
  const w = windowOf(knownNoise(10, mu, sigma));
  const rules = warmRule('+1%');
  const judge = (ms: number) => {
    const v = compareWithWindow(w, runAt(ms, 99, day(20)), { rules, source });
    return v.targets[0]!.metrics[0]!;
  };
  const step = judge(mu + 3 * sigma);
  assert.is(step.verdict, 'regression', JSON.stringify(step));
  assert.is(step.band!.runs, 10);
  assert.is(step.band!.scale, 'log');
  assert.ok(step.band!.upper < mu + 3 * sigma && step.band!.upper > mu + 2.5 * sigma, `upper ${step.band!.upper}`);
  const wobble = judge(mu + sigma);
  assert.is(wobble.verdict, 'noise');
  assert.match(wobble.note!, /inside the run-to-run band of 10 runs \(≤ 11\d\.?\d* ms\)/);
  assert.is(judge(mu - sigma).verdict, 'ok');
  assert.is(judge(mu - 3 * sigma).verdict, 'improved');
});

band(
  'both are needed: outside the band but within the allowance is ok; beyond the allowance but inside a wide band is noise',
  () => {
    // Quiet history (sigma 0.5 ms on 100 ms): +3 ms is 6 sigma out, but within +10%.
    const quiet = windowOf(knownNoise(10, 100, 0.5));
    const v1 = compareWithWindow(quiet, runAt(103, 99, day(20)), { rules: warmRule('+10%'), source });
    assert.is(v1.targets[0]!.metrics[0]!.verdict, 'ok');
    // +12 ms (beyond +10%) in that quiet history: a regression.
    const v2 = compareWithWindow(quiet, runAt(112, 99, day(20)), { rules: warmRule('+10%'), source });
    assert.is(v2.targets[0]!.metrics[0]!.verdict, 'regression');
    assert.is(v2.ok, false);
    // Noisy history (sigma 20 ms): +30% is beyond the allowance but inside the band.
    const noisy = windowOf(knownNoise(10, 100, 20));
    const v3 = compareWithWindow(noisy, runAt(130, 99, day(20)), { rules: warmRule('+10%'), source });
    assert.is(v3.targets[0]!.metrics[0]!.verdict, 'noise');
    assert.ok(v3.ok);
  },
);

band('seeded histories with known normal noise: false alarms and detection per metric, as band.ts states', () => {
  // 2000 windows of 10 runs, each judged by the band alone (allowance +0%).
  const rule = warmRule('+0%')[0]!;
  const r = rng(7);
  const z = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  let same = 0;
  let step4 = 0;
  let wobble1 = 0;
  const N = 2000;
  for (let i = 0; i < N; i++) {
    const w = Array.from({ length: 10 }, () => 100 + 5 * z());
    const x = 100 + 5 * z();
    if (judgeValues(rule, w, x, 100).verdict === 'regression') same++;
    if (judgeValues(rule, w, x + 5, 100).verdict === 'regression') wobble1++;
    if (judgeValues(rule, w, x + 20, 100).verdict === 'regression') step4++;
  }
  // Expected (independent simulation): 1.4% (α = 1.5%), 7.3%, 83% (the MAD band of the first version: 2.6%, 11.7%, 80.6%).
  assert.ok(same / N < 0.025, `unchanged flagged ${same}/${N}`);
  assert.ok(wobble1 / N < 0.11, `1-sigma step flagged ${wobble1}/${N}`);
  assert.ok(step4 / N > 0.75, `4-sigma step flagged ${step4}/${N}`);
});

band('a wild run in the window is left out and said so; the 30% slowdown it would have hidden is a regression', () => {
  const w = windowOf([24.1, 24.5, 24.3, 24.8, 24.2, 24.6, 24.4, 24.7, 24.5, 9.0]);
  const v = compareWithWindow(w, runAt(30, 99, day(20)), { rules: warmRule('+10%'), source });
  const m = v.targets[0]!.metrics[0]!;
  assert.is(m.verdict, 'regression', JSON.stringify(m));
  assert.is(m.band!.runs, 9);
  assert.match(m.note!, /1 wild run of the window \(over 6 robust sigmas from its median\) left out of the band/);
});

band('fewer runs than --min-runs: advisory, says how many; runs of other phases are left out with a note', () => {
  const w = windowOf(knownNoise(4, 100, 5));
  const v = compareWithWindow(w, runAt(150, 99, day(20)), { rules: warmRule('+10%'), source });
  assert.is(v.regressions, 1);
  assert.match(v.advisory!, /only 4 accepted runs of synthetic \(environment default\).*5 are needed/);
  const mixed = [...windowOf(knownNoise(6, 100, 5)), ...windowOf([100, 101], ['other'])];
  const v2 = compareWithWindow(mixed, runAt(100, 99, day(20)), { rules: warmRule('+10%'), source });
  assert.equal(v2.notes, ['api: 2 runs of the window ran other phases and are left out']);
  assert.is(v2.targets[0]!.metrics[0]!.band!.runs, 6);
  assert.is(v2.advisory, undefined);
  assert.is(v2.mode, 'history');
  assert.equal(v2.window, {
    runs: 8,
    minRuns: 5,
    alpha: DEFAULT_BAND_ALPHA,
    env: 'default',
    labels: ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c0', 'c1'],
  });
});

band('an empty window: every metric n/a, advisory', () => {
  const v = compareWithWindow([], runAt(100, 1, day(1)), { rules: parseRules(undefined).rules, source });
  assert.ok(v.targets[0]!.metrics.every((m) => m.verdict === 'n/a'));
  assert.match(v.advisory!, /only 0 accepted runs/);
});

band(
  'one file against another reads the same from both sides: a regression one way is an improvement the other',
  () => {
    const rules = parseRules(undefined).rules;
    const mirror: Record<string, string> = { regression: 'improved', improved: 'regression' };
    let calls = 0;
    for (let i = 0; i < 60; i++) {
      const mk = (seed: number, warm: number, n: number) =>
        result([target('api', [phase({ warmUs: lognormalUs(n, warm, seed), coldUs: lognormalUs(2, 200, seed + 1) })])]);
      const a = mk(i, 20, 30 + i);
      const b = mk(i + 500, 20 * (1 + (i % 7) / 5), 90 - i);
      const ab = compareResults(a, b, { rules }).targets[0]!.metrics;
      const ba = compareResults(b, a, { rules }).targets[0]!.metrics;
      ab.forEach((m, j) => {
        if (mirror[m.verdict]) {
          calls++;
          assert.is(ba[j]!.verdict, mirror[m.verdict], `${i} ${m.metric}: ${m.verdict} vs ${ba[j]!.verdict}`);
        }
      });
    }
    assert.ok(calls > 50, `calls ${calls}`);
  },
);

band('an unbounded baseline p99 says how many samples it needs, never "≤ ∞"', () => {
  const rules = parseRules('latency.p99=+10%').rules.filter((r) => r.metric.name === 'latency.p99');
  const a = result([target('api', [phase({ warmUs: lognormalUs(60, 20, 1) })])]);
  const b = result([target('api', [phase({ warmUs: lognormalUs(60, 40, 2) })])]);
  const m = compareResults(a, b, { rules }).targets[0]!.metrics[0]!;
  assert.is(m.verdict, 'noise');
  assert.not.match(m.note!, /∞/);
  assert.match(
    m.note!,
    /60 baseline samples cannot bound latency\.p99 from above \(a 97\.5% upper bound on a p99 needs at least 368 samples\)/,
  );
});

band.run();
