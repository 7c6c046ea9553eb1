/**
 * What every phase module provides (after k6's executor configs): strict
 * checking that reports every problem, a one-line description printed before the
 * run, bounds checked before anything is sent, and the schedule itself.
 */
import type { CheckContext } from '../../config/check.ts';
import type { Capabilities } from '../../drivers/types.ts';

/** Upper bounds of a phase, known before it runs. */
export interface PhaseBounds {
  maxRequests: number;
  maxDurationMs: number;
}

/** What a phase can do while it runs. */
export interface PhaseContext {
  signal: AbortSignal;
  capabilities: Capabilities;
  /**
   * Invokes the target once, as intended at `intendedNs` (monotonic), and records
   * the sample under `round`. Resolves when the invocation has finished; never throws.
   */
  invoke(round: number, seq: number, intendedNs: number): Promise<void>;
  /** Makes the next invocations cold, where the driver can. */
  forceCold(): Promise<void>;
  /** Reports progress (a round starting, a step) to whoever watches the run. */
  progress(message: string): void;
}

/** A phase kind. `S` is its checked settings. */
export interface PhaseModule<S extends object> {
  kind: string;
  /** Checks raw settings at `path`; records every issue in `ctx`. */
  check(raw: Record<string, unknown>, path: string, ctx: CheckContext): S | undefined;
  /** One line for the plan printed before the run. */
  describe(s: S): string;
  bounds(s: S, timeoutMs: number): PhaseBounds;
  run(s: S, ctx: PhaseContext): Promise<void>;
}
