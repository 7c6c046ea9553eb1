// Types of user-hooks.mjs for user-module.ts.

/** A resolve hook for module.registerHooks() or module.register(). */
export type ResolveHook = (
  specifier: string,
  context: object,
  nextResolve: (specifier: string, context?: object) => unknown,
) => unknown;

/**
 * The resolve hook of a role: 'alias' ('fxbench' → `value`, the API's URL) or
 * 'format' (user .ts files are ES modules; `value` is tsx's namespace for them).
 */
export function makeResolve(role: 'alias' | 'format', value: string): ResolveHook;
