// Property test of the recorder against exact quantiles of random data (after
// HdrHistogramJS's Histogram.fc.spec.ts), with a seeded PRNG so a failure
// reproduces: for several distributions and N from 1 to 100,000, p50/p90/p99/p999
// read from the Recorder's histograms are within the histogram's stated precision
// of the exact quantile of the sorted data, and recording the data in k shards
// and merging them gives exactly what recording it all at once gives.
//
// "Exact quantile" is the nearest-rank order statistic, the definition
// HdrHistogram answers with: the value at rank max(1, ⌈p/100 · N⌉) of the sorted
// data. (HdrHistogramJS's own test interpolates between neighbours; on sparse or
// bimodal data the gap between two neighbours is not a precision matter.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeRecorded, phaseFigures } from '../../src/metrics/figures.ts';
import { mergeHistograms, newHistogram, percentileMs, type Histogram } from '../../src/metrics/histogram.ts';
import { Recorder, type Recorded } from '../../src/metrics/recorder.ts';
import type { Sample } from '../../src/model/sample.ts';
import { rng, sample } from '../helpers/results.ts';

/** Significant digits of every fxbench histogram (newHistogram in src/metrics/histogram.ts). */
const DIGITS = (newHistogram() as unknown as { numberOfSignificantValueDigits: number }).numberOfSignificantValueDigits;
/** Relative precision that follows from them: 10^-3 for 3 digits. */
const RELATIVE = 10 ** -DIGITS;
/** recordUs records whole µs (and values under 1 µs as 1): up to 1 µs more, absolute. */
const STEP_US = 1;
/** Percentiles checked, in tenths of a percent, so ranks are computed in integers. */
const PERMILLE = [500, 900, 990, 999];

/** One draw: latency in µs and whether it is a cold start. */
type Draw = { us: number; cold: boolean };

/** A standard normal draw (Box–Muller). */
function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

const DISTRIBUTIONS: Record<string, (r: () => number) => Draw> = {
  /** Uniform over 0–2 s. */
  'uniform 0–2 s': (r) => ({ us: r() * 2_000_000, cold: false }),
  /** Uniform under 1 ms, where the 1 µs step and the clamp at 1 µs matter. */
  'uniform 0–1 ms': (r) => ({ us: r() * 1000, cold: false }),
  /** Log-normal around 20 ms, wide (sigma 1: 1% above ~200 ms). */
  'log-normal 20 ms': (r) => ({ us: 20_000 * Math.exp(gauss(r)), cold: false }),
  /** Warm invocations around 4 ms, and 3% cold starts 250 ms + ~400 ms of init later. */
  'bimodal, cold tail': (r) =>
    r() < 0.03
      ? { us: 250_000 + 400_000 * Math.exp(0.5 * gauss(r)), cold: true }
      : { us: 4000 * Math.exp(0.3 * gauss(r)), cold: false },
};

/** N from 1 to 100,000: the edges, and log-uniform draws between them. */
function sizes(r: () => number): number[] {
  const fixed = [1, 2, 3, 5, 10, 99, 100, 101, 999, 1000, 1001, 10_000, 100_000];
  const drawn = Array.from({ length: 12 }, () => Math.max(1, Math.round(Math.exp(r() * Math.log(100_000)))));
  return [...fixed, ...drawn];
}

/** The value at rank max(1, ⌈p/100 · N⌉) of ascending `sorted` (p in permille). */
function exactQuantile(sorted: number[], permille: number): number {
  const rank = Math.max(1, Math.ceil((permille * sorted.length) / 1000));
  return sorted[rank - 1]!;
}

function toSample(d: Draw, i: number): Sample {
  // Every 97th fails and every 89th cannot tell cold from warm: counters other than latency get exercised too.
  return sample({
    phase: 'p',
    seq: i,
    intendedNs: i * 1e6,
    latencyUs: d.us,
    bytesIn: 3,
    bytesOut: 2,
    cold: i % 89 === 88 ? null : d.cold,
    errorClass: i % 97 === 96 ? 'function-error' : null,
  });
}

function record(samples: Sample[]): Recorder {
  const rec = new Recorder();
  for (const s of samples) rec.add(s);
  return rec;
}

