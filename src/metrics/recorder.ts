/**
 * Folds samples into histograms and counters (after vegeta's `Report`: `add`
 * each sample, then read the figures). Memory is constant in the number of
 * samples: nothing keeps a sample after `add` returns.
 */
import { newHistogram, recordUs, type Histogram } from './histogram.ts';
import type { Sample } from '../model/sample.ts';
import { Timeline } from './timeline.ts';
import { ERROR_CLASSES, type ColdMethod, type ErrorClass } from '../model/invocation.ts';
import type { ErrorCounts, InitSplit, TimelinePoint } from '../model/result.ts';

/** A zeroed set of error counters. */
export function emptyErrorCounts(): ErrorCounts {
  return Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0])) as ErrorCounts;
}

/** What a recorder has accumulated for one phase (or round) of one target. */
export interface Recorded {
  requests: number;
  ok: number;
  errors: ErrorCounts;
  coldStarts: number;
  /** Per error class present: failures by cause (at most MAX_CAUSES distinct; the rest as `other`). */
  errorCauses: Partial<Record<ErrorClass, Map<string, number>>>;
  /** Invocations whose cold/warm state the driver could not tell. */
  coldUnknown: number;
  /** Invocations whose cold/warm state was observed, by the method that observed it. */
  coldMethods: Partial<Record<ColdMethod, number>>;
  instances: number;
  /** The distinct instance ids behind `instances` (bounded by the instances a provider starts); absent when rebuilt from a result. */
  instanceIds?: ReadonlySet<string>;
  bytesOut: number;
  bytesIn: number;
  /** Sum of `costUSD` over samples that had one. */
  costUSD: number;
  /** Samples that had a cost. */
  costed: number;
  /** Cold starts whose init the platform split (initCpuMs, initWaitMs): how many, and sums of their init, CPU and wait, ms. */
  initSplit: { observed: number; initMs: number; cpuMs: number; waitMs: number };
  /** Monotonic ns of the first send and the last response end. */
  firstStartNs: number;
  lastEndNs: number;
  /** Latency of every invocation, µs. */
  all: Histogram;
  warm: Histogram;
  cold: Histogram;
  /** Provider-reported init duration of cold starts, µs. */
  init: Histogram;
}

/** Distinct causes kept per error class; later new ones count as `other` (memory stays bounded). */
export const MAX_CAUSES = 50;

/** Counts `n` failures of `cls` caused by `cause`. */
export function addCause(causes: Recorded['errorCauses'], cls: ErrorClass, cause: string, n: number): void {
  let m = causes[cls];
  if (!m) causes[cls] = m = new Map();
  const key = m.has(cause) || m.size < MAX_CAUSES ? cause : 'other';
  m.set(key, (m.get(key) ?? 0) + n);
}

/** Recorded counters at zero (every error class present), without histograms. */
export function zeroCounters(): Omit<Recorded, 'all' | 'warm' | 'cold' | 'init'> {
  return {
    requests: 0,
    ok: 0,
    errors: emptyErrorCounts(),
    errorCauses: {},
    coldStarts: 0,
    coldUnknown: 0,
    coldMethods: {},
    instances: 0,
    bytesOut: 0,
    bytesIn: 0,
    costUSD: 0,
    costed: 0,
    initSplit: initSplitSums(undefined),
    firstStartNs: Infinity,
    lastEndNs: 0,
  };
}

/** A phase's init split (means) back as the recorder's sums (zeros without one): what merges add. */
export function initSplitSums(s: InitSplit | undefined): Recorded['initSplit'] {
  if (!s) return { observed: 0, initMs: 0, cpuMs: 0, waitMs: 0 };
  const n = s.observed;
  return { observed: n, initMs: s.initMs * n, cpuMs: s.cpuMs * n, waitMs: s.waitMs * n };
}

/** Accumulates one phase's samples. */
export class Recorder {
  private readonly r: Recorded;
  private readonly instanceIds = new Set<string>();
  private readonly timeline: Timeline | null;

  /**
   * @param opts.originNs monotonic ns the run started at; when given, the recorder
   *   also keeps the per-second series (see timeline.ts) with t counted from it.
   */
  constructor(opts: { originNs?: number } = {}) {
    this.timeline = opts.originNs === undefined ? null : new Timeline(opts.originNs);
    this.r = {
      ...zeroCounters(),
      all: newHistogram(),
      warm: newHistogram(),
      cold: newHistogram(),
      init: newHistogram(),
      instanceIds: this.instanceIds,
    };
  }

  /** Folds one sample in. */
  add(s: Sample): void {
    const r = this.r;
    r.requests++;
    if (s.errorClass) {
      r.errors[s.errorClass]++;
      addCause(r.errorCauses, s.errorClass, s.errorCause ?? 'unknown', 1);
    } else r.ok++;
    r.bytesIn += s.bytesIn;
    r.bytesOut += s.bytesOut;
    recordUs(r.all, s.latencyUs);
    if (s.cold !== null && s.coldMethod) r.coldMethods[s.coldMethod] = (r.coldMethods[s.coldMethod] ?? 0) + 1;
    if (s.cold === true) {
      r.coldStarts++;
      recordUs(r.cold, s.latencyUs);
      if (s.initMs !== undefined) {
        recordUs(r.init, s.initMs * 1000);
        if (s.initCpuMs !== undefined && s.initWaitMs !== undefined) {
          const split = r.initSplit;
          split.observed++;
          split.initMs += s.initMs;
          split.cpuMs += s.initCpuMs;
          split.waitMs += s.initWaitMs;
        }
      }
    } else if (s.cold === false) {
      recordUs(r.warm, s.latencyUs);
    } else {
      r.coldUnknown++;
    }
    // Instance ids are bounded by the instances a provider starts, not by samples.
    if (s.instanceId && !this.instanceIds.has(s.instanceId)) {
      this.instanceIds.add(s.instanceId);
      r.instances++;
    }
    if (s.costUSD !== undefined) {
      r.costUSD += s.costUSD;
      r.costed++;
    }
    if (s.startNs < r.firstStartNs) r.firstStartNs = Math.min(s.intendedNs, s.startNs);
    const endNs = s.intendedNs + s.latencyUs * 1000;
    if (endNs > r.lastEndNs) r.lastEndNs = endNs;
    this.timeline?.add(endNs, !s.errorClass, s.cold === true, s.latencyUs);
  }

  /** The per-second series (closes the current second); undefined without an origin. */
  timelinePoints(): TimelinePoint[] | undefined {
    return this.timeline?.points();
  }

  /** Latency of the current second so far (for live progress). */
  currentSecond(): { p50Ms: number | null; p99Ms: number | null } {
    return this.timeline?.current() ?? { p50Ms: null, p99Ms: null };
  }

  /** The figures so far. The histograms are live: copy before mutating. */
  get recorded(): Readonly<Recorded> {
    return this.r;
  }
}
