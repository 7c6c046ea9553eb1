/**
 * The result schema (v1; README "Result schema"): the contract
 * between a run and everything after it. Names here are fixed; add fields freely,
 * rename none without bumping SCHEMA_VERSION.
 */
import type { ArrivalSpread } from './arrival.ts';
import type { ColdMethod, ErrorClass } from './invocation.ts';

export const SCHEMA_VERSION = 1;

/** The latency figures every report shows, in milliseconds. */
export interface LatencySummary {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Failed invocations by class. */
export type ErrorCounts = Record<ErrorClass, number>;

/** Cost figures of a phase or target, USD. */
export interface CostFigures {
  perInvocationUSD: number;
  perMillionUSD: number;
  totalUSD: number;
  /** Price table and date the figures come from. */
  priceSource: string;
  /**
   * What the invocations were priced on, each with its source, e.g.
   * `memory 256 MB (provider REPORT)`, `billed duration (provider REPORT)`,
   * `memory 128 MB (assumed default)`, `duration (client latency)`.
   */
  basis?: string[];
}

/** Figures of one phase round (or of a whole target, as its summary). */
export interface PhaseResult {
  name: string;
  kind: string;
  /** Round of a repeating phase, from 1. */
  round?: number;
  /** A/B runs: the block (from 0, in time order) this phase ran in (scenarios/ab.ts). */
  abBlock?: number;
  payloadBytes?: number;
  requests: number;
  ok: number;
  errors: ErrorCounts;
  /** The most frequent causes of each error class present (code or first line of the message), most first, at most 3. */
  errorCauses?: Partial<Record<ErrorClass, { cause: string; count: number }[]>>;
  /** Cold starts among the invocations whose cold state was observed (`coldObserved`); meaningless when `coldNa` is set. */
  coldStarts: number;
  /** coldStarts / coldObserved; meaningless when `coldNa` is set. */
  coldStartRate: number;
  /** Invocations whose cold/warm state was observed (absent in results before 0.1.x: derive from the histograms). */
  coldObserved?: number;
  /** The observed invocations by the method that observed them (`provider`, `instance-id`, `heuristic`). */
  coldMethods?: Partial<Record<ColdMethod, number>>;
  /** Set when no invocation's cold state was observed: cold starts are n/a, and this says why. */
  coldNa?: string;
  /** Distinct instances seen (where the driver reports instance ids). */
  instances?: number;
  /**
   * The ids behind `instances`, in a shard's partial result only (`--shard`, and
   * each `--workers` process's share): merging counts the distinct instances of
   * all shards from them (one platform serves every shard), not the sum. Never in
   * a whole run's or a merged result.
   */
  instanceIds?: string[];
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
  /** Payload sweep: which way the payload went (request: sent; response: asked back; both). */
  payloadDirection?: 'request' | 'response' | 'both';
  /** Memory sweep: the function's memory size during this phase, MB. */
  memoryMB?: number;
  /** Instances first seen in this round, not in earlier rounds of the phase (burst). */
  newInstances?: number;
  /** Warmup: invocations before latency settled (the cold one included); null when it never settled. */
  settledAfter?: number | null;
  /** Warmup: each invocation's latency in order, ms; null for one that failed. */
  latencyByInvocationMs?: (number | null)[];
  /**
   * Whether the driver forced cold instances before this round (burst coldFirst, warmup):
   * true only when the change was read back and the next invocations were seen on a new instance.
   */
  forcedCold?: boolean;
  /** Why `forcedCold` is false although the phase asked for it (could not verify). */
  forcedColdNote?: string;
  /** Burst rounds on a platform that stamps arrivals (the local runtime): how simultaneous the round really was. */
  arrival?: ArrivalSpread;
  /** Cold starts whose init the platform split (the local runtime, from /proc): where the init time went. */
  initSplit?: InitSplit;
}

/**
 * Where the init time of a phase's cold starts went, as means over the cold
 * starts the platform split (`observed`): the instance's main thread on a CPU
 * (`cpuMs`) and waiting for one, runnable but queued behind the machine's other
 * processes (`waitMs`: instances booting at once, other load); the rest of
 * `initMs` is spawning and I/O. A large wait is the machine's, not the function's:
 * a cloud platform gives each instance its own CPU share.
 */
export interface InitSplit {
  observed: number;
  initMs: number;
  cpuMs: number;
  waitMs: number;
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
  /** What the driver learned before the first invocation, one line each (e.g. an emulator: invoke only). */
  notes?: string[];
  phases: PhaseResult[];
  summary: Omit<PhaseResult, 'name' | 'kind' | 'round'> | null;
  /** Set when the target ran a ramp phase. */
  ramp?: RampResult;
  /** Configured idle timeout after which the platform reclaims an idle instance, ms (where the driver knows it: local). */
  idleTimeoutMs?: number;
}

/** What a driver says about its target: the identifying part of a TargetResult. */
export type TargetInfo = Pick<
  TargetResult,
  'name' | 'provider' | 'function' | 'memoryMB' | 'region' | 'coldStartMethod' | 'idleTimeoutMs'
>;

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

/** An A/B run's arms and block order (scenarios/ab.ts). */
export interface AbInfo {
  /** Target name of the baseline arm (A). */
  baseline: string;
  /** Target name of the candidate arm (B). */
  candidate: string;
  /** Blocks planned. */
  blocks: number;
  /** The arm of each block that ran, in time order (ABBA…). */
  order: ('A' | 'B')[];
}

/** results.json */
export interface Result {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: {
    name: 'fxbench';
    version: string;
    node: string;
    platform: string;
    cpus: number;
    hostname?: string;
    /** The machine's 1-minute load average when the run started and when it ended (absent where the OS has none). */
    load?: { start: number; end: number };
  };
  scenario: { name: string; file: string; description?: string };
  startedAt: string;
  finishedAt: string;
  interrupted: boolean;
  targets: TargetResult[];
  thresholds: ThresholdOutcome[];
  /** Set when a threshold with `abortOnFail` crossed and stopped the run: `target metric condition`. */
  abortedByThreshold?: string;
  /** Set on an A/B run: which target was the baseline and which the candidate, and the blocks' order. */
  ab?: AbInfo;
  /** Set on a partial result (`--shard i/N`): which share of the load it ran, `index` from 1 as on the command line. `fxbench merge` combines shards. */
  /**
   * A partial result of `--shard i/N`; with `--start-at`, the agreed instant and,
   * when the shard began more than a second after it, by how much (ms).
   */
  shard?: { index: number; count: number; startAt?: string; lateMs?: number };
  /** Set on a run whose load came from a fleet of generators (`run --fleet lambda:<function> --shards N`). */
  fleet?: FleetInfo;
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

/** A fleet run's generators (Result.fleet): how many ran, where, which shares are missing, what they cost. */
export interface FleetInfo {
  /** Generators that answered with their share. */
  generators: number;
  /** Shares the load was split into (`--shards N`). */
  shards: number;
  /** Where they ran, e.g. `lambda:fxbench-fleet (us-east-1)`. */
  where: string;
  /** The wall-clock instant every generator was told to start at (ISO 8601). */
  startAt: string;
  /**
   * Each generator: its share (`i/N`), its actual start minus `startAt` (ms), how long before `startAt` it was
   * ready (ms; negative: late, raise `--fleet-lead`), requests it sent, billed ms, or why it is missing.
   */
  workers: {
    shard: string;
    startOffsetMs?: number;
    readyBeforeMs?: number;
    requests?: number;
    billedMs?: number;
    error?: string;
  }[];
  /** Shares with no result (`i/N`), each named in `workers` with its reason. */
  missing: string[];
  /** What the generators themselves cost (GB-seconds and requests), USD, with the price source and date. */
  cost?: { totalUSD: number; gbSeconds: number; requests: number; priceSource: string; basis: string[] };
}
