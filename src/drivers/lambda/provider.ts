/**
 * The `lambda` provider: an AWS Lambda function, invoked through the Invoke API
 * (default) or its Function URL (`url`). Target fields are checked strictly at
 * load; credentials and the function's existence are checked in `prepare`.
 */
import { fail } from '../../config/check.ts';
import type { ProviderModule } from '../provider.ts';
import { lambdaFields } from './target.ts';
import { LambdaDriver } from './driver.ts';

export const lambdaProvider: ProviderModule = {
  provider: 'lambda',
  description: 'an AWS Lambda function, through the Invoke API (SigV4) or its Function URL',
  functionRequired: false,
  fields: lambdaFields,
  resolve(checked, path, ctx) {
    if (checked.function === undefined && checked.url === undefined) fail(ctx, `${path}.function`, 'is required (or "url" for a Function URL)');
    if (checked.auth !== undefined && checked.url === undefined) fail(ctx, `${path}.auth`, 'applies to Function URLs only: set "url" too, or remove "auth"');
    if (typeof checked.function === 'string' && !/^[\w:.$-]{1,256}$/.test(checked.function)) fail(ctx, `${path}.function`, `expected a function name, name:alias or ARN, got ${JSON.stringify(checked.function)}`);
    return {};
  },
  create: (target) => new LambdaDriver(target),
};
