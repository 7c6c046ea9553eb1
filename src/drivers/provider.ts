/**
 * How a provider plugs in: the target fields it accepts (checked strictly, like
 * every other input), how it resolves them, and how it makes a driver. Adding a
 * provider is one folder plus one line in registry.ts (and its target type in
 * targets.ts); nothing outside drivers/ names a provider.
 */
import type { CheckContext, Fields } from '../config/check.ts';
import type { Driver } from './types.ts';
import type { ProviderPlanning } from '../model/planning.ts';
import type { FunctionSpec } from '../model/function.ts';
import type { ResolvedTarget } from '../model/target.ts';

/** What a provider may look up while resolving a target. */
export interface ResolveContext {
  /** Functions declared for the local runtime in bench.config.ts. */
  functions: Map<string, FunctionSpec>;
  /** Name of the config file, for messages. */
  configFile: string;
}

/** A provider's entry in the registry. */
export interface ProviderModule {
  /** The `provider:` value in a target. */
  provider: string;
  /** One line for --help and error messages. */
  description: string;
  /**
   * Target fields this provider accepts besides the common ones (`provider`,
   * `function`, `memoryMB`, `pricing`, and `name` for inline targets).
   */
  fields: Fields;
  /** Whether `function` is required for this provider (default true). */
  functionRequired?: boolean;
  /**
   * Checks cross-field rules and resolves the target (e.g. looks up the local
   * function). `checked` holds the checked fields; record issues in `ctx` at
   * `path`. Return the provider options to keep on the target, or undefined on error.
   */
  resolve(checked: Record<string, unknown>, path: string, ctx: CheckContext, rc: ResolveContext): Partial<ResolvedTarget> | undefined;
  /** Limits and billing for capacity plans; absent: planned as a self-hosted platform of unknown limits. */
  planning?: ProviderPlanning;
  /** Makes the driver for a resolved target. */
  create(target: ResolvedTarget): Driver;
}
