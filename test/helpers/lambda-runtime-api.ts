/**
 * A minimal AWS Lambda service on 127.0.0.1 for third-party runtimes: it speaks
 * the Lambda Runtime API (2018-06-01) to a runtime client such as AWS's own
 * `aws-lambda-ric`, and the Invoke API (2015-03-31) to fxbench's lambda driver,
 * as documented (docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html and
 * …/api/API_Invoke.html; see ../shared/providers.md §1.1, §1.2, §1.6):
 *
 * Runtime API
 *   GET  /2018-06-01/runtime/invocation/next            long poll; the event as body; headers
 *        Lambda-Runtime-Aws-Request-Id, -Deadline-Ms, -Invoked-Function-Arn, -Trace-Id
 *   POST /2018-06-01/runtime/invocation/{id}/response   202
 *   POST /2018-06-01/runtime/invocation/{id}/error      202 (Lambda-Runtime-Function-Error-Type)
 *   POST /2018-06-01/runtime/init/error                 202
 * Invoke API
 *   POST /2015-03-31/functions/{name}/invocations       RequestResponse: 200, the function's result
 *        (X-Amz-Function-Error: Unhandled and the error object when it failed), x-amzn-RequestId,
 *        X-Amz-Executed-Version, and with X-Amz-Log-Type: Tail an X-Amz-Log-Result (base64 of
 *        START/END/REPORT, REPORT with Init Duration on a new runtime's first invocation);
 *        DryRun: 204, runs nothing; unknown function: 404 ResourceNotFoundException.
 *
 * Like AWS's own Runtime Interface Emulator it has no control plane: every other
 * request (GetFunctionConfiguration, UpdateFunctionConfiguration…) gets a plain
 * `404 page not found` and is recorded in `controlRequests`. One runtime process
 * at a time, one invocation at a time (invocations queue), as in one execution
 * environment. Its `invocations` list is the truth a test checks fxbench against.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One invocation as this service saw it. */
export interface EmulatedInvocation {
  requestId: string;
  /** PID of the runtime process that ran it. */
  pid: number;
  /** First invocation of a new runtime process (REPORT carried Init Duration). */
  cold: boolean;
  error: boolean;
  durationMs: number;
  billedMs: number;
  initMs?: number;
}

interface Pending {
  requestId: string;
  payload: Buffer;
  res: http.ServerResponse;
  tail: boolean;
  dispatchedAt?: number;
}

interface RuntimeProcess {
  child: ChildProcess;
  spawnedAt: number;
  /** Init error the runtime posted (its Lambda-Runtime-Function-Error-Type and body): every invocation fails with it. */
  initError?: { type: string; body: Buffer };
  /** Init Duration, set by the first /next (or the init error). */
  initMs?: number;
  served: number;
}

export class LambdaRuntimeApi {
  readonly invocations: EmulatedInvocation[] = [];
  /** Requests that were neither Runtime API nor Invoke API (method and path). */
  readonly controlRequests: string[] = [];
  /** Error types runtimes posted to /runtime/init/error (Lambda-Runtime-Function-Error-Type). */
  readonly initErrors: string[] = [];
  /** DryRun requests (answered 204, nothing run). */
  dryRuns = 0;
  /** The last 16 kB of what the runtime processes wrote (stdout and stderr). */
  runtimeLog = '';
  /** Runtime processes started, by PID. */
  readonly processes: number[] = [];
  private server: http.Server | null = null;
  private port = 0;
  private readonly queue: Pending[] = [];
  private waiting: http.ServerResponse | null = null;
  private inFlight: Pending | null = null;
  private runtime: RuntimeProcess | null = null;

