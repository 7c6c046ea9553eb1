// Failures on the local runtime, through real processes: a handler error is the
// invocation's answer (instance kept); a crash mid-invocation is a
// function-error (instance replaced); a failing init is an init-error; the
// runtime keeps serving throughout. Bad declarations stop at load with the
// function and field named (exit 2), through the API and through `fxbench serve`.
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CheckContext } from '../../src/config/check.ts';
import { checkFunction } from '../../src/runtime/function-spec.ts';
import type { LocalRuntime } from '../../src/runtime/runtime.ts';
import { alive, ROOT, runCli, scratch } from '../helpers/cli.ts';
import { call, spec, startRuntime } from '../helpers/runtime.ts';

// ---
const errors = suite('function errors and crashes are classified; the runtime keeps serving');
let rt: LocalRuntime;
errors.before(async () => {
  rt = await startRuntime([
    spec('fail', { kind: 'node', code: 'functions/fail' }),
    spec('py', { kind: 'bootstrap', code: 'functions/python-hello', handler: 'handler.handler' }),
    spec('web', { kind: 'http', code: 'functions/http-hello', command: 'node server.mjs' }),
    spec('fork', { kind: 'fork', code: 'functions/fork-hello', command: './handler.py' }),
    spec('hello', { kind: 'node', code: 'functions/hello' }),
  ]);
});
errors.after(() => rt.stop());

errors('node: a thrown error is a function-error with the error object; the warm instance is kept', async () => {
  const ok = await call(rt, 'fail', {});
  const r = await call(rt, 'fail', { fail: 'throw' });
  assert.is(r.status, 200, 'function errors are 200 on the Invoke API');
  assert.is(r.errorClass, 'function-error');
  assert.ok(r.functionError);
  assert.is(r.json.errorMessage, 'failed on demand');
  assert.is(r.json.errorType, 'Error');
  assert.not.ok(r.cold);
  assert.is(r.instanceId, ok.instanceId);
  const after = await call(rt, 'fail', {});
  assert.is(after.instanceId, ok.instanceId, 'same instance afterwards');
  assert.not.ok(after.cold);
});

errors('python: a raised exception is a function-error; the instance is kept', async () => {
  const ok = await call(rt, 'py', {});
  const r = await call(rt, 'py', { fail: 'throw' });
  assert.is(r.errorClass, 'function-error');
  assert.is(r.json.errorType, 'ValueError');
  const after = await call(rt, 'py', {});
  assert.is(after.instanceId, ok.instanceId);
});

