// The lambda driver against a local server that speaks the Invoke API as
// ../shared/providers.md §1 documents it (test/helpers/fake-lambda.ts). NO CLOUD:
// nothing here reaches AWS; every request goes to 127.0.0.1 and is SigV4-checked
// by the fake with @smithy/signature-v4. Checks parsing of the REPORT line (text
// and JSON log formats, including real lines quoted in providers.md), error
// classification, cold detection, forceCold/setMemory, Function URLs, cost.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LambdaDriver } from '../../../src/drivers/lambda/driver.ts';
import { loadScenario } from '../../../src/scenarios/load.ts';
import { runPlan } from '../../../src/scenarios/runner.ts';
import { FakeLambda, FAKE_CREDENTIALS, SYNC_PAYLOAD_LIMIT } from '../../helpers/fake-lambda.ts';
import { isFxError, scratch, waitFor } from '../../helpers/cli.ts';
import type { ResolvedTarget } from '../../../src/model/target.ts';
import type { LambdaOptions } from '../../../src/drivers/lambda/target.ts';
import { formatSummary } from '../../../src/report/text.ts';
import { summaryCsv } from '../../../src/report/csv.ts';
import { renderMarkdown } from '../../../src/report/markdown.ts';
import { summarySection } from '../../../src/report/html-sections.ts';

process.env.AWS_ACCESS_KEY_ID = FAKE_CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = FAKE_CREDENTIALS.secretAccessKey;
// Keep the SDK's chain away from real files and the instance metadata service.
process.env.AWS_CONFIG_FILE = '/nonexistent/fxbench-config';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/fxbench-credentials';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;

const fake = new FakeLambda([
  { name: 'hello', memoryMB: 512, initMs: 60, env: { KEEP: 'me' } },
  { name: 'json-logs', logFormat: 'JSON', initMs: 30 },
  { name: 'short', timeoutS: 0.2 },
  { name: 'one-at-a-time', reservedConcurrency: 1 },
  { name: 'arm', arch: 'arm64', memoryMB: 1024, ephemeralMB: 1024 },
  { name: 'scripted' },
  { name: 'slow-update', updateDelayMs: 5_000 },
  { name: 'url-iam' },
  { name: 'url-public', urlAuth: 'NONE' },
  { name: 'no-tail', logTail: false, instanceHeaders: false },
  { name: 'offline', emulator: 'plain-404', memoryMB: 256 },
  { name: 'offline-url', emulator: 'plain-404', urlFunctionError: 'header' },
  { name: 'accept-all', emulator: 'accept-all', memoryMB: 256 },
  { name: 'sticky', ignoreUpdates: true },
  { name: 'recycled' },
]);
let endpoint = '';
const drivers: LambdaDriver[] = [];

function target(fn: string, options: Partial<LambdaOptions> = {}, memoryMB?: number): ResolvedTarget<LambdaOptions> {
  return {
    name: `t-${fn}`,
    provider: 'lambda',
    function: fn,
    memoryMB,
    arch: 'x86_64',
    options: { region: 'us-east-1', endpoint, updatePoll: 50, ...options },
  };
}
async function driverFor(fn: string, options: Partial<LambdaOptions> = {}, memoryMB?: number): Promise<LambdaDriver> {
  const d = new LambdaDriver(target(fn, options, memoryMB));
  drivers.push(d);
  await d.prepare();
  return d;
}
const payload = (o: unknown) => ({ seq: 0, payload: Buffer.from(JSON.stringify(o)) });

const setup = async () => {
  if (!endpoint) endpoint = await fake.start();
};
const teardown = async () => {
  for (const d of drivers.splice(0)) await d.close();
};

// ---
const invoke = suite('lambda Invoke API: REPORT parse and cold starts');
invoke.before(setup);
invoke.after(teardown);

