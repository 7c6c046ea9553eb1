// test-timeout: 600 s
// A global install (`npm i -g --prefix <tmp> <tarball>`), then a scenario in a
// folder with no package.json and no node_modules anywhere above it: its
// `import … from 'fxbench'` gets the running fxbench. Then `fxbench init` in an
// empty folder, and the first command it prints, run as printed.
// Install scripts are skipped here (--ignore-scripts; npm ignores --omit=optional
// for global installs): better-sqlite3 stays unbuilt, which on a Node without
// node:sqlite shows that a run without a usable history store still succeeds.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scratch } from '../helpers/cli.ts';
import {
  checkReport,
  countingServer,
  hasNodeSqlite,
  ok,
  packFxbench,
  pathWithThisNode,
  run,
  writeScenario,
} from '../helpers/package.ts';

const tmp = scratch('fxbench-packaging-global-');
const prefix = path.join(tmp.dir, 'prefix');
const bin = path.join(prefix, 'bin');
const env = { PATH: pathWithThisNode(bin) };
const test = suite('packaging: global install, scenario anywhere');
let server: Awaited<ReturnType<typeof countingServer>>;

test.before(async () => {
  server = await countingServer();
});

test.after(async () => {
  await server.close();
  tmp.cleanup();
});

test('npm i -g --prefix <tmp> <tarball>', async () => {
  const { tarball } = await packFxbench(tmp.dir);
  const r = ok(
    await run(
      'npm',
      ['i', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball],
      { cwd: tmp.dir, timeoutMs: 300_000 },
    ),
    'npm i -g',
  );
  process.stdout.write(`# npm i -g --ignore-scripts <tarball>: ${(r.ms / 1000).toFixed(1)} s\n`);
  assert.ok(existsSync(path.join(bin, 'fxbench')));
  const v = ok(await run('fxbench', ['--version'], { cwd: tmp.dir, env, timeoutMs: 30_000 }), 'fxbench --version');
  assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('a scenario in a folder with no node_modules: inline http target and local function', async () => {
  const dir = path.join(tmp.dir, 'anywhere');
  writeScenario(dir, 'loose', server.url);
  for (let d = dir; path.dirname(d) !== d; d = path.dirname(d))
    assert.not.ok(existsSync(path.join(d, 'node_modules')), `${d} has node_modules`);
  const before = server.count();
  const r = ok(
    // --history FILE: with --out alone a run is not recorded (it says so), and this test checks the store.
    await run('fxbench', ['run', 'loose.ts', '--out', 'out', '--history', 'history.sqlite'], {
      cwd: dir,
      env,
      timeoutMs: 120_000,
    }),
    'fxbench run',
  );
  assert.match(r.stderr, /no config file/);
  checkReport(path.join(dir, 'out'));
  assert.is(server.count() - before, 10);
  if (hasNodeSqlite()) assert.match(r.stderr, /recorded in /);
  else assert.match(r.stderr, /warning: could not record the run .*needs SQLite/);
});

test('fxbench init in an empty folder, then its first printed command, as printed', async () => {
  const dir = path.join(tmp.dir, 'fresh');
  mkdirSync(dir);
  const init = ok(await run('fxbench', ['init'], { cwd: dir, env, timeoutMs: 30_000 }), 'fxbench init');
  const first = /Next:\n {2}(\S.*?)\s+#/.exec(init.stdout)?.[1];
  assert.is(first, 'fxbench run scenarios/burst.ts', init.stdout);
  const [command, ...args] = first!.split(' ');
  ok(await run(command!, args, { cwd: dir, env, timeoutMs: 120_000 }), first!);
  const runs = readdirSync(path.join(dir, 'reports')).filter((d) => d.endsWith('-burst'));
  assert.is(runs.length, 1);
  assert.ok(existsSync(path.join(dir, 'reports', runs[0]!, 'index.html')));
});

test.run();
