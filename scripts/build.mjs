#!/usr/bin/env node
// Builds the package: src/ compiled to dist/ by tsc (tsconfig.build.json: ES
// modules, .d.ts, source maps; `.ts` import specifiers rewritten to `.js`), then
// every file of src/ that is not TypeScript (the runtime's bootstrap-core.cjs,
// bootstrap.mjs, import-helper.cjs; scenarios/user-hooks.mjs) copied beside its
// compiled neighbours, since the code finds them relative to its own file
// (`new URL('./bootstrap.mjs', import.meta.url)`). Run by `npm run build` and by
// npm itself before packing (`prepack`). Built beside, then swapped in by renames,
// so a process using dist/ meanwhile never sees it half written or missing.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const next = path.join(root, `dist.build-${process.pid}`);
const old = path.join(root, `dist.old-${process.pid}`);

rmSync(next, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', next],
  { stdio: 'inherit' },
);
if (tsc.status !== 0) {
  rmSync(next, { recursive: true, force: true });
  process.stderr.write(`build: tsc failed (exit ${tsc.status ?? tsc.signal})\n`);
  process.exit(1);
}

let copied = 0;
(function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const from = path.join(dir, name);
    if (statSync(from).isDirectory()) copyAssets(from);
    else if (!/\.tsx?$/.test(name)) {
      const to = path.join(next, path.relative(src, from));
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(from, to);
      copied++;
    }
  }
})(src);
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
process.stdout.write(`build: dist/ written (${copied} non-TypeScript files copied from src/)\n`);
