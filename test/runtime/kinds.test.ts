// Every instance kind of the local runtime, end to end through real processes:
// `node` (fxbench's bootstrap), `bootstrap` (a Python custom runtime speaking the
// Lambda Runtime API), `fork` (a process per invocation, stdin → stdout) and
// `http` (a long-lived upstream server, proxied). Each asserts the cold/warm
// accounting and that no instance outlives the runtime (by PID).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LocalRuntime } from '../../src/runtime/runtime.ts';
import { alive } from '../helpers/cli.ts';
import { call, spec, startRuntime } from '../helpers/runtime.ts';

/** Stops `rt` and asserts every PID it ever reported is gone. */
async function stopAndCheck(rt: LocalRuntime, pids: number[]): Promise<void> {
  await rt.stop();
  for (const pid of pids) assert.not.ok(alive(pid), `instance ${pid} outlived the runtime`);
  assert.equal(rt.pids(), []);
}

// ---
const node = suite('kind node: a handler module run by fxbench bootstrap');
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
let rtNode: LocalRuntime;
node.before(async () => {
  rtNode = await startRuntime([spec('hello', { kind: 'node', code: 'functions/hello' })]);
});
node.after(() => rtNode.stop());

node('the first invocation is cold with an init duration; the second is warm on the same instance', async () => {
  const a = await call(rtNode, 'hello', { name: 'a' });
  assert.is(a.status, 200);
  assert.is(a.errorClass, null);
  assert.is(a.json.message, 'hello, a');
  assert.ok(a.cold);
  assert.ok(a.initMs! > 5 && a.initMs! < 5000, `init ${a.initMs} ms`);
  assert.ok(a.billedMs >= Math.ceil(a.durationMs + a.initMs!), 'Lambda bills init on a cold start');
  const b = await call(rtNode, 'hello', { name: 'b' });
  assert.not.ok(b.cold);
  assert.is(b.initMs, undefined);
  assert.is(b.instanceId, a.instanceId);
  assert.is(b.json.instanceId, a.json.instanceId, 'the function saw the same process');
  assert.is(b.json.invocations, 2);
  assert.ok(b.maxMemoryMB > 10 && b.maxMemoryMB < 200, `VmHWM ${b.maxMemoryMB} MB`);
  // The bootstrap reports its own ru_maxrss; it must agree with the kernel's VmHWM read from outside.
  const [pid] = rtNode.pids();
  const hwmKB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  const procMB = Math.ceil(hwmKB / 1024);
  assert.ok(
    b.maxMemoryMB <= procMB && b.maxMemoryMB >= procMB - 2,
    `reported ${b.maxMemoryMB} MB, /proc/${pid}/status VmHWM ${procMB} MB`,
  );
  await stopAndCheck(rtNode, rtNode.pids());
});

