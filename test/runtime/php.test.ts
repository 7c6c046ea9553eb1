// PHP on the local runtime, the three ways the product's sources run it: a Lambda
// custom runtime (functions/php-hello/bootstrap, written in PHP, speaking the
// Runtime API), OpenFaaS's classic fork watchdog (functions/php-fork: a process
// per request, body on stdin) and of-watchdog's http mode (functions/php-http:
// PHP's built-in server behind the proxy). Real php-cli processes (Debian's
// php-cli, installed by .ci/run), invoked at the Lambda path.
import { execFileSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LocalRuntime } from '../../src/runtime/runtime.ts';
import { alive } from '../helpers/cli.ts';
import { call, spec, startRuntime } from '../helpers/runtime.ts';

const test = suite('PHP: custom runtime, fork watchdog, http mode');
let rt: LocalRuntime;
const seen = new Set<number>();

test.before(async () => {
  try {
    execFileSync('php', ['-v']);
  } catch {
    throw new Error('php-cli is not installed (Debian: apt-get install php-cli; .ci/run installs it)');
  }
  rt = await startRuntime([
    spec('php', { kind: 'bootstrap', code: 'functions/php-hello', handler: 'handler.hello' }),
    spec('php-missing', { kind: 'bootstrap', code: 'functions/php-hello', handler: 'handler.nope' }),
    spec('php-fork', { kind: 'fork', code: 'functions/php-fork', command: 'php handler.php' }),
    spec('php-http', { kind: 'http', code: 'functions/php-http', command: './serve' }),
  ]);
});

test.after(async () => {
  await rt.stop();
  for (const pid of seen) assert.not.ok(alive(pid), `instance ${pid} outlived the runtime`);
});

test('bootstrap in PHP: cold with init duration, then warm on the same instance; the event reaches the handler', async () => {
  const a = await call(rt, 'php', { name: 'fxbench' });
  assert.is(a.status, 200, a.body);
  assert.is(a.errorClass, null, a.body);
  assert.is(a.json.message, 'hello, fxbench');
  assert.match(String(a.json.runtime), /^php 8\./);
  assert.ok(a.cold && a.initMs! > 0, `cold with init ${a.initMs}`);
  const b = await call(rt, 'php', {});
  assert.is(b.json.message, 'hello, world');
  assert.not.ok(b.cold);
  assert.is(b.json.instanceId, a.json.instanceId, 'the same PHP process served both');
  assert.is(b.json.invocations, 2);
  for (const pid of rt.pids('php')) seen.add(pid);
});

test('bootstrap in PHP: a handler function that does not exist is an init error posted to /init/error', async () => {
  const r = await call(rt, 'php-missing', {});
  assert.is(r.errorClass, 'init-error', r.body);
  assert.match(r.body, /handler function nope not found/);
});

test('fork: a new PHP process per invocation (every one cold), body on stdin', async () => {
  const a = await call(rt, 'php-fork', { name: 'a' });
  const b = await call(rt, 'php-fork', { name: 'b' });
  assert.is(a.status, 200, a.body);
  assert.is(a.json.message, 'hello, a');
  assert.is(b.json.message, 'hello, b');
  assert.ok(a.cold && b.cold, 'fork: every invocation is cold');
  assert.is.not(a.json.pid, b.json.pid);
  seen.add(a.json.pid as number);
  seen.add(b.json.pid as number);
});

test('http: PHP built-in server behind the proxy: cold then warm on the same server process', async () => {
  const a = await call(rt, 'php-http', { name: 'x' });
  assert.is(a.status, 200, a.body);
  assert.is(a.json.message, 'hello, x');
  assert.ok(a.cold);
  const b = await call(rt, 'php-http', {});
  assert.not.ok(b.cold);
  assert.is(b.json.instanceId, a.json.instanceId);
  for (const pid of rt.pids('php-http')) seen.add(pid);
});

test.run();
