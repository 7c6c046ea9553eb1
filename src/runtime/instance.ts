/**
 * One execution environment of the local runtime: a real OS process plus the
 * Lambda Runtime API endpoint it polls. Each instance gets its own endpoint (its
 * own port on 127.0.0.1), as each Lambda execution environment has its own
 * Runtime API, so any custom runtime works unchanged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { nowNs } from '../clock.ts';
import type { FunctionSpec } from './function-spec.ts';

/** Lambda's INIT phase limit for on-demand functions (providers.md §1.5). */
export const INIT_TIMEOUT_MS = 10_000;

const RUNTIME_PREFIX = '/2018-06-01/runtime';
const SETPRIV = '/usr/bin/setpriv';
const HAS_SETPRIV = process.platform === 'linux' && existsSync(SETPRIV);

/** How an invocation ended, before HTTP framing. */
export interface InstanceResult {
  requestId: string;
  /** Response or error body from the function. */
  body: Buffer;
  /** Null on success. */
  errorClass: 'function-error' | 'init-error' | 'timeout' | 'out-of-memory' | null;
  /** Lambda-Runtime-Function-Error-Type or a platform error type. */
  errorType?: string;
  cold: boolean;
  /** Spawn until first /next, ms (cold starts only). */
  initMs?: number;
  /** Event delivery until response, ms. */
  durationMs: number;
  /** VmHWM of the instance process, MB. */
  maxMemoryMB: number;
  instanceId: string;
}

/** An invocation waiting for, or being run by, an instance. */
export interface PendingInvocation {
  requestId: string;
  payload: Buffer;
  /** Absolute deadline, Unix epoch ms (Lambda-Runtime-Deadline-Ms). */
  deadlineMs?: number;
  traceId?: string;
  resolve(result: InstanceResult): void;
}

/** Callbacks from an instance to the runtime that owns it. */
export interface InstanceEvents {
  /** The instance finished an invocation and can take another. */
  onIdle(instance: Instance): void;
  /** The instance is gone (exited, killed, failed init). */
  onExit(instance: Instance): void;
}

type State = 'starting' | 'idle' | 'busy' | 'dead';

/** Keeps the last `max` bytes of a stream for diagnostics (OOM detection, crash messages). */
class Tail {
  private text = '';
  constructor(private readonly max = 4096) {}
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.max);
  }
  toString(): string {
    return this.text;
  }
}

/** A running (or starting) instance of a function. */
export class Instance {
  /** Short id, also sent as the log stream name. */
  readonly id = randomBytes(4).toString('hex');
  state: State = 'starting';
  /** OS process id of the instance. */
  pid = 0;
  private child!: ChildProcess;
  private server!: http.Server;
  private waiting: http.ServerResponse | null = null;
  private queued: PendingInvocation | null = null;
  private current: PendingInvocation | null = null;
  private currentStartNs = 0;
  private servedCount = 0;
  private readonly spawnedNs = nowNs();
  private initMs: number | undefined;
  private initTimer: NodeJS.Timeout | undefined;
  private invokeTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private killedFor: 'timeout' | 'init-timeout' | 'idle' | 'stop' | null = null;
  private readonly stderr = new Tail();

  private constructor(
    readonly spec: FunctionSpec,
    private readonly events: InstanceEvents,
  ) {}

  /** Starts the Runtime API endpoint and the process. Resolves once spawned, not once ready. */
  static async start(spec: FunctionSpec, events: InstanceEvents): Promise<Instance> {
    const inst = new Instance(spec, events);
    await inst.listen();
    inst.spawnProcess();
    return inst;
  }

  /** Number of invocations this instance has served. */
  get served(): number {
    return this.servedCount;
  }

  /** Hands an invocation to this instance (delivered on its next /next). */
  run(inv: PendingInvocation): void {
    this.state = 'busy';
    clearTimeout(this.idleTimer);
    if (this.waiting) this.deliver(inv);
    else this.queued = inv;
  }

