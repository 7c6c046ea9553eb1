// Scenarios outside the clone: a folder with no bench.config.ts and no
// node_modules, a CommonJS package, functions declared in the scenario itself.
// `import … from 'fxbench'` there gets the running fxbench's API (user-module.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode } from '../../src/model/errors.ts';
import { loadScenario } from '../../src/scenarios/load.ts';
import { defineScenario } from '../../src/scenarios/types.ts';
import { API_URL, importUserModule } from '../../src/scenarios/user-module.ts';
import { isFxError, ROOT, scratch } from '../helpers/cli.ts';

const tmp = scratch('fxbench-load-anywhere-');
const write = (rel: string, text: string) => {
  const file = path.join(tmp.dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};

const HELLO = path.join(ROOT, 'functions/hello');
const INLINE = `import { burst, defineScenario } from 'fxbench';
export default defineScenario({
  name: 'inline',
  functions: { hello: { kind: 'node', code: ${JSON.stringify(HELLO)}, handler: 'index.handler', memoryMB: 256 } },
  targets: [
    { name: 'local', provider: 'local', function: 'hello' },
    { name: 'web', provider: 'http', url: 'http://127.0.0.1:9/' },
  ],
  phases: [burst({ concurrency: 2 })],
});
`;

const test = suite('scenarios anywhere');

test.after(() => tmp.cleanup());

test("'fxbench' resolves to the running API, in a folder with no node_modules", async () => {
  write('esm/package.json', '{"type":"module"}');
  const mod = await importUserModule(
    write('esm/api.ts', "import * as api from 'fxbench';\nexport default api;\nexport const t: number = 1;\n"),
  );
  const api = mod.default as Record<string, unknown>;
  // The same module instance as this process's: not a second copy of fxbench.
  assert.is(api.defineScenario, defineScenario);
  assert.ok(API_URL.endsWith('/src/api.ts'), API_URL);
});

test('a TypeScript scenario in a CommonJS package loads as an ES module', async () => {
  write('cjs/package.json', '{"name":"cjs-project","type":"commonjs"}');
  write('cjs/helper.ts', 'export const size: number = 3;\n');
  const mod = await importUserModule(
    write(
      'cjs/scenario.ts',
      "import { defineScenario } from 'fxbench';\nimport { size } from './helper.ts';\nexport default defineScenario({ name: 'cjs-' + size, targets: [], phases: [] });\nexport const esm = typeof require === 'undefined';\n",
    ),
  );
  assert.is((mod.default as { name: string }).name, 'cjs-3');
  assert.is(mod.esm, true, 'an ES module has no require');
});

test('inline functions and targets need no bench.config.ts; the plan says so', async () => {
  const file = write('inline/scenarios/inline.ts', INLINE);
  const plan = await loadScenario(file, { cwd: path.join(tmp.dir, 'inline') });
  assert.is(plan.configFile, undefined);
  assert.equal(
    plan.targets.map((t) => t.name),
    ['local', 'web'],
  );
  assert.is(plan.targets[0]!.localFunction!.memoryMB, 256);
  assert.ok(plan.targets[0]!.localFunction!.entry.endsWith('functions/hello/index.mjs'));
  assert.is(plan.outRoot, path.join(tmp.dir, 'inline/reports'));
});

test("an inline function's code is relative to the scenario's folder", async () => {
  write('rel/scenarios/fn/index.mjs', 'export const handler = async () => ({ ok: true });\n');
  const file = write(
    'rel/scenarios/s.ts',
    INLINE.replace(JSON.stringify(HELLO), JSON.stringify('fn')).replace(/,\n {4}\{ name: 'web'.*\n/, '\n'),
  );
  const plan = await loadScenario(file, { cwd: tmp.dir });
  assert.is(plan.targets[0]!.localFunction!.entry, path.join(tmp.dir, 'rel/scenarios/fn/index.mjs'));
});

test('a function declared in both the scenario and bench.config.ts is an error', async () => {
  write(
    'both/bench.config.ts',
    `import { defineConfig } from 'fxbench';\nexport default defineConfig({ functions: { hello: { kind: 'node', code: ${JSON.stringify(HELLO)} } } });\n`,
  );
  const file = write('both/s.ts', INLINE);
  await isFxError(() => loadScenario(file, { cwd: path.join(tmp.dir, 'both') }), {
    exitCode: ExitCode.badInput,
    field: 'functions.hello',
    message: /also declared in bench.config.ts; declare it in one place/,
  });
});

test('an unknown local function says where to declare it', async () => {
  const file = write('unknown/s.ts', INLINE.replace("function: 'hello'", "function: 'nope'"));
  await isFxError(() => loadScenario(file, { cwd: path.join(tmp.dir, 'unknown') }), {
    exitCode: ExitCode.badInput,
    field: 'targets[0].function',
    message: /unknown local function "nope"; declared functions: hello/,
  });
});

test.run();
