// A `node` function whose handler export does not exist is refused when the
// config loads (exit 2 naming the function and the field; nothing started,
// nothing sent), found by parsing the module, never by running it
// (src/runtime/handler-exports.ts); where the exports cannot be known without
// running the code, nothing is refused.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { missingHandlerExport, moduleExports } from '../../src/runtime/handler-exports.ts';
import { ROOT, runCli, scratch } from '../helpers/cli.ts';

const M = path.join(ROOT, 'test/fixtures/exports/modules');
const tmp = scratch();
const parse = suite('the exports of a handler module, read without running it');

parse('certain: named, renamed, TypeScript, re-exported from a local module', () => {
  assert.equal(moduleExports(`${M}/named.mjs`), ['handler']);
  assert.equal(moduleExports(`${M}/renamed.mjs`), ['handler']);
  assert.equal(moduleExports(`${M}/typed.ts`), ['handler']);
  assert.equal(moduleExports(`${M}/star-local.mjs`)?.sort(), ['handler', 'other']);
  assert.is(missingHandlerExport(`${M}/named.mjs`, 'handler'), undefined);
  assert.is(missingHandlerExport(`${M}/named.mjs`, 'nope'), 'it exports only "handler"');
  assert.match(missingHandlerExport(`${M}/star-local.mjs`, 'nope') ?? '', /"handler"/);
});

parse('unknown, so never refused: CommonJS, a default export, export * from a package, a parse error', () => {
  assert.is(moduleExports(`${M}/common.cjs`), null);
  assert.is(moduleExports(`${M}/star-package.mjs`), null);
  // Written here: a file that does not parse would fail the project's own format check.
  const broken = path.join(tmp.dir, 'broken.mjs');
  writeFileSync(broken, 'export const handler = ;\n');
  assert.is(moduleExports(broken), null);
  for (const f of [`${M}/common.cjs`, `${M}/default.mjs`, `${M}/star-package.mjs`, broken])
    assert.is(missingHandlerExport(f, 'nope'), undefined, f);
  // Only a name that is not even a word of the module is looked up (a parse costs tens of ms): one in a
  // comment is left to the run.
  const mentioned = path.join(tmp.dir, 'mentioned.mjs');
  writeFileSync(mentioned, '// no nope here\nexport const handler = async () => 1;\n');
  assert.is(missingHandlerExport(mentioned, 'nope'), undefined);
  assert.is(missingHandlerExport(mentioned, 'nop'), 'it exports only "handler"');
});

parse.run();

// ---
const run = suite('fxbench run with handler "index.nope" (module present, export missing)');
run.after(() => tmp.cleanup());

run('exit 2 naming the function and the field; the module was never loaded, nothing invoked', async () => {
  const countFile = path.join(tmp.dir, 'count');
  writeFileSync(countFile, '');
  const r = await runCli(
    [
      'run',
      'test/fixtures/exports/burst.ts',
      '--config',
      'test/fixtures/exports/bench.config.ts',
      '--out',
      path.join(tmp.dir, 'out'),
      '--no-history',
    ],
    { env: { FXBENCH_TEST_COUNT_FILE: countFile } },
  );
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /functions\.nope\.handler/);
  assert.match(r.stderr, /index\.mjs has no export "nope" \(it exports only "handler"\)/);
  assert.is(readFileSync(countFile, 'utf8'), '', 'no load, no invocation');
  assert.not.match(r.stdout, /local-nope\s+burst/, 'no summary: nothing was run');
});

run.run();
