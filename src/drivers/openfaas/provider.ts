/** The `openfaas` provider: a function behind an OpenFaaS gateway (providers.md §2). */
import { fail } from '../../config/check.ts';
import type { ProviderModule } from '../provider.ts';
import { openfaasFields } from './target.ts';
import { OpenFaasDriver } from './driver.ts';

export const openfaasProvider: ProviderModule = {
  provider: 'openfaas',
  description: 'a function behind an OpenFaaS gateway (/function/NAME; /system API with basic auth)',
  fields: openfaasFields,
  resolve(checked, path, ctx) {
    if (typeof checked.function === 'string' && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/.test(checked.function)) {
      fail(ctx, `${path}.function`, `expected an OpenFaaS function name ("name" or "name.namespace", lower-case DNS label), got ${JSON.stringify(checked.function)}`);
    }
    return {};
  },
  create: (target) => new OpenFaasDriver(target),
};
