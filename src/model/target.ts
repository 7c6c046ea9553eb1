/** Targets: the fields every provider shares, and a target as resolved for a run. */
import type { FunctionSpec } from './function.ts';

/** Fields every target has, whatever its provider. */
export interface CommonTargetFields {
  /** Function name as the provider knows it. */
  function: string;
  /** Memory size in MB; overrides the function's own. */
  memoryMB?: number;
  /** How cost is computed or projected (default x86_64 Lambda rules for local). */
  pricing?: { arch?: 'x86_64' | 'arm64' };
}

/** A target resolved against bench.config.ts. */
export interface ResolvedTarget<O = Record<string, unknown>> {
  name: string;
  /** A key of PROVIDER_MODULES (drivers/registry.ts). */
  provider: string;
  /** Function name as the provider knows it ('' where a provider needs none). */
  function: string;
  memoryMB?: number;
  arch: 'x86_64' | 'arm64';
  /** For `local`: the function the runtime serves. */
  localFunction?: FunctionSpec;
  /** Provider-specific checked settings (the provider module's `fields`). */
  options: O;
}
