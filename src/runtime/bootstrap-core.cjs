// fxbench's Node.js bootstrap core: a Lambda custom runtime for `export const handler`
// functions, speaking the Lambda Runtime API (2018-06-01) exactly as a `provided.*`
// bootstrap does, so the local runtime treats it like any other custom runtime.
//
// One self-contained CommonJS file on purpose, because it runs two ways:
// - as a V8 startup snapshot (the fast path): the runtime builds it once per memory
//   size with `node --max-heap-size=M --build-snapshot bootstrap-core.cjs` and starts
//   instances with `--snapshot-blob`. Node skips its built-in snapshot whenever a heap
//   flag is given (≈ 15 ms on every cold start here); a snapshot built with the same
//   flag is accepted, so the memory cap costs nothing at start. A snapshot entry can
//   only require built-in modules, hence no local imports here; handlers load with
//   import() through import-helper.cjs, required after the snapshot is deserialized.
// - imported by bootstrap.mjs (the fallback: TypeScript handlers, handlers with
//   top-level await, or no snapshot), which loads the handler with import().
'use strict';
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');
const v8 = require('node:v8');

// A minimal HTTP/1.1 keep-alive client for the Runtime API: one socket per loop,
// requests pipelined, responses parsed for status, headers and a Content-Length
// (or chunked) body.
class RuntimeApiClient {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.pending = [];
    this.buf = Buffer.alloc(0);
    this.connect();
  }
  connect() {
    this.sock = net.connect({ host: this.host, port: this.port });
    this.sock.setNoDelay(true);
    this.sock.on('data', (c) => this.onData(c));
    const fail = (err) => {
      const list = this.pending;
      this.pending = [];
      for (const p of list) p.reject(err ?? new Error('runtime API connection closed'));
    };
    this.sock.on('error', fail);
    this.sock.on('close', () => fail());
  }
  /** Sends requests in one write; resolves one promise per request, in order. */
  send(requests) {
    const bodies = [];
    for (const r of requests) {
      const body = r.body === undefined ? null : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
      let head = `${r.method} ${r.path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
      for (const [k, v] of Object.entries(r.headers ?? {})) head += `${k}: ${v}\r\n`;
      head += body
        ? `Content-Length: ${body.length}\r\n\r\n`
        : r.method === 'GET'
          ? '\r\n'
          : 'Content-Length: 0\r\n\r\n';
      bodies.push(Buffer.from(head), ...(body ? [body] : []));
    }
    const promises = requests.map(() => new Promise((resolve, reject) => this.pending.push({ resolve, reject })));
    this.sock.write(bodies.length === 1 ? bodies[0] : Buffer.concat(bodies));
    return promises;
  }
  onData(chunk) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buf.toString('latin1', 0, end);
      const lines = head.split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headers = {};
      for (let i = 1; i < lines.length; i++) {
        const c = lines[i].indexOf(':');
        headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i].slice(c + 1).trim();
      }
      let body;
      let rest;
      if (headers['transfer-encoding'] === 'chunked') {
        const parts = [];
        let at = end + 4;
        for (;;) {
          const nl = this.buf.indexOf('\r\n', at);
          if (nl < 0) return;
          const size = parseInt(this.buf.toString('latin1', at, nl), 16);
          if (this.buf.length < nl + 2 + size + 2) return;
          if (size === 0) {
            rest = nl + 4;
            break;
          }
          parts.push(this.buf.subarray(nl + 2, nl + 2 + size));
          at = nl + 2 + size + 2;
        }
        body = Buffer.concat(parts);
      } else {
        const len = Number(headers['content-length'] ?? 0);
        if (this.buf.length < end + 4 + len) return;
        body = this.buf.subarray(end + 4, end + 4 + len);
        rest = end + 4 + len;
      }
      this.buf = this.buf.subarray(rest);
      const p = this.pending.shift();
      if (p) p.resolve({ status, headers, body });
    }
  }
}

const base = '/2018-06-01/runtime';

function errorBody(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  return JSON.stringify({
    errorType: e.name || 'Error',
    errorMessage: e.message,
    stackTrace: (e.stack || '')
      .split('\n')
      .slice(1)
      .map((s) => s.trim()),
  });
}

function errorRequest(urlPath, err, type) {
  return {
    method: 'POST',
    path: base + urlPath,
    body: errorBody(err),
    headers: { 'content-type': 'application/json', 'lambda-runtime-function-error-type': type },
  };
}

// The runtime is gone (fxbench exited): nothing will ever ask for work again.
function lostRuntime() {
  process.exit(0);
}

/** The handler's module file from _HANDLER ("index.handler") and LAMBDA_TASK_ROOT. */
function handlerFile() {
  const handlerSpec = process.env._HANDLER || 'index.handler';
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const dot = handlerSpec.lastIndexOf('.');
  const modName = handlerSpec.slice(0, dot);
  const fnName = handlerSpec.slice(dot + 1);
  const candidates = ['.mjs', '.js', '.cjs', '.ts', '.mts'].map((ext) => path.join(root, modName + ext));
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file)
    throw Object.assign(new Error(`Cannot find module '${modName}' in ${root}`), { name: 'Runtime.ImportModuleError' });
  return { file, fnName, handlerSpec };
}

function pickHandler(mod, fnName, handlerSpec) {
  const fn = mod[fnName] ?? mod.default?.[fnName];
  if (typeof fn !== 'function')
    throw Object.assign(new Error(`${handlerSpec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  return fn;
}

/**
 * Loads the handler with `load(file)` (require or import), then serves
 * invocations: AWS_LAMBDA_MAX_CONCURRENCY loops, each on its own connection.
 */
async function start(load) {
  const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
  const loops = Math.max(1, Number(process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? 1) || 1);
  const clients = [];
  const clientFor = (i) => (clients[i] ??= new RuntimeApiClient(host, Number(port)));
  let handler;
  try {
    const { file, fnName, handlerSpec } = handlerFile();
    handler = pickHandler(await load(file), fnName, handlerSpec);
  } catch (err) {
    const type = err?.name && String(err.name).startsWith('Runtime.') ? err.name : 'Runtime.InitError';
    const r = errorRequest('/init/error', err, type);
    await clientFor(0).send([r])[0].catch(lostRuntime);
    process.exit(1);
  }
  const env = process.env;
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME;
  const memoryLimitInMB = env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
  const functionVersion = env.AWS_LAMBDA_FUNCTION_VERSION;
  const logGroupName = env.AWS_LAMBDA_LOG_GROUP_NAME;
  const logStreamName = env.AWS_LAMBDA_LOG_STREAM_NAME;
  async function loop(i) {
    const client = clientFor(i);
    let nextP = client.send([{ method: 'GET', path: `${base}/invocation/next` }])[0];
    for (;;) {
      let next;
      try {
        next = await nextP;
      } catch {
        lostRuntime();
      }
      const h = next.headers;
      const requestId = h['lambda-runtime-aws-request-id'];
      const deadline = Number(h['lambda-runtime-deadline-ms']);
      if (h['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
      const context = {
        awsRequestId: requestId,
        invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
        functionName,
        functionVersion,
        memoryLimitInMB,
        logGroupName,
        logStreamName,
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => deadline - Date.now(),
      };
      const raw = next.body.toString('utf8');
      let event;
      try {
        event = raw.length ? JSON.parse(raw) : {};
      } catch {
        event = raw;
      }
      let answer;
      try {
        const result = await handler(event, context);
        const body = result === undefined ? 'null' : JSON.stringify(result);
        answer = {
          method: 'POST',
          path: `${base}/invocation/${requestId}/response`,
          body,
          headers: { 'content-type': 'application/json' },
        };
      } catch (err) {
        answer = errorRequest(
          `/invocation/${requestId}/error`,
          err,
          err?.name ? `Function.${err.name}` : 'Function.Unhandled',
        );
      }
      // This process's RSS high-water mark (getrusage ru_maxrss, the kernel's VmHWM),
      // so the runtime need not read /proc/<pid>/status for Max Memory Used.
      answer.headers['x-fxbench-max-rss-kb'] = process.resourceUsage().maxRSS;
      // The answer and the next long poll leave together (HTTP/1.1 pipelining):
      // the runtime replies 202 to the first and holds the second until work comes.
      const [posted, polled] = client.send([answer, { method: 'GET', path: `${base}/invocation/next` }]);
      posted.catch(lostRuntime);
      nextP = polled;
    }
  }

  for (let i = 0; i < loops; i++) void loop(i);
}

// A snapshot entry runs without `module`: export only when loaded as a module.
if (typeof module !== 'undefined') module.exports = { start, RuntimeApiClient };

// Building a snapshot: the instance starts in start(), loading the handler through
// import-helper.cjs (named by FXBENCH_IMPORT_HELPER), i.e. with import().
if (v8.startupSnapshot?.isBuildingSnapshot()) {
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    const { createRequire } = require('node:module');
    const { pathToFileURL } = require('node:url');
    const helper = process.env.FXBENCH_IMPORT_HELPER;
    const importer = createRequire(helper)(helper);
    void start((file) => importer(pathToFileURL(file).href));
  });
}
