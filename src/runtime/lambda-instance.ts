/**
 * Kinds `node` and `bootstrap`: an execution environment speaking the Lambda
 * Runtime API (2018-06-01). Each instance gets its own endpoint (its own port on
 * 127.0.0.1), as each Lambda execution environment has its own Runtime API, so
 * any custom runtime works unchanged; fxbench's own bootstrap (`node`) gets the
 * same API in frames on a Unix socket too (runtime-frames.ts). Ready = the first
 * `GET /invocation/next` (or first poll frame).
 * With concurrency > 1 the runtime may poll `/next` that many times at once
 * (AWS_LAMBDA_MAX_CONCURRENCY, as Lambda Managed Instances allow).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { nowNs } from '../clock.ts';
import { BaseInstance, type InstanceEvents } from './instance.ts';
import type { PendingInvocation } from './invocation.ts';
import { baseEnv, spawnSoon } from './instance-process.ts';
import { IMPORT_HELPER, readySnapshot } from './snapshot.ts';
import { createMiniServer, type MiniRequest, type MiniResponse, type MiniServer } from './mini-http.ts';
import {
  eventFrame,
  FRAME_ERROR,
  FRAME_INIT_ERROR,
  FRAME_NEXT,
  FrameReader,
  type BootstrapFrame,
} from './runtime-frames.ts';
import type { FunctionSpec } from '../model/function.ts';

const RUNTIME_PREFIX = '/2018-06-01/runtime';
const NEXT_PATH = `${RUNTIME_PREFIX}/invocation/next`;
const INVOCATION_PREFIX = `${RUNTIME_PREFIX}/invocation/`;
const INIT_ERROR_PATH = `${RUNTIME_PREFIX}/init/error`;
const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url).pathname;
const ACCEPTED = Buffer.from('{"status":"OK"}');
const ACCEPTED_LINES = `content-type: application/json\r\ncontent-length: ${ACCEPTED.length}\r\n`;

interface Running {
  inv: PendingInvocation;
  startNs: number;
}

/** One connection of fxbench's bootstrap in runtime frames (runtime-frames.ts): one invocation at a time. */
class FrameLink {
  readonly reader = new FrameReader();
  /** The invocation delivered on this connection and not yet answered. */
  requestId: string | undefined;
  constructor(readonly sock: Socket) {}
}

/** An instance of a `node` or `bootstrap` function. */
export class LambdaInstance extends BaseInstance {
  /** The Runtime API on 127.0.0.1 (AWS_LAMBDA_RUNTIME_API), as every runtime expects it. */
  private readonly server: MiniServer;
  /** Every Runtime API server of this instance: the TCP one, and for fxbench's own bootstrap a Unix socket. */
  private readonly servers: MiniServer[] = [];
  /**
   * The abstract Unix socket (Linux) the Runtime API is also served on in frames
   * (runtime-frames.ts), for fxbench's own bootstrap (`node` kind;
   * FXBENCH_RUNTIME_FRAMES names it): each event and answer then crosses a Unix
   * socket instead of loopback TCP, and as a few length-prefixed fields instead of
   * HTTP, which costs the runtime process and the instance less CPU per invocation
   * (measured in the closing note of issue 20 and bench/README.md). Other runtimes
   * use the HTTP Runtime API on TCP.
   */
  private abstractName: string | undefined;
  private frameServer: Server | undefined;
  private readonly links = new Set<FrameLink>();
  private readonly arn: string;
  /** Pending `/next` long polls (HTTP), or connections waiting for an event (frames). */
  private readonly waiting: (MiniResponse | FrameLink)[] = [];
  /** Accepted invocations not yet delivered (the runtime has not asked yet). */
  private readonly queued: PendingInvocation[] = [];
  private readonly running = new Map<string, Running>();
  /**
   * Ends the instance when an invocation outlives the function's timeout. One
   * timer for all of them, armed at delivery when none is: when it fires it
   * kills for the oldest running invocation past its time, or re-arms for the
   * oldest one's rest (no timer per invocation: see BaseInstance.idleTimer).
   */
  private timeoutTimer: NodeJS.Timeout | undefined;
  private readonly timedOut = new Set<string>();
  private initError: { body: Buffer; type: string } | undefined;
  /** Random part of this instance's trace ids; a counter makes each unique (cheaper than fresh random bytes per invocation). */
  private readonly tracePrefix = randomBytes(8).toString('hex');
  private traceSeq = 0;

