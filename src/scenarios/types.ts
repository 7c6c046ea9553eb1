/**
 * The shapes users write: scenarios (scenarios/*.ts) and the project config
 * (bench.config.ts). `defineScenario` and `defineConfig` only give them types, so
 * editors autocomplete; validation happens in load.ts.
 */
import type { AbSpec } from './ab.ts';
import type { TargetConfig } from '../drivers/targets.ts';
import type { FunctionConfig } from '../model/function.ts';

/** A target declared inline in a scenario: a config target plus its name. */
export type NamedTarget = TargetConfig & { name: string };

/**
 * Burst: `concurrency` invocations fired at once, `rounds` times, `gap` apart.
 * Against a scaled-to-zero function, round 1 is all cold starts.
 */
export interface BurstPhase {
  kind: 'burst';
  /** Name in reports (default "burst"). */
  name?: string;
  /** Invocations fired at once per round (1–10,000). */
  concurrency: number;
  /** Rounds (default 1). */
  rounds?: number;
  /** Pause between rounds: "500ms", "5s"… (default "1s"). */
  gap?: string | number;
  /**
   * Start every round from cold instances: forced where the driver can
   * (capability forceCold), else after waiting `idleWindow` (default false).
   */
  coldFirst?: boolean;
  /** With coldFirst, on drivers that cannot force cold starts: the wait before each round, e.g. "10m". */
  idleWindow?: string | number;
}

/**
 * Steady load for `duration`, in one of two arrival models: `rate` invocations
 * per second (open model: latency from each intended send time, so a stalled
 * target shows) or `users` virtual users (closed model: each sends when its last
 * invocation returned).
 */
export type SteadyPhase = {
  kind: 'steady';
  /** Name in reports (default "steady"). */
  name?: string;
  /** How long: "30s", "5m"… (required: every phase is bounded; at most 24h). */
  duration: string | number;
} & (
  | {
      /** Open model: invocations per second. */
      rate: number;
      /** Most invocations in flight (default 1000); due sends beyond it wait and count as late. */
      maxInFlight?: number;
      users?: never;
    }
  | {
      /** Closed model: virtual users. */
      users: number;
      /** Pause between a response and the user's next invocation (default 0). */
      think?: string | number;
      /** Stop after this many invocations as well. */
      requests?: number;
      rate?: never;
    }
);

/**
 * Ramp to the knee: the open-model rate rises from `from` to `to` in `steps`
 * equal steps over `duration`; each step is held to `slo`. Reports the knee (the
 * highest rate still meeting the SLO) and the rate where it broke.
 */
export interface RampPhase {
  kind: 'ramp';
  /** Name in reports (default "ramp"). */
  name?: string;
  /** First step's rate, invocations per second. */
  from: number;
  /** Last step's rate, invocations per second. */
  to: number;
  /** Whole ramp's length, shared equally by the steps. */
  duration: string | number;
  /** Number of steps (default 5). */
  steps?: number;
  /** What each step must meet: p99 latency (e.g. "300ms") and error rate (default 0.01). */
  slo: { p99: string | number; errorRate?: number };
  /** Most invocations in flight (default 1000). */
  maxInFlight?: number;
  /** Stop at the first step that breaks the SLO (default true). */
  stopOnBreak?: boolean;
}

/**
 * Warmup: `requests` invocations one after another, `interval` apart, from a
 * cold instance; reports how many invocations it took for latency to settle.
 */
export interface WarmupPhase {
  kind: 'warmup';
  /** Name in reports (default "warmup"). */
  name?: string;
  /** Invocations in the series (1–10,000). */
  requests: number;
  /** From one send to the next (default "100ms"); sends never overlap. */
  interval?: string | number;
  /**
   * Start from a cold instance (default true): forced where the driver can, else
   * after `idleWindow`. A target that can do neither (e.g. `http`) is refused
   * before anything is sent: set `coldFirst: false` for it.
   */
  coldFirst?: boolean;
  /** On drivers that cannot force cold starts: wait this long first, e.g. "10m". */
  idleWindow?: string | number;
}

/**
 * Keep-alive probe: for each idle gap, `probesPerGap` times: warm an instance,
 * stay idle for the gap, send one probe. The cold-start rate per gap is the
 * keep-alive survival curve.
 */
export interface KeepalivePhase {
  kind: 'keepalive';
  /** Name in reports (default "keepalive"). */
  name?: string;
  /** Idle gaps to probe, e.g. ['1s', '30s', '5m', '15m'] (1–100, each at most 24h). */
  idleGaps: (string | number)[];
  /** Probes per gap (default 1, at most 1,000). */
  probesPerGap?: number;
}

/**
 * Payload sweep: `requestsPerSize` invocations at each size, one after another;
 * sizes beyond the provider's limit are counted as `payload-too-large`.
 */
export interface PayloadPhase {
  kind: 'payload';
  /** Name in reports (default "payload"). */
  name?: string;
  /** Sizes, e.g. ['1KB', '64KB', '1MB', '6MB'] (2 bytes to 256MB; 1KB = 1024 bytes). */
  sizes: (string | number)[];
  /** Invocations per size (default 10). */
  requestsPerSize?: number;
  /**
   * `request` (default): a body of that size. `response`: asks the function for
   * that many bytes back with `{"responseBytes": N}`. `both`: both ways.
   */
  direction?: 'request' | 'response' | 'both';
}