invoke(
  'the first invocation is cold with Init Duration from the log tail, the second warm on the same environment',
  async () => {
    const d = await driverFor('hello');
    assert.equal(d.info().memoryMB, 512);
    const first = await d.invoke(payload({ sleepMs: 5 }));
    assert.is(first.status, 200);
    assert.is(first.errorClass, null);
    assert.is(first.cold, true);
    assert.is(first.coldMethod, 'provider');
    assert.ok(
      first.initMs! >= 55 && first.initMs! < 1000,
      `init ${first.initMs} ms (fake sleeps 60 ms; timer tolerance -5 ms)`,
    );
    assert.ok(first.durationMs! >= 4, `duration ${first.durationMs}`);
    // Since 2025-08-01 the INIT phase is billed: Billed = ceil(Duration + Init), as the fake writes it.
    // The REPORT line rounds both to 0.01 ms while the fake (as Lambda) bills the unrounded sum,
    // so the sum read back is within 0.01 ms of the billed one (seen: 66 vs 67 across the boundary).
    const readSum = Number(first.durationMs!.toFixed(2)) + Number(first.initMs!.toFixed(2));
    assert.ok(
      [Math.ceil(readSum - 0.01), Math.ceil(readSum + 0.01)].includes(first.billedMs!),
      `billed ${first.billedMs} for Duration + Init = ${readSum}`,
    );
    assert.is(first.maxMemoryMB, 69);
    assert.ok(first.instanceId, 'instance id read from the returned headers object (JSON-body fallback)');
    const second = await d.invoke(payload({ sleepMs: 1 }));
    assert.is(second.cold, false);
    assert.is(second.initMs, undefined);
    assert.is(second.instanceId, first.instanceId);
    assert.is(fake.environments('hello'), 1);
  },
);

invoke('the JSON log format (platform.report) is read the same way', async () => {
  const d = await driverFor('json-logs');
  const a = await d.invoke(payload({}));
  const b = await d.invoke(payload({}));
  assert.is(a.cold, true);
  assert.ok(a.initMs! >= 25, `init ${a.initMs}`);
  assert.is(b.cold, false);
  assert.ok(b.billedMs! >= 1);
});

invoke('real REPORT lines quoted in providers.md parse to their figures', async () => {
  const d = await driverFor('scripted');
  const id = '6d68ca91-49c9-448d-89b8-7ca3e6dc66aa';
  // [AWS-NodeLogging]: the documented text example (pre-Dec-2020 100 ms billing).
  fake.script('scripted', {
    log: `START RequestId: ${id} Version: $LATEST\n2019-06-07T19:11:20.562Z\t${id}\tINFO\tENVIRONMENT VARIABLES\nEND RequestId: ${id}\nREPORT RequestId: ${id}\tDuration: 128.83 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 166.62 ms\t\n`,
  });
  const a = await d.invoke(payload({}));
  assert.equal([a.cold, a.durationMs, a.billedMs, a.maxMemoryMB, a.initMs], [true, 128.83, 200, 74, 166.62]);
  // [otel-2011] Oct 2025: INIT billed, 395.99 + 265.72 = 661.71 → 662.
  fake.script('scripted', {
    log: `REPORT RequestId: ${id}\tDuration: 395.99 ms\tBilled Duration: 662 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tInit Duration: 265.72 ms\t\n`,
  });
  const b = await d.invoke(payload({}));
  assert.equal([b.cold, b.durationMs, b.billedMs, b.initMs], [true, 395.99, 662, 265.72]);
  // [lambda-perf] fixture, before the change: Billed excludes Init.
  fake.script('scripted', {
    log: `REPORT RequestId: ${id}\tDuration: 8.40 ms\tBilled Duration: 9 ms\tMemory Size: 128 MB\tMax Memory Used: 57 MB\tInit Duration: 170.13 ms\t`,
  });
  const c = await d.invoke(payload({}));
  assert.equal([c.cold, c.durationMs, c.billedMs, c.initMs], [true, 8.4, 9, 170.13]);
  // SnapStart: Restore Duration instead of Init Duration is the cold start; Billed Restore is billed too.
  fake.script('scripted', {
    log: `REPORT RequestId: ${id}\tDuration: 20.51 ms\tBilled Duration: 21 ms\tMemory Size: 1024 MB\tMax Memory Used: 120 MB\tRestore Duration: 480.70 ms\tBilled Restore Duration: 102 ms\t`,
  });
  const e = await d.invoke(payload({}));
  assert.equal([e.cold, e.initMs, e.billedMs], [true, 480.7, 123]);
  // A warm line with X-Ray fields.
  fake.script('scripted', {
    log: `REPORT RequestId: ${id}\tDuration: 1.98 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\t\nXRAY TraceId: 1-5d9d007f-0a8c7fd02xmpl480aed55ef0\tSegmentId: 3d752xmpl1bbe37e\tSampled: true\t\n`,
  });
  const w = await d.invoke(payload({}));
  assert.equal([w.cold, w.durationMs, w.billedMs, w.initMs], [false, 1.98, 2, undefined]);
  // A JSON-format platform.report with every metric as a float.
  fake.script('scripted', {
    log: `${JSON.stringify({ time: '2022-10-12T00:01:15.000Z', type: 'platform.report', record: { requestId: id, metrics: { durationMs: 693.92, billedDurationMs: 694, memorySizeMB: 128, maxMemoryUsedMB: 84, initDurationMs: 397.68 }, status: 'success' } })}\n`,
  });
  const j = await d.invoke(payload({}));
  assert.equal([j.cold, j.durationMs, j.billedMs, j.maxMemoryMB, j.initMs], [true, 693.92, 694, 84, 397.68]);
  // No log tail at all: the driver cannot tell.
  fake.script('scripted', { body: '"hi"' });
  const n = await d.invoke(payload({}));
  assert.equal([n.status, n.errorClass, n.cold, n.coldMethod], [200, null, null, null]);
});

