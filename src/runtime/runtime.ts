/**
 * The local FaaS runtime: functions served by real OS processes, started on
 * demand (a cold start costs what that really costs), reused while warm, reaped
 * when idle, capped by a concurrency limit, reached over HTTP on 127.0.0.1 at
 * the Lambda Invoke API path.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Instance, newRequestId, type InstanceResult } from './instance.ts';
import type { FunctionSpec } from './function-spec.ts';
import { formatReportLine, lambdaBilledMs } from './report-line.ts';

/** Lambda's synchronous request payload limit: 6 MB (providers.md §1.1). */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Result of one invocation through the runtime, ready to frame as HTTP. */
export interface RuntimeInvokeResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Options for the runtime. */
export interface LocalRuntimeOptions {
  /** Interface to listen on. Always loopback unless a user asks otherwise. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
}

/** Per-function pool of instances. */
class FunctionPool {
  readonly instances = new Set<Instance>();
  /** Idle instances, most recently used last (reused first, as Lambda tends to). */
  readonly idle: Instance[] = [];
  constructor(public spec: FunctionSpec) {}
}

/** A running local runtime. */
export class LocalRuntime {
  private readonly pools = new Map<string, FunctionPool>();
  private server: http.Server | null = null;
  private stopped = false;
  private readonly host: string;
  private readonly port: number;
  /** Base URL of the invoke endpoint, once started. */
  url = '';

  constructor(functions: FunctionSpec[], opts: LocalRuntimeOptions = {}) {
    for (const spec of functions) this.pools.set(spec.name, new FunctionPool(spec));
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
  }

  /** Starts the invoke endpoint. */
  async start(): Promise<string> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    this.url = `http://${this.host}:${addr.port}`;
    return this.url;
  }

  /** PIDs of every live instance process (for tests and for cleanup). */
  pids(): number[] {
    const out: number[] = [];
    for (const pool of this.pools.values()) for (const i of pool.instances) if (i.pid) out.push(i.pid);
    return out;
  }

  /** Number of live instances of a function. */
  instanceCount(name: string): number {
    return this.pools.get(name)?.instances.size ?? 0;
  }

  /** Stops every instance of `name` so that the next invocations are cold. */
  async drain(name: string): Promise<void> {
    const pool = this.pools.get(name);
    if (!pool) return;
    await Promise.all([...pool.instances].map((i) => killAndWait(i)));
  }

  /** Changes a function's spec (e.g. memory); running instances are drained. */
  async update(name: string, patch: Partial<FunctionSpec>): Promise<void> {
    const pool = this.pools.get(name);
    if (!pool) throw new Error(`unknown function ${name}`);
    pool.spec = { ...pool.spec, ...patch };
    await this.drain(name);
  }

  /**
   * Invokes `name` once with `payload`. Never throws: throttles, unknown
   * functions and platform errors come back as an HTTP-shaped result.
   */
  async invoke(name: string, payload: Buffer, opts: { logTail?: boolean } = {}): Promise<RuntimeInvokeResult> {
    const pool = this.pools.get(name);
    if (!pool) return apiError(404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:local:000000000000:function:${name}`);
    if (payload.length > MAX_SYNC_PAYLOAD_BYTES) {
      return apiError(413, 'RequestTooLargeException', `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
    }
    if (this.stopped) return apiError(503, 'ServiceException', 'runtime is stopping');
    let instance = pool.idle.pop();
    if (!instance) {
      if (pool.instances.size >= pool.spec.maxInstances) {
        return apiError(429, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
      }
      instance = await Instance.start(pool.spec, {
        onIdle: (i) => {
          if (!this.stopped) pool.idle.push(i);
        },
        onExit: (i) => {
          pool.instances.delete(i);
          const at = pool.idle.indexOf(i);
          if (at >= 0) pool.idle.splice(at, 1);
        },
      });
      pool.instances.add(instance);
    }
    const requestId = newRequestId();
    const result = await new Promise<InstanceResult>((resolve) => instance.run({ requestId, payload, resolve }));
    return frame(pool.spec, result, opts.logTail ?? false);
  }

  /** Stops the endpoint and kills every instance; resolves when all have exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all: Instance[] = [];
    for (const pool of this.pools.values()) all.push(...pool.instances);
    await Promise.all(all.map((i) => killAndWait(i)));
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server = null;
    }
  }

  /** Kills every instance synchronously; for process 'exit' handlers. */
  killAllSync(): void {
    this.stopped = true;
    for (const pid of this.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const m = /^\/2015-03-31\/functions\/([^/?]+)\/invocations(?:\?.*)?$/.exec(req.url ?? '');
    if (req.method === 'GET' && req.url === '/health') return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"status":"ok"}') });
    if (!m || req.method !== 'POST') {
      req.resume();
      return send(res, apiError(404, 'UnknownOperationException', `no route ${req.method} ${req.url}`));
    }
    const name = decodeURIComponent(m[1]!).split(':').pop()!;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_SYNC_PAYLOAD_BYTES) {
      req.resume();
      return send(res, apiError(413, 'RequestTooLargeException', `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_SYNC_PAYLOAD_BYTES + 1) chunks.push(c);
    });
    req.on('end', () => {
      const logTail = String(req.headers['x-amz-log-type'] ?? '').toLowerCase() === 'tail';
      this.invoke(name, Buffer.concat(chunks), { logTail }).then(
        (r) => send(res, r),
        (err) => send(res, apiError(500, 'ServiceException', String(err))),
      );
    });
  }
}

function killAndWait(i: Instance): Promise<void> {
  if (i.state === 'dead') return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (i.state === 'dead') {
        clearInterval(timer);
        resolve();
      }
    }, 5);
    i.kill('stop');
  });
}

/** Turns an instance result into the Invoke API response (plus fxbench's own headers). */
function frame(spec: FunctionSpec, r: InstanceResult, logTail: boolean): RuntimeInvokeResult {
  const billedMs = lambdaBilledMs(r.durationMs, r.initMs);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-requestid': r.requestId,
    'x-amz-executed-version': '$LATEST',
    'x-fxbench-cold': r.cold ? '1' : '0',
    'x-fxbench-duration-ms': r.durationMs.toFixed(3),
    'x-fxbench-billed-ms': String(billedMs),
    'x-fxbench-memory-mb': String(spec.memoryMB),
    'x-fxbench-max-memory-mb': String(r.maxMemoryMB),
    'x-fxbench-instance-id': r.instanceId,
  };
  if (r.initMs !== undefined) headers['x-fxbench-init-ms'] = r.initMs.toFixed(3);
  if (r.errorClass) {
    headers['x-amz-function-error'] = 'Unhandled';
    headers['x-fxbench-error-class'] = r.errorClass;
  }
  if (logTail) {
    const report = formatReportLine({ requestId: r.requestId, durationMs: r.durationMs, billedMs, memoryMB: spec.memoryMB, maxMemoryMB: r.maxMemoryMB, initMs: r.initMs });
    const log = `START RequestId: ${r.requestId} Version: $LATEST\nEND RequestId: ${r.requestId}\n${report}\n`;
    headers['x-amz-log-result'] = Buffer.from(log).toString('base64');
  }
  return { status: 200, headers, body: r.body };
}

function apiError(status: number, type: string, message: string, extra: Record<string, string> = {}): RuntimeInvokeResult {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': newRequestId() },
    body: Buffer.from(JSON.stringify({ Type: 'User', message, ...extra })),
  };
}

function send(res: http.ServerResponse, r: RuntimeInvokeResult): void {
  res.writeHead(r.status, { ...r.headers, 'content-length': r.body.length });
  res.end(r.body);
}
