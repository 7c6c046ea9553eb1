/**
 * The result schema (v1, ../shared/DESIGN.md "Result schema"): the contract
 * between a run and everything after it. Names here are fixed; add fields freely,
 * rename none without bumping SCHEMA_VERSION.
 */
import type { ColdMethod } from '../drivers/types.ts';
import { encodeHistogram, mergeHistograms, summarizeMs, type LatencySummary } from '../metrics/histogram.ts';
import { emptyErrorCounts, type ErrorCounts, type Recorded } from '../metrics/recorder.ts';

export const SCHEMA_VERSION = 1;

/** Cost figures of a phase or target, USD. */
export interface CostFigures {
  perInvocationUSD: number;
  perMillionUSD: number;
  totalUSD: number;
  /** Price table and date the figures come from. */
  priceSource: string;
}

/** Figures of one phase round (or of a whole target, as its summary). */
export interface PhaseResult {
  name: string;
  kind: string;
  /** Round of a repeating phase, from 1. */
  round?: number;
  payloadBytes?: number;
  requests: number;
  ok: number;
  errors: ErrorCounts;
  coldStarts: number;
  coldStartRate: number;
  /** Distinct instances seen (where the driver reports instance ids). */
  instances?: number;
  latencyMs: LatencySummary | null;
  warmLatencyMs: LatencySummary | null;
  coldLatencyMs: LatencySummary | null;
  initDurationMs: LatencySummary | null;
  throughputRps: number;
  bytesOut: number;
  bytesIn: number;
  cost: CostFigures | null;
  /** Encoded HdrHistograms of latency in µs. */
  histograms: { all: string; warm: string; cold: string; init: string };
  /** Per-second series (load engine), oldest first. */
  timeline?: TimelinePoint[];
  /** Open model: invocations sent later than intended (the pacer fell behind). */
  late?: number;
  /** Open model: invocations not sent at all (e.g. concurrency cap reached). */
  dropped?: number;
  /** Open-model phases: the target arrival rate, requests per second. */
  rateRps?: number;
  /** Keep-alive rounds: how long the function sat idle before this round, ms. */
  idleGapMs?: number;
  /** Memory sweep: the function's memory size during this phase, MB. */
  memoryMB?: number;
  /** Instances first seen in this round, not in earlier rounds of the phase (burst). */
  newInstances?: number;
  /** Warmup: invocations before latency settled (the cold one included); null when it never settled. */
  settledAfter?: number | null;
  /** Whether the driver forced cold instances before this round (burst coldFirst, warmup). */
  forcedCold?: boolean;
}

/** One second of a phase (PhaseResult.timeline). */
export interface TimelinePoint {
  /** Seconds since the run started (start of this one-second bucket). */
  t: number;
  requests: number;
  ok: number;
  errors: number;
  coldStarts: number;
  /** Latency percentiles of this second's invocations, ms; null when there were none. */
  p50Ms: number | null;
  p99Ms: number | null;
  /** This second's latency HdrHistogram (µs, compressed base64), so workers' and shards' seconds add exactly. */
  histogram?: string;
}

/** Outcome of a ramp phase: where latency bent (knee) and where the target broke. */
export interface RampResult {
  /** Highest rate whose step was still within bounds, req/s; null when none was. */
  kneeRps: number | null;
  /** First rate whose step failed, req/s; null when none failed. */
  brokeAtRps: number | null;
  steps: { rateRps: number; p99Ms: number | null; errorRate: number; ok: boolean }[];
  /** The SLO the steps were held to (so a merge of shards can re-judge the steps). */
  slo?: { p99Ms: number; errorRate: number };
}

/** One target's results. */
export interface TargetResult {
  name: string;
  provider: string;
  function: string;
  memoryMB: number | null;
  region?: string;
  coldStartMethod: ColdMethod | 'none';
  /** Set when the target could not be run (e.g. prepare failed). */
  error?: string;
  phases: PhaseResult[];
  summary: Omit<PhaseResult, 'name' | 'kind' | 'round'> | null;
  /** Set when the target ran a ramp phase. */
  ramp?: RampResult;
}

