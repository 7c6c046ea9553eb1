/** What a user writes for a `gcf` target (bench.config.ts or inline). */
import type { CommonTargetFields } from '../../scenarios/types.ts';

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
