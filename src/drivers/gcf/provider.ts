/** The `gcf` provider: an HTTP-triggered Google Cloud Function, gen1 or gen2 (providers.md §3). */
import { check, fail, optional, required } from '../../config/check.ts';
import type { ProviderModule } from '../provider.ts';
import { urlChecker } from '../url-check.ts';
import { GcfDriver } from './driver.ts';

/** Target settings of a `gcf` target, as checked (durations in ms). */
export interface GcfOptions {
  url: string;
  generation?: 1 | 2;
  auth?: 'id-token' | 'none';
  region?: string;
  cpu?: number;
  priceTier?: 'tier1' | 'tier2';
  heuristicCold?: number;
}

export const gcfProvider: ProviderModule = {
  provider: 'gcf',
  description: 'an HTTP-triggered Google Cloud Function (1st gen) or Cloud Run function (2nd gen)',
  functionRequired: false,
  fields: {
    url: required(urlChecker()),
    generation: optional(check.int(1, 2)),
    auth: optional(check.oneOf(['id-token', 'none'])),
    region: optional(check.string()),
    cpu: optional(check.number(0.08, 8)),
    priceTier: optional(check.oneOf(['tier1', 'tier2'])),
    heuristicCold: optional(check.durationMs()),
  },
  resolve(checked, path, ctx) {
    if (typeof checked.url === 'string' && /\.run\.app$/.test(safeHost(checked.url)) && checked.generation === 1) fail(ctx, `${path}.generation`, 'a *.run.app URL is a 2nd gen (Cloud Run) function: remove "generation" or set 2');
    if (checked.cpu !== undefined && checked.generation === 1) fail(ctx, `${path}.cpu`, 'applies to 2nd gen only (1st gen CPU follows memory)');
    if (checked.priceTier !== undefined && checked.generation !== 1) fail(ctx, `${path}.priceTier`, 'applies to 1st gen only (set generation: 1)');
    return {};
  },
  create: (target) => new GcfDriver(target),
};

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