invoke.run();

// ---
const errors = suite('lambda Invoke API: error classes');
errors.before(setup);
errors.after(teardown);

errors('a function error is HTTP 200 plus X-Amz-Function-Error: function-error with the error type', async () => {
  const d = await driverFor('hello');
  const o = await d.invoke(payload({ fail: 'error' }));
  assert.is(o.status, 200);
  assert.is(o.errorClass, 'function-error');
  assert.is(o.errorMessage, 'Unhandled: Error: boom');
  assert.ok(o.billedMs! >= 1, 'a failed invocation is still billed');
});

errors(
  '"Task timed out" is a timeout; Runtime.OutOfMemory is out-of-memory; ImportModuleError is init-error',
  async () => {
    const d = await driverFor('short');
    const t = await d.invoke(payload({ sleepMs: 400 }));
    assert.is(t.status, 200);
    assert.is(t.errorClass, 'timeout');
    assert.match(t.errorMessage!, /Task timed out after 0\.20 seconds/);
    assert.is(t.durationMs, 200);
    const h = await driverFor('hello');
    assert.is((await h.invoke(payload({ fail: 'oom' }))).errorClass, 'out-of-memory');
    assert.is((await h.invoke(payload({ fail: 'init' }))).errorClass, 'init-error');
  },
);

errors('429 is throttled and keeps the Reason; the other invocation succeeds', async () => {
  const d = await driverFor('one-at-a-time');
  // The first holds the only environment for 1 s; the second is sent once the fake has the first
  // (it marks the environment busy as the invocation arrives).
  const before = fake.invocations.get('one-at-a-time') ?? 0;
  const first = d.invoke(payload({ sleepMs: 1000 }));
  await waitFor(
    () => (fake.invocations.get('one-at-a-time') ?? 0) > before,
    10_000,
    'the fake to receive the first invocation',
  );
  const b = await d.invoke(payload({}));
  const a = await first;
  assert.is(a.errorClass, null);
  assert.is(b.status, 429);
  assert.is(b.errorClass, 'throttled');
  assert.is(
    b.errorMessage,
    'TooManyRequestsException: ReservedFunctionConcurrentInvocationLimitExceeded: Rate Exceeded.',
  );
});

