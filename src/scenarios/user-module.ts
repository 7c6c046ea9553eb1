/**
 * Imports the user's scenario and config files: TypeScript, anywhere on disk,
 * through tsx (the only code tsx compiles when fxbench runs from its build).
 *
 * - `import … from 'fxbench'` in them gets the API of the fxbench that is running,
 *   as k6 resolves 'k6': no node_modules/fxbench is needed beside the file (global
 *   installs, npx), and the file shares this process's fxbench modules.
 * - They load as ES modules even in a CommonJS package, so everything they import
 *   goes through Node's own ESM loader, never through tsx's require hook.
 *
 * Three hooks, registered once per process (hooks registered later run first):
 * the format hook (user-hooks.mjs), then tsx's hooks scoped to a namespace (they
 * touch only the user's files and what those import), then the alias hook. They
 * use the API tsx uses on this Node (in-thread module.registerHooks() on current
 * Nodes, module.register() on Node 20): in-thread hooks run before every
 * loader-thread one, so mixing the two would put the alias after tsx's.
 */
import module from 'node:module';
import { pathToFileURL } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';
import { makeResolve, type ResolveHook } from './user-hooks.mjs';

/** The running fxbench's public API: src/api.ts in a clone, dist/api.js when built. */
export const API_URL: string = new URL(import.meta.url.endsWith('.ts') ? '../api.ts' : '../api.js', import.meta.url)
  .href;
const HOOKS = new URL('./user-hooks.mjs', import.meta.url).href;

type ScopedImport = (specifier: string, parentURL: string) => Promise<Record<string, unknown>>;
type RegisterHooks = (hooks: { resolve: ResolveHook }) => unknown;
let scopedImport: ScopedImport | undefined;
let loads = 0;

/** The module API with registerHooks (Node ≥ 22.15 and 23.5; not in Node 20's types). */
const hooksApi = module as unknown as { registerHooks?: RegisterHooks };

/**
 * Whether tsx registers its hooks in-thread on this Node (its choice depends on
 * the Node version): seen by registering a throwaway namespace, which is
 * unregistered at once, while watching module.registerHooks.
 */
function tsxRunsInThread(): boolean {
  const original = hooksApi.registerHooks;
  if (typeof original !== 'function') return false;
  let used = false;
  hooksApi.registerHooks = (hooks) => {
    used = true;
    return original.call(module, hooks);
  };
  try {
    void registerTsx({ namespace: `fxbench-probe-${process.pid}` }).unregister();
  } finally {
    hooksApi.registerHooks = original;
  }
  return used;
}

function registerOnce(): ScopedImport {
  const namespace = `fxbench-user-${process.pid}`;
  if (tsxRunsInThread()) {
    const registerHooks = hooksApi.registerHooks!.bind(module);
    registerHooks({ resolve: makeResolve('format', namespace) });
    const tsx = registerTsx({ namespace });
    registerHooks({ resolve: makeResolve('alias', API_URL) });
    return tsx.import as ScopedImport;
  }
  module.register(`${HOOKS}?format`, { parentURL: import.meta.url, data: { value: namespace } });
  const tsx = registerTsx({ namespace });
  module.register(`${HOOKS}?alias`, { parentURL: import.meta.url, data: { value: API_URL } });
  return tsx.import as ScopedImport;
}

/** Imports a user's TypeScript (or JavaScript) module by absolute path; resolves to its namespace. */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  scopedImport ??= registerOnce();
  // A fresh copy of the file itself on every load (a changed file is read again).
  const url = pathToFileURL(file);
  url.search = `fxbench-load=${++loads}`;
  return scopedImport(url.href, import.meta.url);
}
