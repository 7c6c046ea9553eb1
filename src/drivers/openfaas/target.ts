import { check, optional, required, type Checked } from '../../config/check.ts';
import { urlChecker } from '../url-check.ts';
import type { CommonTargetFields } from '../../model/target.ts';
/** What a user writes for an `openfaas` target (bench.config.ts or inline). */

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

/** The target fields a `openfaas` target accepts besides the common ones, as checked at load. */
export const openfaasFields = {
  gateway: required(urlChecker()),
  username: optional(check.string()),
  password: optional(check.string()),
  scaleTimeout: optional(check.durationMs()),
  scalePoll: optional(check.durationMs()),
  nodePricePerHourUSD: optional(check.number(0)),
  nodes: optional(check.int(1, 10_000)),
};

/** Target settings of a `openfaas` target, as checked (durations in ms). */
export type OpenFaasOptions = Checked<typeof openfaasFields>;
