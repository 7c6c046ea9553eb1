/**
 * The validated form of a scenario: what the runner executes. Nothing reaches
 * the runner without passing load.ts.
 */
import type { ThresholdSpec } from '../metrics/threshold-parser.ts';
import type { ResolvedTarget } from '../model/target.ts';

/** A checked phase with units resolved (ms, bytes). */
export interface PhasePlan {
  kind: string;
  name: string;
  /** Phase-specific, checked settings. */
  settings: Record<string, unknown>;
}

/** A checked A/B setting (scenarios/ab.ts): target names of the two arms and the number of blocks. */
export interface AbPlan {
  baseline: string;
  candidate: string;
  blocks: number;
}

/** A scenario ready to run. */
export interface Plan {
  /** Scenario file as the user named it. */
  file: string;
  name: string;
  description?: string;
  targets: ResolvedTarget[];
  phases: PhasePlan[];
  payload: Buffer;
  /**
   * Per-invocation payload, when the scenario gives a generator `(i) => payload` or
   * a synthetic size (scenarios/payload.ts); `i` counts a target's invocations from 0.
   * Absent: every invocation sends `payload`.
   */
  payloadFor?: (i: number) => Uint8Array;
  /** Checked thresholds (metrics/threshold-parser.ts), evaluated into Result.thresholds. */
  thresholds?: ThresholdSpec[];
  /** bench.config.ts used, if any. */
  configFile?: string;
  /** Default reports folder. */
  outRoot: string;
  /** A/B: phases alternate between a baseline and a candidate target in ABBA blocks (ab.ts). */
  ab?: AbPlan;
}
