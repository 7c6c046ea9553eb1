/**
 * What a capacity plan needs to know about a provider: its scaling limits and
 * how it bills one invocation. Each provider module declares its own
 * (drivers/<provider>/provider.ts); the plan never names a provider.
 */

/** Scaling limits of one provider. Null means "not documented": the plan says so instead of guessing. */
export interface ScalingLimits {
  /** Most concurrent instances (executions) before throttling. */
  maxConcurrency: number | null;
  /** New instances the provider can add per `scaleWindowS` seconds. */
  scaleStep: number | null;
  scaleWindowS: number | null;
  /** Invocations one instance serves at once by default. */
  instanceConcurrency: number;
  /** Where the figures come from, with the date they were read. */
  source: string;
}

/** How a provider bills, for the plan. */
export interface ProviderCost {
  kind: 'managed' | 'self-hosted';
  /** Price table and date. */
  source: string;
  /** USD for one invocation of `durationMs` at `memoryMB`. */
  invocationUSD(inv: { durationMs: number; memoryMB: number }): number;
}

/** A provider's entry for capacity plans. */
export interface ProviderPlanning {
  limits: ScalingLimits;
  cost: ProviderCost;
  /**
   * Providers whose billing this one's measured cost already follows (the local
   * runtime projects Lambda's): a run here is also planned for them by default,
   * and its measured cost counts for them.
   */
  billedAs?: string[];
}
