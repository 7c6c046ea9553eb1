// The generic http driver against real servers on 127.0.0.1: statuses and
// their error classes, bytes, framing the lean client must get right
// (Content-Length, chunked, read-until-close, HEAD, 204), cold starts by
// instance id, timeouts and refused connections as data, never throws; the
// same through undici for https-style configuration; and target validation.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CheckContext } from '../../src/config/check.ts';
import { classifyStatus, HttpDriver } from '../../src/drivers/http/driver.ts';
import { httpProvider } from '../../src/drivers/http/provider.ts';
import { registered } from '../../src/drivers/provider.ts';
import { Http1Pool } from '../../src/drivers/http1-client.ts';
import { httpTarget } from '../helpers/plans.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

// An in-process server scripted per path (framing cases need exact bytes).
let base = '';
const server = http.createServer((req, res) => {
  let body = 0;
  req.on('data', (c: Buffer) => (body += c.length));
  req.on('end', () => {
    const path = req.url ?? '/';
    if (path === '/echo-size') return res.end(`got ${body} bytes via ${req.method}`);
    if (path === '/chunked') {
      res.write('a'.repeat(1000));
      setTimeout(() => res.end('b'.repeat(234)), 5);
      return;
    }
    if (path === '/no-length') {
      res.socket!.write('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end');
      return res.socket!.end();
    }
    if (path === '/continue-then-201') {
      res.writeContinue();
      res.statusCode = 201;
      return res.end('made');
    }
    if (path === '/empty') {
      res.statusCode = 204;
      return res.end();
    }
    if (path === '/slow') return setTimeout(() => res.end('late'), 1000);
    const status = Number(/^\/status\/(\d+)$/.exec(path)?.[1] ?? 200);
    res.statusCode = status;
    res.end('x'.repeat(42));
  });
});
const servers: TestServer[] = [];

const driver = suite('http driver');
driver.before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
// The server stays up for the undici suite at the end, which closes it.
const cases = new Map<string, () => Promise<void>>();
const both = (name: string, fn: () => Promise<void>) => {
  cases.set(name, fn);
  driver(name, fn);
};

/** Which client the driver uses: the lean one (http:// default) or undici (https:// default), both tested on the same cases. */
let transport: 'http1' | 'undici' = 'http1';

function target(fields: Record<string, unknown>) {
  const t = httpTarget('t', fields);
  return { ...t, options: { ...t.options, transport } };
}

async function invokeOnce(fields: Record<string, unknown>, payload = '{"a":1}') {
  const d = new HttpDriver(target(fields));
  await d.prepare();
  try {
    return await d.invoke({ seq: 0, payload: Buffer.from(payload) });
  } finally {
    await d.close();
  }
}

both('POSTs the scenario payload by default and counts bytes both ways', async () => {
  const o = await invokeOnce({ url: `${base}/echo-size` });
  assert.equal(
    [o.status, o.errorClass, o.bytesOut, o.bytesIn, o.cold, o.coldMethod],
    [200, null, 7, 'got 7 bytes via POST'.length, null, null],
  );
  const g = await invokeOnce({ url: `${base}/echo-size`, method: 'GET' });
  assert.equal([g.bytesOut, g.bytesIn], [0, 'got 0 bytes via GET'.length], 'GET sends no body');
  const b = await invokeOnce({ url: `${base}/echo-size`, body: 'fixed body!' });
  assert.is(b.bytesOut, 11, 'a target body replaces the payload');
});

both('statuses outside expectStatus are failed invocations, classified, never thrown', async () => {
  const rows: [number, number[] | undefined, string | null][] = [
    [200, undefined, null],
    [204, undefined, null],
    [429, undefined, 'throttled'],
    [413, undefined, 'payload-too-large'],
    [503, undefined, 'http-5xx'],
    [404, undefined, 'http-4xx'],
    [504, undefined, 'timeout'],
    [302, undefined, 'function-error'],
    [404, [404], null],
    [200, [201], 'function-error'],
  ];
  for (const [status, expect, cls] of rows)
    assert.is(classifyStatus(status, expect), cls, `${status} expecting ${expect ?? '2xx'}`);
  const o = await invokeOnce({ url: `${base}/status/503` });
  assert.equal([o.status, o.errorClass, o.bytesIn, o.errorMessage], [503, 'http-5xx', 42, 'status 503']);
  const e = await invokeOnce({ url: `${base}/status/418`, expectStatus: 418 });
  assert.is(e.errorClass, null);
});