  constructor(
    readonly functionName: string,
    readonly memoryMB: number,
  ) {}

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.route(req, res, Buffer.concat(chunks)));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  /**
   * Starts a runtime process (`command args`, with AWS_LAMBDA_RUNTIME_API and the
   * reserved variables set) as a new execution environment; any previous one is
   * stopped first. Resolves once it asked for its first event (30 s at most).
   */
  async startRuntime(
    command: string,
    args: string[],
    opts: { cwd: string; env?: Record<string, string> },
  ): Promise<number> {
    await this.stopRuntime();
    const child = spawn(command, args, {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${this.port}`,
        AWS_LAMBDA_FUNCTION_NAME: this.functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.memoryMB),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.functionName}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `local/${randomUUID()}`,
        AWS_REGION: 'us-east-1',
        LAMBDA_TASK_ROOT: opts.cwd,
        ...opts.env,
      },
    });
    const rt: RuntimeProcess = { child, spawnedAt: performance.now(), served: 0 };
    // The runtime's own log (its "Invoke Error" lines for thrown errors) is kept, not printed: `runtimeLog`.
    const keep = (c: Buffer) => (this.runtimeLog = (this.runtimeLog + c).slice(-16_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.runtime = rt;
    this.processes.push(child.pid!);
    const end = Date.now() + 30_000;
    while (rt.initMs === undefined && !rt.initError) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `runtime ${child.pid} exited (${child.exitCode ?? child.signalCode}) before asking for an event`,
        );
      if (Date.now() > end) throw new Error(`runtime ${child.pid} did not ask for an event within 30 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return child.pid!;
  }

  /** Stops the runtime process by its PID and waits for it to exit (5 s at most). */
  async stopRuntime(): Promise<void> {
    const rt = this.runtime;
    this.runtime = null;
    this.waiting = null;
    if (!rt) return;
    const c = rt.child;
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      process.kill(c.pid!, 'SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
  }

  async close(): Promise<void> {
    await this.stopRuntime();
    for (const p of this.queue.splice(0)) p.res.destroy();
    const s = this.server;
    this.server = null;
    if (s) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (p === '/2018-06-01/runtime/invocation/next' && req.method === 'GET') return this.next(res);
    let m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(p);
    if (m && req.method === 'POST') return this.finish(m[1]!, m[2] === 'error', body, res);
    if (p === '/2018-06-01/runtime/init/error' && req.method === 'POST') {
      const rt = this.runtime;
      if (rt && !rt.initError) {
        rt.initMs ??= performance.now() - rt.spawnedAt;
        rt.initError = { type: String(req.headers['lambda-runtime-function-error-type'] ?? 'Runtime.Unknown'), body };
        this.initErrors.push(rt.initError.type);
      }
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
      this.dispatch();
      return;
    }
    m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(p);
    if (m && req.method === 'POST') return this.invoke(decodeURIComponent(m[1]!), req, res, body);
    this.controlRequests.push(`${req.method} ${p}`);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
  }

  private invoke(name: string, req: http.IncomingMessage, res: http.ServerResponse, payload: Buffer): void {
    if (name !== this.functionName) {
      res
        .writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' })
        .end(JSON.stringify({ Type: 'User', message: `Function not found: ${name}` }));
      return;
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') {
      this.dryRuns++;
      res.writeHead(204, { 'x-amzn-requestid': randomUUID() }).end();
      return;
    }
    const tail = String(req.headers['x-amz-log-type'] ?? '') === 'Tail';
    this.queue.push({ requestId: randomUUID(), payload, res, tail });
    this.dispatch();
  }

  private next(res: http.ServerResponse): void {
    const rt = this.runtime;
    if (rt && rt.initMs === undefined) rt.initMs = performance.now() - rt.spawnedAt;
    this.waiting = res;
    this.dispatch();
  }

  private dispatch(): void {
    const failed = this.runtime?.initError;
    if (failed) {
      // Init failed: as Lambda does, each invocation answers 200 + X-Amz-Function-Error with the init error object.
      for (const p of this.queue.splice(0)) {
        this.invocations.push({
          requestId: p.requestId,
          pid: this.runtime!.child.pid!,
          cold: false,
          error: true,
          durationMs: 0,
          billedMs: 0,
        });
        const report = `REPORT RequestId: ${p.requestId}\tDuration: 0.00 ms\tBilled Duration: 0 ms\tMemory Size: ${this.memoryMB} MB\tMax Memory Used: 0 MB\tStatus: error\tError Type: ${failed.type}\t`;
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'x-amzn-requestid': p.requestId,
          'x-amz-executed-version': '$LATEST',
          'x-amz-function-error': 'Unhandled',
        };
        if (p.tail) headers['x-amz-log-result'] = Buffer.from(`${report}\n`).toString('base64');
        p.res.writeHead(200, headers).end(failed.body);
      }
      return;
    }
    if (!this.waiting || this.inFlight || this.queue.length === 0) return;
    const p = this.queue.shift()!;
    const res = this.waiting;
    this.waiting = null;
    this.inFlight = p;
    p.dispatchedAt = performance.now();
    res
      .writeHead(200, {
        'content-type': 'application/json',
        'lambda-runtime-aws-request-id': p.requestId,
        'lambda-runtime-deadline-ms': String(Date.now() + 30_000),
        'lambda-runtime-invoked-function-arn': `arn:aws:lambda:us-east-1:123456789012:function:${this.functionName}`,
        'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)};Parent=${randomUUID().replace(/-/g, '').slice(0, 16)};Sampled=0`,
      })
      .end(p.payload);
  }

  private finish(requestId: string, error: boolean, body: Buffer, res: http.ServerResponse): void {
    const p = this.inFlight;
    const rt = this.runtime;
    if (!p || p.requestId !== requestId || !rt) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"errorType":"InvalidRequestID"}');
      return;
    }
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
    this.inFlight = null;
    const durationMs = performance.now() - p.dispatchedAt!;
    const cold = rt.served === 0;
    rt.served++;
    const initMs = cold ? rt.initMs : undefined;
    // Since 2025-08-01 the INIT phase is billed with the first invocation: ceil(Duration + Init Duration).
    const billedMs = Math.ceil(durationMs + (initMs ?? 0));
    this.invocations.push({ requestId, pid: rt.child.pid!, cold, error, durationMs, billedMs, initMs });
    const maxUsed = maxMemoryUsedMB(rt.child.pid!) ?? this.memoryMB;
    const report =
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedMs} ms\t` +
      `Memory Size: ${this.memoryMB} MB\tMax Memory Used: ${maxUsed} MB\t` +
      (initMs !== undefined ? `Init Duration: ${initMs.toFixed(2)} ms\t` : '');
    const log = `START RequestId: ${requestId} Version: $LATEST\nEND RequestId: ${requestId}\n${report}\n`;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      'x-amz-executed-version': '$LATEST',
    };
    if (error) headers['x-amz-function-error'] = 'Unhandled';
    if (p.tail) headers['x-amz-log-result'] = Buffer.from(log).toString('base64');
    p.res.writeHead(200, headers).end(body);
    this.dispatch();
  }
}

/** Peak resident memory of a process (VmHWM), MB, rounded up; undefined when unreadable. */
function maxMemoryUsedMB(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.ceil(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
