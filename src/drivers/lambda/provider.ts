/**
 * The `lambda` provider: an AWS Lambda function, invoked through the Invoke API
 * (default) or its Function URL (`url`). Target fields are checked strictly at
 * load; credentials and the function's existence are checked in `prepare`.
 */
import { fail } from '../../config/check.ts';
import type { ProviderModule } from '../provider.ts';
import { lambdaFields } from './target.ts';
import { LambdaDriver, lambdaCapabilities } from './driver.ts';
import { lambdaPriceModel, managedCost } from '../../cost/cost.ts';

export const lambdaProvider: ProviderModule<typeof lambdaFields> = {
  provider: 'lambda',
  description: 'an AWS Lambda function, through the Invoke API (SigV4) or its Function URL',
  functionRequired: false,
  fields: lambdaFields,
  resolve(checked, path, ctx) {
    if (checked.function === undefined && checked.url === undefined)
      fail(ctx, `${path}.function`, 'is required (or "url" for a Function URL)');
    if (checked.auth !== undefined && checked.url === undefined)
      fail(ctx, `${path}.auth`, 'applies to Function URLs only: set "url" too, or remove "auth"');
    if (typeof checked.function === 'string' && !/^[\w:.$-]{1,256}$/.test(checked.function))
      fail(
        ctx,
        `${path}.function`,
        `expected a function name, name:alias or ARN, got ${JSON.stringify(checked.function)}`,
      );
    return {};
  },
  planning: {
    limits: {
      // docs.aws.amazon.com/lambda/latest/dg/limits.html: "Concurrent executions: 1,000" default quota (per Region);
      // docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html: "for each function, your concurrency scaling rate
      // is 1,000 execution environment instances every 10 seconds". Both read 2026-11-22.
      maxConcurrency: 1000,
      scaleStep: 1000,
      scaleWindowS: 10,
      instanceConcurrency: 1,
      source:
        'AWS Lambda quotas and scaling behavior docs (read 2026-11-22): 1,000 concurrent per Region (default), +1,000 instances per 10 s per function',
    },
    cost: managedCost(lambdaPriceModel('x86_64')),
  },
  capabilities: lambdaCapabilities,
  create: (target) => new LambdaDriver(target),
};
