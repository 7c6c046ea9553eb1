// fxbench's Node.js bootstrap core: a Lambda custom runtime for `export const handler`
// functions. It speaks the Lambda Runtime API (2018-06-01) as a `provided.*` bootstrap
// does, over HTTP on AWS_LAMBDA_RUNTIME_API; fxbench's own runtime also offers it the
// same API in frames on a Unix socket (FXBENCH_RUNTIME_FRAMES, runtime-frames.ts),
// which costs both processes less CPU per invocation, and it then uses that.
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
// requests pipelined and written as one string, responses parsed for status,
// headers and a Content-Length (or chunked) body. Every invocation passes through
// it twice, so it allocates little: measured 2026-12-01 (2 cores, Node 20, 10 warm
// instances at 10 connections), a client with a Buffer per request part, a
// promise per request and `split` header parsing cost the instances 62–81 µs of CPU
// per invocation; this one 50–58 µs; the least client that works (no context, no
// headers object) 38 µs.
class RuntimeApiClient {
  /** `socketPath`: a Unix socket the runtime offers its own bootstrap (see start()); else TCP to host:port. */
  constructor(host, port, socketPath) {
    this.host = host;
    this.port = port;
    this.socketPath = socketPath;
    this.hostLine = `Host: ${host}:${port}\r\n`;
    /** One `{ resolve, reject }` per request sent and not yet answered, in order. */
    this.pending = [];
    this.buf = null;
    // A response whose body is incomplete: the bytes it needs in all (0: none) and
    // its chunks so far, joined once when all are in (not joined and parsed again per chunk).
    this.need = 0;
    this.parts = [];
    this.have = 0;
    this.connect();
  }
  connect() {
    this.sock = this.socketPath
      ? net.connect({ path: this.socketPath })
      : net.connect({ host: this.host, port: this.port });
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
  /** A request as HTTP/1.1 text; `body` a string (sent as UTF-8). */
  text(method, urlPath, headers, body) {
    let head = `${method} ${urlPath} HTTP/1.1\r\n${this.hostLine}`;
    if (headers) for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
    if (body !== undefined) return `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    return method === 'GET' ? `${head}\r\n` : `${head}Content-Length: 0\r\n\r\n`;
  }
  /** Writes `text` (one or more requests) and queues one `{ resolve, reject }` per request in it. */
  write(text, ...handlers) {
    for (const h of handlers) this.pending.push(h);
    this.sock.write(text);
  }
  /** Sends requests ({ method, path, headers, body: string }) in one write; resolves one promise per request, in order. */
  send(requests) {
    let text = '';
    for (const r of requests) text += this.text(r.method, r.path, r.headers, r.body);
    const promises = requests.map(() => new Promise((resolve, reject) => this.pending.push({ resolve, reject })));
    this.sock.write(text);
    return promises;
  }
  onData(chunk) {
    if (this.need > 0) {
      this.parts.push(chunk);
      this.have += chunk.length;
      if (this.have < this.need) return;
      this.buf = Buffer.concat(this.parts, this.have);
      this.need = 0;
      this.parts = [];
      this.have = 0;
    } else this.buf = this.buf === null ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf !== null) {
      const buf = this.buf;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.toString('latin1', 0, end);
      const status = Number(head.slice(9, 12));
      // Header names and values in two arrays, read by name with header(): no object with a
      // computed key per line (a megamorphic store and a string-table lookup each, per response).
      const names = [];
      const values = [];
      for (let at = head.indexOf('\r\n') + 2; at > 1; ) {
        const nl = head.indexOf('\r\n', at);
        const eol = nl < 0 ? head.length : nl;
        const c = head.indexOf(':', at);
        if (c > at && c < eol) {
          let v = c + 1;
          while (v < eol && (head.charCodeAt(v) === 32 || head.charCodeAt(v) === 9)) v++;
          let e = eol;
          while (e > v && (head.charCodeAt(e - 1) === 32 || head.charCodeAt(e - 1) === 9)) e--;
          names.push(head.slice(at, c).trim().toLowerCase());
          values.push(head.slice(v, e));
        }
        at = nl + 2;
      }
      const res = new RuntimeApiResponse(status, names, values);
      let body;
      let rest;
      if (res.header('transfer-encoding') === 'chunked') {
        const parts = [];
        let at = end + 4;
        for (;;) {
          const nl = buf.indexOf('\r\n', at);
          if (nl < 0) return;
          const size = parseInt(buf.toString('latin1', at, nl), 16);
          if (buf.length < nl + 2 + size + 2) return;
          if (size === 0) {
            rest = nl + 4;
            break;
          }
          parts.push(buf.subarray(nl + 2, nl + 2 + size));
          at = nl + 2 + size + 2;
        }
        body = Buffer.concat(parts);
      } else {
        const len = Number(res.header('content-length') ?? 0);
        if (buf.length < end + 4 + len) {
          this.need = end + 4 + len;
          this.parts = [buf];
          this.have = buf.length;
          this.buf = null;
          return;
        }
        body = buf.subarray(end + 4, end + 4 + len);
        rest = end + 4 + len;
      }
      this.buf = rest < buf.length ? buf.subarray(rest) : null;
      res.body = body;
      const p = this.pending.shift();
      if (p) p.resolve(res);
    }
  }
}

/**
 * The Runtime API in fxbench's frames (src/runtime/runtime-frames.ts has the
 * layout and the reasons), on the abstract Unix socket fxbench's runtime offers
 * its own bootstrap (FXBENCH_RUNTIME_FRAMES). One invocation at a time: `poll`
 * sends the first poll, `answer` an answer (which is also the next poll).
 */
class FrameLink {
  constructor(socketPath) {
    // Chunks of an incomplete frame, joined once `need` bytes are in (the frame's
    // length once its first 4 bytes came, else 4): a 6 MB event is copied once, not
    // once per 64 KB chunk (FrameReader in runtime-frames.ts reads answers the same way).
    this.parts = [];
    this.have = 0;
    this.need = 4;
    this.onEvent = null;
    // Reads land in one buffer of the link's own (net's `onread`), handed to onData
    // without the stream machinery or a new Buffer per read: measured 2026-12-01 (A/B,
    // 8 alternating rounds, 10 instances at 10 connections), the instances' CPU per
    // invocation −19 % on Node 20 and −26 % on Node 24. What outlives the call is
    // copied: an incomplete frame's part, an event's payload.
    this.sock = net.connect({
      path: socketPath,
      onread: { buffer: Buffer.allocUnsafe(64 * 1024), callback: (n, buf) => this.onData(buf.subarray(0, n)) },
    });
    this.sock.setNoDelay(true);
    this.sock.on('error', lostRuntime);
    this.sock.on('close', lostRuntime);
  }
  /** `chunk` lies in the read buffer, which the next read overwrites: what is kept is copied. */
  onData(chunk) {
    this.have += chunk.length;
    if (this.have < this.need) {
      this.parts.push(Buffer.from(chunk));
      return;
    }
    let buf = this.parts.length ? Buffer.concat([...this.parts, chunk], this.have) : chunk;
    // Nothing was joined: the frames lie in the read buffer.
    const inRead = buf === chunk;
    this.parts = [];
    this.have = 0;
    this.need = 4;
    while (buf.length >= 4) {
      const n = buf.readUInt32LE(0);
      if (buf.length < 4 + n) {
        this.need = 4 + n;
        break;
      }
      const h = buf.readUInt32LE(4);
      const head = buf.toString('utf8', 8, 8 + h);
      const a = head.indexOf('\n');
      const b = head.indexOf('\n', a + 1);
      const c = head.indexOf('\n', b + 1);
      const d = head.indexOf('\n', c + 1);
      const event = {
        requestId: head.slice(0, a),
        deadline: Number(head.slice(a + 1, b)),
        arn: head.slice(b + 1, c),
        traceId: head.slice(c + 1, d),
        clientContext: d + 1 < head.length ? head.slice(d + 1) : undefined,
        // A copy when it lies in the read buffer: the event may be held past this call.
        body: inRead ? Buffer.from(buf.subarray(8 + h, 4 + n)) : buf.subarray(8 + h, 4 + n),
      };
      buf = buf.subarray(4 + n);
      this.onEvent(event);
    }
    if (buf.length) {
      this.parts.push(inRead ? Buffer.from(buf) : buf);
      this.have = buf.length;
    }
  }
  /** Asks for the first event; `onEvent(event)` is called with each. */
  poll(onEvent) {
    this.onEvent = onEvent;
    const f = Buffer.allocUnsafe(5);
    f.writeUInt32LE(1, 0);
    f[4] = 0;
    this.sock.write(f);
  }
  /** Sends kind 1 (response), 2 (error) or 3 (init error): `body` a string, `type` the error type ('' for none). */
  frame(kind, type, body, cb) {
    const t = Buffer.byteLength(type);
    const n = Buffer.byteLength(body);
    const f = Buffer.allocUnsafe(11 + t + n);
    f.writeUInt32LE(7 + t + n, 0);
    f[4] = kind;
    f.writeUInt32LE(Math.min(process.resourceUsage().maxRSS, 0xffffffff), 5);
    f.writeUInt16LE(t, 9);
    if (t) f.write(type, 11, 'utf8');
    f.write(body, 11 + t, 'utf8');
    this.sock.write(f, cb);
  }
  /** The answer to `_event` (the connection's one invocation): `type` undefined for a response, else the error's type; also the next poll. */
  answer(_event, type, body) {
    this.frame(type === undefined ? 1 : 2, type ?? '', body);
  }
  /** Reports an init error; resolves once it is written. */
  initError(type, body) {
    return new Promise((resolve) => this.frame(3, type, body, resolve));
  }
}

/**
 * The HTTP Runtime API (any host's, or fxbench's runtime over TCP) with the same
 * interface as FrameLink: `poll`, `answer`, `initError`.
 */
class HttpLink {
  constructor(client) {
    this.client = client;
    this.nextText = client.text('GET', `${base}/invocation/next`);
    this.next = null;
  }
  poll(onEvent) {
    this.next = {
      resolve: (res) =>
        onEvent({
          requestId: res.header('lambda-runtime-aws-request-id'),
          deadline: Number(res.header('lambda-runtime-deadline-ms')),
          arn: res.header('lambda-runtime-invoked-function-arn'),
          traceId: res.header('lambda-runtime-trace-id'),
          clientContext: res.header('lambda-runtime-client-context'),
          body: res.body,
        }),
      reject: lostRuntime,
    };
    this.client.write(this.nextText, this.next);
  }
  answer(event, type, body) {
    const headers = { 'content-type': 'application/json' };
    if (type !== undefined) headers['lambda-runtime-function-error-type'] = type;
    // This process's RSS high-water mark (getrusage ru_maxrss, the kernel's VmHWM),
    // so the runtime need not read /proc/<pid>/status for Max Memory Used.
    headers['x-fxbench-max-rss-kb'] = process.resourceUsage().maxRSS;
    const urlPath = `${base}/invocation/${event.requestId}/${type === undefined ? 'response' : 'error'}`;
    // The answer and the next long poll leave together (HTTP/1.1 pipelining):
    // the runtime replies 202 to the first and holds the second until work comes.
    this.client.write(this.client.text('POST', urlPath, headers, body) + this.nextText, answered, this.next);
  }
  initError(type, body) {
    const headers = { 'content-type': 'application/json', 'lambda-runtime-function-error-type': type };
    return this.client.send([{ method: 'POST', path: `${base}/init/error`, headers, body }])[0];
  }
}

/** The answer to the runtime's 202 (or to a lost connection: then the next poll fails too). */
const answered = { resolve() {}, reject: lostRuntime };

/** One Runtime API answer: status, header lines (names lower-cased) and body. */
class RuntimeApiResponse {
  constructor(status, names, values) {
    this.status = status;
    this.names = names;
    this.values = values;
    this.body = null;
  }
  /** The value of header `name` (lower-case); undefined when absent. */
  header(name) {
    const i = this.names.indexOf(name);
    return i < 0 ? undefined : this.values[i];
  }
}

const base = '/2018-06-01/runtime';

function parseClientContext(text) {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

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

// The runtime is gone (fxbench exited): nothing will ever ask for work again.
function lostRuntime() {
  process.exit(0);
}

const TRACE_ENV = '_X_AMZN_TRACE_ID';

/**
 * Puts `process.env._X_AMZN_TRACE_ID` in JavaScript: `process.env` becomes a
 * Proxy of the real environment that keeps this one variable in a variable of
 * its own and forwards everything else. Returns the setter (undefined: unset).
 *
 * JavaScript sees what Lambda's runtime client gives it (aws-lambda-ric sets the
 * variable per invocation): reading, `in`, `delete`, `Object.keys`, spreading,
 * and child processes given `env: process.env`. Native code's getenv() does not
 * see it, nor, from Node 26, a child process started with no `env` (Node 26
 * passes its real environment on as it is; up to 24 it copied process.env).
 *
 * Why not setenv, as aws-lambda-ric does: glibc keeps every value setenv was ever
 * given (it cannot free one a program may still hold). Measured 2026-12-01: a
 * million trace ids grew a Node process by 143–148 MB at 2.5–2.8 µs per set
 * (Node 20, 24); an instance's Max Memory Used crept up 35 MB in 200,000
 * invocations of a handler that keeps nothing, so a 128 MB function would have
 * been killed for memory in a long run; and the set cost 16–19 % of an
 * instance's CPU per invocation (A/B, Node 20 and 24, 10 instances at 10
 * connections). The price: reading any variable through the Proxy costs
 * 0.35–0.55 µs more (Node 20–26).
 */
function traceEnv() {
  const real = process.env;
  let value = real[TRACE_ENV];
  if (value !== undefined) delete real[TRACE_ENV];
  process.env = new Proxy(real, {
    get: (t, k) => (k === TRACE_ENV ? value : t[k]),
    set(t, k, v) {
      if (k === TRACE_ENV) value = String(v);
      else t[k] = v;
      return true;
    },
    has: (t, k) => (k === TRACE_ENV ? value !== undefined : k in t),
    deleteProperty(t, k) {
      if (k === TRACE_ENV) value = undefined;
      else delete t[k];
      return true;
    },
    ownKeys(t) {
      const keys = Reflect.ownKeys(t);
      if (value !== undefined) keys.push(TRACE_ENV);
      return keys;
    },
    getOwnPropertyDescriptor(t, k) {
      if (k !== TRACE_ENV) return Reflect.getOwnPropertyDescriptor(t, k);
      return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
    },
    defineProperty(t, k, d) {
      if (k !== TRACE_ENV) return Reflect.defineProperty(t, k, d);
      // As the real environment: a value is kept as a string, an accessor refused.
      if (d.get || d.set) throw new TypeError(`'process.env' does not accept an accessor(getter/setter) descriptor`);
      value = String(d.value);
      return true;
    },
  });
  return (v) => {
    value = v;
  };
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
  const links = [];
  // fxbench's runtime also serves this instance's Runtime API in frames on a Linux abstract Unix
  // socket (FXBENCH_RUNTIME_FRAMES names it; an environment value cannot hold the leading NUL):
  // both processes spend less CPU per invocation than on HTTP over loopback TCP (runtime-frames.ts).
  // FXBENCH_RUNTIME_API_ABSTRACT names a socket with the HTTP Runtime API (bench:runtime's
  // protocol floor); neither: HTTP on AWS_LAMBDA_RUNTIME_API, as any custom runtime.
  const frames = process.env.FXBENCH_RUNTIME_FRAMES;
  const abstract = process.env.FXBENCH_RUNTIME_API_ABSTRACT;
  const linkFor = (i) =>
    (links[i] ??= frames
      ? new FrameLink(`\0${frames}`)
      : new HttpLink(new RuntimeApiClient(host, Number(port), abstract ? `\0${abstract}` : undefined)));
  // In multi-concurrent mode (AWS_LAMBDA_MAX_CONCURRENCY set) invocations overlap in one process and
  // aws-lambda-ric leaves the variable alone; fxbench's bootstrap too. Before the handler loads: code
  // that keeps `process.env` in a variable of its own at load sees the trace ids too.
  const setTrace = process.env.AWS_LAMBDA_MAX_CONCURRENCY === undefined ? traceEnv() : undefined;
  let handler;
  try {
    const { file, fnName, handlerSpec } = handlerFile();
    handler = pickHandler(await load(file), fnName, handlerSpec);
  } catch (err) {
    const type = err?.name && String(err.name).startsWith('Runtime.') ? err.name : 'Runtime.InitError';
    await linkFor(0).initError(type, errorBody(err)).catch(lostRuntime);
    process.exit(1);
  }
  const env = process.env;
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME;
  const memoryLimitInMB = env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
  const functionVersion = env.AWS_LAMBDA_FUNCTION_VERSION;
  const logGroupName = env.AWS_LAMBDA_LOG_GROUP_NAME;
  const logStreamName = env.AWS_LAMBDA_LOG_STREAM_NAME;
  function loop(i) {
    const link = linkFor(i);
    async function invoke(next) {
      const deadline = next.deadline;
      // As Lambda's own runtime client (aws-lambda-ric): set per invocation, removed when the event has none.
      if (setTrace) setTrace(next.traceId || undefined);
      const context = {
        awsRequestId: next.requestId,
        invokedFunctionArn: next.arn,
        functionName,
        functionVersion,
        memoryLimitInMB,
        logGroupName,
        logStreamName,
        // Parsed as Lambda's Node.js runtime does (the header carries JSON); undefined when absent or not JSON.
        clientContext: parseClientContext(next.clientContext),
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
      let type;
      let body;
      try {
        const result = await handler(event, context);
        body = result === undefined ? 'null' : JSON.stringify(result);
      } catch (err) {
        type = err?.name ? `Function.${err.name}` : 'Function.Unhandled';
        body = errorBody(err);
      }
      link.answer(next, type, body);
    }
    link.poll((next) => void invoke(next));
  }

  for (let i = 0; i < loops; i++) loop(i);
}

// A snapshot entry runs without `module`: export only when loaded as a module.
if (typeof module !== 'undefined') module.exports = { start, RuntimeApiClient, FrameLink, traceEnv };

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
