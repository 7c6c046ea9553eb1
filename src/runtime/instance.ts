/**
 * What every instance kind of the local runtime shares: one real OS process
 * (started under a parent-death signal and, except for `node`, a memory rlimit),
 * a lifecycle (starting → ready → dead), in-flight accounting, the idle timer
 * that scales it to zero, and the rules that classify invocations lost with a
 * dying process. The kinds live in lambda-instance.ts, fork-instance.ts and
 * http-instance.ts.
 */
import { setPriority } from 'node:os';
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { nowNs } from '../clock.ts';
import type { FunctionSpec } from '../model/function.ts';

/** Lambda's INIT phase limit for on-demand functions (providers.md §1.5); also bounds http readiness. */
export const INIT_TIMEOUT_MS = 10_000;

/** Niceness of instance processes (0 = the runtime's own; higher = lower priority). */
export const INSTANCE_NICENESS = 10;
const SETPRIV = '/usr/bin/setpriv';
const PRLIMIT = '/usr/bin/prlimit';
const HAS_SETPRIV = process.platform === 'linux' && existsSync(SETPRIV);
const HAS_PRLIMIT = process.platform === 'linux' && existsSync(PRLIMIT);

/** How an invocation failed inside the platform (null: it succeeded). */
export type InvocationErrorClass = 'function-error' | 'init-error' | 'timeout' | 'out-of-memory';

/** Why the runtime killed an instance. */
export type KillReason = 'timeout' | 'init-timeout' | 'idle' | 'stop' | 'crash';

/** The HTTP request behind an invocation, for kinds that see HTTP (`http`, and `fork`'s CGI variables). */
export interface InvokeRequest {
  method: string;
  /** Path below the function, e.g. `/` or `/items/1`. */
  path: string;
  /** Query string without `?` ('' when none). */
  query: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
}

/** How an invocation ended, before HTTP framing. */
export interface InstanceResult {
  requestId: string;
  /** Response or error body from the function. */
  body: Buffer;
  /** Null on success. */
  errorClass: InvocationErrorClass | null;
  /** Lambda-Runtime-Function-Error-Type or a platform error type. */
  errorType?: string;
  /** The invocation waited for its instance to start. */
  cold: boolean;
  /** Instance start until ready, ms (cold starts only). */
  initMs?: number;
  /** Function time: event delivery until response, ms. */
  durationMs: number;
  /** VmHWM (peak RSS) of the instance process, MB; 0 when unknown. */
  maxMemoryMB: number;
  instanceId: string;
  /** HTTP status the function answered with (`http` and `fork` kinds). */
  status?: number;
  /** Response headers from the function (`http` kind; `fork`'s content type). */
  headers?: Record<string, string>;
}

/** An invocation handed to an instance. */
export interface PendingInvocation {
  requestId: string;
  payload: Buffer;
  /** Absolute deadline, Unix epoch ms (Lambda-Runtime-Deadline-Ms); default now + timeout at delivery. */
  deadlineMs?: number;
  traceId?: string;
  /** Decoded X-Amz-Client-Context (Lambda-Runtime-Client-Context). */
  clientContext?: string;
  /** The HTTP request, when it came through the OpenFaaS path. */
  request?: InvokeRequest;
  /** Set by the instance when the invocation is accepted: it had to wait for the instance to start. */
  cold?: boolean;
  resolve(result: InstanceResult): void;
}

/** Callbacks from an instance to the pool that owns it. */
export interface InstanceEvents {
  /** The instance finished starting (it may have spare slots). */
  onReady(instance: BaseInstance): void;
  /** An invocation finished and the instance lives on with a free slot. */
  onSlotFree(instance: BaseInstance): void;
  /** The instance is gone (exited, killed, failed init). Called once. */
  onExit(instance: BaseInstance): void;
}

export type InstanceState = 'starting' | 'ready' | 'dead';

/** Keeps the last `max` bytes of a stream for diagnostics (OOM detection, crash messages). */
export class Tail {
  private text = '';
  constructor(private readonly max = 4096) {}
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.max);
  }
  toString(): string {
    return this.text;
  }
}

