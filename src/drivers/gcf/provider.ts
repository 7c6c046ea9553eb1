/** The `gcf` provider: an HTTP-triggered Google Cloud Function, gen1 or gen2 (https://cloud.google.com/functions/docs/calling/http, read 2026-11). */
import { fail } from '../../config/check.ts';
import type { ProviderModule } from '../provider.ts';
import { gcfFields } from './target.ts';
import { GCF_CAPABILITIES, GcfDriver } from './driver.ts';
import { gcfGen2PriceModel, managedCost } from '../../cost/cost.ts';

export const gcfProvider: ProviderModule<typeof gcfFields> = {
  provider: 'gcf',
  description: 'an HTTP-triggered Google Cloud Function (1st gen) or Cloud Run function (2nd gen)',
  functionRequired: false,
  fields: gcfFields,
  resolve(checked, path, ctx) {
    if (typeof checked.url === 'string' && /\.run\.app$/.test(safeHost(checked.url)) && checked.generation === 1)
      fail(
        ctx,
        `${path}.generation`,
        'a *.run.app URL is a 2nd gen (Cloud Run) function: remove "generation" or set 2',
      );
    if (checked.cpu !== undefined && checked.generation === 1)
      fail(ctx, `${path}.cpu`, 'applies to 2nd gen only (1st gen CPU follows memory)');
    if (checked.priceTier !== undefined && checked.generation !== 1)
      fail(ctx, `${path}.priceTier`, 'applies to 1st gen only (set generation: 1)');
    return {};
  },
  planning: {
    limits: {
      // Gen2 functions run at concurrency 1 by default (https://cloud.google.com/run/pricing and the Cloud Run functions docs, read 2026-11); no scaling rate is
      // documented in the sources we keep, so throttling risk is not assessed unless configured.
      maxConcurrency: null,
      scaleStep: null,
      scaleWindowS: null,
      instanceConcurrency: 1,
      source:
        'Cloud Run functions: concurrency 1 per instance by default (cloud.google.com/run/docs/about-concurrency, read 2026-11); scaling rate not documented here',
    },
    // Cloud Run functions (gen2) is what `gcloud functions deploy` creates today; gen1 is legacy.
    cost: managedCost(gcfGen2PriceModel()),
  },
  capabilities: () => ({ ...GCF_CAPABILITIES }),
  create: (target) => new GcfDriver(target),
};

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