// fxbench's bootstrap speaks fxbench's frames on a Unix socket by default and the HTTP Runtime API
// with FXBENCH_RUNTIME_API_TRANSPORT=tcp: the handler must see the same either way.
for (const transport of ['frames', 'tcp'] as const) {
  node(
    `${transport}: the handler's context (ids, names, memory, remaining time, client context), _X_AMZN_TRACE_ID, errors and init errors`,
    async () => {
      if (transport === 'tcp') process.env.FXBENCH_RUNTIME_API_TRANSPORT = 'tcp';
      const rt = await startRuntime([
        spec('context-echo', { kind: 'node', code: 'test/fixtures/functions/context-echo' }),
        spec('init-throws', { kind: 'node', code: 'test/fixtures/functions/init-throws' }),
      ]);
      try {
        const traceId = 'Root=1-6b0eb17b-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=1';
        const clientContext = '{"custom":{"team":"perf","note":"zwei\\nZeilen, ünïcode"}}';
        const a = await call(rt, 'context-echo', { n: 1 }, { traceId, clientContext });
        assert.is(a.errorClass, null, a.body);
        assert.equal(a.json.event, { n: 1 });
        assert.is(a.json.frames, transport === 'frames', 'the transport under test');
        assert.is(a.json.awsRequestId, a.headers['x-amzn-requestid']);
        assert.is(a.json.invokedFunctionArn, 'arn:aws:lambda:local:000000000000:function:context-echo');
        assert.is(a.json.functionName, 'context-echo');
        assert.is(a.json.functionVersion, '$LATEST');
        assert.is(a.json.memoryLimitInMB, '128');
        assert.is(a.json.logGroupName, '/aws/lambda/context-echo');
        assert.is(a.json.logStreamName, `local/[$LATEST]${a.instanceId}`);
        assert.equal(a.json.clientContext, { custom: { team: 'perf', note: 'zwei\nZeilen, ünïcode' } });
        const remaining = a.json.remainingMs as number;
        assert.ok(remaining > 2000 && remaining <= 3000, `remaining ${remaining} ms of a 3 s timeout`);
        assert.is(a.json.traceEnv, traceId);
        assert.is(a.json.traceEnvAtLoad, traceId, 'through process.env kept by the handler module at load');
        // The real environment does not hold it: glibc would keep every value ever set (bootstrap-core.cjs,
        // traceEnv). A child process given process.env gets it; one started with no `env` too up to Node 24
        // (child_process copies process.env), not from Node 26 (its real environment is passed on as is).
        const env = await call(rt, 'context-echo', { env: true }, { traceId: `${traceId}1` });
        assert.is(env.json.traceEnv, `${traceId}1`);
        assert.is(env.json.childTraceEnvPassed, `${traceId}1`);
        assert.is(env.json.childTraceEnv, NODE_MAJOR < 26 ? `${traceId}1` : '');
        assert.is(env.json.nativeTraceEnv, null, 'set with setenv');
        const b = await call(rt, 'context-echo', { n: 2 });
        assert.not.ok(b.cold);
        assert.is(b.json.clientContext, null, 'no client context given');
        assert.match(b.json.traceEnv as string, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
        assert.is.not(b.json.awsRequestId, a.json.awsRequestId);
        // A thrown error: a function error with Lambda's error body; the instance serves on.
        const e = await call(rt, 'context-echo', { throw: 'on purpose' });
        assert.is(e.errorClass, 'function-error', e.body);
        assert.ok(e.functionError);
        assert.is(e.json.errorType, 'TypeError');
        assert.is(e.json.errorMessage, 'on purpose');
        assert.ok(e.maxMemoryMB > 10 && e.maxMemoryMB < 200, `max memory ${e.maxMemoryMB} MB`);
        const c = await call(rt, 'context-echo', { n: 3 });
        assert.is(c.instanceId, a.instanceId, 'the same instance after the error');
        assert.equal(c.json.event, { n: 3 });
        // An init error: reported with its message; the instance is gone.
        const i = await call(rt, 'init-throws', {});
        assert.is(i.errorClass, 'init-error', i.body);
        assert.match(i.json.errorMessage as string, /init failed on purpose/);
        assert.is(rt.instanceCount('init-throws'), 0);
      } finally {
        delete process.env.FXBENCH_RUNTIME_API_TRANSPORT;
        await rt.stop();
      }
    },
  );
}

node(
  'the bootstrap reaches its Runtime API over a Unix socket; FXBENCH_RUNTIME_API_TRANSPORT=tcp keeps loopback TCP',
  async () => {
    /** TCP sockets the process holds: its socket fds whose inodes /proc/net/tcp{,6} list. */
    const tcpSockets = (pid: number): number => {
      const inodes = new Set<string>();
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSafe(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      }
      let n = 0;
      for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
        for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
          const inode = line.trim().split(/\s+/)[9];
          if (inode && inodes.has(inode)) n++;
        }
      }
      return n;
    };
    const rt = await startRuntime([spec('hello', { kind: 'node', code: 'functions/hello' })]);
    let rtTcp: LocalRuntime | undefined;
    try {
      const a = await call(rt, 'hello', { name: 'unix' });
      assert.is(a.json.message, 'hello, unix');
      assert.is(
        tcpSockets(rt.pids()[0]!),
        0,
        'no TCP socket in the instance: its Runtime API traffic goes over the Unix socket',
      );
      process.env.FXBENCH_RUNTIME_API_TRANSPORT = 'tcp';
      rtTcp = await startRuntime([spec('hello', { kind: 'node', code: 'functions/hello' })]);
      const b = await call(rtTcp, 'hello', { name: 'tcp' });
      assert.is(b.json.message, 'hello, tcp');
      assert.is(tcpSockets(rtTcp.pids()[0]!), 1, 'one TCP connection: to the Runtime API port');
    } finally {
      delete process.env.FXBENCH_RUNTIME_API_TRANSPORT;
      await rt.stop();
      await rtTcp?.stop();
    }
  },
);

node.run();

// ---
const bytes = suite('kind node: the bootstrap passes any payload through, byte for byte');
let rtBytes: LocalRuntime;
bytes.before(async () => {
  rtBytes = await startRuntime([spec('hello', { kind: 'node', code: 'functions/hello' })]);
});
bytes.after(() => rtBytes.stop());

