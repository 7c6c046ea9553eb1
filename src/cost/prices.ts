/**
 * Price tables, one per provider, every figure with its date and source
 * (AWS: https://aws.amazon.com/lambda/pricing/ and the AWS price catalog of 2026-08-21;
 * Google: https://cloud.google.com/functions/pricing-1stgen and https://cloud.google.com/run/pricing;
 * each figure's `source` says which and when). USD, list price, US regions, free tiers excluded. Override any figure per
 * target (`prices` in the target).
 */

/** AWS Lambda on-demand prices for one region and architecture. */
export interface LambdaPrices {
  /** Per request, USD. */
  perRequestUSD: number;
  /** Duration tier 1, USD per GB-second (GB = MB/1024). */
  perGBSecondUSD: number;
  /** Billing granularity, ms (1 ms since Dec 2020). */
  granularityMs: number;
  /** Where the figures come from, with their date; printed in reports. */
  source: string;
}

/**
 * Lambda us-east-1. x86_64: requests and tier-1 duration from the AWS regional
 * price catalog as of 2026-08-21 ([price-catalog-2026]); arm64 tier 1 from
 * [Cloudchipr-2024] (2024, verify). 1 ms rounding since 2020-12 [AWS-Tiered-2022];
 * INIT billed for on-demand ZIP managed runtimes since 2025-08-01 [AWS-INIT].
 *
 * fxbench prices at tier 1 (the first 6 B GB-s (x86) / 7.5 B GB-s (arm) a month);
 * tiers 2 and 3 ({@link LAMBDA_DURATION_TIERS}) are account-wide monthly volume
 * discounts a benchmark cannot see.
 */
export const LAMBDA_PRICES: Record<'x86_64' | 'arm64', LambdaPrices> = {
  x86_64: {
    perRequestUSD: 0.0000002,
    perGBSecondUSD: 0.0000166667,
    granularityMs: 1,
    source: 'aws-lambda us-east-1 x86_64 (price catalog 2026-08-21)',
  },
  arm64: {
    perRequestUSD: 0.0000002,
    perGBSecondUSD: 0.0000133334,
    granularityMs: 1,
    source: 'aws-lambda us-east-1 arm64 (Cloudchipr 2024, verify)',
  },
};

/**
 * Lambda duration tiers, USD per GB-s, us-east-1 ([Cloudchipr-2024] 2024 for the
 * rates, [AWS-Tiered-2022] 2022-08 for the boundaries; arm64 tier 3 marked verify).
 * For reference and `fxbench plan`-style projections; per-invocation cost uses tier 1.
 */
export const LAMBDA_DURATION_TIERS: Record<
  'x86_64' | 'arm64',
  { uptoGBSecondsPerMonth: number; perGBSecondUSD: number }[]
> = {
  x86_64: [
    { uptoGBSecondsPerMonth: 6e9, perGBSecondUSD: 0.0000166667 },
    { uptoGBSecondsPerMonth: 15e9, perGBSecondUSD: 0.000015 },
    { uptoGBSecondsPerMonth: Infinity, perGBSecondUSD: 0.0000133334 },
  ],
  arm64: [
    { uptoGBSecondsPerMonth: 7.5e9, perGBSecondUSD: 0.0000133334 },
    { uptoGBSecondsPerMonth: 18.75e9, perGBSecondUSD: 0.0000120001 },
    { uptoGBSecondsPerMonth: Infinity, perGBSecondUSD: 0.0000106667 },
  ],
};

/**
 * Lambda ephemeral storage above the free 512 MB, USD per GB-second, both
 * architectures ([Cloudchipr-2024], [price-catalog-2026] 2026-08-21).
 */
export const LAMBDA_EPHEMERAL_PER_GB_SECOND_USD = 0.0000000309;

/** Google Cloud Functions 1st gen prices for one region tier. */
export interface GcfGen1Prices {
  /** Per invocation, USD (charged whatever the outcome). */
  perInvocationUSD: number;
  /** Memory, USD per GB-second (GB = MB/1024). */
  perGBSecondUSD: number;
  /** CPU, USD per GHz-second. */
  perGHzSecondUSD: number;
  /** Compute time is rounded up to this step, ms (100). */
  granularityMs: number;
  source: string;
}

/**
 * Cloud Functions 1st gen ([GCF-pricing-1st]: cloud.google.com/functions/pricing-1stgen,
 * archived 2017 and 2021-01-10 copies, [modal-2024] 2024-09): $0.40 per million
 * invocations, 100 ms steps, tier 1 $0.0000025/GB-s + $0.0000100/GHz-s; tier 2
 * $0.0000035/GB-s + $0.0000140/GHz-s (verify).
 */
