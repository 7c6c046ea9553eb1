// test-timeout: 900 s
// The package as a user gets it: `npm pack`, then `npm init -y && npm i <tarball>`
// in a new project (CommonJS, as npm init writes it), a scenario there importing
// 'fxbench' with an inline http target (a 127.0.0.1 server this test runs) and an
// inline local function, no bench.config.ts; `npx fxbench run` must write whole
// reports. The same from a folder of that project that is an ES module package.
// Plain Node imports the API from the build, and TypeScript finds its types.
// (Where this Node has no node:sqlite, better-sqlite3 installs from the prebuilt
// binary a user would download, here the one npm ci built (localPrebuildEnv), and
// it must load in the project; elsewhere install scripts are skipped,
// as fxbench never loads it there. Not --omit=optional: that also
// drops esbuild's platform binary, which tsx needs.)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, scratch } from '../helpers/cli.ts';
import {
  checkReport,
  countingServer,
  hasNodeSqlite,
  localPrebuildEnv,
  ok,
  packFxbench,
  run,
  writeScenario,
} from '../helpers/package.ts';

const tmp = scratch('fxbench-packaging-local-');
const project = path.join(tmp.dir, 'project');
const test = suite('packaging: npm i of the tarball into a new project');
let server: Awaited<ReturnType<typeof countingServer>>;
let tarball = '';

test.before(async () => {
  server = await countingServer();
  const packed = await packFxbench(tmp.dir);
  tarball = packed.tarball;
  process.stdout.write(`# packed ${path.basename(tarball)}: ${packed.size} bytes, ${packed.files} files\n`);
});

test.after(async () => {
  await server.close();
  tmp.cleanup();
});

test('the tarball holds the build and what init copies, not the sources or tests', async () => {
  const list = ok(await run('tar', ['tzf', tarball], { cwd: tmp.dir, timeoutMs: 30_000 }), 'tar').stdout.split('\n');
  for (const f of [
    'package/bin/fxbench.mjs',
    'package/dist/cli/index.js',
    'package/dist/api.d.ts',
    'package/dist/runtime/bootstrap.mjs',
    'package/dist/runtime/bootstrap-core.cjs',
    'package/dist/runtime/import-helper.cjs',
    'package/dist/scenarios/user-hooks.mjs',
    'package/templates/init/bench.config.ts',
    'package/functions/hello/index.mjs',
    'package/README.md',
  ])
    assert.ok(list.includes(f), f);
  const stray = list.filter((f) => /^package\/(src|test|bench|scripts|\.ci)\/|__pycache__|\.pyc$/.test(f));
  assert.equal(stray, []);
});

test('npm init -y, npm i <tarball>: a CommonJS project', async () => {
  mkdirSync(project);
  ok(await run('npm', ['init', '-y'], { cwd: project, timeoutMs: 60_000 }), 'npm init');
  const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as { type?: string };
  assert.ok(pkg.type === undefined || pkg.type === 'commonjs', `type ${pkg.type}`);
  // On a Node with node:sqlite fxbench never loads better-sqlite3: skip building it.
  const flags = hasNodeSqlite() ? ['--ignore-scripts'] : [];
  // Elsewhere better-sqlite3 installs from a prebuilt binary, as a user's does (localPrebuildEnv).
  const env = hasNodeSqlite() ? {} : await localPrebuildEnv(path.join(tmp.dir, 'prebuilds'));
  const r = ok(
    await run('npm', ['i', '--no-audit', '--no-fund', '--prefer-offline', ...flags, tarball], {
      cwd: project,
      env,
      timeoutMs: 600_000,
    }),
    'npm i',
  );
  const how = flags.length
    ? flags.join(' ')
    : env.npm_config_better_sqlite3_local_prebuilds
      ? '(prebuilt better-sqlite3)'
      : '(better-sqlite3 built from source)';
  process.stdout.write(`# npm i ${how} <tarball>: ${(r.ms / 1000).toFixed(1)} s\n`);
  assert.ok(existsSync(path.join(project, 'node_modules/.bin/fxbench')));
  if (!hasNodeSqlite()) {
    const q =
      "const D = require('better-sqlite3'); process.stdout.write(String(new D(':memory:').prepare('select 6 * 7 as x').get().x))";
    const loaded = ok(
      await run('node', ['-e', q], { cwd: project, timeoutMs: 60_000 }),
      'better-sqlite3 in the project',
    );
    assert.is(loaded.stdout.trim(), '42');
  }
});

test('npx fxbench run: inline http target and local function, no config, in the CommonJS project', async () => {
  const scenario = writeScenario(path.join(project, 'scenarios'), 'anywhere', server.url);
  const before = server.count();
  const r = ok(
    await run('npx', ['fxbench', 'run', path.relative(project, scenario), '--out', 'reports/cjs'], {
      cwd: project,
      timeoutMs: 120_000,
    }),
    'npx fxbench run',
  );
  process.stdout.write(`# first npx fxbench run in the project: ${(r.ms / 1000).toFixed(1)} s\n`);
  assert.match(r.stderr, /fxbench: anywhere \(scenarios\/anywhere\.ts\), no config file/);
  checkReport(path.join(project, 'reports/cjs'));
  assert.is(server.count() - before, 10, 'the server answered the 10 invocations');
});

test('the same from an ES module folder of the project', async () => {
  const dir = path.join(project, 'esm');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  writeScenario(dir, 'esm', server.url);
  ok(
    await run('npx', ['fxbench', 'run', 'esm/esm.ts', '--out', 'reports/esm', '--quiet'], {
      cwd: project,
      timeoutMs: 120_000,
    }),
    'npx fxbench run esm',
  );
  checkReport(path.join(project, 'reports/esm'));
});

test('plain Node imports and requires the API; TypeScript resolves its types', async () => {
  const imported = ok(
    await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('fxbench'); console.log(typeof m.defineScenario, typeof m.runPlan)",
      ],
      { cwd: project, timeoutMs: 60_000 },
    ),
    'import',
  );
  assert.is(imported.stdout.trim(), 'function function');
  const required = ok(
    await run(process.execPath, ['-e', "console.log(typeof require('fxbench').burst)"], {
      cwd: project,
      timeoutMs: 60_000,
    }),
    'require',
  );
  assert.is(required.stdout.trim(), 'function');
  // The ES module folder's scenario against the installed package's .d.ts files.
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const typed = await run(
    process.execPath,
    [
      tsc,
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--skipLibCheck',
      '--types',
      'node',
      '--typeRoots',
      path.join(ROOT, 'node_modules/@types'),
      'esm/esm.ts',
    ],
    { cwd: project, timeoutMs: 120_000 },
  );
  assert.is(typed.code, 0, typed.stdout + typed.stderr);
  writeFileSync(path.join(project, 'esm/bad.ts'), "import { burst } from 'fxbench';\nburst({ concurency: 5 });\n");
  const bad = await run(
    process.execPath,
    [
      tsc,
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--skipLibCheck',
      '--types',
      'node',
      '--typeRoots',
      path.join(ROOT, 'node_modules/@types'),
      'esm/bad.ts',
    ],
    { cwd: project, timeoutMs: 120_000 },
  );
  assert.match(bad.stdout, /'concurency' does not exist/);
});

test.run();
