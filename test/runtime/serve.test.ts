// `fxbench serve` as another tool sees it: a real CLI process on 127.0.0.1 (port
// 0, read back), hit at the Lambda Invoke API path and the OpenFaaS gateway
// paths with the exact headers, status codes and JSON shapes of providers.md
// §1.1, §1.2, §2.1 and §2.2; then stopped by SIGINT and by SIGTERM with every
// instance process gone (by PID).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseReport } from '../../src/runtime/report-line.ts';
import { alive, descendants, finished, startCli, waitFor } from '../helpers/cli.ts';

const CONFIG = 'test/fixtures/runtime/bench.config.ts';
const REPORT_LINE =
  /^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t(Init Duration: \d+\.\d{2} ms\t)?$/;

type Cli = ReturnType<typeof startCli>;

async function startServe(): Promise<{ cli: Cli; url: string }> {
  const cli = startCli(['serve', '--port', '0', '--config', CONFIG]);
  await waitFor(
    () => /listening on (http:\S+)/.test(cli.out.stdout) || cli.exitCode !== null,
    30_000,
    'fxbench serve to listen',
  );
  const url = /listening on (http:\S+)/.exec(cli.out.stdout)?.[1];
  assert.ok(url, `serve started:\n${cli.out.stderr}`);
  return { cli, url: url! };
}

async function lambda(url: string, name: string, event: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    body: JSON.stringify(event),
    headers: { 'X-Amz-Log-Type': 'Tail', ...headers },
  });
  const body = await res.text();
  const tail = res.headers.get('x-amz-log-result');
  const log = tail ? Buffer.from(tail, 'base64').toString('utf8') : '';
  return { res, body, log, lastLine: log.replace(/\n$/, '').split('\n').pop() ?? '' };
}

/** Invocations of `name` the gateway has received so far (its OpenFaaS status counts each as it arrives). */
async function received(url: string, name: string): Promise<number> {
  const s = (await (await fetch(`${url}/system/function/${name}`)).json()) as { invocationCount?: number };
  return s.invocationCount ?? 0;
}

/**
 * Sends `first`, and `second` once the gateway has received the first: with
 * maxInstances 1 the first then holds the only instance of `sleep` (for its
 * init and the 500 ms it sleeps), so the second finds none free.
 */
async function whileHeld<T>(url: string, first: () => Promise<T>, second: () => Promise<T>): Promise<[T, T]> {
  const before = await received(url, 'sleep');
  const a = first();
  await waitFor(
    async () => (await received(url, 'sleep')) > before,
    10_000,
    'the gateway to receive the first invocation',
  );
  const b = await second();
  return [await a, b];
}

// ---
const api = suite('fxbench serve: Lambda Invoke API and OpenFaaS gateway paths');
let serve: { cli: Cli; url: string };
api.before(async () => {
  serve = await startServe();
});
api.after(async () => {
  serve.cli.kill('SIGKILL');
  await finished(serve.cli, 10_000);
});

api('Lambda: X-Amz-Log-Result ends with a REPORT line carrying Init Duration on the cold start only', async () => {
  const cold = await lambda(serve.url, 'hello', { name: 'x' });
  assert.is(cold.res.status, 200);
  assert.equal(JSON.parse(cold.body).message, 'hello, x');
  const requestId = cold.res.headers.get('x-amzn-requestid')!;
  assert.match(
    cold.log,
    new RegExp(`^START RequestId: ${requestId} Version: \\$LATEST\\nEND RequestId: ${requestId}\\n`),
  );
  assert.match(cold.lastLine, REPORT_LINE);
  const report = parseReport(cold.log)!;
  assert.is(report.requestId, requestId);
  assert.ok(report.initMs! > 0, 'Init Duration on the cold start');
  assert.ok(
    Math.abs(report.billedMs - Math.ceil(report.durationMs + report.initMs!)) <= 1,
    'Billed Duration = ceil(Duration + Init Duration) (Lambda since 2025-08-01)',
  );
  assert.is(cold.res.headers.get('x-amz-executed-version'), '$LATEST');
  assert.is(cold.res.headers.get('x-amz-function-error'), null);
  const warm = await lambda(serve.url, 'hello', {});
  assert.match(warm.lastLine, REPORT_LINE);
  assert.not.match(warm.log, /Init Duration/);
  assert.is(parseReport(warm.log)!.initMs, undefined);
  const noTail = await fetch(`${serve.url}/2015-03-31/functions/hello/invocations`, { method: 'POST', body: '{}' });
  assert.is(noTail.headers.get('x-amz-log-result'), null, 'no log without X-Amz-Log-Type: Tail');
  await noTail.arrayBuffer();
});

