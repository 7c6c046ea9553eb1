// test-timeout: 300 s
// `fxbench fleet deploy` from the build, not only from the clone (issue 14 part
// 1): src/ compiled as scripts/build.mjs compiles it (tsconfig.build.json) into a
// scratch package folder (package.json beside dist/, as npm installs it), then
// the built lambda-bundle.js bundles the built dist/fleet/lambda-handler.js.
// The bundle must load with nothing beside it (no package.json, no
// node_modules: as in /var/task) and run a share against a 127.0.0.1 server.
// And package.json's "files" ships dist/, where the handler entry is.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, scratch } from '../helpers/cli.ts';
import { countingServer, run } from '../helpers/package.ts';

const tmp = scratch('fxbench-fleet-pkg-');
const pkg = path.join(tmp.dir, 'pkg');
const test = suite('fleet worker bundled from the build');
let server: Awaited<ReturnType<typeof countingServer>>;

test.before(async () => {
  server = await countingServer();
});
test.after(async () => {
  await server.close();
  tmp.cleanup();
});

test('package.json ships dist/ (the handler entry is dist/fleet/lambda-handler.js)', () => {
  const files = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
  assert.ok(files.includes('dist/'), files.join());
});

test('the built bundler bundles the built handler; the bundle runs alone', async () => {
  mkdirSync(pkg);
  copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
  const tsc = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      path.join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      path.join(pkg, 'dist'),
      '--declaration',
      'false',
      '--sourceMap',
      'false',
    ],
    { encoding: 'utf8', timeout: 240_000 },
  );
  assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);
  const out = path.join(tmp.dir, 'task'); // like /var/task: the bundle alone
  const build = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { buildWorkerBundle, HANDLER_ENTRY } = await import(${JSON.stringify(path.join(pkg, 'dist/fleet/lambda-bundle.js'))});
       const b = await buildWorkerBundle(${JSON.stringify(out)});
       console.log(JSON.stringify({ entry: HANDLER_ENTRY, bytes: b.bytes }));`,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.is(build.status, 0, build.stderr);
  const built = JSON.parse(build.stdout) as { entry: string; bytes: number };
  assert.is(built.entry, path.join(pkg, 'dist/fleet/lambda-handler.js'));
  assert.ok(built.bytes > 500_000, `${built.bytes} bytes`);
  // A share of a one-request steady phase, the scenario as the client bundles it (`fxbench` bound to the worker's API).
  const scenario = `const api = globalThis[Symbol.for('fxbench.fleet.api')];
export default api.defineScenario({ name: 'pkg', targets: [{ name: 'srv', provider: 'http', url: '${server.url}/', method: 'GET' }],
  phases: [api.steady({ rate: 2, duration: '1s' })] });`;
  const event = {
    fxbenchFleet: 1,
    scenario: { file: 'scenarios/pkg.ts', code: scenario },
    shard: { index: 0, count: 1 },
    startAtMs: Date.now() + 1500,
  };
  // Not spawnSync: the server answering it lives in this process's event loop.
  const runs = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { handler } = await import(${JSON.stringify(path.join(out, 'index.mjs'))});
       const a = await handler(${JSON.stringify(event)});
       const s = a.result.targets[0].summary;
       console.log(JSON.stringify({ version: a.result.tool.version, requests: s.requests, ok: s.ok, shard: a.result.shard, file: a.result.scenario.file, started: a.actualStartMs !== undefined }));`,
    ],
    { cwd: tmp.dir, timeoutMs: 60_000 },
  );
  assert.is(runs.code, 0, runs.stderr);
  const answer = JSON.parse(runs.stdout) as Record<string, unknown>;
  const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  assert.equal(answer, {
    version,
    requests: 2,
    ok: 2,
    shard: { index: 1, count: 1 },
    file: 'scenarios/pkg.ts',
    started: true,
  });
  assert.is(server.count(), 2);
});

test.run();