export const GCF_GEN1_PRICES: Record<'tier1' | 'tier2', GcfGen1Prices> = {
  tier1: {
    perInvocationUSD: 0.0000004,
    perGBSecondUSD: 0.0000025,
    perGHzSecondUSD: 0.00001,
    granularityMs: 100,
    source: 'gcf gen1 tier 1 (cloud.google.com/functions/pricing-1stgen; modal 2024-09)',
  },
  tier2: {
    perInvocationUSD: 0.0000004,
    perGBSecondUSD: 0.0000035,
    perGHzSecondUSD: 0.000014,
    granularityMs: 100,
    source: 'gcf gen1 tier 2 (cloud.google.com/functions/pricing-1stgen; modal 2024-09, verify)',
  },
};

/**
 * Cloud Functions 1st gen CPU clock by memory size, MHz ([GCF-pricing-1st],
 * 2021-01-10 archive; 8 GB marked verify). Memory between sizes takes the next size up.
 */
export const GCF_GEN1_CPU_MHZ: readonly { memoryMB: number; cpuMHz: number }[] = [
  { memoryMB: 128, cpuMHz: 200 },
  { memoryMB: 256, cpuMHz: 400 },
  { memoryMB: 512, cpuMHz: 800 },
  { memoryMB: 1024, cpuMHz: 1400 },
  { memoryMB: 2048, cpuMHz: 2400 },
  { memoryMB: 4096, cpuMHz: 4800 },
  { memoryMB: 8192, cpuMHz: 4800 },
];

/** Cloud Run functions (Cloud Functions 2nd gen) request-based prices. */
export interface GcfGen2Prices {
  /** Per request, USD. */
  perRequestUSD: number;
  /** USD per vCPU-second while a request is active. */
  perVCPUSecondUSD: number;
  /** USD per GiB-second while a request is active (GiB = MiB/1024). */
  perGiBSecondUSD: number;
  /** Instance time is rounded up to this step, ms (100). */
  granularityMs: number;
  source: string;
}

/**
 * Cloud Run functions (gen2) priced as Cloud Run, request-based billing, tier 1
 * ([GCR-pricing]: cloud.google.com/run/pricing, stored copies to 2025-07):
 * $0.000024/vCPU-s, $0.0000025/GiB-s, $0.40 per million requests, 100 ms steps.
 * Exact per invocation only at concurrency 1 (gen2's `gcloud functions` default):
 * concurrent requests share instance time.
 */
export const GCF_GEN2_PRICES: GcfGen2Prices = {
  perRequestUSD: 0.0000004,
  perVCPUSecondUSD: 0.000024,
  perGiBSecondUSD: 0.0000025,
  granularityMs: 100,
  source: 'gcf gen2 / cloud run request-based tier 1 (cloud.google.com/run/pricing, 2025-07)',
};

/**
 * Default vCPUs of a gen2 function by memory, when the target does not say
 * (Cloud Run functions memory/CPU defaults, cloud.google.com/functions/docs/configuring/memory;
 * not verified live; set `cpu` on the target to be exact).
 */
export const GCF_GEN2_DEFAULT_VCPU: readonly { memoryMB: number; vcpu: number }[] = [
  { memoryMB: 128, vcpu: 0.083 },
  { memoryMB: 256, vcpu: 0.167 },
  { memoryMB: 512, vcpu: 0.333 },
  { memoryMB: 1024, vcpu: 0.583 },
  { memoryMB: 2048, vcpu: 1 },
  { memoryMB: 4096, vcpu: 2 },
  { memoryMB: 8192, vcpu: 2 },
  { memoryMB: 16384, vcpu: 4 },
  { memoryMB: 32768, vcpu: 8 },
];

/** Azure Functions prices for one hosting plan. */
export interface AzurePrices {
  /** Per execution, USD. */
  perExecutionUSD: number;
  /** Execution time × memory, USD per GB-second (GB = MB/1024). */
  perGBSecondUSD: number;
  /** Where the figures come from, with their date; printed in reports. */
  source: string;
}

/**
 * Azure Functions, pay-as-you-go, East US, free grants excluded. Rates from
 * https://azure.microsoft.com/en-us/pricing/details/functions/ (the page renders
 * its numbers client-side; read through modal.com/blog/azure-function-pricing-guide,
 * 2025-05-22, which transcribes them) and the billing rules on the same page and
 * https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs
 * (read 2026-11-30). Consumption: $0.000016/GB-s, $0.20 per million executions;
 * Flex Consumption on demand: $0.000026/GB-s, $0.40 per million executions.
 */
export const AZURE_PRICES: Record<'consumption' | 'flex', AzurePrices> = {
  consumption: {
    perExecutionUSD: 0.0000002,
    perGBSecondUSD: 0.000016,
    source: 'azure functions consumption (azure.microsoft.com/en-us/pricing/details/functions, read 2026-11-30)',
  },
  flex: {
    perExecutionUSD: 0.0000004,
    perGBSecondUSD: 0.000026,
    source:
      'azure functions flex consumption on demand (azure.microsoft.com/en-us/pricing/details/functions, read 2026-11-30)',
  },
};
