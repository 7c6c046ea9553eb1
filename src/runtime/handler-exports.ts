/**
 * Whether a `node` function's handler module exports the handler, found when
 * the config is loaded (a missing export is exit 2 at load, not an init-error on
 * every invocation) without running any of the function's code: the module is
 * parsed, with its local imports, by esbuild (which tsx, fxbench's loader of
 * TypeScript, brings), and the export names of the bundle are read from its
 * metafile. Only a certain answer is acted on: when the module is CommonJS, is
 * made of `export * from` a package, or has a default export (fxbench's bootstrap
 * then also looks for the handler on the default export, which only running the
 * code would tell), or cannot be parsed, the answer is "unknown" and the run
 * shows what happens, as before.
 *
 * esbuild is asked only when the handler's name is not even a word of the
 * module's text (a typo, a wrong name): a parse costs tens of milliseconds, and
 * a name that does appear is left to the run, as before.
 *
 * Loading the module in a throwaway process instead would answer every case,
 * but runs the function's init code (its side effects, and its time: seconds for
 * some) at every config load, including `fxbench plan` and `serve`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Esbuild from 'esbuild';

let esbuild: typeof Esbuild | null | undefined;
const cache = new Map<string, string[] | null>();

function loadEsbuild(): typeof Esbuild | null {
  if (esbuild !== undefined) return esbuild;
  const require = createRequire(import.meta.url);
  try {
    esbuild = require('esbuild') as typeof Esbuild;
  } catch {
    try {
      esbuild = createRequire(require.resolve('tsx'))('esbuild') as typeof Esbuild;
    } catch {
      esbuild = null;
    }
  }
  return esbuild;
}

/**
 * The names module `file` exports, following its local imports; null when they
 * cannot be known without running it (see the file's comment).
 */
export function moduleExports(file: string): string[] | null {
  if (cache.has(file)) return cache.get(file)!;
  let names: string[] | null = null;
  const esb = loadEsbuild();
  if (esb) {
    try {
      const r = esb.buildSync({
        entryPoints: [file],
        bundle: true,
        write: false,
        metafile: true,
        format: 'esm',
        platform: 'node',
        packages: 'external',
        outdir: '/fxbench-exports-check',
        logLevel: 'silent',
      });
      const out = Object.values(r.metafile.outputs).find((o) => o.entryPoint !== undefined);
      const anyCjs = Object.values(r.metafile.inputs).some((i) => i.format === 'cjs');
      const reexports = r.outputFiles.some((f) => /\bexport\s*\*\s*from\b/.test(f.text));
      if (out && !anyCjs && !reexports) names = out.exports;
    } catch {
      names = null; // a parse error: the run reports it (init-error), as before
    }
  }
  cache.set(file, names);
  return names;
}

/**
 * Why `file` certainly cannot provide handler `name`, or undefined when it has
 * it or that cannot be known without running it.
 */
export function missingHandlerExport(file: string, name: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // unreadable: the run reports it
  }
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`(^|[^\\w$])${escaped}($|[^\\w$])`).test(text)) return undefined;
  const names = moduleExports(file);
  if (!names || names.includes(name) || names.includes('default')) return undefined;
  return names.length ? `it exports only ${names.map((n) => JSON.stringify(n)).join(', ')}` : 'it exports nothing';
}
