/** What a user writes for an `openfaas` target (bench.config.ts or inline). */
import type { CommonTargetFields } from '../../scenarios/types.ts';

/**
 * `openfaas`: a function behind an OpenFaaS gateway. Invocations go to
 * `/function/{name}` (no auth in CE); the `/system/*` API (replica counts,
 * scaling) uses basic auth with `username` and OPENFAAS_PASSWORD (or `password`).
 */
export interface OpenFaasTargetConfig extends CommonTargetFields {
  provider: 'openfaas';
  /** Gateway URL, e.g. "http://127.0.0.1:8080". */
  gateway: string;
  /** Basic-auth user of the /system API (default "admin"). */
  username?: string;
  /** Basic-auth password; prefer the OPENFAAS_PASSWORD environment variable. Never written to results. */
  password?: string;
  /** Bound on waiting for replicas to reach 0 after `forceCold` (default "60s"). */
  scaleTimeout?: string | number;
  /** Poll interval of the replica count (default "250ms"). */
  scalePoll?: string | number;
  /** What one node costs per hour, USD: enables the self-hosted cost (an assumption, printed as such). */
  nodePricePerHourUSD?: number;
  /** Nodes the function's replicas occupy (default 1). */
  nodes?: number;
}
