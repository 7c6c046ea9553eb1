// Module resolve hooks for the user's scenario and config files, registered by
// user-module.ts around tsx's own hooks, with whichever API tsx uses on this Node:
// module.registerHooks() (in-thread, synchronous: current Nodes) or
// module.register() (the loader thread: Node 20), so the order holds. Plain
// JavaScript: in the loader thread no TypeScript loader exists. Two roles:
//
//   alias   (runs before tsx) `import … from 'fxbench'` resolves to the API of the
//           fxbench that is running, wherever the user's file is (no node_modules
//           needed: global installs, npx) and whatever is installed beside it.
//   format  (runs after tsx) the user's .ts/.tsx files are ES modules even in a
//           CommonJS package (no "type": "module"), so they, and what they import,
//           load through Node's ESM loader; tsx would otherwise compile them to
//           CommonJS and load their imports (fxbench, undici…) through its require hook.

/**
 * The resolve hook of a role; `nextResolve` may answer at once (registerHooks) or
 * with a promise (register). `value` is the API's URL (alias) or tsx's namespace
 * for the user's files (format).
 */
export function makeResolve(role, value) {
  if (role === 'alias')
    return (specifier, context, nextResolve) =>
      specifier === 'fxbench' ? { url: value, format: 'module', shortCircuit: true } : nextResolve(specifier, context);
  return (specifier, context, nextResolve) => {
    // A tsx registered for the whole process (a clone runs its sources so) would act
    // for our namespace too and load the file as CommonJS before this hook could
    // say otherwise: it resolves from the parent's plain URL; tsx's namespaced hooks,
    // which run before this one, add the namespace back to the result.
    const parentURL = withoutNamespace(context.parentURL, value);
    const resolved = nextResolve(specifier, parentURL === context.parentURL ? context : { ...context, parentURL });
    return typeof resolved?.then === 'function' ? resolved.then(asModule) : asModule(resolved);
  };
}

function withoutNamespace(url, namespace) {
  if (!namespace || !url?.includes('tsx-namespace=')) return url;
  const u = new URL(url);
  if (u.searchParams.get('tsx-namespace') !== namespace) return url;
  u.searchParams.delete('tsx-namespace');
  return u.href;
}

function asModule(resolved) {
  return resolved.format !== 'module' && isUserTypeScript(resolved.url) ? { ...resolved, format: 'module' } : resolved;
}

/** A .ts/.tsx file outside node_modules (.mts is ESM anyway; .cts stays CommonJS). */
function isUserTypeScript(url) {
  if (!url.startsWith('file:')) return false;
  const { pathname } = new URL(url);
  return /\.tsx?$/.test(pathname) && !pathname.includes('/node_modules/');
}

// module.register() entry points: the role is the query of this file's URL.
let hook = makeResolve(new URL(import.meta.url).search.slice(1), '');

/** module.register() data: { value } (see makeResolve). */
export function initialize(data) {
  hook = makeResolve(new URL(import.meta.url).search.slice(1), data?.value ?? '');
}

export async function resolve(specifier, context, nextResolve) {
  return hook(specifier, context, nextResolve);
}
