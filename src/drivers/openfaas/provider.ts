/** The `openfaas` provider: a function behind an OpenFaaS gateway (gateway REST API: https://docs.openfaas.com/reference/rest-api/, read 2026-11). */
import { fail } from '../../config/check.ts';
import type { ProviderModule } from '../provider.ts';
import { openfaasFields } from './target.ts';
import { OPENFAAS_CAPABILITIES, OpenFaasDriver } from './driver.ts';
import { SELF_HOSTED_COST } from '../../cost/cost.ts';

export const openfaasProvider: ProviderModule<typeof openfaasFields> = {
  provider: 'openfaas',
  description: 'a function behind an OpenFaaS gateway (/function/NAME; /system API with basic auth)',
  fields: openfaasFields,
  resolve(checked, path, ctx) {
    if (
      typeof checked.function === 'string' &&
      !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/.test(checked.function)
    ) {
      fail(
        ctx,
        `${path}.function`,
        `expected an OpenFaaS function name ("name" or "name.namespace", lower-case DNS label), got ${JSON.stringify(checked.function)}`,
      );
    }
    return {};
  },
  planning: {
    limits: {
      maxConcurrency: null,
      scaleStep: null,
      scaleWindowS: null,
      instanceConcurrency: 1,
      source: 'OpenFaaS: self-hosted, limits are your cluster’s (set --limit maxConcurrency=…)',
    },
    cost: SELF_HOSTED_COST,
  },
  capabilities: () => ({ ...OPENFAAS_CAPABILITIES }),
  create: (target) => new OpenFaasDriver(target),
};
