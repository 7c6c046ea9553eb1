/** The capacity plan's shapes (plan.json, planVersion 1) and its options. */
import type { ScalingLimits } from '../model/planning.ts';

/** Seconds in the 30-day month the plan assumes when it derives volume from a rate. */
export const MONTH_S = 30 * 24 * 3600;
/** Hours in an average month (365 × 24 / 12), for node-hour pricing. */
export const MONTH_HOURS = 730;

/** What the user asks the plan for. */
export interface PlanOptions {
  /** Sustained rate to plan for, requests per second. */
  rps: number;
  /** Peak rate, requests per second. */
  peakRps?: number;
  /** How long the peak lasts, seconds (default 300 when a peak is given). */
  peakDurationS?: number;
  /** Peaks per month for the cold-start cost share (default 30: one a day). */
  peaksPerMonth?: number;
  /** p99 latency objective, ms. */
  p99SloMs?: number;
  /** Requests per month (default: rps × 30 days). */
  monthlyRequests?: number;
  /** Providers to plan for (default: the target's own; local targets also get `lambda`). */
  providers?: string[];
  /** Price of one node per hour, USD, for self-hosted providers. */
  nodePriceHourUSD?: number;
  /** Invocations one instance serves at once (default: the provider's). */
  instanceConcurrency?: number;
  /** Limit overrides per provider. */
  limits?: Record<string, Partial<ScalingLimits>>;
}

/** A planned figure and where it came from. `value` null means it could not be computed; `from` says why. */
export interface Figure<T = number> {
  value: T | null;
  from: string;
}

/** One memory size of a memory sweep, planned. */
export interface MemoryOption {
  memoryMB: number;
  p99Ms: number | null;
  perMillionUSD: number | null;
  monthlyUSD: number | null;
  meetsSlo: boolean | null;
}

/** The plan for one target on one provider. */
export interface TargetPlan {
  target: string;
  /** Provider the plan is for. */
  provider: string;
  /** Provider the figures were measured on. */
  measuredOn: string;
  concurrencyMean: Figure;
  concurrencyP99: Figure;
  instances: Figure;
  peak?: {
    instances: Figure;
    coldStarts: Figure;
    coldStartMs: Figure;
    throttled: Figure<boolean>;
    throttledRequests: Figure;
    scaleUpS: Figure;
  };
  slo?: { p99Ms: number; holds: Figure<boolean>; basis: 'measured' | 'extrapolated' | 'not measured' };
  monthlyRequests: Figure;
  perInvocationUSD: Figure;
  monthlyUSD: Figure;
  coldStartsPerMonth: Figure;
  coldShare: Figure;
  memory?: MemoryOption[];
  cheapestMemoryMB?: Figure;
  nodes?: { perNodeRps: Figure; nodes: Figure; peakNodes?: Figure; monthlyUSD: Figure };
  /** Inputs the plan needed but the run lacks, in words. */
  missing: string[];
}

/** The whole plan (plan.json). */
export interface CapacityPlan {
  planVersion: 1;
  from: { scenario: string; startedAt: string };
  options: PlanOptions;
  targets: TargetPlan[];
  limits: Record<string, ScalingLimits>;
}
