// Platform limits of the local runtime, enforced on real processes: memory cap
// (out-of-memory, per kind), invocation timeout (instance killed, next cold),
// max instances (429 throttled, or queued with a queue timeout), idle timeout
// (reaped, next cold), per-instance concurrency, and billed-duration rounding.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { billedMs } from '../../src/cost/billing.ts';
import type { LocalRuntime } from '../../src/runtime/runtime.ts';
import { alive, waitFor } from '../helpers/cli.ts';
import { call, spec, startRuntime } from '../helpers/runtime.ts';

const SLEEP = 'test/fixtures/functions/sleep';

// ---
const memory = suite('memory cap: exceeding it is out-of-memory and the instance is replaced');
let rtMem: LocalRuntime;
memory.before(async () => {
  rtMem = await startRuntime([
    spec('node-fail', { kind: 'node', code: 'functions/fail', memoryMB: 128, timeout: '20s' }),
    spec('py', {
      kind: 'bootstrap',
      code: 'functions/python-hello',
      handler: 'handler.handler',
      memoryMB: 128,
      timeout: '10s',
    }),
    spec('fork', {
      kind: 'fork',
      code: 'functions/fork-hello',
      command: './handler.py',
      memoryMB: 128,
      timeout: '10s',
    }),
    spec('web', {
      kind: 'http',
      code: 'functions/http-hello',
      command: 'node server.mjs',
      memoryMB: 128,
      timeout: '10s',
    }),
  ]);
});
memory.after(() => rtMem.stop());

for (const [name, okEvent] of [
  ['node-fail', {}],
  ['py', {}],
  ['web', {}],
] as const) {
  memory(`${name}: out-of-memory, then the next invocation is cold on a new process`, async () => {
    const warm = await call(rtMem, name, okEvent);
    assert.is(warm.errorClass, null, warm.body);
    const [pid] = rtMem.pids(name);
    const oom = await call(rtMem, name, { fail: 'oom' });
    assert.is(oom.errorClass, 'out-of-memory', oom.body);
    assert.ok(oom.functionError, 'X-Amz-Function-Error is set');
    assert.not.ok(oom.cold, 'the OOM hit a warm instance');
    await waitFor(() => rtMem.instanceCount(name) === 0, 5000, `${name} instance gone`);
    assert.ok(pid, 'one instance process');
    await waitFor(() => !alive(pid!), 5000, `old process ${pid} gone`);
    const next = await call(rtMem, name, okEvent);
    assert.is(next.errorClass, null, next.body);
    assert.ok(next.cold, 'next invocation is cold');
    assert.is.not(next.instanceId, warm.instanceId);
  });
}

memory('fork: a process over the cap is out-of-memory; the next invocation runs normally', async () => {
  const oom = await call(rtMem, 'fork', { fail: 'oom' });
  assert.is(oom.errorClass, 'out-of-memory', oom.body);
  const next = await call(rtMem, 'fork', {});
  assert.is(next.errorClass, null, next.body);
});

memory.run();

// ---
const timeout = suite('timeout: the invocation is a timeout, the instance is killed, the next is cold');
let rtTo: LocalRuntime;
timeout.before(async () => {
  rtTo = await startRuntime([
    spec('node-fail', { kind: 'node', code: 'functions/fail', timeout: '400ms' }),
    spec('py', { kind: 'bootstrap', code: 'functions/python-hello', handler: 'handler.handler', timeout: '400ms' }),
    spec('fork', { kind: 'fork', code: 'functions/fork-hello', command: './handler.py', timeout: '400ms' }),
    spec('web', { kind: 'http', code: 'functions/http-hello', command: 'node server.mjs', timeout: '400ms' }),
  ]);
});
timeout.after(() => rtTo.stop());

for (const name of ['node-fail', 'py', 'web', 'fork']) {
  timeout(`${name}: a hanging invocation times out after 400 ms (±300 ms); the next is cold`, async () => {
    await call(rtTo, name, {});
    const pidsBefore = rtTo.pids(name);
    const hung = await call(rtTo, name, { fail: 'hang' });
    assert.is(hung.errorClass, 'timeout', hung.body);
    assert.ok(hung.functionError);
    assert.match(hung.body, /Task timed out after 0\.40 seconds/);
    assert.ok(hung.durationMs >= 399 && hung.durationMs < 700, `duration ${hung.durationMs} ms`);
    for (const pid of pidsBefore) assert.not.ok(alive(pid), `instance ${pid} was killed`);
    const next = await call(rtTo, name, {});
    assert.is(next.errorClass, null, next.body);
    assert.ok(next.cold, 'next invocation is cold');
  });
}