  /** Starts the Runtime API endpoint(s), then the process; returns at once (state `starting`). */
  constructor(spec: FunctionSpec, events: InstanceEvents) {
    super(spec, events);
    this.arn = `arn:aws:lambda:local:000000000000:function:${spec.name}`;
    // No timeouts on these endpoints: a long poll may wait as long as the instance is idle.
    this.server = this.endpoint();
    let listening = 0;
    const listened = () => {
      if (++listening < this.servers.length + (this.frameServer ? 1 : 0)) return;
      if (this.state === 'dead') return void this.closeServers();
      spawnSoon(() => (this.state === 'dead' ? void this.closeServers() : this.spawnRuntime()));
    };
    if (spec.kind === 'node' && unixSocketApi()) {
      this.abstractName = `fxbench-${process.pid}-${this.id}-${(abstractSeq++).toString(36)}`;
      this.frameServer = this.frameEndpoint();
      this.frameServer.listen(`\0${this.abstractName}`, listened);
    }
    this.server.listen(0, '127.0.0.1', listened);
  }

  /** A Runtime API server for this instance (kept in `servers`, closed with it). */
  private endpoint(): MiniServer {
    const server = createMiniServer((req, res) => this.handle(req, res));
    server.on('error', (err) => {
      this.stderr.push(Buffer.from(`runtime API endpoint failed: ${err.message}`));
      this.kill('crash');
    });
    this.servers.push(server);
    return server;
  }

  /** The Runtime API in frames, on the abstract Unix socket, for fxbench's own bootstrap. */
  private frameEndpoint(): Server {
    const server = createServer((sock) => {
      const link = new FrameLink(sock);
      this.links.add(link);
      sock.on('data', (chunk) => {
        let frames: BootstrapFrame[];
        try {
          frames = link.reader.push(chunk);
        } catch (err) {
          this.stderr.push(Buffer.from(`fxbench runtime: ${(err as Error).message}`));
          sock.destroy();
          return this.kill('crash');
        }
        for (const f of frames) this.onFrame(link, f);
      });
      sock.on('error', () => sock.destroy());
      sock.on('close', () => {
        this.links.delete(link);
        const at = this.waiting.indexOf(link);
        if (at >= 0) this.waiting.splice(at, 1);
      });
    });
    server.on('error', (err) => {
      this.stderr.push(Buffer.from(`runtime API endpoint failed: ${err.message}`));
      this.kill('crash');
    });
    return server;
  }

  private onFrame(link: FrameLink, f: BootstrapFrame): void {
    if (f.kind === FRAME_NEXT) return this.onNext(link);
    if (f.kind === FRAME_INIT_ERROR) {
      if (this.state !== 'starting') return this.protocolError(link, 'init error after init finished');
      this.initError = { body: f.body, type: f.errorType || 'Runtime.InitError' };
      return this.kill('crash');
    }
    // FRAME_RESPONSE or FRAME_ERROR (FrameReader lets no other kind through): the answer to this
    // connection's invocation, and its next poll.
    const running = link.requestId === undefined ? undefined : this.running.get(link.requestId);
    if (!running) return this.protocolError(link, 'an answer with no invocation delivered');
    link.requestId = undefined;
    const errorType = f.kind === FRAME_ERROR ? f.errorType || 'Unhandled' : undefined;
    this.finish(running, f.body, errorType, f.maxRssKB > 0 ? Math.ceil(f.maxRssKB / 1024) : undefined);
    this.onNext(link);
  }

  /** The bootstrap broke the framing's rules: end the instance, saying why in its log tail. */
  private protocolError(link: FrameLink, what: string): void {
    this.stderr.push(Buffer.from(`fxbench runtime: runtime API frames: ${what}`));
    link.sock.destroy();
    this.kill('crash');
  }

  private closeServers(): void {
    for (const s of this.servers) {
      s.closeAllConnections();
      s.close();
    }
    for (const l of this.links) l.sock.destroy();
    this.links.clear();
    this.frameServer?.close();
  }

  run(inv: PendingInvocation): void {
    if (this.state === 'dead')
      return void inv.resolve(this.lostResult(inv, { timedOut: false, code: null, signal: null }));
    this.accept(inv);
    const res = this.waiting.pop();
    if (res) this.deliver(inv, res);
    else this.queued.push(inv);
  }

