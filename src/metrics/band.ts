/**
 * The run-to-run noise band: how far one run's figure may sit from those of
 * recent good runs before it says anything. A run's own samples (significance.ts)
 * show sampling noise inside a run; a nightly gate meets the noise between runs
 * (another tenant on the runner, a slower host, a different placement), which
 * only the spread of many runs shows.
 *
 * Robust statistics, so one odd run in the window neither hides nor invents a
 * regression: the centre is the median of the window's per-run values, the
 * spread the median absolute deviation scaled by 1.4826 (a consistent estimate of
 * the standard deviation for normal noise), and the band is centre ± k · spread
 * with k = 3 by default.
 *
 * What k = 3 costs and buys (simulated, normal run-to-run noise, the band from
 * 10 runs, the median and MAD themselves estimated): a run of an unchanged build
 * lands above the band in about 2.6% of cases per metric, before the allowance
 * is also required; a change of 4 sigma is above it in about 80%. A regression
 * needs both the band and the allowance (compare-history.ts), so metrics whose
 * run-to-run spread is well inside their allowance are judged by the allowance.
 * Measured rates on this machine: bench/gate.ts (docs/ci.md).
 */

/** The scale that makes the MAD a consistent estimate of the standard deviation for normal data. */
export const MAD_SCALE = 1.4826;

/** Default half-width of the band, in robust standard deviations. */
export const DEFAULT_BAND_K = 3;

/** A band from a window of per-run values. */
export interface Band {
  /** How many runs' values it rests on. */
  runs: number;
  /** Median of the values. */
  median: number;
  /** 1.4826 × median absolute deviation: the robust standard deviation. */
  sigma: number;
  /** Half-width in sigmas. */
  k: number;
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

/** The band of `values` (finite numbers; at least one). */
export function robustBand(values: readonly number[], k = DEFAULT_BAND_K): Band {
  const med = median(values);
  const sigma = MAD_SCALE * median(values.map((v) => Math.abs(v - med)));
  return { runs: values.length, median: med, sigma, k, lower: med - k * sigma, upper: med + k * sigma };
}