timeout("node: the timeout counts from each invocation's own delivery, not from an earlier one's", async () => {
  // One timer per instance (lambda-instance.ts): armed at the first delivery, it fires 400 ms later, finds the
  // hanging invocation 200 ms old and waits for the rest, so that one too runs its full 400 ms.
  const first = await call(rtTo, 'node-fail', {});
  assert.is(first.errorClass, null, first.body);
  await new Promise((r) => setTimeout(r, 200));
  const hung = await call(rtTo, 'node-fail', { fail: 'hang' });
  assert.is(hung.errorClass, 'timeout', hung.body);
  assert.ok(hung.durationMs >= 399 && hung.durationMs < 700, `duration ${hung.durationMs} ms`);
});

timeout.run();

// ---
const limit = suite('maxInstances: beyond it invocations are throttled, or queued when asked');
let rtLim: LocalRuntime;
limit.before(async () => {
  rtLim = await startRuntime([
    spec('two', { kind: 'node', code: SLEEP, maxInstances: 2 }),
    spec('queued', { kind: 'node', code: SLEEP, maxInstances: 1, queueTimeout: '10s' }),
    spec('short-queue', { kind: 'node', code: SLEEP, maxInstances: 1, queueTimeout: '150ms' }),
  ]);
});
limit.after(() => rtLim.stop());

