/** How an invocation is priced: the contract between a driver and the cost stage. */

/** Prices an invocation; `undefined` when the model cannot (e.g. no duration). */
export interface PriceModel {
  /** Printed in reports next to every cost figure. */
  source: string;
  /** USD for one invocation. */
  price(inv: {
    billedMs?: number;
    durationMs?: number;
    latencyMs: number;
    initMs?: number;
    memoryMB: number;
  }): number | undefined;
  /**
   * For platforms billed by the node rather than by the invocation (self-hosted):
   * USD per invocation of a whole phase from its measured throughput (req/s).
   * When present, it replaces the per-invocation sum (see `withPhaseCost` in cost/cost.ts).
   */
  perInvocationFromThroughput?(throughputRps: number): number | undefined;
  /**
   * Failed invocations that reached the function are billed too (Cloud Functions: every
   * request, whatever the outcome). Absent: only successful invocations are priced.
   */
  billsFailedRequests?: boolean;
}