for (const name of ['fail', 'py', 'web']) {
  errors(
    `${name}: the process exiting mid-invocation is a function-error; the instance is replaced, the next is cold`,
    async () => {
      await call(rt, name, {});
      const [pid] = rt.pids(name);
      const r = await call(rt, name, { fail: 'exit' });
      assert.is(r.errorClass, 'function-error', r.body);
      assert.is(r.json.errorType, 'Runtime.ExitError');
      assert.match(String(r.json.errorMessage), /instance exited \(code 3/);
      assert.not.ok(alive(pid!), 'old process gone');
      const next = await call(rt, name, {});
      assert.is(next.errorClass, null, next.body);
      assert.ok(next.cold);
      const other = await call(rt, 'hello', {});
      assert.is(other.errorClass, null, 'other functions unaffected');
    },
  );
}

errors('fork: a non-zero exit is a function-error (500 on the OpenFaaS path, with the stderr line)', async () => {
  const r = await call(rt, 'fork', { fail: 'exit' });
  assert.is(r.errorClass, 'function-error');
  assert.match(String(r.json.errorMessage), /exit status 3: failing on demand/);
  const res = await fetch(`${rt.url}/function/fork`, { method: 'POST', body: '{"fail":"exit"}' });
  assert.is(res.status, 500);
  assert.is(res.headers.get('x-openfaas-internal'), 'of-watchdog');
  await res.arrayBuffer();
});

errors('http: an upstream 500 is passed through as the function answer and counted a function-error', async () => {
  const res = await fetch(`${rt.url}/function/web`, { method: 'POST', body: '{"fail":"500"}' });
  assert.is(res.status, 500);
  assert.is(res.headers.get('x-fxbench-error-class'), 'function-error');
  assert.is(res.headers.get('x-openfaas-internal'), null, 'not a platform failure');
  await res.arrayBuffer();
});

errors.run();

// ---
const init = suite('init failures are init-errors; every attempt starts a new instance');
let rtInit: LocalRuntime;
init.before(async () => {
  rtInit = await startRuntime([
    spec('init-throws', { kind: 'node', code: 'test/fixtures/functions/init-throws' }),
    spec('py-missing', { kind: 'bootstrap', code: 'functions/python-hello', handler: 'nosuchmodule.handler' }),
    spec('web-dies', { kind: 'http', code: 'functions/http-hello', command: ['node', '-e', 'process.exit(2)'] }),
    spec('hello', { kind: 'node', code: 'functions/hello' }),
  ]);
});
init.after(() => rtInit.stop());

init('node: a module that throws at load is an init-error carrying its message', async () => {
  for (let i = 0; i < 2; i++) {
    const r = await call(rtInit, 'init-throws', {});
    assert.is(r.errorClass, 'init-error', r.body);
    assert.ok(r.functionError);
    assert.ok(r.cold);
    assert.is(r.headers['x-fxbench-cold'], '1');
    assert.match(r.json.errorMessage as string, /init failed on purpose/);
    assert.is(rtInit.instanceCount('init-throws'), 0, 'the failed instance is gone');
  }
  const ok = await call(rtInit, 'hello', {});
  assert.is(ok.errorClass, null, 'the runtime keeps serving');
});

init('custom runtime: an import failure posted to /runtime/init/error is an init-error with its type', async () => {
  const r = await call(rtInit, 'py-missing', {});
  assert.is(r.errorClass, 'init-error', r.body);
  assert.is(r.json.errorType, 'ModuleNotFoundError');
  assert.match(r.json.errorMessage as string, /nosuchmodule/);
});

init('http: an upstream that exits before it is ready is an init-error', async () => {
  const r = await call(rtInit, 'web-dies', {});
  assert.is(r.errorClass, 'init-error', r.body);
  assert.match(r.json.errorMessage as string, /instance exited during init \(code 2/);
  assert.is(rtInit.instanceCount('web-dies'), 0);
});

init.run();

// ---
const config = suite('bad function declarations fail at load, naming the function and the field');

function issues(name: string, raw: unknown, baseDir = ROOT): string[] {
  const ctx: CheckContext = { file: 'bench.config.ts', issues: [] };
  const s = checkFunction(name, raw, `functions.${name}`, baseDir, ctx);
  assert.is(s, undefined, 'no spec for a bad declaration');
  return ctx.issues.map((i) => `${i.field}: ${i.message}`);
}

config('each bad field is reported at its path', () => {
  const dir = scratch();
  try {
    mkdirSync(path.join(dir.dir, 'noexec'));
    copyFileSync(path.join(ROOT, 'functions/python-hello/bootstrap'), path.join(dir.dir, 'noexec/bootstrap'));
    chmodSync(path.join(dir.dir, 'noexec/bootstrap'), 0o644);
    assert.match(
      issues('a', { kind: 'node', code: 'functions/hello', handler: 'missing.handler' })[0]!,
      /^functions\.a\.handler: no module "missing"/,
    );
    assert.match(
      issues('b', { kind: 'bootstrap', code: 'noexec' }, dir.dir)[0]!,
      /^functions\.b\.code: .*noexec\/bootstrap is missing or not executable/,
    );
    assert.match(
      issues('c', { kind: 'lambda', code: 'functions/hello' })[0]!,
      /^functions\.c\.kind: expected one of "node", "bootstrap", "fork", "http", got "lambda"/,
    );
    assert.match(
      issues('d', { kind: 'fork', code: 'functions/fork-hello' })[0]!,
      /^functions\.d\.command: is required for kind "fork"/,
    );
    assert.match(
      issues('e', { kind: 'http', code: 'functions/http-hello', command: 'no-such-program-xyz server.mjs' })[0]!,
      /^functions\.e\.command: "no-such-program-xyz" is not an executable on PATH/,
    );
    assert.match(
      issues('f', { kind: 'fork', code: 'functions/fork-hello', command: './missing.py' })[0]!,
      /^functions\.f\.command: "\.\/missing\.py" is missing or not executable/,
    );
    assert.equal(
      issues('g', {
        kind: 'fork',
        code: 'functions/fork-hello',
        command: './handler.py',
        handler: 'x.y',
        concurrency: 2,
      }).map((m) => m.split(':')[0]),
      ['functions.g.handler', 'functions.g.concurrency'],
    );
    assert.match(
      issues('h', { kind: 'node', code: 'functions/hello', command: 'node x' })[0]!,
      /^functions\.h\.command: not used by kind "node"/,
    );
    assert.match(
      issues('i', { kind: 'node', code: 'functions/hello', billing: 'azure' })[0]!,
      /^functions\.i\.billing: expected one of "lambda", "gcf-gen1", "cloud-run"/,
    );
  } finally {
    dir.cleanup();
  }
});

config('fxbench serve with a bad config exits 2 listing every bad function and field, starting nothing', async () => {
  const r = await runCli(['serve', '--port', '0', '--config', 'test/fixtures/runtime/bad.config.ts'], {
    timeoutMs: 30_000,
  });
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stdout, '', 'never listened');
  for (const field of [
    'functions.nohandler.handler',
    'functions.weird.kind',
    'functions.nocommand.command',
    'functions.notbootstrap.code',
  ]) {
    assert.ok(r.stderr.includes(`test/fixtures/runtime/bad.config.ts: ${field}: `), `names ${field}:\n${r.stderr}`);
  }
});

config.run();