/**
 * Memory sweep: runs `phase` once per memory size (drivers with capability
 * setMemory; a target without it is refused before anything is sent) and
 * reports cost against speed per size.
 */
export interface MemoryPhase {
  kind: 'memory';
  /** Name in reports (default "memory"). */
  name?: string;
  /** Memory sizes, MB (128–10,240), e.g. [128, 256, 512, 1024]. */
  sizes: number[];
  /** The phase to run at each size, e.g. burst({ concurrency: 5, rounds: 2 }). */
  phase: Exclude<Phase, MemoryPhase>;
}

/** Every phase kind. */
export type Phase = BurstPhase | SteadyPhase | RampPhase | WarmupPhase | KeepalivePhase | PayloadPhase | MemoryPhase;

/** One threshold rule: a condition such as "< 800ms", or one that stops the run when crossed. */
export type ThresholdRule = string | { threshold: string; abortOnFail?: boolean };

/**
 * Thresholds by metric, k6-style: `{ 'latency.p99': '< 800ms', 'cold.rate': '< 0.2' }`.
 * Scope a key with `{target:name}`, `{phase:name}`, `{phase:name,round:n}`. See
 * src/metrics/threshold-parser.ts for every metric and the grammar.
 */
export type Thresholds = Record<string, ThresholdRule | ThresholdRule[]>;

/** A scenario file's default export. */
export interface ScenarioDefinition {
  /** Short name, used in the report folder name. */
  name: string;
  description?: string;
  /** Names of targets in bench.config.ts, or inline targets. */
  targets: (string | NamedTarget)[];
  /**
   * Functions for the local runtime declared in the scenario itself (as under
   * `functions` in bench.config.ts; `code` is relative to the scenario's folder),
   * so a scenario with only inline targets needs no bench.config.ts.
   */
  functions?: Record<string, FunctionConfig>;
  /** Phases, run in order against each target. */
  phases: Phase[];
  /**
   * Invocation payload: a JSON value (serialised), a string or bytes (sent as
   * is), or a generator `(i) => payload` (i counts a target's invocations from 0).
   * Default `{}`.
   */
  payload?: unknown;
  /** Instead of `payload`: a synthetic JSON body of exactly this size, e.g. "64KB". */
  payloadSize?: string | number;
  /** Pass/fail criteria; a crossed threshold makes `fxbench run` exit 1. */
  thresholds?: Thresholds;
  /** A/B in one run: the phases alternate between these two targets in ABBA blocks (see ab.ts, docs/ci.md). */
  ab?: AbSpec;
}

/** bench.config.ts's default export. */
export interface BenchConfig {
  /** Functions the local runtime serves, by name. */
  functions?: Record<string, FunctionConfig>;
  /** Named targets scenarios can refer to. */
  targets?: Record<string, TargetConfig>;
  /** Defaults for `fxbench run`. */
  defaults?: {
    /** Folder reports are written under (default "reports"). */
    out?: string;
  };
}

/** Types a scenario for editors; returns it unchanged. */
export function defineScenario(s: ScenarioDefinition): ScenarioDefinition {
  return s;
}

/** Types bench.config.ts for editors; returns it unchanged. */
export function defineConfig(c: BenchConfig): BenchConfig {
  return c;
}

/** A steady phase (see {@link SteadyPhase}): `steady({ rate: 100, duration: '30s' })` or `steady({ users: 10, duration: '30s' })`. */
export function steady(
  p: SteadyPhase extends infer T ? (T extends unknown ? Omit<T, 'kind'> : never) : never,
): SteadyPhase {
  return { kind: 'steady', ...p } as SteadyPhase;
}

/** A ramp phase (see {@link RampPhase}): `ramp({ from: 50, to: 500, duration: '1m', slo: { p99: '300ms' } })`. */
export function ramp(p: Omit<RampPhase, 'kind'>): RampPhase {
  return { kind: 'ramp', ...p };
}

/** A burst phase (see {@link BurstPhase}). */
export function burst(p: Omit<BurstPhase, 'kind'>): BurstPhase {
  return { kind: 'burst', ...p };
}

/** A warmup phase (see {@link WarmupPhase}): `warmup({ requests: 20, interval: '200ms' })`. */
export function warmup(p: Omit<WarmupPhase, 'kind'>): WarmupPhase {
  return { kind: 'warmup', ...p };
}

/** A keep-alive probe (see {@link KeepalivePhase}): `keepalive({ idleGaps: ['1s', '30s', '5m'], probesPerGap: 3 })`. */
export function keepalive(p: Omit<KeepalivePhase, 'kind'>): KeepalivePhase {
  return { kind: 'keepalive', ...p };
}

/** A payload sweep (see {@link PayloadPhase}): `payload({ sizes: ['1KB', '1MB'], requestsPerSize: 10 })`. */
export function payload(p: Omit<PayloadPhase, 'kind'>): PayloadPhase {
  return { kind: 'payload', ...p };
}

/** A memory sweep (see {@link MemoryPhase}): `memorySweep({ sizes: [128, 256, 512], phase: burst({ concurrency: 5 }) })`. */
export function memorySweep(p: Omit<MemoryPhase, 'kind'>): MemoryPhase {
  return { kind: 'memory', ...p };
}
