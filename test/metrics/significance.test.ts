// The statistics behind compare's credibility test (src/metrics/significance.ts):
// exact binomial tails, order-statistic bounds on quantiles read from
// HdrHistograms, Clopper–Pearson bounds on proportions, and their coverage on
// synthetic histograms drawn from known distributions.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { newHistogram, recordUs } from '../../src/metrics/histogram.ts';
import {
  binomialCdf,
  meanBounds,
  normalQuantile,
  proportionBounds,
  quantileBounds,
  quantileRankBounds,
  regularizedBeta,
} from '../../src/metrics/significance.ts';
import { rng } from '../helpers/results.ts';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (±${tol})`);

const tails = suite('binomial tails');

tails('match sums of the probability mass function', () => {
  // Direct sums for small n, exact in double precision.
  const direct = (k: number, n: number, p: number) => {
    let s = 0;
    let c = 1;
    for (let i = 0; i <= k; i++) {
      s += c * p ** i * (1 - p) ** (n - i);
      c = (c * (n - i)) / (i + 1);
    }
    return s;
  };
  for (const [k, n, p] of [
    [3, 10, 0.5],
    [0, 10, 0.3],
    [9, 10, 0.9],
    [76, 80, 0.99],
    [40, 80, 0.5],
    [5, 200, 0.01],
  ] as const)
    close(binomialCdf(k, n, p), direct(k, n, p), 1e-12, `P(Bin(${n},${p}) <= ${k})`);
});

tails('handle the edges and large n', () => {
  assert.is(binomialCdf(-1, 10, 0.5), 0);
  assert.is(binomialCdf(10, 10, 0.5), 1);
  assert.is(binomialCdf(3, 10, 0), 1);
  assert.is(binomialCdf(3, 10, 1), 0);
  close(regularizedBeta(0.5, 2, 2), 0.5, 1e-14, 'I_0.5(2,2)');
  // Normal approximation at n = 1e6: P(B <= mean) ≈ 0.5 (within the continuity term).
  close(binomialCdf(500_000, 1_000_000, 0.5), 0.5, 0.001, 'P(Bin(1e6, .5) <= 5e5)');
});

tails.run();

// ---

const ranks = suite('order-statistic ranks bounding a quantile');

ranks('are the textbook ranks for the median of 80 and the p99 of 80', () => {
  // Median of 80 at 97.5% each side: ranks 31 and 50 (P(B ≥ 31) = 0.979, P(B ≤ 49) = 0.979).
  assert.equal(quantileRankBounds(80, 0.5), { lower: 31, upper: 50 });
  // p99 of 80: X(77) bounds it below; nothing bounds it above (rank 81 = +∞).
  assert.equal(quantileRankBounds(80, 0.99), { lower: 77, upper: 81 });
});

ranks('give the p99 an upper bound only from 368 samples on', () => {
  assert.is(quantileRankBounds(367, 0.99).upper, 368, '367 samples: unbounded');
  assert.is(quantileRankBounds(368, 0.99).upper, 368, '368 samples: X(368) is the bound');
});

ranks('narrow as samples grow', () => {
  const r = quantileRankBounds(1_000_000, 0.99);
  assert.ok(r.lower > 989_700 && r.lower < 990_000 && r.upper > 990_000 && r.upper < 990_300, JSON.stringify(r));
});

ranks.run();

// ---

const quantiles = suite('quantile bounds read from a histogram');

quantiles('bound the median of 1..100 µs by the order statistics, bucket edges outward', () => {
  const h = newHistogram();
  for (let us = 1; us <= 100; us++) recordUs(h, us);
  const r = quantileRankBounds(100, 0.5);
  // Values below 2048 µs are exact in a 3-digit HdrHistogram: bound = the rank's value.
  assert.equal(quantileBounds(h, 0.5), { lower: r.lower, upper: r.upper });
});

quantiles('widen to the bucket edges where buckets are coarse', () => {
  const h = newHistogram();
  for (let i = 0; i < 100; i++) recordUs(h, 100_000 + i); // 100.000–100.099 ms: buckets 64 µs wide
  const r = quantileRankBounds(100, 0.5);
  const lowRankUs = 100_000 + r.lower - 1;
  const highRankUs = 100_000 + r.upper - 1;
  assert.equal(quantileBounds(h, 0.5), {
    lower: lowRankUs - (lowRankUs % 64),
    upper: highRankUs - (highRankUs % 64) + 63,
  });
});

quantiles('are 0 and +∞ for an empty histogram, +∞ above for a p99 of 80', () => {
  assert.equal(quantileBounds(newHistogram(), 0.5), { lower: 0, upper: Infinity });
  const h = newHistogram();
  for (let i = 1; i <= 80; i++) recordUs(h, i * 10);
  const b = quantileBounds(h, 0.99);
  assert.is(b.lower, 770);
  assert.is(b.upper, Infinity);
});

quantiles('cover the true quantile at least 97.5% of the time (400 seeded samples of 60 exponential latencies)', () => {
  // Exponential with mean 20 ms: true median = 20 ln 2 ms, true p90 = 20 ln 10 ms.
  const trueMedianUs = 20_000 * Math.LN2;
  const trueP90Us = 20_000 * Math.LN10;
  let missLowMedian = 0;
  let missHighMedian = 0;
  let missP90 = 0;
  for (let trial = 0; trial < 400; trial++) {
    const r = rng(1000 + trial);
    const h = newHistogram();
    for (let i = 0; i < 60; i++) recordUs(h, -20_000 * Math.log(1 - r()));
    const m = quantileBounds(h, 0.5);
    if (m.lower > trueMedianUs) missLowMedian++;
    if (m.upper < trueMedianUs) missHighMedian++;
    const p = quantileBounds(h, 0.9);
    if (p.lower > trueP90Us || p.upper < trueP90Us) missP90++;
  }
  // Each side errs at most 2.5% in theory (10 of 400); allow the binomial spread of 400 trials (≤ 18 = mean + 3σ).
  assert.ok(missLowMedian <= 18 && missHighMedian <= 18, `median misses: ${missLowMedian} low, ${missHighMedian} high`);
  assert.ok(missP90 <= 36, `p90 misses: ${missP90}`);
});

quantiles.run();

// ---

const props = suite('Clopper–Pearson bounds on a proportion');

props('match published values', () => {
  // 5 of 10 at 95% two-sided: [0.1871, 0.8129] (Clopper & Pearson 1934; any table).
  const b = proportionBounds(5, 10);
  close(b.lower, 0.187086, 1e-5, 'lower');
  close(b.upper, 0.812914, 1e-5, 'upper');
  // 0 of 80: upper = 1 − 0.025^(1/80).
  close(proportionBounds(0, 80).upper, 1 - 0.025 ** (1 / 80), 1e-9, 'upper of 0/80');
  assert.is(proportionBounds(0, 80).lower, 0);
  // 80 of 80: lower = 0.025^(1/80).
  close(proportionBounds(80, 80).lower, 0.025 ** (1 / 80), 1e-9, 'lower of 80/80');
  assert.is(proportionBounds(80, 80).upper, 1);
});

props('say nothing with no trials', () => {
  assert.equal(proportionBounds(0, 0), { lower: 0, upper: 1 });
});

props.run();

// ---

const means = suite('normal bounds on a mean (cost)');

means('use the standard normal quantile', () => {
  close(normalQuantile(0.975), 1.959964, 1e-6, 'z at 0.975');
  close(normalQuantile(0.5), 0, 1e-12, 'z at 0.5');
  close(normalQuantile(0.001), -3.090232, 1e-6, 'z at 0.001');
  close(normalQuantile(0.99), 2.326348, 1e-6, 'z at 0.99');
});

means('are mean ± z · cv · mean / √n, never below 0, unbounded with one value', () => {
  const b = meanBounds(100, 0.5, 400);
  close(b.lower, 100 - 1.959964 * 2.5, 1e-4, 'lower');
  close(b.upper, 100 + 1.959964 * 2.5, 1e-4, 'upper');
  assert.is(meanBounds(1, 10, 4).lower, 0);
  assert.equal(meanBounds(1, 0.1, 1), { lower: 0, upper: Infinity });
});

means.run();
