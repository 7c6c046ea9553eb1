/** The `openfaas` provider: a function behind an OpenFaaS gateway (providers.md §2). */
import { check, fail, optional, required } from '../../config/check.ts';
import type { ProviderModule } from '../provider.ts';
import { urlChecker } from '../url-check.ts';
import { OpenFaasDriver } from './driver.ts';

/** Target settings of an `openfaas` target, as checked (durations in ms). */
export interface OpenFaasOptions {
  gateway: string;
  username?: string;
  password?: string;
  scaleTimeout?: number;
  scalePoll?: number;
  nodePricePerHourUSD?: number;
  nodes?: number;
}

export const openfaasProvider: ProviderModule = {
  provider: 'openfaas',
  description: 'a function behind an OpenFaaS gateway (/function/NAME; /system API with basic auth)',
  fields: {
    gateway: required(urlChecker()),
    username: optional(check.string()),
    password: optional(check.string()),
    scaleTimeout: optional(check.durationMs()),
    scalePoll: optional(check.durationMs()),
    nodePricePerHourUSD: optional(check.number(0)),
    nodes: optional(check.int(1, 10_000)),
  },
  resolve(checked, path, ctx) {
    if (typeof checked.function === 'string' && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/.test(checked.function)) {
      fail(ctx, `${path}.function`, `expected an OpenFaaS function name ("name" or "name.namespace", lower-case DNS label), got ${JSON.stringify(checked.function)}`);
    }
    return {};
  },
  create: (target) => new OpenFaasDriver(target),
};