both('frames chunked, read-until-close, 204 and HEAD responses', async () => {
  const c = await invokeOnce({ url: `${base}/chunked`, method: 'GET' });
  assert.equal([c.status, c.bytesIn], [200, 1234]);
  const n = await invokeOnce({ url: `${base}/no-length`, method: 'GET' });
  assert.equal([n.status, n.bytesIn, n.errorClass], [200, 'until the end'.length, null]);
  const z = await invokeOnce({ url: `${base}/empty`, method: 'GET' });
  assert.equal([z.status, z.bytesIn], [204, 0]);
  const h = await invokeOnce({ url: `${base}/status/200`, method: 'HEAD' });
  assert.equal([h.status, h.bytesIn], [200, 0], 'HEAD has no body even with a content-length');
});

driver(
  'an interim 100 Continue before the final response is skipped (the lean client; undici refuses it)',
  async () => {
    const k = await invokeOnce({ url: `${base}/continue-then-201`, method: 'GET' });
    assert.equal([k.status, k.bytesIn], [201, 4]);
  },
);

both('keeps connections alive: 200 sequential invocations use one connection (undici: at most two)', async () => {
  let connections = 0;
  const onConn = () => connections++;
  server.on('connection', onConn);
  const d = new HttpDriver(target({ url: `${base}/status/200`, method: 'GET' }));
  await d.prepare();
  for (let i = 0; i < 200; i++) assert.is((await d.invoke({ seq: i, payload: Buffer.alloc(0) })).status, 200);
  await d.close();
  server.off('connection', onConn);
  // undici may open a second connection while the first is still being released; the lean client never does.
  if (transport === 'http1') assert.is(connections, 1);
  else assert.ok(connections >= 1 && connections <= 2, `${connections} connections`);
});

both('a timeout and a refused connection are data: timeout and network', async () => {
  const t0 = performance.now();
  const t = await invokeOnce({ url: `${base}/slow`, method: 'GET', timeout: '200ms' });
  assert.is(t.errorClass, 'timeout');
  // Tolerance: the lean client sweeps deadlines every timeout/4; undici's timers tick every 500 ms.
  const boundMs = transport === 'http1' ? 700 : 1600;
  assert.ok(performance.now() - t0 < boundMs, `timed out after ${performance.now() - t0} ms`);
  const r = await invokeOnce({ url: 'http://127.0.0.1:1/' });
  assert.equal([r.status, r.errorClass, r.errorCause], [0, 'network', 'ECONNREFUSED']);
});

both('a response that is not HTTP (a garbage status line) is data: protocol, not function-error', async () => {
  const s = await startServer('garbage');
  try {
    const r = await invokeOnce({ url: `${s.url}/` });
    assert.equal([r.status, r.errorClass], [0, 'protocol']);
  } finally {
    s.stop();
  }
});

both('cold starts by instance id: the first invocation of each instance is cold', async () => {
  const s = await startServer('instance');
  servers.push(s);
  const d = new HttpDriver({ ...target({ url: s.url, method: 'GET' }), name: 'fn' });
  assert.is(d.info().coldStartMethod, 'none', 'unknown until an instance id is seen');
  await d.prepare();
  const seen: (boolean | null)[] = [];
  for (let i = 0; i < 3; i++) seen.push((await d.invoke({ seq: i, payload: Buffer.alloc(0) })).cold);
  await fetch(`${s.url}/recycle`);
  const after = await d.invoke({ seq: 3, payload: Buffer.alloc(0) });
  await d.close();
  assert.equal(seen, [true, false, false]);
  assert.equal([after.cold, after.coldMethod], [true, 'instance-id']);
  assert.ok(after.instanceId && after.instanceId.length > 10);
  assert.is(d.info().coldStartMethod, 'instance-id');
});