/** A running (or starting) instance of a function: the part every kind shares. */
export abstract class BaseInstance {
  /** Short id, also the log stream name and the `x-fxbench-instance-id` header. */
  readonly id = randomBytes(4).toString('hex');
  state: InstanceState = 'starting';
  /** OS process id of the instance (0 before spawn). */
  pid = 0;
  /** Invocations accepted and not yet finished. */
  inflight = 0;
  /** Invocations finished. */
  served = 0;
  /** Start until ready, ms; set once ready. */
  initMs: number | undefined;
  /** Resolves once the instance is dead and its process has exited. */
  readonly exited: Promise<void>;
  /** Set when the pool puts the instance on its free list (avoids duplicates). */
  listed = false;
  /** Being killed: takes no more work even before its process has exited. */
  retiring = false;
  protected child: ChildProcess | null = null;
  protected readonly stderr = new Tail();
  protected killedFor: KillReason | null = null;
  protected readonly startedNs = nowNs();
  private markExited!: () => void;
  private initTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly spec: FunctionSpec,
    protected readonly events: InstanceEvents,
  ) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
  }

  /** Hands an invocation to this instance. Never throws; the result arrives through `inv.resolve`. */
  abstract run(inv: PendingInvocation): void;

  /** Resolves every invocation this instance holds when its process is gone. */
  protected abstract lose(code: number | null, signal: NodeJS.Signals | null): void;

  /** Kills the process (SIGKILL); the instance turns dead once it has exited. */
  kill(reason: KillReason): void {
    if (this.state === 'dead') return;
    this.killedFor ??= reason;
    this.retiring = true;
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return this.processExited(null, 'SIGKILL');
    try {
      this.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }

  /** Called by a kind when it accepts an invocation. */
  protected accept(inv: PendingInvocation): void {
    clearTimeout(this.idleTimer);
    inv.cold = this.state === 'starting';
    this.inflight++;
  }

  /** Called by a kind when an invocation finished and the instance lives on. */
  protected complete(inv: PendingInvocation, r: Omit<InstanceResult, 'requestId' | 'cold' | 'initMs' | 'instanceId'>): void {
    this.inflight--;
    this.served++;
    inv.resolve(this.result(inv, r));
    if (this.state !== 'ready' || this.retiring) return;
    if (this.inflight === 0) {
      this.idleTimer = setTimeout(() => this.kill('idle'), this.spec.idleTimeoutMs);
      this.idleTimer.unref();
    }
    this.events.onSlotFree(this);
  }

  /** Fills the fields every result shares. */
  protected result(inv: PendingInvocation, r: Omit<InstanceResult, 'requestId' | 'cold' | 'initMs' | 'instanceId'>): InstanceResult {
    const cold = inv.cold ?? false;
    // Written field by field (no object spread): this runs once per invocation.
    const out: InstanceResult = {
      requestId: inv.requestId,
      body: r.body,
      errorClass: r.errorClass,
      errorType: r.errorType,
      cold,
      initMs: cold ? (this.initMs ?? (nowNs() - this.startedNs) / 1e6) : undefined,
      durationMs: r.durationMs,
      maxMemoryMB: r.maxMemoryMB,
      instanceId: this.id,
    };
    if (r.status !== undefined) out.status = r.status;
    if (r.headers !== undefined) out.headers = r.headers;
    return out;
  }

  /** Called by a kind once the instance can take work. */
  protected becameReady(): void {
    if (this.state !== 'starting') return;
    this.initMs = (nowNs() - this.startedNs) / 1e6;
    clearTimeout(this.initTimer);
    this.state = 'ready';
    if (this.inflight === 0) {
      this.idleTimer = setTimeout(() => this.kill('idle'), this.spec.idleTimeoutMs);
      this.idleTimer.unref();
    }
    this.events.onReady(this);
  }

  /**
   * Spawns the instance process: under `setpriv --pdeathsig SIGKILL` (the kernel
   * kills it should fxbench die without cleaning up: no orphans, ever) and, for
   * every kind but `node` (whose cap is V8's heap limit), `prlimit --data` at the
   * function's memory size. Both exec, so the PID is the function's own.
   */
  protected spawnProcess(cmd: string, args: string[], env: Record<string, string>, stdio: StdioOptions, exitEvent: 'exit' | 'close' = 'exit'): ChildProcess {
    if (this.spec.kind !== 'node' && HAS_PRLIMIT) {
      args = [`--data=${this.spec.memoryMB * 1024 * 1024}`, '--', cmd, ...args];
      cmd = PRLIMIT;
    }
    if (HAS_SETPRIV) {
      args = ['--pdeathsig', 'SIGKILL', '--', cmd, ...args];
      cmd = SETPRIV;
    }
    const child = spawn(cmd, args, { cwd: this.spec.code, env, stdio });
    this.child = child;
    this.pid = child.pid ?? 0;
    // Instances run one step below the runtime and the load generator (nice +INSTANCE_NICENESS):
    // on a small machine a burst of N booting processes would otherwise starve the process that
    // accepts the burst, late requests would land on instances that already finished, and a burst
    // of N would no longer cost N cold starts. The client side must not be starved by the system
    // it measures (on a real platform they are different machines).
    if (this.pid) {
      try {
        setPriority(this.pid, INSTANCE_NICENESS);
      } catch {
        /* not permitted: run at the default priority */
      }
    }
    child.stderr?.on('data', (c: Buffer) => this.stderr.push(c));
    child.on('error', (err) => this.stderr.push(Buffer.from(String(err))));
    child.on(exitEvent, (code: number | null, signal: NodeJS.Signals | null) => this.processExited(code, signal));
    if (this.state === 'starting') this.initTimer = setTimeout(() => this.kill('init-timeout'), INIT_TIMEOUT_MS);
    return child;
  }

  private processExited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.state === 'dead') return;
    clearTimeout(this.initTimer);
    clearTimeout(this.idleTimer);
    const wasReady = this.state === 'ready';
    this.state = 'dead';
    this.everReady = wasReady || this.initMs !== undefined;
    this.lose(code, signal);
    this.closeStatus();
    this.inflight = 0;
    this.markExited();
    this.events.onExit(this);
  }

  /** Whether the instance got as far as ready before it died. */
  protected everReady = false;

  /**
   * Classifies an invocation lost with the process: `timeout` when it was the one
   * that timed out; `init-error` when the instance never got ready; `out-of-memory`
   * when the process says so (V8 heap, MemoryError, ENOMEM) or was SIGKILLed by
   * someone else (the kernel's OOM killer); else `function-error`.
   */
  protected lostResult(
    inv: PendingInvocation,
    how: { timedOut: boolean; startNs?: number; code: number | null; signal: NodeJS.Signals | null; initError?: { body: Buffer; type: string } },
  ): InstanceResult {
    const durationMs = how.startNs ? (nowNs() - how.startNs) / 1e6 : 0;
    const base = { durationMs, maxMemoryMB: 0 };
    const stderr = this.stderr.toString();
    const exit = `code ${how.code}, signal ${how.signal}`;
    let r: Omit<InstanceResult, 'requestId' | 'cold' | 'initMs' | 'instanceId'>;
    if (how.timedOut) {
      const seconds = (this.spec.timeoutMs / 1000).toFixed(2);
      r = { ...base, errorClass: 'timeout', errorType: 'Sandbox.Timedout', body: json({ errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${seconds} seconds` }) };
    } else if (how.initError || !this.everReady) {
      const message = this.killedFor === 'init-timeout' ? `INIT phase exceeded ${INIT_TIMEOUT_MS / 1000} s` : `instance exited during init (${exit}): ${lastLine(stderr)}`;
      r = { ...base, errorClass: 'init-error', errorType: how.initError?.type ?? 'Runtime.ExitError', body: how.initError?.body ?? json({ errorType: 'Runtime.ExitError', errorMessage: message }) };
    } else if (looksOutOfMemory(stderr) || (how.signal === 'SIGKILL' && this.killedFor === null)) {
      r = { ...base, errorClass: 'out-of-memory', errorType: 'Runtime.OutOfMemory', body: json({ errorType: 'Runtime.OutOfMemory', errorMessage: `instance ran out of memory (${this.spec.memoryMB} MB)` }) };
    } else {
      const why = this.killedFor === 'timeout' ? 'instance killed: another invocation on it timed out' : this.killedFor === 'stop' ? 'instance stopped by the runtime' : `instance exited (${exit}): ${lastLine(stderr)}`;
      r = { ...base, errorClass: 'function-error', errorType: 'Runtime.ExitError', body: json({ errorType: 'Runtime.ExitError', errorMessage: why }) };
    }
    if (this.everReady && inv.cold === undefined) inv.cold = false;
    return this.result(inv, r);
  }

  /**
   * VmHWM (peak RSS) of the instance process, in MB, from /proc/<pid>/status; 0
   * where unavailable. The file is kept open and re-read from offset 0: opening
   * it costs ~45 µs per invocation on the warm path, a re-read ~11 µs (measured).
   */
  readMaxMemoryMB(): number {
    if (!this.pid) return 0;
    try {
      if (this.statusFd < 0) this.statusFd = openSync(`/proc/${this.pid}/status`, 'r');
      const n = readSync(this.statusFd, STATUS_BUF, 0, STATUS_BUF.length, 0);
      const status = STATUS_BUF.toString('latin1', 0, n);
      const at = status.indexOf('VmHWM:');
      if (at < 0) return 0;
      return Math.ceil(parseInt(status.slice(at + 6, at + 30).trim(), 10) / 1024) || 0;
    } catch {
      return 0;
    }
  }

  private statusFd = -1;

  private closeStatus(): void {
    if (this.statusFd < 0) return;
    try {
      closeSync(this.statusFd);
    } catch {
      /* already closed */
    }
    this.statusFd = -1;
  }
}

/** Shared read buffer for /proc/<pid>/status (reads are synchronous, so one is enough). */
const STATUS_BUF = Buffer.alloc(8192);

/** True when a process's stderr says it ran out of memory (V8 heap, Python MemoryError, ENOMEM, C++ bad_alloc). */
export function looksOutOfMemory(stderr: string): boolean {
  return /heap out of memory|Cannot allocate memory|MemoryError|std::bad_alloc|out of memory|allocation failed/i.test(stderr);
}

/** The environment every instance gets, before the function's own `env`. */
export function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', LANG: process.env.LANG ?? 'C.UTF-8', TZ: 'UTC' };
}

export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

/** A fresh Lambda-style request id. */
export function newRequestId(): string {
  return randomUUID();
}
