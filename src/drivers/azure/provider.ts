/**
 * The `azure` provider: an HTTP-triggered Azure Function (Functions host v4, any
 * language), on the Flex Consumption or the (legacy) Consumption plan
 * (https://learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger, read 2026-11-30).
 */
import { fail } from '../../config/check.ts';
import type { ProviderModule } from '../provider.ts';
import { AZURE_CAPABILITIES, AzureDriver, azureKeyOf, FUNCTION_KEY_QUERY } from './driver.ts';
import { AZURE_KEY_ENV, azureFields } from './target.ts';

/** Flex Consumption instance memory sizes, MB (learn.microsoft.com/azure/azure-functions/flex-consumption-plan, read 2026-11-30). */
export const FLEX_INSTANCE_MEMORY_MB = [512, 2048, 4096] as const;

export const azureProvider: ProviderModule<typeof azureFields> = {
  provider: 'azure',
  description: 'an HTTP-triggered Azure Function (Flex Consumption or Consumption plan)',
  functionRequired: false,
  fields: azureFields,
  resolve(checked, path, ctx) {
    let query: URLSearchParams | undefined;
    try {
      query = new URL(checked.url).searchParams;
    } catch {
      /* the url field's own check reported it */
    }
    // The portal's "Get function URL" appends ?code=<key>: refused, so the key never sits in a URL that reports show.
    // The message names the field, never the value.
    if (query?.has(FUNCTION_KEY_QUERY))
      fail(
        ctx,
        `${path}.url`,
        `contains the function key (?${FUNCTION_KEY_QUERY}=…): remove it from the URL and set ${AZURE_KEY_ENV} (or "key"); fxbench sends it as x-functions-key, or with keyIn: "query" as ?${FUNCTION_KEY_QUERY}=`,
      );
    if (checked.key !== undefined && checked.keyEnv !== undefined)
      fail(ctx, `${path}.key`, 'set "key" or "keyEnv", not both');
    if (checked.authLevel === 'anonymous') {
      for (const f of ['key', 'keyEnv', 'keyIn'] as const)
        if (checked[f] !== undefined)
          fail(ctx, `${path}.${f}`, 'has no use with authLevel "anonymous" (no key is sent)');
    } else if (!azureKeyOf(checked)) {
      fail(
        ctx,
        `${path}.key`,
        `missing: authLevel "function" (the default) needs a function key: set the ${checked.keyEnv ?? AZURE_KEY_ENV} environment variable (or "key"), or authLevel: "anonymous" for a public function`,
      );
    }
    if (
      checked.instanceMemoryMB !== undefined &&
      !(FLEX_INSTANCE_MEMORY_MB as readonly number[]).includes(checked.instanceMemoryMB)
    )
      fail(
        ctx,
        `${path}.instanceMemoryMB`,
        `expected one of ${FLEX_INSTANCE_MEMORY_MB.join(', ')} (Flex Consumption instance sizes), got ${checked.instanceMemoryMB}`,
      );
    if (checked.plan === 'consumption' && checked.instanceMemoryMB !== undefined)
      fail(
        ctx,
        `${path}.instanceMemoryMB`,
        'applies to plan "flex" only (Consumption bills observed memory: memoryMB)',
      );
    if (checked.plan !== 'consumption' && checked.memoryMB !== undefined)
      fail(
        ctx,
        `${path}.memoryMB`,
        'applies to plan "consumption" (observed memory); Flex Consumption bills its instance memory: set instanceMemoryMB (512, 2048 or 4096)',
      );
    return {};
  },
  capabilities: () => ({ ...AZURE_CAPABILITIES }),
  create: (target) => new AzureDriver(target),
};
