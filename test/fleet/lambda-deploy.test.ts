// test-timeout: 180 s
// `fxbench fleet deploy` and `fxbench fleet remove` (issue 14 part 1) against a
// local HTTP server on 127.0.0.1 speaking the Lambda control plane's REST shape
// (AWS Lambda API reference, 2015-03-31: GetFunction GET /2015-03-31/functions/{name},
// CreateFunction POST /2015-03-31/functions, UpdateFunctionCode PUT
// /2015-03-31/functions/{name}/code, DeleteFunction DELETE
// /2015-03-31/functions/{name}). Every call must carry a SigV4 signature that
// verifies for service `lambda` in the region asked; the zip must hold the worker.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, scratch } from '../helpers/cli.ts';
import { FAKE_AWS_ENV } from '../helpers/fleet-lambda.ts';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Whether the SigV4 signature verified (recomputed from the request with the same date). */
  signed: boolean;
}

const tmp = scratch('fxbench-fleet-deploy-');
const seen: Seen[] = [];
let exists = false;
let server: http.Server;
let origin = '';

/** Recomputes the request's signature with the test's secret: true when it matches the one sent. */
async function verifies(req: http.IncomingMessage, body: string): Promise<boolean> {
  const auth = String(req.headers.authorization ?? '');
  const m =
    /^AWS4-HMAC-SHA256 Credential=AKIDFLEETTEST\/(\d{8})\/us-east-1\/lambda\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return false;
  const signedHeaders = m[2]!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return false;
  const url = new URL(req.url!, origin);
  const headers: Record<string, string> = {};
  for (const h of signedHeaders) headers[h] = String(req.headers[h]);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const d = String(req.headers['x-amz-date']);
  const date = new Date(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
  );
  const signer = new SignatureV4({
    credentials: { accessKeyId: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY },
    region: 'us-east-1',
    service: 'lambda',
    sha256: Sha256,
    // Whether x-amz-content-sha256 is sent and signed is the signer's choice: it is in SignedHeaders when it was.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: req.method!,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query,
      headers,
      body,
    }),
    { signingDate: date, unsignableHeaders: new Set(), signableHeaders: new Set(signedHeaders) },
  );
  return String(signed.headers.authorization).endsWith(`Signature=${m[3]}`);
}

const configuration = (name: string) => ({
  FunctionName: name,
  FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  Runtime: 'nodejs24.x',
  Handler: 'index.handler',
  MemorySize: 1769,
  Timeout: 900,
  Architectures: ['arm64'],
  State: exists ? 'Active' : 'Pending',
});

function answer(res: http.ServerResponse, status: number, body?: unknown, type?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': 'req-1' };
  if (type) headers['x-amzn-errortype'] = type;
  res.writeHead(status, headers);
  res.end(body === undefined ? '' : JSON.stringify(body));
}

const test = suite('fleet deploy and remove: signed Lambda control-plane calls');
test.before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      seen.push({ method: req.method!, url: req.url!, headers, body, signed: await verifies(req, body) });
      const name = /^\/2015-03-31\/functions\/([^/?]+)/.exec(req.url!)?.[1];
      const notFound = () =>
        answer(res, 404, { Type: 'User', message: `Function not found: ${name}` }, 'ResourceNotFoundException');
      if (name === 'forbidden')
        return answer(res, 403, { Message: 'not allowed to touch forbidden' }, 'AccessDeniedException');
      if (req.method === 'GET' && name === 'short-fn' && req.url!.endsWith('/configuration'))
        return answer(res, 200, { ...configuration(name), Timeout: 10 });
      if (req.method === 'GET' && name)
        return exists ? answer(res, 200, { Configuration: configuration(name), Code: {} }) : notFound();
      if (req.method === 'POST' && req.url === '/2015-03-31/functions') {
        const created = configuration(JSON.parse(body).FunctionName); // Pending, as CreateFunction answers
        exists = true;
        return answer(res, 201, created);
      }
      if (req.method === 'PUT' && name && req.url!.endsWith('/code')) return answer(res, 200, configuration(name));
      if (req.method === 'DELETE' && name) {
        if (!exists) return notFound();
        exists = false;
        res.writeHead(204);
        return res.end();
      }
      answer(res, 400, { message: `unexpected ${req.method} ${req.url}` }, 'InvalidRequestContentException');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
test.after(() => {
  server.close();
  tmp.cleanup();
});

const env = () => ({ ...FAKE_AWS_ENV, AWS_ENDPOINT_URL_LAMBDA: origin });
const cli = (args: string[]) => runCli(['fleet', ...args], { env: env(), timeoutMs: 90_000 });

test('deploy without --role when the function does not exist: GetFunction only, exit 2 naming --role', async () => {
  seen.length = 0;
  const r = await cli(['deploy']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /--role: function fxbench-fleet does not exist in us-east-1/);
  assert.equal(
    seen.map((s) => `${s.method} ${s.url}`),
    ['GET /2015-03-31/functions/fxbench-fleet'],
  );
  assert.ok(seen[0]!.signed, seen[0]!.headers.authorization);
});

