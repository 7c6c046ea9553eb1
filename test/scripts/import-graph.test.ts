// scripts/import-graph.mjs is the check in `npm test` that keeps src/ free of
// import cycles and upward imports; these cases make sure it would catch both.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const script = path.resolve('scripts/import-graph.mjs');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fxbench-graph-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function run(dir: string) {
  const r = spawnSync(process.execPath, [script, '--src', dir], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  return r;
}

test('the project itself has no cycle and no upward import', () => {
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout);
  assert.match(r.stdout, /^0 import cycle\(s\)$/m);
  assert.match(r.stdout, /^0 upward import\(s\)$/m);
});

test('a type-only cycle between two files fails, naming both', () => {
  const dir = tree({
    'metrics/a.ts': "import type { B } from './b.ts';\nexport type A = B[];\n",
    'metrics/b.ts': "import type { A } from './a.ts';\nexport type B = { a?: A };\n",
  });
  const r = run(dir);
  assert.is(r.status, 1);
  assert.match(r.stdout, /1 import cycle\(s\)/);
  assert.match(r.stdout, /cycle: metrics\/a\.ts <-> metrics\/b\.ts/);
});

test('an import from a lower layer into a higher one fails', () => {
  const dir = tree({
    'model/result.ts': "import { x } from '../report/html.ts';\nexport const y = x;\n",
    'report/html.ts': 'export const x = 1;\n',
  });
  const r = run(dir);
  assert.is(r.status, 1);
  assert.match(r.stdout, /model\/result\.ts -> report\/html\.ts: imports upward/);
});

test('a re-export and a dynamic import count as imports', () => {
  const dir = tree({
    'cli/a.ts': "export { b } from './b.ts';\n",
    'cli/b.ts': "export const b = () => import('./a.ts');\n",
  });
  const r = run(dir);
  assert.is(r.status, 1);
  assert.match(r.stdout, /cycle: cli\/a\.ts <-> cli\/b\.ts/);
});

test.run();
