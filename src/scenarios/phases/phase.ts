/**
 * What every phase module provides (after k6's executor configs): strict
 * checking that reports every problem, a one-line description printed before the
 * run, and the schedule itself.
 */
import type { CheckContext } from '../../config/check.ts';
import type { PhaseResult, TargetResult } from '../../model/result.ts';
import type { RoundMeta, RoundStats, StepTotals } from '../engine/live.ts';
import type { Capabilities, ErrorClass } from '../../model/invocation.ts';

/** What a phase can do while it runs. */
export interface PhaseContext {
  signal: AbortSignal;
  capabilities: Capabilities;
  /**
   * Invokes the target once, as intended at `intendedNs` (monotonic), and records
   * the sample under `round`. Resolves when the invocation has finished; never throws.
   */
  invoke(round: number, seq: number, intendedNs: number, opts?: PhaseInvokeOptions): Promise<void>;
  /** Makes the next invocations cold, where the driver can. */
  forceCold(): Promise<void>;
  /** Reports progress (a round starting, a step) to whoever watches the run. */
  progress(message: string): void;
  /**
   * Attaches figures to `round`'s result (idle gap, payload size, memory size…);
   * later calls add to earlier ones. Optional so existing contexts stay valid.
   */
  annotate?(round: number, meta: RoundMeta): void;
  /**
   * Changes the function's memory size (MB) for the invocations that follow, and
   * prices them at that size. Rejects with a run error (exit 3) when the driver
   * lacks capability `setMemory`.
   */
  setMemory?(memoryMB: number): Promise<void>;
  /** Figures of `round` so far (ramp checks a step against its SLO). Optional so existing contexts stay valid. */
  roundStats?(round: number): RoundStats | undefined;
  /**
   * With `--workers`: waits until every worker reaches step `step` of this phase
   * (from 0), then for the instant they all start it at (a ramp's steps). Absent
   * when this process generates alone. Returns at once when the run is aborted.
   */
  startTogether?(step: number): Promise<number | undefined>;
  /**
   * With `--workers`: the instant every worker agreed to start this phase at
   * (monotonic ns, nowNs), where an open model's schedule starts; it may be past
   * where this worker woke late. Absent when this process generates alone.
   */
  startNs?: number;
  /**
   * With `--workers`: the figures of round `round` (a ramp step) across every
   * worker, once each has finished its share (this one's `dropped` sends added),
   * so that all judge the step alike. Absent when this process generates alone;
   * undefined when the run is aborted.
   */
  judgeStep?(round: number, dropped: number): Promise<StepTotals | undefined>;
}

/** Per-invocation options of PhaseContext.invoke. */
export interface PhaseInvokeOptions {
  /** Request body of this invocation (default: the scenario's payload). */
  payload?: Uint8Array;
  /** Fold the sample into the round's figures (default true); false for warming invocations that must not count. */
  record?: boolean;
  /** Called with what the invocation did, before `invoke` resolves (not called when the run was aborted first). */
  onReport?(report: InvokeReport): void;
}

/** Invokes through `ctx` and resolves with what the invocation did; undefined when the run was aborted first. */
export async function invokeWithReport(
  ctx: PhaseContext,
  round: number,
  seq: number,
  intendedNs: number,
  opts: Omit<PhaseInvokeOptions, 'onReport'> = {},
): Promise<InvokeReport | undefined> {
  let report: InvokeReport | undefined;
  await ctx.invoke(round, seq, intendedNs, { ...opts, onReport: (r) => (report = r) });
  return report;
}

/** What one invocation did, as a phase sees it (to adapt its schedule, e.g. warmup's settle point). */
export interface InvokeReport {
  /** Latency from the intended send time, µs. */
  latencyUs: number;
  status: number;
  errorClass: ErrorClass | null;
  cold: boolean | null;
  instanceId?: string;
  /** Platform stamps (local runtime): accepted, cold start begun (ms since the Unix epoch, its clock); init and run ms. */
  acceptedAtMs?: number;
  initStartMs?: number;
  initMs?: number;
  durationMs?: number;
}

/** A phase kind. `S` is its checked settings. */
export interface PhaseModule<S extends object> {
  kind: string;
  /** Checks raw settings at `path`; records every issue in `ctx`. */
  check(raw: Record<string, unknown>, path: string, ctx: CheckContext): S | undefined;
  /** One line for the plan printed before the run. */
  describe(s: S): string;
  run(s: S, ctx: PhaseContext): Promise<void>;
  /** Planned length, ms, for progress (elapsed / planned). Optional. */
  plannedMs?(s: S): number;
  /**
   * The share of the phase one of `count` workers or shards runs (`index` from 0):
   * rates and users divided so the shards add up to the whole. A phase without it
   * runs whole in shard 0 and not at all in the others. `simultaneous`: every
   * share starts at one agreed instant (fleet generators, `run --start-at`), so a
   * burst can leave from all of them at once.
   */
  share?(s: S, index: number, count: number, simultaneous?: boolean): S | undefined;
  /** Target-level figures from the phase's round results once it ran (ramp's knee). */
  summarize?(s: S, rounds: PhaseResult[]): Partial<Pick<TargetResult, 'ramp'>>;
  /**
   * Driver capabilities these settings need (a cold start forced, memory changed).
   * Checked against every target before the first request (scenarios/capabilities.ts),
   * so a mismatch fails the run up front instead of midway.
   */
  requires?(s: S): Requirement[];
}

/** A driver capability a phase's settings need. */
export interface Requirement {
  capability: 'forceCold' | 'setMemory';
  /** The setting that needs it, relative to the phase (`coldFirst`, `phase.coldFirst`). */
  field: string;
  /** What the phase does with it and how to do without, e.g. "set coldFirst: false". */
  message: string;
}