test('deploy creates the function: GetFunction (404), then CreateFunction with the zipped worker', async () => {
  seen.length = 0;
  const zipOut = path.join(tmp.dir, 'fleet.zip');
  const role = 'arn:aws:iam::123456789012:role/fxbench-fleet';
  const r = await cli(['deploy', '--role', role, '--zip-out', zipOut]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(
    seen.map((s) => `${s.method} ${s.url}`),
    ['GET /2015-03-31/functions/fxbench-fleet', 'POST /2015-03-31/functions'],
  );
  for (const s of seen) assert.ok(s.signed, `${s.method} ${s.url}: ${s.headers.authorization}`);
  const create = JSON.parse(seen[1]!.body);
  assert.is(create.FunctionName, 'fxbench-fleet');
  assert.is(create.Role, role);
  assert.is(create.Runtime, 'nodejs24.x');
  assert.is(create.Handler, 'index.handler');
  assert.equal(create.Architectures, ['arm64']);
  assert.is(create.Timeout, 900);
  assert.is(create.MemorySize, 1769);
  // The zip sent is the zip written, and holds index.mjs with the handler.
  const sent = Buffer.from(create.Code.ZipFile, 'base64');
  const zipSent = path.join(tmp.dir, 'sent.zip');
  writeFileSync(zipSent, sent);
  assert.match(execFileSync('unzip', ['-l', zipSent], { encoding: 'utf8' }), / index\.mjs\n/);
  const code = execFileSync('unzip', ['-p', zipSent, 'index.mjs'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.match(code, /export\s*\{[^}]*handler/);
  assert.ok(execFileSync('cmp', [zipSent, zipOut]).length === 0);
  assert.match(r.stdout, /bundled the fleet worker: index\.mjs [\d.]+ MB, zipped [\d.]+ MB/);
  assert.match(
    r.stdout,
    /created arn:aws:lambda:us-east-1:123456789012:function:fxbench-fleet in us-east-1 \(nodejs24\.x, arm64, 1769 MB, timeout 900 s, role arn:aws:iam::123456789012:role\/fxbench-fleet\); state Pending/,
  );
});

test('deploy again updates the code: GetFunction, then UpdateFunctionCode', async () => {
  seen.length = 0;
  const r = await cli(['deploy', '--arch', 'x86_64']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(
    seen.map((s) => `${s.method} ${s.url}`),
    ['GET /2015-03-31/functions/fxbench-fleet', 'PUT /2015-03-31/functions/fxbench-fleet/code'],
  );
  for (const s of seen) assert.ok(s.signed, `${s.method} ${s.url}`);
  const update = JSON.parse(seen[1]!.body);
  assert.equal(update.Architectures, ['x86_64']);
  assert.ok(Buffer.from(update.ZipFile, 'base64').length > 100_000);
  assert.match(
    r.stdout,
    /updated the code of arn:aws:lambda:us-east-1:123456789012:function:fxbench-fleet in us-east-1/,
  );
});

test('remove deletes it (DeleteFunction); removing again says nothing was there, exit 0', async () => {
  seen.length = 0;
  const r = await cli(['remove']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(
    seen.map((s) => `${s.method} ${s.url}`),
    ['DELETE /2015-03-31/functions/fxbench-fleet'],
  );
  assert.ok(seen[0]!.signed);
  assert.match(r.stdout, /deleted function fxbench-fleet in us-east-1/);
  const again = await cli(['remove']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /no function fxbench-fleet in us-east-1: nothing removed/);
});

test('a control-plane error is named with its call and type: exit 3', async () => {
  seen.length = 0;
  const r = await cli(['remove', '--function', 'forbidden']);
  assert.is(r.code, 3, r.stderr);
  assert.match(
    r.stderr,
    /DeleteFunction forbidden: AccessDeniedException \(HTTP 403\): not allowed to touch forbidden/,
  );
});

test('run --fleet reads the function’s Timeout: a scenario longer than it is refused (exit 2), nothing invoked', async () => {
  seen.length = 0;
  const file = path.join(tmp.dir, 'long.ts');
  writeFileSync(
    file,
    `import { defineScenario, steady } from 'fxbench';
export default defineScenario({ name: 'long', targets: [{ name: 'srv', provider: 'http', url: 'http://127.0.0.1:9/' }],
  phases: [steady({ rate: 1, duration: '20s' })] });\n`,
  );
  const r = await runCli(
    ['run', file, '--fleet', 'lambda:short-fn', '--shards', '2', '--out', path.join(tmp.dir, 'o')],
    {
      env: env(),
      cwd: tmp.dir,
      timeoutMs: 60_000,
    },
  );
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /planned to run 20 s \(plus 5 s to start\), longer than the Timeout of short-fn \(10 s\)/);
  assert.equal(
    seen.map((x) => `${x.method} ${x.url}`),
    ['GET /2015-03-31/functions/short-fn/configuration'],
  );
  assert.ok(seen[0]!.signed);
});

test.run();