  /** Kills the process (SIGKILL) and closes the endpoint. */
  kill(reason: 'timeout' | 'init-timeout' | 'idle' | 'stop'): void {
    if (this.state === 'dead') return;
    this.killedFor ??= reason;
    try {
      this.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }

  private listen(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 0; // a frozen-looking long poll must not be closed by the server
    this.server.requestTimeout = 0;
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
  }

  private spawnProcess(): void {
    const { spec } = this;
    const port = (this.server.address() as AddressInfo).port;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: process.env.LANG ?? 'C.UTF-8',
      TZ: 'UTC',
      AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
      _HANDLER: spec.handler,
      LAMBDA_TASK_ROOT: spec.code,
      LAMBDA_RUNTIME_DIR: spec.code,
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMB),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${this.id}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: 'local',
      AWS_DEFAULT_REGION: 'local',
      ...spec.env,
    };
    let cmd: string;
    let args: string[];
    if (spec.kind === 'node') {
      cmd = process.execPath;
      args = [`--max-old-space-size=${spec.memoryMB}`];
      if (/\.m?ts$/.test(spec.entry)) args.push('--import', 'tsx');
      args.push(new URL('./bootstrap.mjs', import.meta.url).pathname);
    } else {
      cmd = spec.entry;
      args = [];
    }
    // setpriv's parent-death signal makes the kernel kill the instance if fxbench
    // itself dies without cleaning up (SIGKILL, crash): no orphans, ever.
    if (HAS_SETPRIV) {
      args = ['--pdeathsig', 'SIGKILL', '--', cmd, ...args];
      cmd = SETPRIV;
    }
    this.child = spawn(cmd, args, { cwd: spec.code, env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.pid = this.child.pid ?? 0;
    this.child.stderr!.on('data', (c: Buffer) => this.stderr.push(c));
    this.child.on('error', (err) => this.stderr.push(Buffer.from(String(err))));
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
    this.initTimer = setTimeout(() => this.kill('init-timeout'), INIT_TIMEOUT_MS);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '';
    if (!url.startsWith(RUNTIME_PREFIX)) return reply(res, 404, { errorType: 'NotFound', errorMessage: `no route ${url}` });
    const route = url.slice(RUNTIME_PREFIX.length);
    if (req.method === 'GET' && route === '/invocation/next') return this.onNext(res);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let m: RegExpExecArray | null;
      if (req.method === 'POST' && (m = /^\/invocation\/([^/]+)\/(response|error)$/.exec(route))) {
        const requestId = decodeURIComponent(m[1]!);
        if (!this.current || this.current.requestId !== requestId) {
          return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `unknown or finished request id ${requestId}` });
        }
        reply(res, 202, { status: 'OK' });
        const errorType = m[2] === 'error' ? String(req.headers['lambda-runtime-function-error-type'] ?? 'Unhandled') : undefined;
        return this.finish(body, errorType ? 'function-error' : null, errorType);
      }
      if (req.method === 'POST' && route === '/init/error') {
        reply(res, 202, { status: 'OK' });
        this.initError = { body, type: String(req.headers['lambda-runtime-function-error-type'] ?? 'Runtime.InitError') };
        return this.kill('stop');
      }
      reply(res, 404, { errorType: 'NotFound', errorMessage: `no route ${req.method} ${url}` });
    });
  }

  private initError: { body: Buffer; type: string } | null = null;

  private onNext(res: http.ServerResponse): void {
    if (this.initMs === undefined) {
      this.initMs = (nowNs() - this.spawnedNs) / 1e6;
      clearTimeout(this.initTimer);
    }
    this.waiting = res;
    if (this.queued) {
      const inv = this.queued;
      this.queued = null;
      this.deliver(inv);
    } else if (this.state === 'starting') {
      // Pre-warmed with nothing to do (not used by the runtime today, but harmless).
      this.state = 'idle';
      this.events.onIdle(this);
    }
  }

  private deliver(inv: PendingInvocation): void {
    const res = this.waiting!;
    this.waiting = null;
    this.current = inv;
    this.currentStartNs = nowNs();
    const deadline = inv.deadlineMs ?? Date.now() + this.spec.timeoutMs;
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': inv.payload.length,
      'lambda-runtime-aws-request-id': inv.requestId,
      'lambda-runtime-deadline-ms': String(deadline),
      'lambda-runtime-invoked-function-arn': `arn:aws:lambda:local:000000000000:function:${this.spec.name}`,
      'lambda-runtime-trace-id': inv.traceId ?? `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`,
    });
    res.end(inv.payload);
    this.invokeTimer = setTimeout(() => this.kill('timeout'), this.spec.timeoutMs);
  }

  private finish(body: Buffer, errorClass: InstanceResult['errorClass'], errorType?: string): void {
    const inv = this.current;
    if (!inv) return;
    clearTimeout(this.invokeTimer);
    this.current = null;
    const cold = this.servedCount === 0;
    this.servedCount++;
    inv.resolve({
      requestId: inv.requestId,
      body,
      errorClass,
      errorType,
      cold,
      initMs: cold ? this.initMs : undefined,
      durationMs: (nowNs() - this.currentStartNs) / 1e6,
      maxMemoryMB: this.readMaxMemoryMB(),
      instanceId: this.id,
    });
    if (this.state === 'busy') {
      this.state = 'idle';
      this.idleTimer = setTimeout(() => this.kill('idle'), this.spec.idleTimeoutMs);
      this.idleTimer.unref();
      this.events.onIdle(this);
    }
  }

  /** VmHWM (peak RSS) of the instance process, in MB, from /proc. 0 where unavailable. */
  private readMaxMemoryMB(): number {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'latin1');
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      return m ? Math.ceil(Number(m[1]) / 1024) : 0;
    } catch {
      return 0;
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(this.initTimer);
    clearTimeout(this.invokeTimer);
    clearTimeout(this.idleTimer);
    const wasStarting = this.initMs === undefined;
    this.state = 'dead';
    this.waiting?.destroy();
    this.waiting = null;
    this.server.closeAllConnections();
    this.server.close();
    const inv = this.current ?? this.queued;
    this.current = this.queued = null;
    if (inv) {
      const cold = this.servedCount === 0;
      const durationMs = this.currentStartNs ? (nowNs() - this.currentStartNs) / 1e6 : 0;
      const base = { requestId: inv.requestId, cold, initMs: cold ? this.initMs : undefined, durationMs, maxMemoryMB: 0, instanceId: this.id };
      const stderr = this.stderr.toString();
      if (this.killedFor === 'timeout') {
        const seconds = (this.spec.timeoutMs / 1000).toFixed(2);
        inv.resolve({ ...base, errorClass: 'timeout', errorType: 'Sandbox.Timedout', body: json({ errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${seconds} seconds` }) });
      } else if (this.initError || wasStarting) {
        const message = this.initError?.body.toString() ?? (this.killedFor === 'init-timeout' ? `INIT phase exceeded ${INIT_TIMEOUT_MS / 1000} s` : `instance exited during init (code ${code}, signal ${signal}): ${lastLine(stderr)}`);
        inv.resolve({ ...base, errorClass: 'init-error', errorType: this.initError?.type ?? 'Runtime.ExitError', body: this.initError?.body ?? json({ errorType: 'Runtime.ExitError', errorMessage: message }) });
      } else if (/heap out of memory|Cannot allocate memory|MemoryError|std::bad_alloc/i.test(stderr)) {
        inv.resolve({ ...base, errorClass: 'out-of-memory', errorType: 'Runtime.OutOfMemory', body: json({ errorType: 'Runtime.OutOfMemory', errorMessage: `instance ran out of memory (${this.spec.memoryMB} MB)` }) });
      } else {
        inv.resolve({ ...base, errorClass: 'function-error', errorType: 'Runtime.ExitError', body: json({ errorType: 'Runtime.ExitError', errorMessage: `instance exited (code ${code}, signal ${signal}): ${lastLine(stderr)}` }) });
      }
    }
    this.events.onExit(this);
  }
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

function reply(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A fresh Lambda-style request id. */
export function newRequestId(): string {
  return randomUUID();
}
