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
 * user-hooks.mjs?format, then tsx's hooks scoped to a namespace (they touch only
 * the user's files and what those import), then user-hooks.mjs?alias.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';

/** The running fxbench's public API: src/api.ts in a clone, dist/api.js when built. */
export const API_URL: string = new URL(import.meta.url.endsWith('.ts') ? '../api.ts' : '../api.js', import.meta.url)
  .href;
const HOOKS = new URL('./user-hooks.mjs', import.meta.url).href;

type ScopedImport = (specifier: string, parentURL: string) => Promise<Record<string, unknown>>;
let scopedImport: ScopedImport | undefined;
let loads = 0;

/** Imports a user's TypeScript (or JavaScript) module by absolute path; resolves to its namespace. */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  if (!scopedImport) {
    register(`${HOOKS}?format`, import.meta.url);
    const tsx = registerTsx({ namespace: `fxbench-user-${process.pid}` });
    register(`${HOOKS}?alias`, { parentURL: import.meta.url, data: { api: API_URL } });
    scopedImport = tsx.import as ScopedImport;
  }
  // A fresh copy of the file itself on every load (a changed file is read again).
  const url = pathToFileURL(file);
  url.search = `fxbench-load=${++loads}`;
  return scopedImport(url.href, import.meta.url);
}
