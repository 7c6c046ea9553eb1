import { check, optional, required, type Checked } from '../../config/check.ts';
import { urlChecker } from '../url-check.ts';
import type { CommonTargetFields } from '../../model/target.ts';
/** What a user writes for a `gcf` target (bench.config.ts or inline). */

/**
 * `gcf`: a Google Cloud Function (1st gen) or Cloud Run function (2nd gen) with an
 * HTTP trigger. Private functions get a Google-signed ID token (audience = the
 * URL) from Application Default Credentials; public ones need `auth: 'none'`.
 */
export interface GcfTargetConfig extends Omit<CommonTargetFields, 'function'> {
  provider: 'gcf';
  /** Trigger URL: `https://REGION-PROJECT.cloudfunctions.net/NAME` or `https://NAME-HASH-REGION.a.run.app`. */
  url: string;
  /** Name in reports (default: the URL's last path segment, or its host). */
  function?: string;
  /** 1 (Cloud Functions 1st gen) or 2 (Cloud Run functions); default 2, and always 2 for `*.run.app`. */
  generation?: 1 | 2;
  /** `id-token` (default): Authorization: Bearer <ID token>; `none` for public functions. */
  auth?: 'id-token' | 'none';
  /** Region for reports (default: read from a gen1 URL). */
  region?: string;
  /** gen2 vCPUs, for cost (default: the memory size's default). */
  cpu?: number;
  /** gen1 price tier (default "tier1"). */
  priceTier?: 'tier1' | 'tier2';
  /**
   * Without the instance-id snippet, cold starts are guessed: an invocation at
   * least this slow, and at least 3× the fastest seen, counts as cold (default "1s").
   * Reported as method `heuristic`.
   */
  heuristicCold?: string | number;
}

/** The target fields a `gcf` target accepts besides the common ones, as checked at load. */
export const gcfFields = {
  url: required(urlChecker()),
  generation: optional(check.int(1, 2)),
  auth: optional(check.oneOf(['id-token', 'none'])),
  region: optional(check.string()),
  cpu: optional(check.number(0.08, 8)),
  priceTier: optional(check.oneOf(['tier1', 'tier2'])),
  heuristicCold: optional(check.durationMs()),
};

/** Target settings of a `gcf` target, as checked (durations in ms). */
export type GcfOptions = Checked<typeof gcfFields>;
