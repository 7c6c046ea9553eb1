/**
 * The per-second series of a phase: requests, outcomes, cold starts and latency
 * percentiles for each second of the run. Memory stays flat: one live histogram
 * for the current second; a finished second keeps only its figures and its
 * histogram encoded (a few hundred bytes), so seconds from several workers or
 * shards add exactly.
 */
import type { TimelinePoint } from '../model/result.ts';
import { decodeHistogram, encodeHistogram, newHistogram, recordUs, type Histogram, percentileMs } from './histogram.ts';

/** Folds samples into per-second points. */
export class Timeline {
  private readonly done: TimelinePoint[] = [];
  private cur: TimelinePoint | null = null;
  private readonly live: Histogram = newHistogram();

  /** @param originNs monotonic ns the run started at (t = 0). */
  constructor(private readonly originNs: number) {}

  /** Adds one sample that ended at `endNs` (monotonic). */
  add(endNs: number, ok: boolean, cold: boolean, latencyUs: number): void {
    const t = Math.max(0, Math.floor((endNs - this.originNs) / 1e9));
    let p = this.cur;
    if (!p || t > p.t) {
      this.flush();
      p = this.cur = { t, requests: 0, ok: 0, errors: 0, coldStarts: 0, p50Ms: null, p99Ms: null };
    }
    // A response that ends in an earlier second than the current one (rare: samples
    // are added as they end) is folded into the current second rather than lost.
    p.requests++;
    if (ok) p.ok++;
    else p.errors++;
    if (cold) p.coldStarts++;
    recordUs(this.live, latencyUs);
  }

  private flush(): void {
    const p = this.cur;
    if (!p) return;
    p.p50Ms = percentileMs(this.live, 50);
    p.p99Ms = percentileMs(this.live, 99);
    p.histogram = encodeHistogram(this.live);
    this.live.reset();
    this.done.push(p);
    this.cur = null;
  }

  /** Every second so far, the current one included (it is closed by this call). */
  points(): TimelinePoint[] {
    this.flush();
    return this.done;
  }

  /** The live figures of the current second (for progress), without closing it. */
  current(): { p50Ms: number | null; p99Ms: number | null } {
    if (!this.cur || this.live.totalCount === 0) return { p50Ms: null, p99Ms: null };
    return { p50Ms: percentileMs(this.live, 50), p99Ms: percentileMs(this.live, 99) };
  }
}

/** Adds timelines second by second (workers, shards); percentiles are recomputed from the seconds' histograms. */
export function mergeTimelines(list: (TimelinePoint[] | undefined)[]): TimelinePoint[] {
  const byT = new Map<number, { p: TimelinePoint; hs: Histogram[]; exact: boolean; p99s: number[] }>();
  for (const tl of list) {
    for (const q of tl ?? []) {
      let e = byT.get(q.t);
      if (!e)
        byT.set(
          q.t,
          (e = {
            p: { t: q.t, requests: 0, ok: 0, errors: 0, coldStarts: 0, p50Ms: null, p99Ms: null },
            hs: [],
            exact: true,
            p99s: [],
          }),
        );
      e.p.requests += q.requests;
      e.p.ok += q.ok;
      e.p.errors += q.errors;
      e.p.coldStarts += q.coldStarts;
      if (q.histogram) e.hs.push(decodeHistogram(q.histogram));
      else e.exact = false;
      if (q.p99Ms !== null) e.p99s.push(q.p99Ms);
    }
  }
  const out: TimelinePoint[] = [];
  for (const t of [...byT.keys()].sort((a, b) => a - b)) {
    const e = byT.get(t)!;
    if (e.exact && e.hs.length) {
      const h = newHistogram();
      for (const x of e.hs) h.add(x);
      e.p.p50Ms = percentileMs(h, 50);
      e.p.p99Ms = percentileMs(h, 99);
      e.p.histogram = encodeHistogram(h);
    } else if (e.p99s.length) {
      // Without histograms only a bound is honest: the worst shard's p99.
      e.p.p99Ms = Math.max(...e.p99s);
    }
    out.push(e.p);
  }
  return out;
}
