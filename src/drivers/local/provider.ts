/** The `local` provider: functions declared in bench.config.ts or the scenario, served by the local runtime. */
import { CONFIG_FILE_NAME } from '../../config/names.ts';
import { LOCAL_CAPABILITIES, LocalDriver } from './driver.ts';
import type { ProviderModule } from '../provider.ts';
import { SELF_HOSTED_COST } from '../../cost/cost.ts';

export const localProvider: ProviderModule<Record<string, never>> = {
  provider: 'local',
  description: 'a function declared under "functions" in bench.config.ts or the scenario, served by the local runtime',
  fields: {},
  resolve(checked, path, ctx, rc) {
    const fn = checked.function ?? '';
    const spec = rc.functions.get(fn);
    if (!spec) {
      const known = [...rc.functions.keys()];
      ctx.issues.push({
        file: ctx.file,
        field: `${path}.function`,
        message: `unknown local function ${JSON.stringify(fn)}; ${known.length ? `declared functions: ${known.join(', ')}` : `declare it under "functions" in the scenario or in ${CONFIG_FILE_NAME}`}`,
      });
      return undefined;
    }
    const memoryMB = checked.memoryMB;
    return { localFunction: memoryMB ? { ...spec, memoryMB } : spec };
  },
  planning: {
    limits: {
      maxConcurrency: 100,
      scaleStep: null,
      scaleWindowS: null,
      instanceConcurrency: 1,
      source: 'fxbench local runtime defaults: maxInstances 100, one invocation per instance',
    },
    cost: SELF_HOSTED_COST,
    billedAs: ['lambda'],
  },
  capabilities: () => ({ ...LOCAL_CAPABILITIES }),
  create: (target) => new LocalDriver(target),
};
