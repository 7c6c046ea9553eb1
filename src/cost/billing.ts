/**
 * Billed duration as each emulated provider rounds it, so the local runtime's
 * REPORT line and cost projection carry the figure that platform would bill.
 * Every billing rounding rule lives here (the cost models in cost.ts use the same).
 * Sources, read 2026-11: AWS Lambda pricing (https://aws.amazon.com/lambda/pricing/)
 * and the INIT-phase billing change of 2025-08-01
 * (https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/);
 * Cloud Functions 1st gen and Cloud Run pricing (https://cloud.google.com/functions/pricing-1stgen,
 * https://cloud.google.com/run/pricing).
 */
import type { BillingModel } from '../model/function.ts';

/** Billed milliseconds for one invocation of `durationMs` (plus `initMs` on a cold start) under `model`. */
export function billedMs(model: BillingModel, durationMs: number, initMs?: number): number {
  switch (model) {
    case 'lambda':
      return lambdaBilledMs(durationMs, initMs);
    case 'gcf-gen1':
      return roundUp(durationMs, 100);
    case 'cloud-run':
      return roundUp(durationMs + (initMs ?? 0), 100);
  }
}

/** `ms` rounded up to a whole number of `step`s, at least one step (how every provider here bills). */
export function roundUp(ms: number, step: number): number {
  return Math.max(step, Math.ceil(ms / step) * step);
}

/**
 * Billed duration under Lambda's rules since 2025-08-01: 1 ms granularity rounded
 * up, and the INIT phase billed on cold starts.
 */
export function lambdaBilledMs(durationMs: number, initMs?: number): number {
  return roundUp(durationMs + (initMs ?? 0), 1);
}