limit('5 invocations at once against maxInstances 2: exactly 2 run, 3 get 429 TooManyRequestsException', async () => {
  const rs = await Promise.all(Array.from({ length: 5 }, () => call(rtLim, 'two', { sleepMs: 400 })));
  const ok = rs.filter((r) => r.status === 200 && r.errorClass === null);
  const throttled = rs.filter((r) => r.status === 429);
  assert.is(ok.length, 2);
  assert.is(throttled.length, 3);
  for (const t of throttled) {
    assert.is(t.headers['x-amzn-errortype'], 'TooManyRequestsException');
    assert.equal(t.json, {
      Type: 'User',
      message: 'Rate Exceeded.',
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
  }
  assert.is(rtLim.instanceCount('two'), 2);
});

limit('with a queue timeout, 3 invocations on 1 instance wait their turn: 1 cold, 2 warm, all ok', async () => {
  const t0 = performance.now();
  const rs = await Promise.all(Array.from({ length: 3 }, () => call(rtLim, 'queued', { sleepMs: 200 })));
  const elapsed = performance.now() - t0;
  assert.equal(
    rs.map((r) => r.status),
    [200, 200, 200],
  );
  assert.is(rs.filter((r) => r.cold).length, 1);
  assert.is(new Set(rs.map((r) => r.instanceId)).size, 1);
  assert.ok(elapsed >= 600, `ran one after another: ${elapsed.toFixed(0)} ms`);
});

limit('an invocation still queued when the queue timeout expires is throttled', async () => {
  await call(rtLim, 'short-queue', {}); // start the instance
  const t0 = performance.now();
  const [a, b] = await Promise.all([
    call(rtLim, 'short-queue', { sleepMs: 600 }),
    call(rtLim, 'short-queue', { sleepMs: 0 }).then((r) => ({ r, at: performance.now() - t0 })),
  ]);
  assert.is(a.status, 200);
  assert.is(b.r.status, 429);
  assert.ok(
    b.at >= 140 && b.at < 590,
    `throttled after the 150 ms queue timeout, not after the busy invocation: ${b.at.toFixed(0)} ms`,
  );
});

limit.run();

// ---
const idle = suite('idle timeout: an idle instance is reaped (scale to zero) and the next invocation is cold');
let rtIdle: LocalRuntime;
idle.before(async () => {
  rtIdle = await startRuntime([
    spec('short', { kind: 'node', code: SLEEP, idleTimeout: '400ms' }),
    spec('web', { kind: 'http', code: 'functions/http-hello', command: 'node server.mjs', idleTimeout: '400ms' }),
  ]);
});
idle.after(() => rtIdle.stop());

for (const name of ['short', 'web']) {
  idle(`${name}: warm inside the window, reaped after 400 ms idle (by PID), cold after`, async () => {
    const a = await call(rtIdle, name, {});
    assert.ok(a.cold);
    const b = await call(rtIdle, name, {});
    assert.not.ok(b.cold, 'warm right after');
    const idleSince = performance.now();
    const [pid] = rtIdle.pids(name);
    assert.ok(pid, 'one instance process');
    await waitFor(() => rtIdle.instanceCount(name) === 0, 5000, 'instance reaped');
    const idledMs = performance.now() - idleSince;
    assert.ok(idledMs >= 380, `reaped after ${idledMs.toFixed(0)} ms idle, not before 400 ms`);
    await waitFor(() => !alive(pid!), 2000, `process ${pid} gone`);
    const c = await call(rtIdle, name, {});
    assert.ok(c.cold, 'cold after reaping');
    assert.is.not(c.instanceId, a.instanceId);
  });
}

idle('short: idle counts from the last invocation, not from the first idle moment', async () => {
  // One idle timer per instance (instance.ts), armed when it first goes idle: it fires 400 ms later, finds the
  // instance idle since the second invocation, and waits for the rest.
  const a = await call(rtIdle, 'short', {});
  await new Promise((r) => setTimeout(r, 250));
  const b = await call(rtIdle, 'short', {});
  assert.is(b.instanceId, a.instanceId, 'warm after 250 ms idle');
  const idleSince = performance.now();
  await new Promise((r) => setTimeout(r, 250)); // past the first timer (400 ms after a)
  assert.is(rtIdle.instanceCount('short'), 1, 'not reaped 400 ms after the first invocation');
  await waitFor(() => rtIdle.instanceCount('short') === 0, 5000, 'instance reaped');
  const idledMs = performance.now() - idleSince;
  assert.ok(idledMs >= 380, `reaped after ${idledMs.toFixed(0)} ms idle, not before 400 ms`);
});

idle.run();

// ---
const conc = suite('per-instance concurrency: >1 lets one instance serve several invocations at once');
let rtConc: LocalRuntime;
conc.before(async () => {
  rtConc = await startRuntime([
    spec('web4', { kind: 'http', code: 'functions/http-hello', command: 'node server.mjs', concurrency: 4 }),
    spec('node3', { kind: 'node', code: SLEEP, concurrency: 3 }),
    spec('node1', { kind: 'node', code: SLEEP }),
    spec('ctx3', { kind: 'node', code: 'test/fixtures/functions/context-echo', concurrency: 3 }),
  ]);
});
conc.after(() => rtConc.stop());

conc('http, concurrency 4: 4 at once share one instance, and run side by side', async () => {
  const first = await Promise.all(Array.from({ length: 4 }, () => call(rtConc, 'web4', { sleepMs: 300 })));
  assert.equal(
    first.map((r) => r.errorClass),
    [null, null, null, null],
  );
  assert.is(rtConc.instanceCount('web4'), 1);
  assert.is(new Set(first.map((r) => r.json.instanceId)).size, 1);
  const t0 = performance.now();
  const second = await Promise.all(Array.from({ length: 4 }, () => call(rtConc, 'web4', { sleepMs: 300 })));
  const elapsed = performance.now() - t0;
  assert.equal(
    second.map((r) => r.cold),
    [false, false, false, false],
  );
  assert.ok(elapsed < 900, `4 × 300 ms side by side took ${elapsed.toFixed(0)} ms (< 900 ms, vs 1200 ms in series)`);
});

conc('node, concurrency 3: the bootstrap polls /next 3 times at once (AWS_LAMBDA_MAX_CONCURRENCY)', async () => {
  await call(rtConc, 'node3', {});
  const t0 = performance.now();
  const rs = await Promise.all(Array.from({ length: 3 }, () => call(rtConc, 'node3', { sleepMs: 300 })));
  const elapsed = performance.now() - t0;
  assert.is(rtConc.instanceCount('node3'), 1);
  assert.equal(
    rs.map((r) => r.cold),
    [false, false, false],
  );
  assert.ok(elapsed < 800, `3 × 300 ms side by side took ${elapsed.toFixed(0)} ms`);
});

conc('node, concurrency 3: invocations overlap, so process.env holds no trace id (as aws-lambda-ric)', async () => {
  const traceId = 'Root=1-6b0eb17b-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=1';
  const r = await call(rtConc, 'ctx3', {}, { traceId });
  assert.is(r.errorClass, null, r.body);
  assert.is(r.json.traceEnv, null);
});

conc('concurrency 1 (the default): 3 at once need 3 instances, all cold', async () => {
  const rs = await Promise.all(Array.from({ length: 3 }, () => call(rtConc, 'node1', { sleepMs: 100 })));
  assert.equal(
    rs.map((r) => r.cold),
    [true, true, true],
  );
  assert.is(rtConc.instanceCount('node1'), 3);
});

conc.run();

// ---
const billing = suite('billed duration follows the emulated provider');

billing(
  'lambda: 1 ms steps with init on cold starts; gcf-gen1: 100 ms steps, no init; cloud-run: 100 ms steps with init',
  () => {
    assert.is(billedMs('lambda', 8.4), 9);
    assert.is(billedMs('lambda', 395.99, 265.72), 662); // providers.md §1.5: Oct 2025 REPORT
    assert.is(billedMs('lambda', 0.2), 1);
    assert.is(billedMs('gcf-gen1', 8.4), 100);
    assert.is(billedMs('gcf-gen1', 100), 100);
    assert.is(billedMs('gcf-gen1', 100.01, 500), 200);
    assert.is(billedMs('cloud-run', 30, 150), 200);
  },
);

billing.run();
