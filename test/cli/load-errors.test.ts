// Scenario errors that keep their place (issue 19, items 7 and 8): a syntax
// error names file:line:col and the reason (it was cut to "Transform failed with
// 1 error:"), an error thrown while the file runs names its line, and duplicate
// phase names are refused at load naming both indexes (a threshold scoped to
// the name used to sum both phases). Exit 2, and a counting server receives nothing.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, scratch } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

const test = suite('load errors');
const tmp = scratch('fxbench-load-errors-');
let server: TestServer | undefined;
test.before(async () => {
  server = await startServer('trivial');
});
test.after(() => {
  server?.stop();
  tmp.cleanup();
});

const sent = async () => Number(await (await fetch(`${server!.url}/count`)).text());
const write = (name: string, text: string) => {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, text);
  return file;
};

test('a syntax error: file:line:col and the reason, exit 2', async () => {
  const file = write(
    's01-syntax.ts',
    `export default {\n  name: 'broken', targets: [{ name: 'srv', provider: 'http', url: '${server!.url}' }], phases: [1, 2: 3],\n};\n`,
  );
  const r = await runCli(['run', file, '--out', path.join(tmp.dir, 'never')]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `fxbench: ${file}:2:`);
  assert.match(r.stderr, /s01-syntax\.ts:2:\d+: cannot load scenario file: Expected "\]" but found ":"\n$/);
  assert.not.match(r.stderr, /Transform failed/);
});

test('an error thrown while the scenario loads: its line, exit 2', async () => {
  const file = write('s02-throw.ts', "const x = 1;\nthrow new Error('no scenario today: ' + x);\nexport default {};\n");
  const r = await runCli(['run', file]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `fxbench: ${file}:2:7: cannot load scenario file: no scenario today: 1`);
});

test('two phases with one name: exit 2 naming both indexes, nothing sent', async () => {
  const file = write(
    'dup.ts',
    `export default {
  name: 'dup',
  targets: [{ name: 'srv', provider: 'http', url: '${server!.url}' }],
  phases: [
    { kind: 'burst', concurrency: 2 },
    { kind: 'steady', name: 'load', rate: 5, duration: '1s' },
    { kind: 'burst', concurrency: 3 },
    { kind: 'steady', name: 'load', users: 1, duration: '1s' },
  ],
  thresholds: { 'requests.count{phase:burst}': '< 100' },
};
`,
  );
  const out = path.join(tmp.dir, 'dup');
  const r = await runCli(['run', file, '--out', out]);
  assert.is(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    `${file}: phases[2].name: phase name "burst" (the default name of a burst phase) is already the name of phases[0]`,
  );
  assert.match(r.stderr, `${file}: phases[3].name: phase name "load" is already the name of phases[1]`);
  assert.is(await sent(), 0);
  assert.not.ok(existsSync(out));
});

test.run();