bytes('non-ASCII text and an event larger than one socket read reach the handler and come back intact', async () => {
  // UTF-8 in both directions: the Runtime API client writes its requests as one string.
  const name = 'Zoë, 東京, 😀';
  const a = await call(rtBytes, 'hello', { name });
  assert.is(a.status, 200);
  assert.is(a.json.message, `hello, ${name}`);
  // 300 kB arrives in several reads of the instance's socket, and its answer leaves in several writes.
  const big = 'é'.repeat(150_000);
  const b = await call(rtBytes, 'hello', { name: big });
  assert.is(b.status, 200);
  assert.is(b.json.message, `hello, ${big}`);
  assert.not.ok(b.cold, 'the same instance served both');
  // Many invocations in a row on one connection: every answer matches its own event.
  for (let i = 0; i < 50; i++) {
    const r = await call(rtBytes, 'hello', { name: `n${i}` });
    assert.is(r.json.message, `hello, n${i}`);
  }
  await stopAndCheck(rtBytes, rtBytes.pids());
});

// Near Lambda's 6 MB invoke limit, each way, on both transports of fxbench's bootstrap. Before
// 2026-12-01 both ends joined each socket read to all before it (a 6 MB event: ~100 ms of copying).
for (const transport of ['frames', 'tcp'] as const) {
  bytes(`${transport}: a 4.6 MB event and its 4.6 MB answer arrive byte for byte`, async () => {
    if (transport === 'tcp') process.env.FXBENCH_RUNTIME_API_TRANSPORT = 'tcp';
    const rt = await startRuntime([spec('hello', { kind: 'node', code: 'functions/hello' })]);
    try {
      const big = `${'x'.repeat(2_000_000)}é東${'y'.repeat(1_300_000)}😀${'z'.repeat(1_300_000)}`;
      for (let i = 0; i < 3; i++) {
        const r = await call(rt, 'hello', { name: `${i}${big}` });
        assert.is(r.status, 200, r.body.slice(0, 200));
        assert.ok(
          r.json.message === `hello, ${i}${big}`,
          `invocation ${i}: ${String(r.json.message).length} chars back`,
        );
      }
    } finally {
      delete process.env.FXBENCH_RUNTIME_API_TRANSPORT;
      await rt.stop();
    }
  });
}

bytes.run();

// ---
const custom = suite('kind bootstrap: any executable custom runtime');
let rtCustom: LocalRuntime;
custom.before(async () => {
  rtCustom = await startRuntime([
    spec('python-hello', {
      kind: 'bootstrap',
      code: 'functions/python-hello',
      handler: 'handler.handler',
      memoryMB: 192,
    }),
    spec('env-echo', {
      kind: 'bootstrap',
      code: 'test/fixtures/functions/env-echo',
      handler: 'whatever.fn',
      env: { CUSTOM: 'yes' },
      timeout: '2s',
    }),
  ]);
});
custom.after(() => rtCustom.stop());

custom('a Python custom runtime serves cold then warm, reporting init only on the cold start', async () => {
  const a = await call(rtCustom, 'python-hello', { name: 'py' });
  assert.is(a.errorClass, null, a.body);
  assert.is(a.json.message, 'hello, py');
  assert.is(a.json.runtime, 'python');
  assert.ok(a.cold);
  assert.ok(a.initMs! > 5, `init ${a.initMs} ms`);
  const b = await call(rtCustom, 'python-hello', {});
  assert.not.ok(b.cold);
  assert.is(b.initMs, undefined);
  assert.is(b.json.instanceId, a.json.instanceId);
  assert.is(b.json.invocations, 2);
  assert.ok(rtCustom.pids().includes(b.json.pid as number), 'the PID the runtime holds is the function process itself');
});

custom(
  'a response for a request id that is not valid percent-encoding is refused (InvalidRequestID); the instance goes on',
  async () => {
    const r = await call(rtCustom, 'env-echo', { badId: true });
    assert.is(r.errorClass, null, r.body);
    const bad = r.json.badIdAnswer as { status: number; body: { errorType: string; errorMessage: string } };
    assert.is(bad.status, 400);
    assert.is(bad.body.errorType, 'InvalidRequestID');
    assert.match(bad.body.errorMessage, /unknown or finished request id %zz/);
    const next = await call(rtCustom, 'env-echo', { ping: 2 });
    assert.is(next.errorClass, null, next.body);
    assert.not.ok(next.cold, 'the same instance, warm');
  },
);