api(
  'Lambda: function names as ARN or with a qualifier resolve; unknown ones are 404 ResourceNotFoundException',
  async () => {
    const arn = await fetch(
      `${serve.url}/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:123456789012:function:hello')}/invocations?Qualifier=%24LATEST`,
      { method: 'POST', body: '{}' },
    );
    assert.is(arn.status, 200);
    await arn.arrayBuffer();
    const missing = await lambda(serve.url, 'nope', {});
    assert.is(missing.res.status, 404);
    assert.is(missing.res.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    assert.match(JSON.parse(missing.body).message, /Function not found: .*:function:nope/);
  },
);

api('Lambda: a function error is 200 with X-Amz-Function-Error: Unhandled and the error object', async () => {
  const r = await lambda(serve.url, 'fail', { fail: 'throw' });
  assert.is(r.res.status, 200);
  assert.is(r.res.headers.get('x-amz-function-error'), 'Unhandled');
  assert.is(JSON.parse(r.body).errorMessage, 'failed on demand');
  assert.match(r.lastLine, REPORT_LINE);
});

api('Lambda: over maxInstances is 429 TooManyRequestsException; Event is 202, DryRun 204', async () => {
  const [a, b] = await whileHeld(
    serve.url,
    () => lambda(serve.url, 'sleep', { sleepMs: 500 }),
    () => lambda(serve.url, 'sleep', {}),
  );
  assert.is(a.res.status, 200);
  assert.is(b.res.status, 429);
  assert.is(b.res.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
  assert.is(JSON.parse(b.body).Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
  const ev = await fetch(`${serve.url}/2015-03-31/functions/hello/invocations`, {
    method: 'POST',
    body: '{}',
    headers: { 'X-Amz-Invocation-Type': 'Event' },
  });
  assert.is(ev.status, 202);
  assert.is(await ev.text(), '');
  const dry = await fetch(`${serve.url}/2015-03-31/functions/hello/invocations`, {
    method: 'POST',
    body: '{}',
    headers: { 'X-Amz-Invocation-Type': 'DryRun' },
  });
  assert.is(dry.status, 204);
});

api(
  'Lambda: a payload over 6 MB is 413 RequestTooLargeException without reaching an instance; the same connection serves the next invoke',
  async () => {
    const { Pool } = await import('undici');
    const pool = new Pool(serve.url, { connections: 1, pipelining: 1 });
    try {
      const path = '/2015-03-31/functions/hello/invocations';
      const big = Buffer.alloc(6 * 1024 * 1024 + 1, 'a');
      const tooBig = await pool.request({ method: 'POST', path, body: big });
      assert.is(tooBig.statusCode, 413);
      assert.is(tooBig.headers['x-amzn-errortype'], 'RequestTooLargeException');
      assert.match(await tooBig.body.text(), /Request must be smaller than 6291456 bytes/);
      const connects: number[] = [];
      pool.on('connect', () => connects.push(Date.now()));
      const ok = await pool.request({ method: 'POST', path, body: '{"name":"after"}' });
      assert.is(ok.statusCode, 200);
      assert.is(JSON.parse(await ok.body.text()).message, 'hello, after');
      assert.is(connects.length, 0, 'the 413 left the keep-alive connection usable');
    } finally {
      await pool.close();
    }
  },
);

api('OpenFaaS: /function/{name} echoes X-Call-Id, stamps X-Start-Time (Unix ns) and X-Duration-Seconds', async () => {
  const beforeNs = BigInt(Date.now()) * 1_000_000n;
  const t0 = performance.now();
  const res = await fetch(`${serve.url}/function/hello`, {
    method: 'POST',
    body: '{"name":"of"}',
    headers: { 'X-Call-Id': 'call-123' },
  });
  const latencyS = (performance.now() - t0) / 1000;
  const afterNs = BigInt(Date.now() + 1) * 1_000_000n;
  assert.is(res.status, 200);
  assert.is(JSON.parse(await res.text()).message, 'hello, of');
  assert.is(res.headers.get('x-call-id'), 'call-123');
  const start = BigInt(res.headers.get('x-start-time')!);
  assert.ok(start >= beforeNs && start <= afterNs, `X-Start-Time ${start} within the request`);
  const duration = res.headers.get('x-duration-seconds')!;
  assert.match(duration, /^\d+\.\d{6}$/);
  assert.ok(
    Number(duration) > 0 && Number(duration) <= latencyS,
    `X-Duration-Seconds ${duration} ≤ client latency ${latencyS}`,
  );
  const anon = await fetch(`${serve.url}/function/hello.openfaas-fn/`, { method: 'POST', body: '{}' });
  assert.match(anon.headers.get('x-call-id')!, /^[0-9a-f-]{36}$/, 'a generated UUID when none is sent');
  assert.is(anon.status, 200, 'name.namespace resolves');
  await anon.arrayBuffer();
  const missing = await fetch(`${serve.url}/function/nope`, { method: 'POST', body: '{}' });
  assert.is(missing.status, 404);
  assert.is(await missing.text(), 'error finding function nope: not found');
});

api('OpenFaaS: throttled is 429; a timeout is 504 from the watchdog', async () => {
  const [a, b] = await whileHeld(
    serve.url,
    () => fetch(`${serve.url}/function/sleep`, { method: 'POST', body: '{"sleepMs":500}' }),
    () => fetch(`${serve.url}/function/sleep`, { method: 'POST', body: '{}' }),
  );
  assert.is(a.status, 200);
  assert.is(b.status, 429);
  await Promise.all([a.arrayBuffer(), b.arrayBuffer()]);
  const t = await fetch(`${serve.url}/function/fail`, { method: 'POST', body: '{"fail":"hang"}' });
  assert.is(t.status, 504);
  assert.is(t.headers.get('x-openfaas-internal'), 'of-watchdog');
  assert.is(t.headers.get('x-fxbench-error-class'), 'timeout');
  await t.arrayBuffer();
});

api(
  'OpenFaaS system API: list, status with replicas, scale to 0 drains (by PID), scale to 1 starts ahead (warm)',
  async () => {
    const list = (await (await fetch(`${serve.url}/system/functions`)).json()) as Array<Record<string, unknown>>;
    assert.equal(list.map((f) => f.name).sort(), [
      'fail',
      'fork-hello',
      'hello',
      'http-hello',
      'python-hello',
      'sleep',
    ]);
    const py0 = list.find((f) => f.name === 'python-hello')!;
    assert.is(py0.replicas, undefined, 'absent means 0');
    assert.is(py0.availableReplicas, undefined);
    assert.is(py0.namespace, 'openfaas-fn');

    const first = await fetch(`${serve.url}/function/python-hello`, { method: 'POST', body: '{}' });
    const pid = (JSON.parse(await first.text()) as { pid: number }).pid;
    assert.is(first.headers.get('x-fxbench-cold'), '1');
    const st = (await (await fetch(`${serve.url}/system/function/python-hello`)).json()) as Record<string, unknown>;
    assert.equal([st.replicas, st.availableReplicas, st.invocationCount], [1, 1, 1]);

    const down = await fetch(`${serve.url}/system/scale-function/python-hello`, {
      method: 'POST',
      body: JSON.stringify({ serviceName: 'python-hello', replicas: 0 }),
    });
    assert.is(down.status, 202);
    assert.not.ok(alive(pid), `instance ${pid} drained`);
    const st0 = (await (await fetch(`${serve.url}/system/function/python-hello`)).json()) as Record<string, unknown>;
    assert.is(st0.replicas, undefined);
    const again = await fetch(`${serve.url}/function/python-hello`, { method: 'POST', body: '{}' });
    assert.is(again.headers.get('x-fxbench-cold'), '1', 'cold after scale to zero');
    await again.arrayBuffer();

    await fetch(`${serve.url}/system/scale-function/python-hello`, { method: 'POST', body: '{"replicas":0}' });
    const up = await fetch(`${serve.url}/system/scale-function/python-hello`, {
      method: 'POST',
      body: '{"replicas":1}',
    });
    assert.is(up.status, 202);
    let ready = 0;
    const available = async () => {
      const s = (await (await fetch(`${serve.url}/system/function/python-hello`)).json()) as Record<string, number>;
      return (ready = s.availableReplicas ?? 0) > 0;
    };
    await waitFor(available, 5000, 'the pre-started instance to become available').catch(() => undefined);
    assert.is(ready, 1, 'the pre-started instance becomes available');
    const warm = await fetch(`${serve.url}/function/python-hello`, { method: 'POST', body: '{}' });
    assert.is(warm.headers.get('x-fxbench-cold'), '0', 'its init was paid ahead: warm');
    await warm.arrayBuffer();

    assert.is((await fetch(`${serve.url}/system/function/nope`)).status, 404);
    assert.is(
      (await fetch(`${serve.url}/system/scale-function/hello`, { method: 'POST', body: 'not json' })).status,
      400,
    );
  },
);

api("a path that is not valid percent-encoding is the client's error, named; the server lives on", async () => {
  // `%zz` used to throw in the gateway and end the whole process (and every instance with it).
  const invoke = await fetch(`${serve.url}/2015-03-31/functions/%zz/invocations`, { method: 'POST', body: '{}' });
  assert.is(invoke.status, 404);
  assert.is(invoke.headers.get('x-amzn-errortype'), 'UnknownOperationException');
  assert.match(await invoke.text(), /no route POST \/2015-03-31\/functions\/%zz\/invocations/);
  for (const [method, p] of [
    ['POST', '/function/%zz'],
    ['GET', '/system/function/%zz'],
  ] as const) {
    const r = await fetch(`${serve.url}${p}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
    assert.is(r.status, 400, p);
    assert.is(await r.text(), `malformed percent-encoding in the path: ${method} ${p}`);
  }
  const after = await lambda(serve.url, 'hello', { name: 'still here' });
  assert.is(after.res.status, 200);
  assert.equal(JSON.parse(after.body).message, 'hello, still here');
  assert.is(serve.cli.exitCode, null, 'serve is running');
});

api.run();

// ---
const signals = suite('fxbench serve: no instance outlives it on SIGINT or SIGTERM');

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  signals(`${sig}: exit 0 and every instance process (node, python, http upstream) is gone`, async () => {
    const { cli, url } = await startServe();
    try {
      for (const name of ['hello', 'python-hello', 'http-hello']) {
        const res = await fetch(`${url}/function/${name}`, { method: 'POST', body: '{}' });
        assert.is(res.status, 200, name);
        await res.arrayBuffer();
      }
      const pids = descendants(cli.pid!);
      assert.ok(pids.length >= 3, `instances running: ${pids}`);
      cli.kill(sig);
      const r = await finished(cli, 15_000);
      assert.is(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`${sig}: stopping 3 instance`));
      for (const pid of pids) assert.not.ok(alive(pid), `instance ${pid} outlived fxbench serve`);
    } finally {
      if (cli.exitCode === null) cli.kill('SIGKILL');
    }
  });
}

signals.run();
