/**
 * Cost of one invocation under a provider's billing rules. Prices come from
 * prices.ts (dated) and can be overridden per target.
 */
import { LAMBDA_PRICES, type LambdaPrices } from './prices.ts';

/** Prices an invocation; `undefined` when the model cannot (e.g. no duration). */
export interface PriceModel {
  /** Printed in reports next to every cost figure. */
  source: string;
  /** USD for one invocation. */
  price(inv: { billedMs?: number; durationMs?: number; latencyMs: number; initMs?: number; memoryMB: number }): number | undefined;
}

/**
 * Lambda: request fee plus memory × billed duration. Uses the provider's Billed
 * Duration when reported (it already encodes the rules for the date and config,
 * including INIT billing since 2025-08-01); otherwise rounds the function's
 * duration (plus init on cold starts) up to the granularity; with neither, the
 * client-observed latency, which overstates.
 */
export function lambdaPriceModel(arch: 'x86_64' | 'arm64' = 'x86_64', override: Partial<LambdaPrices> = {}, note = ''): PriceModel {
  const p = { ...LAMBDA_PRICES[arch], ...override };
  return {
    source: p.source + note,
    price(inv) {
      const billed = inv.billedMs ?? roundUp((inv.durationMs ?? inv.latencyMs) + (inv.initMs ?? 0), p.granularityMs);
      return p.perRequestUSD + (inv.memoryMB / 1024) * (billed / 1000) * p.perGBSecondUSD;
    },
  };
}

/** Rounds `ms` up to a multiple of `step` (at least one step). */
export function roundUp(ms: number, step: number): number {
  return Math.max(step, Math.ceil(ms / step) * step);
}