/** Worst relative error seen, overall and where the exact value is 1 ms or more. */
const worst = { all: { rel: 0, at: '' }, fromMs: { rel: 0, at: '' } };

function checkQuantiles(h: Histogram, values: number[], label: string): void {
  assert.is(h.totalCount, values.length, `${label}: count`);
  if (!values.length) return;
  const sorted = Float64Array.from(values).sort();
  for (const pm of PERMILLE) {
    const exact = exactQuantile(Array.from(sorted), pm);
    const got = percentileMs(h, pm / 10) * 1000;
    const err = Math.abs(got - exact);
    const at = `${label} p${pm / 10}: recorder ${got} µs, exact ${exact} µs`;
    assert.ok(err <= RELATIVE * exact + STEP_US + 1e-9, `${at}: error ${err} µs > ${RELATIVE} × exact + ${STEP_US} µs`);
    const rel = err / exact;
    if (rel > worst.all.rel) worst.all = { rel, at };
    if (exact >= 1000 && rel > worst.fromMs.rel) worst.fromMs = { rel, at };
  }
}

/** Every counter and histogram figure of two recordings, for an exact comparison. */
function figures(r: Readonly<Recorded>) {
  const { all, warm, cold, init, ...counters } = r;
  const grid = (h: Histogram) => [0, 10, 50, 90, 99, 99.9, 99.99, 100].map((p) => h.getValueAtPercentile(p));
  return {
    counters,
    ...phaseFigures(r, null),
    grids: [all, warm, cold, init].map(grid),
    counts: [all, warm, cold, init].map((h) => h.totalCount),
  };
}

const test = suite('recorder: percentiles against exact quantiles, shards against one recording');

for (const [name, draw] of Object.entries(DISTRIBUTIONS)) {
  test(`${name}: p50/p90/p99/p999 within 10^-${DIGITS} relative + ${STEP_US} µs for N from 1 to 100,000; k merged shards equal one recording`, () => {
    const r = rng(0x5eed + name.length * 7919 + name.charCodeAt(0));
    assert.is(DIGITS, 3, 'the bound below assumes the 3 significant digits src/metrics/histogram.ts builds with');
    for (const n of sizes(r)) {
      const draws = Array.from({ length: n }, () => draw(r));
      const samples = draws.map(toSample);
      const one = record(samples);

      // Against the exact quantiles: all latencies, then the warm and cold ones apart.
      checkQuantiles(
        one.recorded.all,
        draws.map((d) => d.us),
        `${name}, N=${n}, all`,
      );
      checkQuantiles(
        one.recorded.warm,
        samples.filter((s) => s.cold === false).map((s) => s.latencyUs),
        `${name}, N=${n}, warm`,
      );
      checkQuantiles(
        one.recorded.cold,
        samples.filter((s) => s.cold === true).map((s) => s.latencyUs),
        `${name}, N=${n}, cold`,
      );
      assert.is(one.recorded.requests, n);
      assert.is(one.recorded.ok + one.recorded.errors['function-error'], n);

      // Shards: each sample to one of k recorders at random, merged.
      const k = 1 + Math.floor(r() * 8);
      const parts: Sample[][] = Array.from({ length: k }, () => []);
      for (const s of samples) parts[Math.floor(r() * k)]!.push(s);
      const shards = parts.map(record);
      const merged = mergeRecorded(shards.map((s) => s.recorded));
      assert.equal(
        figures(merged),
        figures(one.recorded),
        `${name}, N=${n}: ${k} merged shards differ from one recording`,
      );
      // The histogram merge alone, too.
      const all = mergeHistograms(shards.map((s) => s.recorded.all));
      for (const pm of PERMILLE)
        assert.is(
          all.getValueAtPercentile(pm / 10),
          one.recorded.all.getValueAtPercentile(pm / 10),
          `${name}, N=${n}, k=${k}: p${pm / 10}`,
        );
      assert.is(all.totalCount, n);
    }
  });
}

test.after(() => {
  console.log(
    `worst relative error: ${worst.all.rel.toExponential(3)} (${worst.all.at}); from 1 ms up: ${worst.fromMs.rel.toExponential(3)} (${worst.fromMs.at})`,
  );
});

test.run();
