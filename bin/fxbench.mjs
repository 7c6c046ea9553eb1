#!/usr/bin/env node
// fxbench's command line. Installed from the package it runs the compiled code in
// dist/ (plain Node; tsx is loaded only to read the user's scenario and config
// files). In a clone (src/ is here) it runs the TypeScript sources through tsx, so
// edits need no build; FXBENCH_DIST=1 runs the build there instead (`npm run build`).
import { existsSync } from 'node:fs';
import module from 'node:module';

let entry = new URL('../dist/cli/index.js', import.meta.url);
const source = new URL('../src/cli/index.ts', import.meta.url);
if (process.env.FXBENCH_DIST !== '1' && existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source;
} else {
  // Node ≥ 22.1 keeps V8's compiled code of fxbench and its dependencies on disk
  // (os.tmpdir()/node-compile-cache): later starts skip most compiling.
  module.enableCompileCache?.();
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
