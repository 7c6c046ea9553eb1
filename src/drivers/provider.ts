/**
 * How a provider plugs in: the target fields it accepts (checked strictly, like
 * every other input), how it resolves them, and how it makes a driver. Adding a
 * provider is one folder plus one line in registry.ts (and its target type in
 * targets.ts); nothing outside drivers/ names a provider.
 */
import type { CheckContext, Checked, Fields } from '../config/check.ts';
import type { Driver } from './types.ts';
import type { Capabilities } from '../model/invocation.ts';
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

/** The target fields every provider shares, as checked (load.ts checks them before the provider's own). */
export interface CommonChecked {
  provider: string;
  function?: string;
  memoryMB?: number;
  pricing?: { arch?: 'x86_64' | 'arm64' };
}

/**
 * A provider's entry in the registry. `F` is its target fields; `O` the options
 * its driver gets (by default the checked fields, typed from `F`, so each field is
 * declared once). resolve() and create() are methods, so a module of any `F`/`O`
 * is a ProviderModule in the registry.
 */
export interface ProviderModule<F extends Fields = Fields, O = Checked<F>> {
  /** The `provider:` value in a target. */
  provider: string;
  /** One line for --help and error messages. */
  description: string;
  /**
   * Target fields this provider accepts besides the common ones (`provider`,
   * `function`, `memoryMB`, `pricing`, and `name` for inline targets).
   */
  fields: F;
  /** Whether `function` is required for this provider (default true). */
  functionRequired?: boolean;
  /**
   * Checks cross-field rules and resolves the target (e.g. looks up the local
   * function). `checked` holds the checked fields; record issues in `ctx` at
   * `path`. Return what to set on the target (`options` when they differ from the
   * checked fields), or undefined on error.
   */
  resolve(
    checked: Checked<F> & CommonChecked,
    path: string,
    ctx: CheckContext,
    rc: ResolveContext,
  ): Partial<ResolvedTarget<O>> | undefined;
  /** Limits and billing for capacity plans; absent: planned as a self-hosted platform of unknown limits. */
  planning?: ProviderPlanning;
  /**
   * What a driver for this target can do, as far as the target's options tell
   * (before any request): the run checks its phases against it up front. A
   * driver's prepare() may only turn capabilities off, never on.
   */
  capabilities(target: ResolvedTarget<O>): Capabilities;
  /** Makes the driver for a resolved target. */
  create(target: ResolvedTarget<O>): Driver;
}

/** A provider module as the registry holds it: its field and option types erased. */
export interface RegisteredProvider extends Omit<ProviderModule, 'resolve' | 'create' | 'capabilities'> {
  resolve(
    checked: Record<string, unknown> & CommonChecked,
    path: string,
    ctx: CheckContext,
    rc: ResolveContext,
  ): Partial<ResolvedTarget> | undefined;
  capabilities(target: ResolvedTarget): Capabilities;
  create(target: ResolvedTarget): Driver;
}

/**
 * Erases a module's types for the registry. Safe by construction: load.ts checks
 * a target with the same module's `fields` before calling its resolve(), and
 * create() gets the options that module's resolve() (or its fields) produced.
 */
export function registered<F extends Fields, O>(m: ProviderModule<F, O>): RegisteredProvider {
  return m as unknown as RegisteredProvider;
}
