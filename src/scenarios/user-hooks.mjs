// Module hooks (node:module register()) for the user's scenario and config files,
// registered by user-module.ts around tsx's own hooks. Plain JavaScript: hooks run
// in Node's loader thread, before any TypeScript loader exists there. One file,
// registered twice; the query of its URL says which role this copy plays:
//
//   ?alias   (runs before tsx) `import … from 'fxbench'` resolves to the API of the
//            fxbench that is running, wherever the user's file is (no node_modules
//            needed: global installs, npx) and whatever is installed beside it.
//   ?format  (runs after tsx) the user's .ts/.tsx files are ES modules even in a
//            CommonJS package (no "type": "module"), so they, and what they import,
//            load through Node's ESM loader; tsx would otherwise compile them to
//            CommonJS and load their imports (fxbench, undici…) through its require hook.
const role = new URL(import.meta.url).search.slice(1);
let api = '';

/** Gets the running fxbench's API URL (alias role). */
export function initialize(data) {
  if (data?.api) api = data.api;
}

export async function resolve(specifier, context, nextResolve) {
  if (role === 'alias' && specifier === 'fxbench' && api) return { url: api, format: 'module', shortCircuit: true };
  const resolved = await nextResolve(specifier, context);
  if (role === 'format' && resolved.format !== 'module' && isUserTypeScript(resolved.url))
    return { ...resolved, format: 'module' };
  return resolved;
}

/** A .ts/.tsx file outside node_modules (.mts is ESM anyway; .cts stays CommonJS). */
function isUserTypeScript(url) {
  if (!url.startsWith('file:')) return false;
  const { pathname } = new URL(url);
  return /\.tsx?$/.test(pathname) && !pathname.includes('/node_modules/');
}
