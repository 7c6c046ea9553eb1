/**
 * Cost of one invocation under a provider's billing rules. Prices come from
 * prices.ts (dated) and can be overridden per target. Each driver supplies its
 * model (`Driver.priceModel()`); the runner never asks which provider it is.
 */
import type { ProviderCost } from '../model/planning.ts';
import type { PriceModel } from '../model/price.ts';
import type { Outcome } from '../model/invocation.ts';
import type { CostFigures } from '../model/result.ts';
import { roundUp } from './billing.ts';
import {
  GCF_GEN1_CPU_MHZ,
  GCF_GEN1_PRICES,
  GCF_GEN2_DEFAULT_VCPU,
  GCF_GEN2_PRICES,
  LAMBDA_EPHEMERAL_PER_GB_SECOND_USD,
  LAMBDA_PRICES,
  type GcfGen1Prices,
  type GcfGen2Prices,
  type LambdaPrices,
} from './prices.ts';

/**
 * Lambda: request fee plus memory × billed duration (plus ephemeral storage above
 * 512 MB). Uses the provider's Billed Duration when reported (it already encodes
 * the rules for the date and config, including INIT billing since 2025-08-01);
 * otherwise rounds the function's duration (plus init on cold starts) up to the
 * granularity; with neither, the client-observed latency, which overstates.
 */
export function lambdaPriceModel(
  arch: 'x86_64' | 'arm64' = 'x86_64',
  override: Partial<LambdaPrices> = {},
  note = '',
  opts: { ephemeralMB?: number } = {},
): PriceModel {
  const p = { ...LAMBDA_PRICES[arch], ...override };
  const extraStorageGB = Math.max(0, (opts.ephemeralMB ?? 512) - 512) / 1024;
  return {
    source: p.source + note,
    price(inv) {
      const billed = inv.billedMs ?? roundUp((inv.durationMs ?? inv.latencyMs) + (inv.initMs ?? 0), p.granularityMs);
      return (
        p.perRequestUSD +
        (inv.memoryMB / 1024) * (billed / 1000) * p.perGBSecondUSD +
        extraStorageGB * (billed / 1000) * LAMBDA_EPHEMERAL_PER_GB_SECOND_USD
      );
    },
  };
}

/** CPU clock of a gen1 function of this memory size, GHz (next size up). */
export function gcfGen1CpuGHz(memoryMB: number): number {
  const row = GCF_GEN1_CPU_MHZ.find((r) => r.memoryMB >= memoryMB) ?? GCF_GEN1_CPU_MHZ[GCF_GEN1_CPU_MHZ.length - 1]!;
  return row.cpuMHz / 1000;
}

/**
 * Cloud Functions gen1: per-invocation fee + (GB-s of memory + GHz-s of CPU tied
 * to memory) over compute time rounded up to 100 ms. GCF reports no duration to
 * the caller, so compute time is the function's own duration when a driver has
 * it, else the client-observed latency (overstates by the network round trip).
 */
export function gcfGen1PriceModel(
  tier: 'tier1' | 'tier2' = 'tier1',
  override: Partial<GcfGen1Prices> = {},
  note = '',
): PriceModel {
  const p = { ...GCF_GEN1_PRICES[tier], ...override };
  return {
    // Invocations are charged whatever the outcome (cloud.google.com/functions/pricing-1stgen, 2024-09).
    billsFailedRequests: true,
    source: p.source + note,
    price(inv) {
      const s = roundUp(inv.billedMs ?? inv.durationMs ?? inv.latencyMs, p.granularityMs) / 1000;
      return (
        p.perInvocationUSD +
        (inv.memoryMB / 1024) * s * p.perGBSecondUSD +
        gcfGen1CpuGHz(inv.memoryMB) * s * p.perGHzSecondUSD
      );
    },
  };
}

/** Default vCPUs of a gen2 function of this memory size (next size up). */
export function gcfGen2DefaultVcpu(memoryMB: number): number {
  const row =
    GCF_GEN2_DEFAULT_VCPU.find((r) => r.memoryMB >= memoryMB) ??
    GCF_GEN2_DEFAULT_VCPU[GCF_GEN2_DEFAULT_VCPU.length - 1]!;
  return row.vcpu;
}

