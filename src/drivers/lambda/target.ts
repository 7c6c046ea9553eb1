import { check, optional, type Checked } from '../../config/check.ts';
import { pricesChecker, urlChecker } from '../url-check.ts';
import type { CommonTargetFields } from '../../model/target.ts';
/** What a user writes for a `lambda` target (bench.config.ts or inline). */

/**
 * `lambda`: an AWS Lambda function. Invoke API by default (cold starts, init,
 * billed duration and memory from the REPORT line); Function URL with `url`
 * (cold starts by the instance-id snippet). Credentials come from the AWS SDK's
 * default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID…, SSO, IMDS).
 */
export interface LambdaTargetConfig extends Omit<CommonTargetFields, 'function'> {
  provider: 'lambda';
  /** Function name, `name:alias` or ARN. Required unless `url` is set. */
  function?: string;
  /** AWS region (default AWS_REGION; for a Function URL, read from its host). */
  region?: string;
  /** Version or alias (default `$LATEST`). `forceCold` and `setMemory` need `$LATEST`. */
  qualifier?: string;
  /** Invoke API endpoint override, e.g. a local emulator (default `https://lambda.REGION.amazonaws.com`). */
  endpoint?: string;
  /** Function URL (`https://ID.lambda-url.REGION.on.aws/`): invoke through it instead of the Invoke API. */
  url?: string;
  /** Function URL auth type (default `AWS_IAM`: requests are SigV4-signed). */
  auth?: 'NONE' | 'AWS_IAM';
  /** Named profile from ~/.aws/config (default AWS_PROFILE or "default"). */
  profile?: string;
  /** Bound on waiting for `LastUpdateStatus=Successful` after a config change (default "60s"). */
  updateTimeout?: string | number;
  /** Poll interval while waiting (default "1s"). */
  updatePoll?: string | number;
  /** Price overrides, USD. */
  prices?: { perRequestUSD?: number; perGBSecondUSD?: number };
}

/** The target fields a `lambda` target accepts besides the common ones, as checked at load. */
export const lambdaFields = {
  region: optional(check.string()),
  qualifier: optional(check.string()),
  endpoint: optional(urlChecker()),
  url: optional(urlChecker()),
  auth: optional(check.oneOf(['NONE', 'AWS_IAM'])),
  profile: optional(check.string()),
  updateTimeout: optional(check.durationMs()),
  updatePoll: optional(check.durationMs()),
  prices: optional(pricesChecker(['perRequestUSD', 'perGBSecondUSD'])),
};

/** Target settings of a `lambda` target, as checked (durations in ms). */
export type LambdaOptions = Checked<typeof lambdaFields>;