custom('the runtime passes the documented Runtime API headers and environment', async () => {
  const before = Date.now();
  const r = await call(rtCustom, 'env-echo', { ping: 1 });
  assert.is(r.errorClass, null, r.body);
  const h = r.json.headers as Record<string, string>;
  const env = r.json.env as Record<string, string>;
  assert.equal(r.json.event, { ping: 1 });
  assert.is(h['lambda-runtime-aws-request-id'], r.headers['x-amzn-requestid']);
  const deadline = Number(h['lambda-runtime-deadline-ms']);
  assert.ok(deadline >= before + 2000 && deadline <= Date.now() + 2000, `deadline ${deadline} is now + timeout`);
  assert.is(h['lambda-runtime-invoked-function-arn'], 'arn:aws:lambda:local:000000000000:function:env-echo');
  assert.match(h['lambda-runtime-trace-id']!, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
  assert.match(env.AWS_LAMBDA_RUNTIME_API!, /^127\.0\.0\.1:\d+$/);
  assert.is(env._HANDLER, 'whatever.fn');
  assert.match(env.LAMBDA_TASK_ROOT!, /test\/fixtures\/functions\/env-echo$/);
  assert.is(env.AWS_LAMBDA_FUNCTION_NAME, 'env-echo');
  assert.is(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '128');
  assert.is(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
  assert.is(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/env-echo');
  assert.is(env.AWS_LAMBDA_LOG_STREAM_NAME, `local/[$LATEST]${r.instanceId}`);
  assert.is(env.AWS_LAMBDA_INITIALIZATION_TYPE, 'on-demand');
  assert.is(env.TZ, 'UTC');
  assert.is(env.CUSTOM, 'yes');
});

custom('a trace id and client context reach the function as Lambda-Runtime-Trace-Id and -Client-Context', async () => {
  const traceId = 'Root=1-6b0eb17b-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=1';
  const clientContext = '{"custom":{"team":"perf"},"env":{"locale":"en"}}';
  const r = await call(rtCustom, 'env-echo', { ping: 3 }, { traceId, clientContext });
  assert.is(r.errorClass, null, r.body);
  const h = r.json.headers as Record<string, string>;
  assert.is(h['lambda-runtime-trace-id'], traceId);
  assert.is(h['lambda-runtime-client-context'], clientContext);
});

custom(
  'the gateway refuses a client context or trace id with a line break (400), and the instance goes on',
  async () => {
    const url = `${rtCustom.url}/2015-03-31/functions/env-echo/invocations`;
    const injected = Buffer.from('{"a":1}\r\nlambda-runtime-aws-request-id: forged').toString('base64');
    const res = await fetch(url, { method: 'POST', body: '{}', headers: { 'x-amz-client-context': injected } });
    assert.is(res.status, 400);
    assert.is(res.headers.get('x-amzn-errortype'), 'InvalidRequestContentException');
    assert.match(((await res.json()) as { message: string }).message, /X-Amz-Client-Context .* line break/);
    // A trace id with a lone LF inside, as a raw client may send it (fetch refuses to).
    const raw = await rawRequest(
      rtCustom.url,
      'POST /2015-03-31/functions/env-echo/invocations HTTP/1.1\r\nHost: x\r\n' +
        'X-Amzn-Trace-Id: Root=1-a\nx-evil: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    );
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.match(raw, /x-amzn-errortype: InvalidRequestContentException/);
    assert.match(raw, /X-Amzn-Trace-Id holds a line break/);
    const next = await call(rtCustom, 'env-echo', { ping: 4 });
    assert.is(next.errorClass, null, next.body);
    assert.is((next.json.headers as Record<string, string>)['x-evil'], undefined);
  },
);

custom('a client context with a line break given to the platform directly stays on one header line', async () => {
  const r = await call(rtCustom, 'env-echo', { ping: 5 }, { clientContext: '{"a":1}\r\nx-evil: 1' });
  assert.is(r.errorClass, null, r.body);
  const h = r.json.headers as Record<string, string>;
  assert.is(h['lambda-runtime-client-context'], '{"a":1}  x-evil: 1');
  assert.is(h['x-evil'], undefined);
});

custom('stopping the runtime ends every custom-runtime process', async () => {
  await stopAndCheck(rtCustom, rtCustom.pids());
});

custom.run();

/** The target of a /proc fd link; '' when the fd closed meanwhile. */
function readlinkSafe(link: string): string {
  try {
    return readlinkSync(link);
  } catch {
    return '';
  }
}

/** Sends `text` as is to the runtime at `base` and resolves with everything read until the server closes. */
function rawRequest(base: string, text: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname);
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer; got ${JSON.stringify(got)}`));
    }, 5000);
    s.on('data', (c) => (got += c));
    s.on('error', reject);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    s.write(text);
  });
}

// ---
const fork = suite('kind fork: a process per invocation (OpenFaaS classic watchdog)');
let rtFork: LocalRuntime;
fork.before(async () => {
  rtFork = await startRuntime([
    spec('fork-hello', { kind: 'fork', code: 'functions/fork-hello', command: './handler.py' }),
  ]);
});
fork.after(() => rtFork.stop());

fork(
  'every invocation is a new process and is reported cold; the body goes in on stdin, stdout comes back',
  async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 3; i++) {
      const r = await call(rtFork, 'fork-hello', { n: i });
      assert.is(r.errorClass, null, r.body);
      assert.ok(r.cold, `invocation ${i} is cold`);
      assert.ok(r.initMs !== undefined && r.initMs >= 0 && r.initMs < 2000, `init (process creation) ${r.initMs} ms`);
      assert.is(r.json.bytes, JSON.stringify({ n: i }).length);
      assert.is(r.json.method, 'POST');
      seen.add(r.json.pid as number);
    }
    assert.is(seen.size, 3, 'three processes');
    for (const pid of seen) assert.not.ok(alive(pid), `process ${pid} ended after its invocation`);
    assert.is(rtFork.instanceCount('fork-hello'), 0);
  },
);

fork('through the OpenFaaS path the process sees the method, path and query as CGI variables', async () => {
  const res = await fetch(`${rtFork.url}/function/fork-hello/items/7?x=1&y=2`, { method: 'PUT', body: 'plain text' });
  const body = (await res.json()) as Record<string, unknown>;
  assert.is(res.status, 200);
  assert.equal(
    { method: body.method, path: body.path, query: body.query, bytes: body.bytes },
    { method: 'PUT', path: '/items/7', query: 'x=1&y=2', bytes: 10 },
  );
  assert.is(res.headers.get('x-fxbench-cold'), '1');
});

fork.run();

// ---
const web = suite('kind http: a long-lived upstream server per instance (of-watchdog http mode)');
let rtWeb: LocalRuntime;
web.before(async () => {
  rtWeb = await startRuntime([
    spec('http-hello', { kind: 'http', code: 'functions/http-hello', command: 'node server.mjs' }),
    spec('slow-ready', {
      kind: 'http',
      code: 'test/fixtures/functions/slow-ready',
      command: ['node', 'server.mjs'],
      readyPath: '/ready',
      env: { READY_AFTER_MS: '300' },
    }),
  ]);
});
web.after(() => rtWeb.stop());

web('the upstream starts on demand (cold), then serves warm from the same process', async () => {
  const a = await call(rtWeb, 'http-hello', {});
  assert.is(a.errorClass, null, a.body);
  assert.ok(a.cold);
  assert.ok(a.initMs! > 5, `init ${a.initMs} ms`);
  const b = await call(rtWeb, 'http-hello', {});
  assert.not.ok(b.cold);
  assert.is(b.json.instanceId, a.json.instanceId);
  assert.is(b.json.invocations, 2);
  assert.is(rtWeb.instanceCount('http-hello'), 1);
});

web('the OpenFaaS path proxies method, sub-path, query and headers both ways', async () => {
  const res = await fetch(`${rtWeb.url}/function/http-hello/items/1?x=2`, { method: 'GET' });
  const body = (await res.json()) as Record<string, unknown>;
  assert.is(res.status, 200);
  assert.is(body.method, 'GET');
  assert.is(body.url, '/items/1?x=2');
  assert.is(res.headers.get('x-upstream'), 'http-hello');
  assert.is(res.headers.get('x-fxbench-cold'), '0');
});

web('with readyPath, no request reaches the upstream before it says ready', async () => {
  const r = await call(rtWeb, 'slow-ready', {});
  assert.is(r.errorClass, null, r.body);
  assert.is(r.json.readyBefore, true);
  assert.ok(r.cold);
  assert.ok(r.initMs! >= 300, `init ${r.initMs} ms covers the 300 ms until ready`);
});

web('stopping the runtime ends every upstream', async () => {
  await stopAndCheck(rtWeb, rtWeb.pids());
});

web.run();