/**
 * Cloud Run functions (gen2), request-based billing: per-request fee + (vCPU-s +
 * GiB-s) over instance time rounded up to 100 ms. `vcpu` defaults by memory
 * ({@link gcfGen2DefaultVcpu}). Exact at concurrency 1; with concurrent requests
 * on one instance it overstates (they share instance time).
 */
export function gcfGen2PriceModel(vcpu?: number, override: Partial<GcfGen2Prices> = {}, note = ''): PriceModel {
  const p = { ...GCF_GEN2_PRICES, ...override };
  return {
    // Every request is billed, whatever the outcome (cloud.google.com/run/pricing, 2025-07).
    billsFailedRequests: true,
    source: p.source + (vcpu === undefined ? '; vCPU from the memory default' : `; ${vcpu} vCPU`) + note,
    price(inv) {
      const s = roundUp(inv.billedMs ?? inv.durationMs ?? inv.latencyMs, p.granularityMs) / 1000;
      const cpu = vcpu ?? gcfGen2DefaultVcpu(inv.memoryMB);
      return p.perRequestUSD + cpu * s * p.perVCPUSecondUSD + (inv.memoryMB / 1024) * s * p.perGiBSecondUSD;
    },
  };
}

/**
 * Whether an invocation is billed: a success always; a failure only where the price model bills
 * every request (Cloud Functions) and it reached the function — not a throttle (429), an oversized
 * request (413), or one the front end refused (401, 403, 404), and not one that got no answer.
 */
export function billed(out: Pick<Outcome, 'status'>, price: Pick<PriceModel, 'billsFailedRequests'>): boolean {
  const s = out.status;
  if (s >= 200 && s < 300) return true;
  return price.billsFailedRequests === true && s >= 400 && ![401, 403, 404, 413, 429].includes(s);
}

/**
 * A self-hosted platform (OpenFaaS, a local cluster): what the nodes cost per
 * hour, spread over the invocations they served at the measured throughput.
 * Assumes the nodes serve only this function and cost the same whether busy or
 * idle; the source string says so in every report.
 */
export function selfHostedPriceModel(nodePricePerHourUSD: number, nodes = 1, what = 'self-hosted'): PriceModel {
  const perSecondUSD = (nodePricePerHourUSD * nodes) / 3600;
  return {
    source: `${what}: ${nodes} node${nodes > 1 ? 's' : ''} × $${nodePricePerHourUSD}/h (configured) ÷ measured throughput; assumes the node${nodes > 1 ? 's serve' : ' serves'} only this function`,
    price: () => undefined,
    perInvocationFromThroughput: (rps) => (rps > 0 ? perSecondUSD / rps : undefined),
  };
}

/**
 * Fills a phase's cost from its measured throughput where the model is
 * throughput-based (self-hosted); returns the figures unchanged otherwise.
 */
export function withPhaseCost<F extends { requests: number; throughputRps: number; cost: CostFigures | null }>(
  figures: F,
  model: PriceModel,
): Omit<F, 'cost'> & { cost: CostFigures | null } {
  if (!model.perInvocationFromThroughput) return figures;
  const per = model.perInvocationFromThroughput(figures.throughputRps);
  if (per === undefined || !figures.requests) return figures;
  return {
    ...figures,
    cost: {
      perInvocationUSD: per,
      perMillionUSD: per * 1e6,
      totalUSD: per * figures.requests,
      priceSource: model.source,
    },
  };
}

/** A capacity plan's cost model for a provider billed per invocation, from its price model. */
export function managedCost(model: PriceModel): ProviderCost {
  return {
    kind: 'managed',
    source: model.source,
    invocationUSD: (inv) =>
      model.price({ durationMs: inv.durationMs, latencyMs: inv.durationMs, memoryMB: inv.memoryMB }) ?? 0,
  };
}

/** A capacity plan's cost model for a self-hosted platform: billed by the node, not the invocation. */
export const SELF_HOSTED_COST: ProviderCost = {
  kind: 'self-hosted',
  source: 'self-hosted: node price × nodes',
  invocationUSD: () => 0,
};