errors('a payload over 6 MB is 413 payload-too-large; exactly 6 MB is accepted', async () => {
  const d = await driverFor('hello');
  const over = await d.invoke({ seq: 0, payload: Buffer.alloc(SYNC_PAYLOAD_LIMIT + 1, 0x20) });
  assert.is(over.status, 413);
  assert.is(over.errorClass, 'payload-too-large');
  assert.match(over.errorMessage!, /^RequestTooLargeException: Request must be smaller than 6291456 bytes/);
  const at = await d.invoke({ seq: 0, payload: Buffer.alloc(SYNC_PAYLOAD_LIMIT, 0x20) });
  assert.is(at.status, 200);
  assert.is(at.bytesOut, SYNC_PAYLOAD_LIMIT);
});

errors('every request so far carried a well-formed SigV4 Authorization that the server recomputed', () => {
  assert.ok(fake.requests.length > 10);
  for (const r of fake.requests) {
    assert.match(
      String(r.headers.authorization),
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    assert.ok(r.signatureValid, `signature of ${r.method} ${r.path}`);
  }
  const inv = fake.requests.find((r) => r.path.endsWith('/invocations'))!;
  assert.is(inv.headers['x-amz-log-type'], 'Tail');
  assert.match(String(inv.headers.authorization), /SignedHeaders=[^,]*x-amz-log-type/);
});

errors.run();

// ---
const prep = suite('lambda prepare fails fast');
prep.before(setup);
prep.after(teardown);

prep('an unknown function: "function X not found in region Y"', async () => {
  await isFxError(() => driverFor('nope'), { exitCode: 3 }).then((e) =>
    assert.match(
      e.message,
      /^target t-nope: function nope not found in region us-east-1 \(ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope\)$/,
    ),
  );
});

prep('no credentials anywhere: "credentials missing: set AWS_PROFILE or …"', async () => {
  const saved = { ...process.env };
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  try {
    const e = await isFxError(() => driverFor('hello'), { exitCode: 3 });
    assert.match(e.message, /^target t-hello: credentials missing: set AWS_PROFILE/);
  } finally {
    process.env.AWS_ACCESS_KEY_ID = saved.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = saved.AWS_SECRET_ACCESS_KEY;
  }
});

prep('a wrong secret key: access denied, naming the signature error', async () => {
  process.env.AWS_SECRET_ACCESS_KEY = 'not-the-secret';
  try {
    const e = await isFxError(() => driverFor('hello'), { exitCode: 3 });
    assert.match(e.message, /access denied reading function hello in region us-east-1: InvalidSignatureException/);
    assert.not.match(e.message, /not-the-secret/);
  } finally {
    process.env.AWS_SECRET_ACCESS_KEY = FAKE_CREDENTIALS.secretAccessKey;
  }
});

prep('no region: says where to set one', async () => {
  const d = new LambdaDriver({ ...target('hello'), options: { endpoint } });
  drivers.push(d);
  const saved = [process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION];
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  try {
    await isFxError(() => d.prepare(), { exitCode: 3 }).then((e) =>
      assert.match(e.message, /region missing: set "region" on the target, or AWS_REGION/),
    );
  } finally {
    if (saved[0] !== undefined) process.env.AWS_REGION = saved[0];
    if (saved[1] !== undefined) process.env.AWS_DEFAULT_REGION = saved[1];
  }
});

prep.run();

// ---
const control = suite('lambda forceCold and setMemory');
control.before(setup);
control.after(teardown);

control(
  'forceCold sets an env var (keeping the others), waits for Successful, and the next invocation is cold',
  async () => {
    const d = await driverFor('hello');
    await d.invoke(payload({}));
    assert.is((await d.invoke(payload({}))).cold, false);
    const t0 = performance.now();
    await d.forceCold();
    const waited = performance.now() - t0;
    assert.ok(waited >= 140, `waited ${waited.toFixed(0)} ms for the 150 ms update (timer tolerance -10 ms)`);
    const puts = fake.requests.filter((r) => r.method === 'PUT');
    assert.ok(puts.length >= 1);
    const cfg = await fetch(`${endpoint}/2015-03-31/functions/hello/configuration`).then((r) => r.status);
    assert.is(cfg, 403, 'the fake refuses unsigned calls');
    const after = await d.invoke(payload({}));
    assert.is(after.cold, true);
    assert.ok(after.initMs! > 0);
  },
);

control('forceCold keeps existing environment variables', async () => {
  const d = await driverFor('hello');
  await d.forceCold();
  const c = (d as unknown as { config: { Environment: { Variables: Record<string, string> } } }).config;
  assert.is(c.Environment.Variables.KEEP, 'me');
  assert.match(c.Environment.Variables.FXBENCH_FORCE_COLD!, /^\d+-\d+$/);
});

control('setMemory updates MemorySize; REPORT and info() say 1024 MB', async () => {
  const d = await driverFor('hello');
  await d.setMemory(1024);
  assert.is(d.info().memoryMB, 1024);
  const o = await d.invoke(payload({}));
  assert.is(o.cold, true, 'a memory change retires environments');
  await d.setMemory(512);
  assert.is(d.info().memoryMB, 512);
});

control('the wait for LastUpdateStatus is bounded by updateTimeout', async () => {
  const d = await driverFor('slow-update', { updateTimeout: 300 });
  const t0 = performance.now();
  const e = await isFxError(() => d.forceCold(), { exitCode: 3 });
  const took = performance.now() - t0;
  assert.match(e.message, /forceCold: update of slow-update still InProgress after 300 ms/);
  assert.ok(took < 1500, `gave up after ${took.toFixed(0)} ms`);
});

control('a qualified version cannot be recycled: no forceCold capability', async () => {
  const d = new LambdaDriver(target('hello', { qualifier: 'live' }));
  assert.is(d.capabilities.forceCold, false);
  assert.is(d.capabilities.setMemory, false);
  assert.is(d.capabilities.reportsInitDuration, true);
});

control.run();

// ---
const url = suite('lambda Function URLs');
url.before(setup);
url.after(teardown);

url('an AWS_IAM URL is signed; cold starts come from the instance-id headers', async () => {
  const d = new LambdaDriver({
    name: 'u',
    provider: 'lambda',
    function: '',
    arch: 'x86_64',
    options: { url: `${endpoint}/url/url-iam/`, region: 'us-east-1' },
  });
  drivers.push(d);
  await d.prepare();
  assert.is(d.info().coldStartMethod, 'instance-id');
  const outs = [];
  for (let i = 0; i < 3; i++) outs.push(await d.invoke(payload({})));
  assert.equal(
    outs.map((o) => [o.status, o.cold, o.coldMethod]),
    [
      [200, true, 'instance-id'],
      [200, false, 'instance-id'],
      [200, false, 'instance-id'],
    ],
  );
  assert.is(new Set(outs.map((o) => o.instanceId)).size, 1);
  // Three at once: the warm one is reused, two new environments are cold. Each holds its
  // environment 1 s, so the three overlap even on a loaded machine (tolerance: 1 s of send skew).
  const burst = await Promise.all([0, 1, 2].map(() => d.invoke(payload({ sleepMs: 1000 }))));
  assert.is(burst.filter((o) => o.cold).length, 2);
  assert.is(new Set([...outs, ...burst].map((o) => o.instanceId)).size, 3);
  // A function error through a URL is a 502.
  assert.equal([(await d.invoke(payload({ fail: 'error' }))).status], [502]);
});

url(
  'a Function URL answer of 200 + X-Amz-Function-Error (emulators) is a function error, classed by its error object',
  async () => {
    const d = new LambdaDriver({
      name: 'u4',
      provider: 'lambda',
      function: '',
      arch: 'x86_64',
      options: { url: `${endpoint}/url/offline-url/`, region: 'us-east-1' },
    });
    drivers.push(d);
    await d.prepare();
    const outs = [];
    for (const fail of ['error', undefined, 'oom', 'error']) outs.push(await d.invoke(payload(fail ? { fail } : {})));
    assert.equal(
      outs.map((o) => [o.status, o.errorClass]),
      [
        [200, 'function-error'],
        [200, null],
        [200, 'out-of-memory'],
        [200, 'function-error'],
      ],
    );
    assert.is(outs[0]!.errorMessage, 'Unhandled: Error: boom');
  },
);

url('an unsigned call to an AWS_IAM URL is refused; a NONE URL needs no credentials', async () => {
  const bad = new LambdaDriver({
    name: 'u2',
    provider: 'lambda',
    function: '',
    arch: 'x86_64',
    options: { url: `${endpoint}/url/url-iam/`, region: 'us-east-1', auth: 'NONE' },
  });
  drivers.push(bad);
  await bad.prepare();
  const o = await bad.invoke(payload({}));
  assert.equal([o.status, o.errorClass], [403, 'http-4xx']);
  delete process.env.AWS_ACCESS_KEY_ID;
  try {
    const pub = new LambdaDriver({
      name: 'u3',
      provider: 'lambda',
      function: '',
      arch: 'x86_64',
      options: { url: `${endpoint}/url/url-public/`, region: 'us-east-1', auth: 'NONE' },
    });
    drivers.push(pub);
    await pub.prepare();
    const p = await pub.invoke(payload({}));
    assert.equal([p.status, p.errorClass, p.cold], [200, null, true]);
  } finally {
    process.env.AWS_ACCESS_KEY_ID = FAKE_CREDENTIALS.accessKeyId;
  }
});

url.run();

// ---
const run = suite('lambda through the runner');
run.before(setup);
run.after(teardown);

run(
  'a burst of 4 × 2 rounds: round 1 all cold (provider), round 2 warm, cost from Billed Duration at 512 MB',
  async () => {
    const tmp = scratch();
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
      const file = path.join(tmp.dir, 'lambda-burst.ts');
      writeFileSync(
        file,
        `export default { name: 'lambda-burst', targets: [{ name: 'aws-hello', provider: 'lambda', function: 'hello', region: 'us-east-1', endpoint: '${endpoint}', updatePoll: 50 }], phases: [{ kind: 'burst', concurrency: 4, rounds: 2, gap: 50 }] };\n`,
      );
      const plan = await loadScenario(file, { cwd: tmp.dir });
      // Start from nothing warm: the fake keeps environments from earlier suites.
      const d = new LambdaDriver(plan.targets[0]!);
      await d.prepare();
      await d.forceCold();
      await d.close();
      const result = await runPlan(plan);
      const t = result.targets[0]!;
      assert.is(t.error, undefined);
      assert.is(t.provider, 'lambda');
      assert.is(t.coldStartMethod, 'provider');
      assert.is(t.memoryMB, 512);
      const [r1, r2] = t.phases;
      assert.equal([r1!.requests, r1!.ok, r1!.coldStarts], [4, 4, 4]);
      assert.equal([r2!.requests, r2!.ok, r2!.coldStarts], [4, 4, 0]);
      assert.ok(r1!.initDurationMs!.min >= 55, `init min ${r1!.initDurationMs!.min}`);
      assert.match(r2!.cost!.priceSource, /^aws-lambda us-east-1 x86_64 \(price catalog 2026-08-21\)$/);
      // Warm: a 1 ms timer → billed 1–50 ms (timers fire ±1 ms; a loaded machine) at 512 MB: 2e-7 + 0.5 GB × billed s × 1.66667e-5.
      const per = r2!.cost!.perInvocationUSD;
      assert.ok(
        per >= 0.0000002 + 0.5 * 0.001 * 0.0000166667 - 1e-15 && per <= 0.0000002 + 0.5 * 0.05 * 0.0000166667,
        `warm cost ${per}`,
      );
      const text = JSON.stringify(result);
      assert.not.match(text, new RegExp(FAKE_CREDENTIALS.secretAccessKey.replace(/[/+]/g, '.')));
      assert.not.match(text, /AWS4-HMAC-SHA256/);
    } finally {
      tmp.cleanup();
    }
  },
);

