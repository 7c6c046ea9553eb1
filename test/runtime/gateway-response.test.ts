// The gateway's answers (src/runtime/gateway-response.ts, gateway-lambda.ts): the
// Lambda path frames its headers once as header lines (LinesResult); the record
// callers of runtime.invoke read is parsed from those same lines, and what goes on
// the wire is checked over a real socket on 127.0.0.1.
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createGatewayHandler } from '../../src/runtime/gateway.ts';
import { frameLambda } from '../../src/runtime/gateway-lambda.ts';
import { fxbenchHeaders, LinesResult, send, withHeaders } from '../../src/runtime/gateway-response.ts';
import type { InstanceResult } from '../../src/runtime/invocation.ts';
import type { Platform } from '../../src/runtime/platform.ts';
import { createMiniServer, type MiniServer } from '../../src/runtime/mini-http.ts';
import { spec } from '../helpers/runtime.ts';

const test = suite('gateway responses');

const hello = spec('hello', { kind: 'node', code: 'functions/hello', memoryMB: 256 });
const cold: InstanceResult = {
  requestId: '8476a536-e9f4-11e8-9739-2dfe598c3fcd',
  body: Buffer.from('{"ok":true}'),
  errorClass: null,
  cold: true,
  initMs: 123.4567,
  durationMs: 1.23456,
  maxMemoryMB: 41,
  instanceId: 'ab12cd34',
  pid: 4242,
  acceptedAtMs: 1764590000123.456,
  initStartMs: 1764590000000.25,
};

test("fxbench's own headers: names and number formats the local driver reads", () => {
  assert.equal(fxbenchHeaders(hello, cold, 125), {
    'x-fxbench-cold': '1',
    'x-fxbench-duration-ms': '1.235',
    'x-fxbench-billed-ms': '125',
    'x-fxbench-memory-mb': '256',
    'x-fxbench-max-memory-mb': '41',
    'x-fxbench-instance-id': 'ab12cd34',
    'x-fxbench-pid': '4242',
    'x-fxbench-accepted-at': '1764590000123.456',
    'x-fxbench-init-start': '1764590000000.250',
    'x-fxbench-init-ms': '123.457',
  });
  const warm = { ...cold, cold: false, initMs: undefined, initStartMs: undefined, errorClass: 'timeout' as const };
  const h = fxbenchHeaders(hello, warm, 2);
  assert.is(h['x-fxbench-cold'], '0');
  assert.is(h['x-fxbench-error-class'], 'timeout');
  assert.is(h['x-fxbench-init-ms'], undefined);
  assert.is(h['x-fxbench-init-start'], undefined);
});

test('a Lambda answer is framed as header lines; its headers record is read from the same lines', () => {
  const r = frameLambda('hello', { type: 'result', spec: hello, result: cold }, true, 2);
  assert.ok(r instanceof LinesResult);
  assert.is(r.status, 200);
  assert.is(r.headers['content-type'], 'application/json');
  assert.is(r.headers['x-amzn-requestid'], cold.requestId);
  assert.is(r.headers['x-amz-executed-version'], '$LATEST');
  assert.is(r.headers['x-amz-function-error'], undefined);
  assert.is(r.headers['x-fxbench-init-ms'], '123.457');
  const log = Buffer.from(r.headers['x-amz-log-result']!, 'base64').toString();
  assert.match(log, /^START RequestId: 8476a536-e9f4-11e8-9739-2dfe598c3fcd Version: \$LATEST\n/);
  assert.match(log, /REPORT RequestId: .*\tInit Duration: 123\.46 ms\t?\n$/);
  // Every line is `name: value`; the record has one entry per line.
  const lines = r.lines!.split('\r\n').slice(0, -1);
  assert.is(Object.keys(r.headers).length, lines.length);
  for (const line of lines) assert.match(line, /^[a-z0-9-]+: [^\r\n]*$/);
});

test('withHeaders gives a plain record (the extra headers are sent, not dropped behind the lines)', () => {
  const r = frameLambda('hello', { type: 'result', spec: hello, result: cold }, false, 2);
  const w = withHeaders(r, { 'x-extra': 'yes' });
  assert.is(w.lines, undefined);
  assert.is(w.headers['x-extra'], 'yes');
  assert.is(w.headers['x-fxbench-pid'], '4242');
});

test('send: header lines and the Content-Length go on the wire as framed', async () => {
  const r = frameLambda('hello', { type: 'result', spec: hello, result: cold }, false, 2);
  const server: MiniServer = createMiniServer((_req, res) => send(res, r));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  try {
    const { port } = server.address() as net.AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      let got = '';
      s.on('data', (c) => (got += c));
      s.on('error', reject);
      s.on('close', () => resolve(got));
      s.write('POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    const [head, body] = raw.split('\r\n\r\n');
    assert.is(body, '{"ok":true}');
    const lines = head!.split('\r\n');
    assert.is(lines[0], 'HTTP/1.1 200 OK');
    assert.ok(lines.includes('x-fxbench-cold: 1'));
    assert.ok(lines.includes('x-fxbench-duration-ms: 1.235'));
    assert.ok(lines.includes('content-length: 11'));
    assert.ok(lines.includes('connection: close'));
    assert.ok(lines.some((l) => /^date: .+ GMT$/.test(l)));
  } finally {
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
});

test('a platform that throws while dispatching: 500 ServiceException (Lambda path) or 500 (OpenFaaS path); the server goes on', async () => {
  const broken: Platform = {
    createdAt: new Date(),
    functions: () => [hello],
    status: () => ({ spec: hello, replicas: 0, availableReplicas: 0, invocations: 0 }),
    scale: async () => 0,
    call: async () => ({ type: 'not-found' }),
    dispatch: () => {
      throw new Error('pool state broken');
    },
  };
  const server: MiniServer = createMiniServer(createGatewayHandler(broken));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  try {
    const { port } = server.address() as net.AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const lambda = await fetch(`${base}/2015-03-31/functions/hello/invocations`, { method: 'POST', body: '{}' });
    assert.is(lambda.status, 500);
    assert.is(lambda.headers.get('x-amzn-errortype'), 'ServiceException');
    assert.match(((await lambda.json()) as { message: string }).message, /pool state broken/);
    const openfaas = await fetch(`${base}/function/hello`, { method: 'POST', body: '{}' });
    assert.is(openfaas.status, 500);
    assert.match(await openfaas.text(), /pool state broken/);
    assert.ok(openfaas.headers.get('x-call-id'), 'the gateway headers are there');
    const health = await fetch(`${base}/healthz`);
    assert.is(health.status, 200);
    await health.arrayBuffer();
  } finally {
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
});

test.run();
