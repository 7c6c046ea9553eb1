/** What a user writes for a `local` target (bench.config.ts or inline). */
import type { CommonTargetFields } from '../../model/target.ts';

/** `local`: a function declared under `functions` in bench.config.ts, served by the local runtime. */
export interface LocalTargetConfig extends CommonTargetFields {
  provider: 'local';
}
