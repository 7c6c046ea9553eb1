/**
 * Price tables, one per provider, every figure with its date and source
 * (../shared/providers.md §1.5, §3.5). USD, list price, US regions, free tiers
 * excluded. Override any figure in bench.config.ts (`prices`).
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
 */
export const LAMBDA_PRICES: Record<'x86_64' | 'arm64', LambdaPrices> = {
  x86_64: { perRequestUSD: 0.0000002, perGBSecondUSD: 0.0000166667, granularityMs: 1, source: 'aws-lambda us-east-1 x86_64 (price catalog 2026-08-21)' },
  arm64: { perRequestUSD: 0.0000002, perGBSecondUSD: 0.0000133334, granularityMs: 1, source: 'aws-lambda us-east-1 arm64 (Cloudchipr 2024, verify)' },
};