driver('the lean client and undici agree on status and bytes', async () => {
  const pool = new Http1Pool(base, { timeoutMs: 1000 });
  const r = await pool.request(pool.head('GET', '/chunked', {}, 0), undefined, false);
  pool.close();
  const u = await fetch(`${base}/chunked`);
  assert.equal([r.status, r.bytesIn], [u.status, (await u.arrayBuffer()).byteLength]);
});

// ---

const fields = suite('http target validation');

function resolveIssues(raw: Record<string, unknown>): string[] {
  const ctx: CheckContext = { file: 'bench.config.ts', issues: [] };
  const checked: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(httpProvider.fields))
    if (raw[k] !== undefined) checked[k] = spec.check(raw[k], `targets.t.${k}`, ctx);
  if (!ctx.issues.length)
    registered(httpProvider).resolve({ provider: 'http', ...checked }, 'targets.t', ctx, {
      functions: new Map(),
      configFile: 'bench.config.ts',
    });
  return ctx.issues.map((i) => `${i.field}: ${i.message}`);
}

fields('a URL must be http or https; method, status and timeout are checked', () => {
  assert.equal(resolveIssues({ url: 'ftp://x/' }), [
    'targets.t.url: expected an http:// or https:// URL, got "ftp://x/"',
  ]);
  assert.equal(resolveIssues({ url: 'not a url' }), [
    'targets.t.url: expected an http:// or https:// URL, got "not a url"',
  ]);
  assert.match(
    resolveIssues({ url: 'http://x/', method: 'FETCH' })[0]!,
    /targets.t.method: expected one of "GET", "POST"/,
  );
  assert.match(
    resolveIssues({ url: 'http://x/', expectStatus: [200, 700] })[0]!,
    /targets.t.expectStatus: expected an HTTP status/,
  );
  assert.match(resolveIssues({ url: 'http://x/', timeout: 'soon' })[0]!, /targets.t.timeout: expected a duration/);
  assert.equal(resolveIssues({ url: 'https://example.com/fn?key=secret', headers: { authorization: 'Bearer x' } }), []);
});

fields('reports show the URL without query or credentials', () => {
  const d = new HttpDriver(httpTarget('t', { url: 'https://user:pw@example.com/fn?key=secret' }));
  assert.is(d.info().function, 'https://example.com/fn');
});

driver.run();
fields.run();

// ---

// The same cases through undici (what https:// targets use).
const undiciDriver = suite('http driver through undici');
undiciDriver.before(() => {
  transport = 'undici';
});
for (const [name, fn] of cases) undiciDriver(name, fn);
undiciDriver.after(async () => {
  servers.forEach((s) => s.stop());
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
undiciDriver.run();

// ---
const causes = suite('errors keep their cause');

causes('a closed port through the runner: results.json, --samples and the table say ECONNREFUSED', async () => {
  const { runPlan } = await import('../../src/scenarios/runner.ts');
  const { formatSummary } = await import('../../src/report/text.ts');
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  // A port that was just free: bound, then closed.
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fxbench-causes-'));
  try {
    const samplesFile = path.join(dir, 'samples.ndjson');
    const result = await runPlan(
      {
        name: 'closed',
        file: 'closed.ts',
        targets: [target({ url: `http://127.0.0.1:${port}/`, method: 'GET' })],
        phases: [{ name: 'burst', kind: 'burst', settings: { name: 'burst', concurrency: 2, rounds: 1, gapMs: 0 } }],
        payload: Buffer.alloc(0),
      } as unknown as Parameters<typeof runPlan>[0],
      { samplesFile },
    );
    const p = result.targets[0]!.phases[0]!;
    assert.is(p.errors.network, 2);
    assert.equal(p.errorCauses, { network: [{ cause: 'ECONNREFUSED', count: 2 }] });
    assert.equal(result.targets[0]!.summary!.errorCauses, { network: [{ cause: 'ECONNREFUSED', count: 2 }] });
    const lines = readFileSync(samplesFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(
      lines.map((l) => [l.errorClass, l.errorCause]),
      [
        ['network', 'ECONNREFUSED'],
        ['network', 'ECONNREFUSED'],
      ],
    );
    assert.match(formatSummary(result), /errors: .*2 network \(ECONNREFUSED\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

causes.run();
