import { check, optional, required, type Checked } from '../../config/check.ts';
import { pricesChecker, urlChecker } from '../url-check.ts';
import type { CommonTargetFields } from '../../model/target.ts';
/** What a user writes for an `azure` target (bench.config.ts or inline). */

/**
 * `azure`: an HTTP-triggered Azure Function (`https://APP.azurewebsites.net/api/NAME`).
 * With `authLevel: "function"` (the default of `func new`) every request carries a
 * function key, in the `x-functions-key` header (default) or the `code` query
 * parameter; the key comes from `key` or, better, the AZURE_FUNCTIONS_KEY
 * environment variable (or the one `keyEnv` names) and never reaches a report.
 * Cold starts by the instance-id snippet (snippets/node/azure-functions.mjs).
 */
export interface AzureTargetConfig extends Omit<CommonTargetFields, 'function'> {
  provider: 'azure';
  /** Function URL without the key: `https://APP.azurewebsites.net/api/NAME`. */
  url: string;
  /** Name in reports (default: the URL's last path segment). */
  function?: string;
  /** `function` (default): a function (or host) key is sent; `anonymous`: no key. */
  authLevel?: 'function' | 'anonymous';
  /** The function key. Prefer the environment variable (`keyEnv`). Never written to results. */
  key?: string;
  /** Environment variable holding the function key (default AZURE_FUNCTIONS_KEY). */
  keyEnv?: string;
  /** Where the key goes: `header` (x-functions-key, default) or `query` (?code=). */
  keyIn?: 'header' | 'query';
  /** Hosting plan, for cost: `flex` (Flex Consumption, default) or `consumption` (legacy Consumption). */
  plan?: 'flex' | 'consumption';
  /** Flex Consumption instance memory, MB: 512, 2048 (default) or 4096. */
  instanceMemoryMB?: 512 | 2048 | 4096;
  /** Region for reports. */
  region?: string;
  /** Price overrides, USD. */
  prices?: { perExecutionUSD?: number; perGBSecondUSD?: number };
}

/** The target fields an `azure` target accepts besides the common ones, as checked at load. */
export const azureFields = {
  url: required(urlChecker()),
  authLevel: optional(check.oneOf(['function', 'anonymous'])),
  key: optional(check.string()),
  keyEnv: optional(check.string()),
  keyIn: optional(check.oneOf(['header', 'query'])),
  plan: optional(check.oneOf(['flex', 'consumption'])),
  instanceMemoryMB: optional(check.int(512, 4096)),
  region: optional(check.string()),
  prices: optional(pricesChecker(['perExecutionUSD', 'perGBSecondUSD'])),
};

/** Target settings of an `azure` target, as checked. */
export type AzureOptions = Checked<typeof azureFields>;

/** Environment variable read for the function key when neither `key` nor `keyEnv` is set. */
export const AZURE_KEY_ENV = 'AZURE_FUNCTIONS_KEY';
