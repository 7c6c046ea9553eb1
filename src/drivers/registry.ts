/**
 * Every provider by name. The one place that maps provider names to code: add a
 * provider by adding its module here.
 */
import { FxError } from '../model/errors.ts';
import { lambdaProvider } from './lambda/provider.ts';
import { openfaasProvider } from './openfaas/provider.ts';
import { gcfProvider } from './gcf/provider.ts';
import { httpProvider } from './http/provider.ts';
import { localProvider } from './local/provider.ts';
import { azureProvider } from './azure/provider.ts';
import { registered, type RegisteredProvider } from './provider.ts';
import type { Driver } from './types.ts';
import type { Capabilities } from '../model/invocation.ts';
import type { ProviderPlanning } from '../model/planning.ts';
import type { ResolvedTarget } from '../model/target.ts';

export const PROVIDER_MODULES: Record<string, RegisteredProvider> = {
  [localProvider.provider]: registered(localProvider),
  [httpProvider.provider]: registered(httpProvider),
  [lambdaProvider.provider]: registered(lambdaProvider),
  [openfaasProvider.provider]: registered(openfaasProvider),
  [gcfProvider.provider]: registered(gcfProvider),
  [azureProvider.provider]: registered(azureProvider),
};

/** Makes the driver for a target. */
export function createDriver(target: ResolvedTarget): Driver {
  const mod = PROVIDER_MODULES[target.provider];
  if (!mod) throw FxError.runFailed(`target ${target.name}: no driver for provider ${JSON.stringify(target.provider)}`);
  return mod.create(target);
}

/** What a target's driver can do before it is prepared (ProviderModule.capabilities). */
export function capabilitiesOf(target: ResolvedTarget): Capabilities {
  const mod = PROVIDER_MODULES[target.provider];
  if (!mod) throw FxError.runFailed(`target ${target.name}: no driver for provider ${JSON.stringify(target.provider)}`);
  return mod.capabilities(target);
}

/** Providers a capacity plan can be made for (those declaring `planning`). */
export function plannedProviders(): string[] {
  return Object.values(PROVIDER_MODULES)
    .filter((m) => m.planning)
    .map((m) => m.provider);
}

/**
 * A provider's planning entry. A provider without one (e.g. `http`) is planned
 * as a self-hosted platform whose limits are the user's: the `openfaas` entry.
 */
export function planningFor(provider: string): ProviderPlanning {
  return (PROVIDER_MODULES[provider]?.planning ?? openfaasProvider.planning)!;
}