/** A threshold's outcome. */
export interface ThresholdOutcome {
  target: string;
  metric: string;
  condition: string;
  actual: number | null;
  ok: boolean;
  /** Phase the threshold was scoped to (`metric{phase:name}`); absent: the target's summary. */
  phase?: string;
  /** Round the threshold was scoped to (`{round:n}`). */
  round?: number;
  /** The condition's number in the metric's unit (ms, fraction, USD, count). */
  expected?: number;
  /** Whether crossing it stopped the run (`abortOnFail`). */
  abortOnFail?: boolean;
}

/** results.json */
export interface Result {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'fxbench'; version: string; node: string; platform: string; cpus: number; hostname?: string };
  scenario: { name: string; file: string; description?: string };
  startedAt: string;
  finishedAt: string;
  interrupted: boolean;
  targets: TargetResult[];
  thresholds: ThresholdOutcome[];
  /** Set when a threshold with `abortOnFail` crossed and stopped the run: `target metric condition`. */
  abortedByThreshold?: string;
  /** Set on a partial result (`--shard i/N`): which share of the load it ran, `index` from 1 as on the command line. `fxbench merge` combines shards. */
  shard?: { index: number; count: number };
  /**
   * Set on a side-by-side result (`fxbench report a.json b.json`): the runs it
   * combines; target names are then prefixed with each run's label.
   */
  runs?: RunInfo[];
}

/** One run of a side-by-side result. */
export interface RunInfo {
  /** Short label the run's targets are prefixed with (from the results file's path). */
  label: string;
  /** The results file it came from. */
  file: string;
  tool: Result['tool'];
  scenario: Result['scenario'];
  startedAt: string;
  finishedAt: string;
  interrupted: boolean;
}

/** Adds recorded figures (phases of a target, shards of a phase) into new ones. */
export function mergeRecorded(list: Readonly<Recorded>[]): Recorded {
  const errors = emptyErrorCounts();
  const out: Recorded = {
    requests: 0, ok: 0, errors, coldStarts: 0, coldUnknown: 0, instances: 0, bytesOut: 0, bytesIn: 0, costUSD: 0, costed: 0,
    firstStartNs: Infinity, lastEndNs: 0,
    all: mergeHistograms(list.map((r) => r.all)),
    warm: mergeHistograms(list.map((r) => r.warm)),
    cold: mergeHistograms(list.map((r) => r.cold)),
    init: mergeHistograms(list.map((r) => r.init)),
  };
  for (const r of list) {
    out.requests += r.requests;
    out.ok += r.ok;
    for (const k of Object.keys(errors) as (keyof ErrorCounts)[]) errors[k] += r.errors[k];
    out.coldStarts += r.coldStarts;
    out.coldUnknown += r.coldUnknown;
    out.instances += r.instances; // an upper bound across phases; phases report their own
    out.bytesOut += r.bytesOut;
    out.bytesIn += r.bytesIn;
    out.costUSD += r.costUSD;
    out.costed += r.costed;
    out.firstStartNs = Math.min(out.firstStartNs, r.firstStartNs);
    out.lastEndNs = Math.max(out.lastEndNs, r.lastEndNs);
  }
  return out;
}

/** Turns recorded figures into the schema's phase figures. */
export function phaseFigures(r: Readonly<Recorded>, priceSource: string | null): Omit<PhaseResult, 'name' | 'kind' | 'round'> {
  const spanS = r.lastEndNs > r.firstStartNs ? (r.lastEndNs - r.firstStartNs) / 1e9 : 0;
  const perInvocation = r.costed ? r.costUSD / r.costed : 0;
  const known = r.requests - r.coldUnknown;
  return {
    requests: r.requests,
    ok: r.ok,
    errors: { ...r.errors },
    coldStarts: r.coldStarts,
    coldStartRate: known ? r.coldStarts / known : 0,
    instances: r.instances || undefined,
    latencyMs: summarizeMs(r.all),
    warmLatencyMs: summarizeMs(r.warm),
    coldLatencyMs: summarizeMs(r.cold),
    initDurationMs: summarizeMs(r.init),
    throughputRps: spanS ? r.requests / spanS : 0,
    bytesOut: r.bytesOut,
    bytesIn: r.bytesIn,
    cost: priceSource && r.costed ? { perInvocationUSD: perInvocation, perMillionUSD: perInvocation * 1e6, totalUSD: r.costUSD, priceSource } : null,
    histograms: { all: encodeHistogram(r.all), warm: encodeHistogram(r.warm), cold: encodeHistogram(r.cold), init: encodeHistogram(r.init) },
  };
}
