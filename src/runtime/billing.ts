/**
 * Billed duration as each emulated provider rounds it, so the local runtime's
 * REPORT line and cost projection carry the figure that platform would bill.
 * Rules and their sources: providers.md §1.5 (Lambda), §3 and §6 (Google).
 */
import { lambdaBilledMs } from './report-line.ts';

/**
 * - `lambda`: 1 ms steps, rounded up; the INIT phase billed on cold starts (since 2025-08-01).
 * - `gcf-gen1`: Cloud Functions 1st gen: 100 ms steps, rounded up; init not billed separately.
 * - `cloud-run`: Cloud Run / Cloud Run functions (gen2), request-based billing: 100 ms steps,
 *   rounded up, startup time of the instance included on cold starts (providers.md open item 4: verify).
 */
export const BILLING_MODELS = ['lambda', 'gcf-gen1', 'cloud-run'] as const;
export type BillingModel = (typeof BILLING_MODELS)[number];

/** Billed milliseconds for one invocation of `durationMs` (plus `initMs` on a cold start) under `model`. */
export function billedMs(model: BillingModel, durationMs: number, initMs?: number): number {
  switch (model) {
    case 'lambda':
      return lambdaBilledMs(durationMs, initMs);
    case 'gcf-gen1':
      return roundUpTo(durationMs, 100);
    case 'cloud-run':
      return roundUpTo(durationMs + (initMs ?? 0), 100);
  }
}

function roundUpTo(ms: number, step: number): number {
  return Math.max(step, Math.ceil(ms / step) * step);
}
