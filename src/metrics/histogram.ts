/**
 * HdrHistogram helpers. Every latency in fxbench is recorded as integer
 * microseconds in one of these; results carry them encoded (compressed base64,
 * the format every HdrHistogram port reads), so percentiles can be recomputed and
 * histograms added (shards, targets, phases) without the raw samples.
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../model/result.ts';

export type Histogram = hdr.Histogram;

/** Highest recordable value: 1 hour in µs. Larger values are clamped to it. */
export const HIGHEST_US = 3_600_000_000;

/** A histogram of µs values from 1 µs to 1 h with 3 significant digits. */
export function newHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    useWebAssembly: false,
  });
}

/** Records one µs value, clamped into the trackable range. */
export function recordUs(h: Histogram, us: number): void {
  h.recordValue(us < 1 ? 1 : us > HIGHEST_US ? HIGHEST_US : Math.round(us));
}

/** Encodes a histogram as compressed base64 (HdrHistogram's V2 format). */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Decodes a histogram encoded by `encodeHistogram` (or any HdrHistogram port). */
export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** Adds histograms into a new one (exact: HdrHistogram counts add). */
export function mergeHistograms(list: Histogram[]): Histogram {
  const out = newHistogram();
  for (const h of list) out.add(h);
  return out;
}

/** The value at percentile `p` (0–100) of a µs histogram, in ms; 0 when it is empty. */
export function percentileMs(h: Histogram, p: number): number {
  return h.totalCount === 0 ? 0 : h.getValueAtPercentile(p) / 1000;
}

/**
 * Smallest and largest value as HdrHistogram reports them: the edges of the
 * buckets holding the extremes (within 0.1% at 3 significant digits). Percentiles
 * answer with bucket edges too, so p99 never exceeds max, and a histogram that
 * was encoded, decoded or merged reports the same min and max as the live one.
 */
export function extremesUs(h: Histogram): { min: number; max: number } {
  const js = h as unknown as { lowestEquivalentValue(v: number): number; highestEquivalentValue(v: number): number };
  return { min: js.lowestEquivalentValue(h.minNonZeroValue), max: js.highestEquivalentValue(h.maxValue) };
}

/** Summarises a µs histogram in ms; null when it is empty. */
export function summarizeMs(h: Histogram): LatencySummary | null {
  if (h.totalCount === 0) return null;
  const ms = (us: number) => us / 1000;
  const { min, max } = extremesUs(h);
  return {
    min: ms(min),
    mean: ms(h.mean),
    p50: percentileMs(h, 50),
    p90: percentileMs(h, 90),
    p99: percentileMs(h, 99),
    p999: percentileMs(h, 99.9),
    max: ms(max),
  };
}

/**
 * Points of the percentile spectrum (HdrHistogram's "percentile distribution"):
 * percentile and latency in ms, on a log-"nines" grid, for charts and CSV.
 */
export function percentileSpectrum(h: Histogram): { percentile: number; latencyMs: number }[] {
  if (h.totalCount === 0) return [];
  const out: { percentile: number; latencyMs: number }[] = [];
  const grid = [
    0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9,
    99.95, 99.99, 99.999, 100,
  ];
  // Stop at the resolution the sample count supports: with n samples, percentiles
  // above 100·(1 − 1/n) are all the max.
  const finest = 100 * (1 - 1 / h.totalCount);
  for (const p of grid) {
    if (p > finest && p !== 100) continue;
    out.push({ percentile: p, latencyMs: percentileMs(h, p) });
  }
  return out;
}
