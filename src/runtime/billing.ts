/**
 * Billed duration as each emulated provider rounds it, so the local runtime's
 * REPORT line and cost projection carry the figure that platform would bill.
 * Rules and their sources: providers.md §1.5 (Lambda), §3 and §6 (Google).
 */
import type { BillingModel } from '../model/function.ts';
import { lambdaBilledMs } from './report-line.ts';


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
