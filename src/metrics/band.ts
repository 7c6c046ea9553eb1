/**
 * The run-to-run noise band: how far one run's figure may sit from those of
 * recent good runs before it says anything. A run's own samples (significance.ts)
 * show sampling noise inside a run; a nightly gate meets the noise between runs
 * (another tenant on the runner, a slower host, a different placement), which
 * only the spread of many runs shows.
 *
 * The band is a one-sided prediction interval for the next run's value from the
 * window's n per-run values: mean ± t(1 − α, n − 1) · s · √(1 + 1/n), where s is
 * the values' standard deviation. Latency and cost are judged on the log scale
 * (run-to-run noise there is a factor: a slower host scales every figure), so
 * the band is a range of ratios; rates are judged as they are.
 *
 * Why a prediction interval, not median ± 3 × 1.4826 × MAD (the first version):
 * with the window's own spread estimated from 10 runs, k = 3 MADs let an unchanged
 * build's figure out in 2.8% of cases per metric, 8% with 5 runs (simulated,
 * normal noise), and nine default metrics made that a false alarm in about one
 * run in five (bench/gate.ts measured 6 of 20 on this machine). The t quantile
 * accounts for the window's size, and the standard deviation is the more
 * efficient estimate of the spread: α = 1.5% per metric holds for every n, and a
 * 3-sigma step is still above the band with 10 runs (k ≈ 2.7). The default
 * metrics are about three independent continuous groups (typical latency with
 * cost, tail latency, cold start with init; the rates are discrete and judged by
 * their absolute allowance), so 3 × 1.5% ≈ 4.5% of unchanged runs fail, within
 * the issue's 5%. A wild run in a window of 8 or more (more than 6 robust sigmas
 * from its median) is left out of the band and counted (`left`), so it neither widens the
 * band for ten runs nor narrows it; the median is what the table shows as the
 * baseline. Measured rates on this machine: bench/gate.ts (docs/ci.md).
 */

/** One-sided error of the band per metric: the chance an unchanged run lands above it (normal noise). */
export const DEFAULT_BAND_ALPHA = 0.015;

import { studentTQuantile } from './significance.ts';

/** The scale that makes the MAD a consistent estimate of the standard deviation for normal data. */
export const MAD_SCALE = 1.4826;

/** A band from a window of per-run values. */
export interface Band {
  /** How many runs' values it rests on. */
  runs: number;
  /** Median of the values. */
  median: number;
  /** Standard deviation of the values, on the band's scale (natural log for `log`). */
  sigma: number;
  /** Half-width in sigmas: t(1 − α, n − 1) · √(1 + 1/n) (Infinity with one run). */
  k: number;
  /** `log`: the band is mean ± k·sigma of ln(value), i.e. a range of ratios. */
  scale: 'log' | 'linear';
  /** Runs of the window left out as wild (more than WILD_SIGMAS robust sigmas from the median); absent when none. */
  left?: number;
  lower: number;
  upper: number;
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (!xs.length) throw new RangeError('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** How far from the window's median (in robust sigmas, 1.4826 × MAD) a run is wild and left out of the band. */
export const WILD_SIGMAS = 6;

/**
 * The values without wild ones: more than WILD_SIGMAS robust sigmas from their
 * median. One odd run accepted into a window (a faster night, a host hiccup that
 * stayed within the band) would otherwise inflate the standard deviation and
 * blind the gate for the next ten runs (measured: a window that caught no 30%
 * slowdown in 10 tries). Only windows of 8 runs or more (a MAD of fewer is too
 * unsteady to judge by). With normal noise (simulated, 20,000 windows of 10 runs)
 * a run is left out of 1.75% of windows, and the band's error per metric moves
 * from 1.5% to 1.6%.
 */
function withoutWild(xs: number[]): number[] {
  if (xs.length < 8) return xs;
  const med = median(xs);
  const sigma = robustSigma(xs);
  if (!(sigma > 0)) return xs;
  const kept = xs.filter((x) => Math.abs(x - med) <= WILD_SIGMAS * sigma);
  return kept.length >= 3 ? kept : xs;
}

/** 1.4826 × the median absolute deviation: a robust standard deviation (reported by `fxbench history`-style tools; not the band's). */
export function robustSigma(values: readonly number[]): number {
  const med = median(values);
  return MAD_SCALE * median(values.map((v) => Math.abs(v - med)));
}

/**
 * The band of `values` (finite numbers; at least one): a one-sided (1 − alpha)
 * prediction interval for one more run, on the log scale when `log` and every
 * value is positive, else linear.
 */
export function predictionBand(values: readonly number[], opts: { log?: boolean; alpha?: number } = {}): Band {
  const alpha = opts.alpha ?? DEFAULT_BAND_ALPHA;
  const log = !!opts.log && values.every((v) => v > 0);
  const all = log ? values.map(Math.log) : [...values];
  const xs = withoutWild(all);
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sigma = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  const k = n > 1 ? studentTQuantile(1 - alpha, n - 1) * Math.sqrt(1 + 1 / n) : Infinity;
  const half = n > 1 ? k * sigma : Infinity;
  const back = (x: number) => (log ? Math.exp(x) : x);
  return {
    runs: n,
    ...(all.length > n ? { left: all.length - n } : {}),
    median: median(values),
    sigma,
    k,
    scale: log ? 'log' : 'linear',
    lower: n > 1 ? back(mean - half) : -Infinity,
    upper: n > 1 ? back(mean + half) : Infinity,
  };
}
