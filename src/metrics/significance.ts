/**
 * Is a change credible given the sample counts? Distribution-free confidence
 * bounds for quantiles and proportions, computed exactly from the binomial
 * distribution, so `compare` only calls a regression that the data supports.
 *
 * Method (documented for users in docs/ci.md, "How noise is told apart"):
 *
 * - Quantiles: the binomial order-statistic method. For n samples, the k-th
 *   smallest X(k) lies below the true q-quantile ξq exactly when at least k
 *   samples fall below ξq, so P(X(k) ≤ ξq) = P(Bin(n, q) ≥ k). The lower bound
 *   is the largest k with P(Bin(n, q) ≥ k) ≥ 1 − α; the upper bound is the
 *   smallest k with P(Bin(n, q) ≤ k − 1) ≥ 1 − α, and does not exist (is +∞)
 *   when even X(n) is not enough — e.g. a p99 upper bound needs at least 368
 *   samples at α = 0.025. Order statistics are read from the HdrHistogram
 *   (3 significant digits): a lower bound takes the lowest value of its bucket,
 *   an upper bound the highest, so bucketing never makes a bound tighter.
 * - Proportions (cold-start rate, error rate): Clopper–Pearson exact bounds.
 * - Cost per invocation: a mean, so normal-approximation bounds (mean ± z·sd/√n).
 *   Results carry no spread of cost, so the latency histogram's coefficient of
 *   variation stands in: cost is a fixed fee plus a price times billed duration,
 *   and billed duration varies no more than measured latency (which adds the
 *   network), so this overstates the noise: a cost regression is never called
 *   on noise, and a real one (memory, price, duration) still shows.
 * - Gate (compare.ts): a change beyond its allowance is a regression only when
 *   it is credible: the current figure's lower bound is above the baseline's
 *   upper bound. Each bound holds with 1 − α (α = 0.025 by default), so for two
 *   samples of one distribution a credible call needs both bounds to miss: far
 *   rarer than 5%.
 *
 * No randomness: the same two result files always give the same verdict.
 */
import type { Histogram } from './histogram.ts';

/** Default one-sided error of each bound (two bounds: 95% overall, Bonferroni). */
export const DEFAULT_ALPHA = 0.025;

/** A two-sided interval; `upper` is Infinity when the samples cannot bound it. */
export interface Bounds {
  lower: number;
  upper: number;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const maxIter = 200_000;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIter; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(Bin(n, p) ≤ k), exact (via the incomplete beta function). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  return regularizedBeta(1 - p, n - k, k + 1);
}

/**
 * Ranks (1-based) of the order statistics that bound the q-quantile of n samples,
 * each with confidence 1 − alpha: `lower` is 0 and `upper` n + 1 where no order
 * statistic is enough (the bound is then 0 or +∞).
 */
export function quantileRankBounds(n: number, q: number, alpha = DEFAULT_ALPHA): { lower: number; upper: number } {
  if (n <= 0) return { lower: 0, upper: 1 };
  // P(X(k) ≤ ξq) = P(B ≥ k) = 1 − cdf(k − 1): decreasing in k. Largest k with it ≥ 1 − α.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (1 - binomialCdf(mid - 1, n, q) >= 1 - alpha) lo = mid;
    else hi = mid - 1;
  }
  const lower = lo;
  // P(X(k) ≥ ξq) = P(B ≤ k − 1) = cdf(k − 1): increasing in k. Smallest k with it ≥ 1 − α.
  lo = 1;
  hi = n + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (binomialCdf(mid - 1, n, q) >= 1 - alpha) hi = mid;
    else lo = mid + 1;
  }
  return { lower, upper: lo };
}

/** The k-th smallest recorded value (1 ≤ k ≤ totalCount), as HdrHistogram stores it. */
export function valueAtRank(h: Histogram, k: number): number {
  return h.getValueAtPercentile((100 * k) / h.totalCount);
}

/**
 * Confidence bounds (µs, or whatever unit the histogram holds) for the
 * q-quantile (0 < q < 1) of the distribution the histogram was sampled from.
 */
export function quantileBounds(h: Histogram, q: number, alpha = DEFAULT_ALPHA): Bounds {
  const n = h.totalCount;
  if (n === 0) return { lower: 0, upper: Infinity };
  const r = quantileRankBounds(n, q, alpha);
  // The JS histograms fxbench builds have these; the interface type does not declare them.
  const eq = h as unknown as { lowestEquivalentValue?(v: number): number; highestEquivalentValue?(v: number): number };
  const low = (v: number) => eq.lowestEquivalentValue?.(v) ?? v;
  const high = (v: number) => eq.highestEquivalentValue?.(v) ?? v;
  return {
    lower: r.lower >= 1 ? low(valueAtRank(h, r.lower)) : 0,
    upper: r.upper <= n ? high(valueAtRank(h, r.upper)) : Infinity,
  };
}

/** The standard normal quantile Φ⁻¹(p), 0 < p < 1 (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * Normal-approximation bounds for a mean of `n` values with coefficient of
 * variation `cv` (sd / mean), each with confidence 1 − alpha. Used for cost per
 * invocation, whose own spread results do not carry: see compare.ts.
 */
export function meanBounds(mean: number, cv: number, n: number, alpha = DEFAULT_ALPHA): Bounds {
  if (n <= 1 || !Number.isFinite(cv)) return { lower: 0, upper: Infinity };
  const half = normalQuantile(1 - alpha) * mean * (cv / Math.sqrt(n));
  return { lower: Math.max(0, mean - half), upper: mean + half };
}

/** Clopper–Pearson bounds for a proportion of `x` successes in `n` trials, each with confidence 1 − alpha. */
export function proportionBounds(x: number, n: number, alpha = DEFAULT_ALPHA): Bounds {
  if (n <= 0) return { lower: 0, upper: 1 };
  // lower: p with P(Bin(n, p) ≥ x) = α; upper: p with P(Bin(n, p) ≤ x) = α. Both monotone in p: bisect.
  const solve = (f: (p: number) => number, target: number, increasing: boolean) => {
    let a = 0;
    let b = 1;
    for (let i = 0; i < 60; i++) {
      const m = (a + b) / 2;
      if (f(m) < target === increasing) a = m;
      else b = m;
    }
    return (a + b) / 2;
  };
  const lower = x <= 0 ? 0 : solve((p) => 1 - binomialCdf(x - 1, n, p), alpha, true);
  const upper = x >= n ? 1 : solve((p) => binomialCdf(x, n, p), alpha, false);
  return { lower, upper };
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (bisection on the exact CDF). */
export function studentTQuantile(p: number, df: number): number {
  let lo = -1e3;
  let hi = 1e3;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
