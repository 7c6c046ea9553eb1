// Capability mismatches known in advance fail before the first request (issue
// 19, item 4): a warmup (cold first by default) or burst({ coldFirst: true })
// on a driver that cannot force cold starts and has no idleWindow, a memory
// sweep on a driver that cannot set memory. They used to run the earlier phases,
// then exit 3; now `fxbench run` exits 2 naming the phase setting, the target and
// the way out, and a counting server on 127.0.0.1 receives nothing.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, runCli, scratch } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

const test = suite('capabilities checked before the first request');
const tmp = scratch('fxbench-capabilities-');
let server: TestServer | undefined;

test.before(async () => {
  server = await startServer('trivial');
});
test.after(() => {
  server?.stop();
  tmp.cleanup();
});

const sent = async () => Number(await (await fetch(`${server!.url}/count`)).text());
/** A scenario of `phases` against an http target (the counting server) and, with `local`, a local one too. */
const scenario = (name: string, phases: string, local = false) => {
  const file = path.join(tmp.dir, `${name}.ts`);
  const hello = JSON.stringify(path.join(ROOT, 'functions/hello'));
  writeFileSync(
    file,
    `export default {
  name: '${name}',
  ${local ? `functions: { 'caps-hello': { kind: 'node', code: ${hello}, handler: 'index.handler' } },` : ''}
  targets: [${local ? "{ name: 'fn', provider: 'local', function: 'caps-hello' }, " : ''}{ name: 'web', provider: 'http', url: ${JSON.stringify(server!.url)} }],
  phases: [${phases}],
};
`,
  );
  return file;
};

test('a default warmup on an http target: exit 2 before the burst before it sends anything', async () => {
  const out = path.join(tmp.dir, 'warmup');
  const file = scenario('warmup', "{ kind: 'burst', concurrency: 3 }, { kind: 'warmup', requests: 5 }");
  const r = await runCli(['run', file, '--out', out]);
  assert.is(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    `${file}: phases[1].coldFirst: target "web" (provider http) cannot force cold starts (no capability forceCold): warmup "warmup" starts from a cold instance (coldFirst, default true): set coldFirst: false to warm up from whatever state the function is in, or idleWindow (e.g. '10m') to wait for idle instances to be reaped first`,
  );
  assert.is(await sent(), 0, 'the burst before it did not run');
  assert.not.ok(existsSync(out));
});

test('burst coldFirst and a memory sweep on an http target: every mismatch named at once, exit 2', async () => {
  const file = scenario(
    'several',
    "{ kind: 'burst', concurrency: 2, coldFirst: true }, { kind: 'memory', sizes: [128, 256], phase: { kind: 'warmup', requests: 2 } }",
  );
  const r = await runCli(['run', file, '--out', path.join(tmp.dir, 'several')]);
  assert.is(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /phases\[0\]\.coldFirst: target "web" \(provider http\) cannot force cold starts .*set idleWindow/,
  );
  assert.match(
    r.stderr,
    /phases\[1\]\.sizes: target "web" \(provider http\) cannot change the memory size \(no capability setMemory\)/,
  );
  assert.match(r.stderr, /phases\[1\]\.phase\.coldFirst: target "web" \(provider http\) cannot force cold starts/);
  assert.is(await sent(), 0);
});

test('the ways out pass the check: coldFirst: false, an idleWindow', async () => {
  const file = scenario(
    'ok',
    "{ kind: 'warmup', requests: 2, interval: '1ms', coldFirst: false }, { kind: 'burst', concurrency: 2, coldFirst: true, idleWindow: '1ms' }",
  );
  const r = await runCli(['run', file, '--out', path.join(tmp.dir, 'ok'), '-q', '--no-history']);
  assert.is(r.code, 0, r.stderr);
  assert.is(await sent(), 4);
});

test('--target picks the targets checked: a local target that can force cold starts runs alone', async () => {
  const before = await sent();
  const file = scenario('mixed', "{ kind: 'warmup', requests: 2, interval: '1ms' }", true);
  const all = await runCli(['run', file, '--out', path.join(tmp.dir, 'mixed-all')]);
  assert.is(all.code, 2, all.stderr);
  assert.match(all.stderr, /phases\[0\]\.coldFirst: target "web" \(provider http\)/);
  assert.not.match(all.stderr, /target "fn"/);
  const one = await runCli([
    'run',
    file,
    '--target',
    'fn',
    '--out',
    path.join(tmp.dir, 'mixed-fn'),
    '-q',
    '--no-history',
  ]);
  assert.is(one.code, 0, one.stderr);
  assert.match(one.stdout, /fn\s+warmup\s+2\s+0\s+1\s/);
  assert.is(await sent(), before, 'the http target was not run');
});

test.run();
