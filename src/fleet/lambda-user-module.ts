/**
 * The fleet worker's stand-in for scenarios/user-module.ts (swapped in when the
 * worker is bundled, lambda-bundle.ts): the scenario and config arrive bundled as
 * plain JavaScript, so a plain `import()` loads them; no tsx, no esbuild binary
 * in the Lambda package. Same exports as the module it replaces.
 */
import { pathToFileURL } from 'node:url';

/** Unused in the worker (the bundled scenario's `fxbench` import is bound to a global instead). */
export const API_URL = 'fxbench';

let loads = 0;

/** Imports a bundled module by absolute path; a fresh copy each time. */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file);
  url.search = `fxbench-load=${++loads}`;
  return (await import(url.href)) as Record<string, unknown>;
}