run(
  'no REPORT log tail and no instance id: cold starts are n/a (with why) in results.json, table, CSV, summary.md and HTML; cold.count thresholds have no data',
  async () => {
    const tmp = scratch();
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
      const file = path.join(tmp.dir, 'no-tail.ts');
      writeFileSync(
        file,
        `export default { name: 'no-tail', targets: [{ name: 'api', provider: 'lambda', function: 'no-tail', region: 'us-east-1', endpoint: '${endpoint}' }, { name: 'url', provider: 'lambda', url: '${endpoint}/url/no-tail/', region: 'us-east-1' }], phases: [{ kind: 'burst', concurrency: 3, rounds: 2, gap: 20 }], thresholds: { 'cold.count': '== 0', 'cold.rate': '== 0' } };\n`,
      );
      const result = await runPlan(await loadScenario(file, { cwd: tmp.dir }));
      for (const t of result.targets) {
        assert.is(t.error, undefined);
        // Nothing was observed: the method is none, not the one the driver hoped for.
        assert.is(t.coldStartMethod, 'none', t.name);
        for (const p of [...t.phases, t.summary!]) {
          assert.is(p.coldObserved, 0);
          assert.is(p.coldMethods, undefined);
          assert.ok(p.coldNa, `${t.name}: coldNa`);
        }
      }
      assert.match(
        result.targets[0]!.summary!.coldNa!,
        /^no REPORT line in the responses .*\(6 of 6 invocations unobserved\)$/,
      );
      assert.match(
        result.targets[1]!.phases[0]!.coldNa!,
        /^no x-fxbench-instance-id header .*\(3 of 3 invocations unobserved\)$/,
      );
      // No data is never a pass: `cold.count == 0` fails as cold.rate does.
      assert.equal(
        result.thresholds.map((o) => [o.target, o.metric, o.actual, o.ok]),
        [
          ['api', 'cold.count', null, false],
          ['url', 'cold.count', null, false],
          ['api', 'cold.rate', null, false],
          ['url', 'cold.rate', null, false],
        ],
      );
      const table = formatSummary(result);
      const row = table.split('\n').find((l) => l.startsWith('api ') && l.includes('#1'))!;
      assert.equal(row.trim().split(/\s+/).slice(3, 6), ['3', '0', 'n/a']);
      assert.match(table, /cold n\/a: api: no REPORT line in the responses/);
      const csv = summaryCsv(result).split('\n');
      const cols = csv[0]!.split(',');
      const cells = csv[1]!.split(',');
      assert.equal(
        ['cold_starts', 'cold_start_rate', 'cold_observed'].map((c) => cells[cols.indexOf(c)]),
        ['', '', '0'],
      );
      assert.match(csv[1]!, /no REPORT line in the responses/);
      const md = renderMarkdown(result);
      assert.match(md, /\| api \| lambda \| 6 \| 0 \| n\/a \|/);
      assert.match(md, /Cold starts n\/a \(no cold state observed\): api: no REPORT line/);
      assert.not.match(md, /0 \(0\.0%\)/);
      const html = summarySection(result);
      assert.match(html, /n\/a <small class="classes">no REPORT line in the responses/);
      assert.not.match(html, /<td>0 <small>\(0\.0%\)/);
    } finally {
      tmp.cleanup();
    }
  },
);

