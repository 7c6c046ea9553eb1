// fxbench's Node.js bootstrap, the fallback path (see bootstrap-core.cjs for the
// fast path, a V8 startup snapshot): loads the handler with import(), so
// TypeScript handlers (run with --import tsx) and handlers with top-level await
// work. Plain JavaScript: it is on every cold start's path.
import { pathToFileURL } from 'node:url';
import core from './bootstrap-core.cjs';

await core.start((file) => import(pathToFileURL(file).href));
