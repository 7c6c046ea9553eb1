/** Makes the driver for a target. The one place that maps provider names to code. */
import type { ResolvedTarget } from '../scenarios/plan.ts';
import { LocalDriver } from './local.ts';
import type { Driver } from './types.ts';

export function createDriver(target: ResolvedTarget): Driver {
  switch (target.provider) {
    case 'local':
      return new LocalDriver(target);
  }
}