/** Writes a one-target scenario and runs it; returns the result. */
async function runScenario(target: string, phases: string, extra = ''): Promise<Awaited<ReturnType<typeof runPlan>>> {
  const tmp = scratch();
  try {
    writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
    const file = path.join(tmp.dir, 's.ts');
    writeFileSync(file, `export default { name: 's', targets: [${target}], phases: [${phases}]${extra} };\n`);
    return await runPlan(await loadScenario(file, { cwd: tmp.dir }));
  } finally {
    tmp.cleanup();
  }
}

run(
  'a plain 404 on GET …/configuration (serverless-offline) is an emulator, not "function not found": invoke only, one note, no extra invocation; the first phase priced at the REPORT memory',
  async () => {
    const before = fake.invocations.get('offline') ?? 0;
    const result = await runScenario(
      `{ name: 'offline', provider: 'lambda', function: 'offline', region: 'us-east-1', endpoint: '${endpoint}' }`,
      `{ kind: 'burst', concurrency: 3, rounds: 2, gap: 20 }`,
    );
    const t = result.targets[0]!;
    assert.is(t.error, undefined);
    assert.is(t.notes?.length, 1);
    assert.match(t.notes![0]!, /is not the Lambda control plane .*treated as an emulator, invoke only/);
    // 6 scenario invocations, 6 handler runs: the control-plane probe ran nothing (no DryRun sent).
    assert.is((fake.invocations.get('offline') ?? 0) - before, 6);
    assert.is(t.coldStartMethod, 'provider');
    assert.equal([t.phases[0]!.coldStarts, t.phases[1]!.coldStarts], [3, 0]);
    // Memory was never configured here: the REPORT's Memory Size (256 MB) prices every invocation, the first phase too.
    assert.is(t.memoryMB, 256);
    for (const p of [...t.phases, t.summary!]) {
      assert.equal(p.cost!.basis, ['billed duration (provider REPORT)', 'memory 256 MB (provider REPORT)']);
    }
    // Warm round: 1 ms timer billed 1–50 ms at 256 MB (0.25 GB); at 128 MB it would be below the lower bound.
    const per = t.phases[1]!.cost!.perInvocationUSD;
    assert.ok(
      per >= 0.0000002 + 0.25 * 0.001 * 0.0000166667 - 1e-15 && per <= 0.0000002 + 0.25 * 0.05 * 0.0000166667,
      `warm cost ${per}`,
    );
    const cold = t.phases[0]!.cost!.perInvocationUSD;
    assert.ok(cold >= 0.0000002 + 0.25 * 0.041 * 0.0000166667, `cold cost ${cold} is priced at 256 MB`);
  },
);

