/**
 * Provider limits that decide whether a peak is throttled, each with its date
 * and source. Override any of them with `fxbench plan --limit key=value` or in
 * code (PlanOptions.limits).
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

/** Limits by provider name (the `--provider` values of `fxbench plan`). */
export const SCALING_LIMITS: Record<string, ScalingLimits> = {
  lambda: {
    // docs.aws.amazon.com/lambda/latest/dg/limits.html: "Concurrent executions: 1,000" default quota (per Region);
    // docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html: "for each function, your concurrency scaling rate
    // is 1,000 execution environment instances every 10 seconds". Both read 2026-11-22.
    maxConcurrency: 1000,
    scaleStep: 1000,
    scaleWindowS: 10,
    instanceConcurrency: 1,
    source: 'AWS Lambda quotas and scaling behavior docs (read 2026-11-22): 1,000 concurrent per Region (default), +1,000 instances per 10 s per function',
  },
  gcf: {
    // Gen2 functions run at concurrency 1 by default (../shared/providers.md §3.5); no scaling rate is
    // documented in the sources we keep, so throttling risk is not assessed unless configured.
    maxConcurrency: null,
    scaleStep: null,
    scaleWindowS: null,
    instanceConcurrency: 1,
    source: 'Cloud Run functions: concurrency 1 per instance by default (providers.md §3.5, 2026); scaling rate not documented here',
  },
  openfaas: {
    maxConcurrency: null,
    scaleStep: null,
    scaleWindowS: null,
    instanceConcurrency: 1,
    source: 'OpenFaaS: self-hosted, limits are your cluster’s (set --limit maxConcurrency=…)',
  },
  local: {
    maxConcurrency: 100,
    scaleStep: null,
    scaleWindowS: null,
    instanceConcurrency: 1,
    source: 'fxbench local runtime defaults: maxInstances 100, one invocation per instance',
  },
};
