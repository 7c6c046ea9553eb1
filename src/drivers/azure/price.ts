/**
 * Azure Functions billing rules, per execution (prices in cost/prices.ts, dated):
 * - Consumption: observed memory rounded up to the nearest 128 MB (at most
 *   1,536 MB) × execution time rounded up to 1 ms, at least 100 ms and 128 MB per
 *   execution, plus the per-execution fee.
 * - Flex Consumption (on demand): the instance memory (512, 2,048 or 4,096 MB) ×
 *   the time it executes, plus the per-execution fee; always-ready baselines are
 *   not priced (a benchmark cannot see them).
 * Source: https://azure.microsoft.com/en-us/pricing/details/functions/ and
 * https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs (read 2026-11-30).
 * Azure reports neither duration nor memory to the caller: execution time is the
 * client-observed latency (overstates by the network round trip) and, on
 * Consumption, memory is the target's `memoryMB` (configured) or 128 MB (assumed).
 */
import { AZURE_PRICES, type AzurePrices } from '../../cost/prices.ts';
import type { PriceModel } from '../../model/price.ts';

/** Consumption's observed-memory rounding: up to 128 MB steps, 128–1,536 MB. */
export function azureConsumptionMemoryMB(memoryMB: number): number {
  return Math.min(1536, Math.max(128, Math.ceil(memoryMB / 128) * 128));
}

/** Consumption's billed time: 1 ms steps rounded up, at least 100 ms. */
export function azureConsumptionBilledMs(ms: number): number {
  return Math.max(100, Math.ceil(ms));
}

/** Flex Consumption's billed time: 1 ms steps rounded up (no per-execution minimum on the pricing page). */
export function azureFlexBilledMs(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

/**
 * The price model of an Azure Functions target. `memorySource` says where the
 * memory came from (`configured` or `assumed`), printed with every cost figure.
 */
export function azurePriceModel(
  plan: 'consumption' | 'flex',
  memory: { mb: number; source: string },
  override: Partial<AzurePrices> = {},
): PriceModel {
  const p = { ...AZURE_PRICES[plan], ...override };
  if (plan === 'consumption') {
    const mb = azureConsumptionMemoryMB(memory.mb);
    return {
      source: `${p.source}; memory ${mb} MB (${memory.source}, rounded up to 128 MB); time from client-observed latency (overstates by the network round trip), at least 100 ms`,
      price(inv) {
        const s = azureConsumptionBilledMs(inv.billedMs ?? inv.durationMs ?? inv.latencyMs) / 1000;
        return p.perExecutionUSD + (mb / 1024) * s * p.perGBSecondUSD;
      },
    };
  }
  return {
    source: `${p.source}; instance memory ${memory.mb} MB (${memory.source}); time from client-observed latency (overstates by the network round trip); exact at one execution per instance at a time`,
    price(inv) {
      const s = azureFlexBilledMs(inv.billedMs ?? inv.durationMs ?? inv.latencyMs) / 1000;
      return p.perExecutionUSD + (memory.mb / 1024) * s * p.perGBSecondUSD;
    },
  };
}