run('an endpoint that answers the configuration path with 200 and no configuration is an emulator too', async () => {
  const before = fake.invocations.get('accept-all') ?? 0;
  const result = await runScenario(
    `{ name: 'aa', provider: 'lambda', function: 'accept-all', region: 'us-east-1', endpoint: '${endpoint}' }`,
    `{ kind: 'burst', concurrency: 2, rounds: 2, gap: 20 }`,
  );
  const t = result.targets[0]!;
  assert.is(t.error, undefined);
  assert.match(t.notes![0]!, /not the Lambda control plane \(GET …\/configuration: .*without a function configuration/);
  assert.is((fake.invocations.get('accept-all') ?? 0) - before, 4);
});

run(
  'forceCold read back and a new instance seen: forcedCold true; an update that never applies: false, with why',
  async () => {
    const burst = `{ kind: 'burst', concurrency: 2, rounds: 2, gap: 20, coldFirst: true }`;
    const ok = await runScenario(
      `{ name: 'r', provider: 'lambda', function: 'recycled', region: 'us-east-1', endpoint: '${endpoint}', updatePoll: 50 }`,
      burst,
    );
    assert.equal(
      ok.targets[0]!.phases.map((p) => [p.forcedCold, p.forcedColdNote, p.coldStarts]),
      [
        [true, undefined, 2],
        [true, undefined, 2],
      ],
    );
    const sticky = await runScenario(
      `{ name: 's', provider: 'lambda', function: 'sticky', region: 'us-east-1', endpoint: '${endpoint}', updatePoll: 50 }`,
      burst,
    );
    const [r1, r2] = sticky.targets[0]!.phases;
    assert.is(r2!.coldStarts, 0, 'nothing was recycled');
    assert.is(r2!.forcedCold, false);
    assert.match(r2!.forcedColdNote!, /read back after the update has FXBENCH_FORCE_COLD=\(unset\)/);
    assert.is(r1!.forcedCold, false);
  },
);

run.after(async () => {
  await fake.stop();
});

run.run();
