/**
 * Per-invocation cost by provider, for projecting one measured duration onto
 * each provider's billing (plan --provider). Prices come from src/cost (dated).
 */
import { gcfGen2PriceModel, lambdaPriceModel } from '../cost/cost.ts';
import type { PriceModel } from '../model/price.ts';

/** How a provider bills, for the plan. */
export interface ProviderCost {
  kind: 'managed' | 'self-hosted';
  /** Price table and date. */
  source: string;
  /** USD for one invocation of `durationMs` at `memoryMB`. */
  invocationUSD(inv: { durationMs: number; memoryMB: number }): number;
}

function managed(model: PriceModel): ProviderCost {
  return { kind: 'managed', source: model.source, invocationUSD: (inv) => model.price({ durationMs: inv.durationMs, latencyMs: inv.durationMs, memoryMB: inv.memoryMB }) ?? 0 };
}

const PROVIDER_COSTS: Record<string, ProviderCost> = {
  lambda: managed(lambdaPriceModel('x86_64')),
  // Cloud Run functions (gen2) is what `gcloud functions deploy` creates today; gen1 is legacy.
  gcf: managed(gcfGen2PriceModel()),
  openfaas: { kind: 'self-hosted', source: 'self-hosted: node price × nodes', invocationUSD: () => 0 },
  local: { kind: 'self-hosted', source: 'self-hosted: node price × nodes', invocationUSD: () => 0 },
};

/** The cost model for a provider; unknown providers are treated as self-hosted. */
export function providerCost(provider: string): ProviderCost {
  return PROVIDER_COSTS[provider] ?? PROVIDER_COSTS.openfaas!;
}

/** Registers a provider's cost model (the cloud drivers' cost modules call this). */
export function registerProviderCost(provider: string, cost: ProviderCost): void {
  PROVIDER_COSTS[provider] = cost;
}