  private spawnRuntime(): void {
    const { spec } = this;
    const port = (this.server.address() as AddressInfo).port;
    const env: Record<string, string> = {
      ...baseEnv(),
      AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
      ...(this.abstractName ? { FXBENCH_RUNTIME_FRAMES: this.abstractName } : {}),
      _HANDLER: spec.handler,
      LAMBDA_TASK_ROOT: spec.code,
      LAMBDA_RUNTIME_DIR: spec.code,
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMB),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(Math.ceil(spec.timeoutMs / 1000)),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${this.id}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: 'local',
      AWS_DEFAULT_REGION: 'local',
      ...(spec.concurrency > 1 ? { AWS_LAMBDA_MAX_CONCURRENCY: String(spec.concurrency) } : {}),
      ...spec.env,
    };
    if (spec.kind === 'node') {
      // The memory cap is V8's heap limit, as Lambda's own Node runtime sizes the heap
      // from the function's memory. (Enforcing it on RSS instead was tried: without a
      // heap limit V8 collects lazily and a warm instance's garbage crosses the cap.)
      // With a heap flag Node rejects its built-in startup snapshot (≈ 15 ms per cold
      // start), so JavaScript handlers start from fxbench's own snapshot built with
      // the same flag (snapshot.ts); TypeScript handlers need tsx's hooks and take the
      // plain bootstrap.
      const args = [`--max-heap-size=${spec.memoryMB}`];
      const snapshot = /\.m?ts$/.test(spec.entry) ? null : readySnapshot(spec.memoryMB);
      if (snapshot) {
        args.push('--snapshot-blob', snapshot);
        env.FXBENCH_IMPORT_HELPER = IMPORT_HELPER;
      } else {
        if (/\.m?ts$/.test(spec.entry)) args.push('--import', 'tsx');
        args.push(BOOTSTRAP);
      }
      this.spawnProcess(process.execPath, args, env, ['ignore', 'ignore', 'pipe']);
    } else {
      this.spawnProcess(spec.entry, [], env, ['ignore', 'ignore', 'pipe']);
    }
  }

  private handle(req: MiniRequest, res: MiniResponse): void {
    const { url, body } = req;
    if (req.method === 'GET' && url === NEXT_PATH) return this.onNext(res);
    if (req.method === 'POST' && url.startsWith(INVOCATION_PREFIX)) {
      const rest = url.slice(INVOCATION_PREFIX.length);
      const slash = rest.indexOf('/');
      const kind = slash > 0 ? rest.slice(slash + 1) : '';
      if (kind === 'response' || kind === 'error') {
        const rawId = rest.slice(0, slash);
        let requestId = rawId;
        if (rawId.includes('%')) {
          try {
            requestId = decodeURIComponent(rawId);
          } catch {
            // Not valid percent-encoding: no request has that id (answered InvalidRequestID below).
          }
        }
        const running = this.running.get(requestId);
        if (!running)
          return reply(res, 400, {
            errorType: 'InvalidRequestID',
            errorMessage: `unknown or finished request id ${requestId}`,
          });
        res.writeHeadLines(202, ACCEPTED_LINES);
        // fxbench's bootstrap pipelines its next poll behind the answer and does not
        // wait for this 202: it then leaves with the next event, in one write.
        res.end(ACCEPTED, { coalesce: true });
        const errorType =
          kind === 'error' ? (req.header('lambda-runtime-function-error-type') ?? 'Unhandled') : undefined;
        // fxbench's own bootstrap reports its RSS high-water mark (ru_maxrss); any other runtime's is read from /proc.
        const maxRssKB = Number(req.header('x-fxbench-max-rss-kb'));
        return this.finish(running, body, errorType, maxRssKB > 0 ? Math.ceil(maxRssKB / 1024) : undefined);
      }
    }
    if (req.method === 'POST' && url === INIT_ERROR_PATH) {
      if (this.state !== 'starting')
        return reply(res, 403, { errorType: 'InvalidStateTransition', errorMessage: 'init/error after init finished' });
      reply(res, 202, { status: 'OK' });
      this.initError = { body, type: req.header('lambda-runtime-function-error-type') ?? 'Runtime.InitError' };
      return this.kill('crash');
    }
    reply(res, 404, { errorType: 'NotFound', errorMessage: `no route ${req.method} ${url}` });
  }

  private onNext(res: MiniResponse | FrameLink): void {
    if (this.state === 'dead') return void (res instanceof FrameLink ? res.sock : res).destroy();
    if (this.state === 'starting') this.becameReady();
    const inv = this.queued.shift();
    if (inv) this.deliver(inv, res);
    else this.waiting.push(res);
  }

  private deliver(inv: PendingInvocation, res: MiniResponse | FrameLink): void {
    const deadline = inv.deadlineMs ?? Date.now() + this.spec.timeoutMs;
    const trace = oneLine(inv.traceId) ?? this.traceId();
    if (res instanceof FrameLink) {
      res.requestId = inv.requestId;
      res.sock.write(eventFrame(inv.requestId, deadline, this.arn, trace, inv.clientContext, inv.payload));
    } else {
      // Header lines written out (no header object to check, once per invocation): every value is
      // the runtime's own but the trace id and client context, which the gateway refuses with CR or LF.
      let lines =
        `content-type: application/json\r\ncontent-length: ${inv.payload.length}\r\n` +
        `lambda-runtime-aws-request-id: ${inv.requestId}\r\nlambda-runtime-deadline-ms: ${deadline}\r\n` +
        `lambda-runtime-invoked-function-arn: ${this.arn}\r\nlambda-runtime-trace-id: ${trace}\r\n`;
      if (inv.clientContext) lines += `lambda-runtime-client-context: ${oneLine(inv.clientContext)}\r\n`;
      res.writeHeadLines(200, lines);
      res.end(inv.payload);
    }
    this.running.set(inv.requestId, { inv, startNs: nowNs() });
    if (this.timeoutTimer === undefined) this.armTimeout(this.spec.timeoutMs);
  }

  private armTimeout(ms: number): void {
    this.timeoutTimer = setTimeout(() => {
      this.timeoutTimer = undefined;
      if (this.state === 'dead') return;
      const now = nowNs();
      let oldest: Running | undefined;
      for (const r of this.running.values()) if (!oldest || r.startNs < oldest.startNs) oldest = r;
      if (!oldest) return; // armed again at the next delivery
      const ranMs = (now - oldest.startNs) / 1e6;
      // Node's timers run on a millisecond loop clock and may fire up to 1 ms early against hrtime.
      if (ranMs >= this.spec.timeoutMs - 1) {
        this.timedOut.add(oldest.inv.requestId);
        this.kill('timeout');
      } else this.armTimeout(this.spec.timeoutMs - ranMs);
    }, ms);
  }

  private finish(running: Running, body: Buffer, errorType: string | undefined, maxMemoryMB?: number): void {
    this.running.delete(running.inv.requestId);
    const durationMs = (nowNs() - running.startNs) / 1e6;
    // A runtime that catches its own out-of-memory error (Python's MemoryError) reports it as such.
    const errorClass =
      errorType === undefined ? null : /MemoryError|OutOfMemory/i.test(errorType) ? 'out-of-memory' : 'function-error';
    // Like Lambda, an environment that ran out of memory is not reused.
    if (errorClass === 'out-of-memory') this.kill('crash');
    this.complete(running.inv, {
      body,
      errorClass,
      errorType,
      durationMs,
      maxMemoryMB: maxMemoryMB ?? this.readMaxMemoryMB(),
    });
  }

  /** An X-Ray-style trace header, as Lambda passes in Lambda-Runtime-Trace-Id: `Root=1-<time>-<24 hex>;Parent=<16 hex>;Sampled=0`. */
  private traceId(): string {
    const seq = (this.traceSeq++ >>> 0).toString(16).padStart(8, '0');
    return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${this.tracePrefix}${seq};Parent=${seq}${this.tracePrefix.slice(0, 8)};Sampled=0`;
  }

  protected lose(code: number | null, signal: NodeJS.Signals | null): void {
    for (const res of this.waiting.splice(0)) (res instanceof FrameLink ? res.sock : res).destroy();
    this.closeServers();
    clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
    for (const r of this.running.values()) {
      r.inv.resolve(
        this.lostResult(r.inv, {
          timedOut: this.timedOut.has(r.inv.requestId),
          startNs: r.startNs,
          code,
          signal,
          initError: this.initError,
        }),
      );
    }
    this.running.clear();
    for (const inv of this.queued.splice(0))
      inv.resolve(this.lostResult(inv, { timedOut: false, code, signal, initError: this.initError }));
  }
}

/** Abstract socket names are unique per runtime process: instance ids are random, this makes a clash impossible. */
let abstractSeq = 0;

/**
 * Whether fxbench's bootstrap gets the Runtime API on a Unix socket: on Linux
 * (abstract sockets), unless FXBENCH_RUNTIME_API_TRANSPORT=tcp is set where the
 * runtime runs (for comparing the two, or watching the traffic with tcpdump).
 */
function unixSocketApi(): boolean {
  return process.platform === 'linux' && process.env.FXBENCH_RUNTIME_API_TRANSPORT !== 'tcp';
}

/** `value` with any CR or LF made a space, so it fits on a header line (the gateway refuses such values before they get here). */
function oneLine(value: string | undefined): string | undefined {
  return value !== undefined && /[\r\n]/.test(value) ? value.replace(/[\r\n]/g, ' ') : value;
}

function reply(res: MiniResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
