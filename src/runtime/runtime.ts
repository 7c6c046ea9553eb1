/**
 * The local FaaS runtime: functions served by real OS processes, started on
 * demand (a cold start costs what that really costs), reused while warm, reaped
 * when idle, capped by a concurrency limit (throttled, or queued for a while),
 * reached over HTTP on 127.0.0.1 at the Lambda Invoke API and OpenFaaS gateway
 * paths (gateway.ts). This file is the scheduler: which instance serves which
 * invocation.
 */
import type { AddressInfo } from 'node:net';
import type { FunctionStatus, InvokeOptions, InvokeOutcome, Platform } from './platform.ts';
import { ForkInstance } from './fork-instance.ts';
import { ensureSnapshot } from './snapshot.ts';
import { createGatewayHandler, frameLambda, gatewayBodyLimit, MAX_SYNC_PAYLOAD_BYTES, type RuntimeInvokeResult } from './gateway.ts';
import { HttpInstance } from './http-instance.ts';
import type { BaseInstance, InstanceEvents } from './instance.ts';
import { newRequestId, type InstanceResult, type PendingInvocation } from './invocation.ts';
import { LambdaInstance } from './lambda-instance.ts';
import { createMiniServer, type MiniServer } from './mini-http.ts';
import type { FunctionSpec } from '../model/function.ts';


/** Options for the runtime. */
export interface LocalRuntimeOptions {
  /** Interface to listen on. Always loopback unless a user asks otherwise. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
}

interface Waiter {
  inv: PendingInvocation;
  timer: NodeJS.Timeout;
  throttle(): void;
}

/** Per-function pool of instances. */
class FunctionPool {
  readonly instances = new Set<BaseInstance>();
  readonly starting = new Set<BaseInstance>();
  /** Ready instances with a free slot, most recently used last (reused first, as Lambda tends to). */
  readonly free: BaseInstance[] = [];
  /** Invocations waiting for capacity (queueTimeout > 0). */
  readonly queue: Waiter[] = [];
  invocations = 0;
  constructor(public spec: FunctionSpec) {}
}

/** A running local runtime. */
export class LocalRuntime implements Platform {
  private readonly pools = new Map<string, FunctionPool>();
  private server: MiniServer | null = null;
  private stopped = false;
  private readonly host: string;
  private readonly port: number;
  /** When the runtime was created (OpenFaaS `createdAt`). */
  readonly createdAt = new Date();
  /** Base URL of the HTTP endpoint, once started. */
  url = '';

  constructor(functions: FunctionSpec[], opts: LocalRuntimeOptions = {}) {
    for (const spec of functions) this.pools.set(spec.name, new FunctionPool(spec));
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
  }

  /** Starts the HTTP endpoint (Lambda Invoke API and OpenFaaS gateway paths); resolves to its base URL. */
  async start(): Promise<string> {
    await this.prepareSnapshots();
    // Idle client connections close after 65 s, as node:http's keepAliveTimeout did here.
    const server = createMiniServer(createGatewayHandler(this), { bodyLimit: gatewayBodyLimit, idleTimeoutMs: 65_000 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    this.url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
    return this.url;
  }

  /** Specs of every function served, in declaration order. */
  functions(): FunctionSpec[] {
    return [...this.pools.values()].map((p) => p.spec);
  }

  /** State of one function; undefined when unknown. */
  status(name: string): FunctionStatus | undefined {
    const pool = this.pools.get(name);
    if (!pool) return undefined;
    let available = 0;
    for (const i of pool.instances) if (i.state === 'ready') available++;
    return { spec: pool.spec, replicas: pool.instances.size, availableReplicas: available, invocations: pool.invocations };
  }

  /** PIDs of every live instance process, or of one function's (for tests and for cleanup). */
  pids(name?: string): number[] {
    const out: number[] = [];
    for (const pool of this.pools.values()) {
      if (name !== undefined && pool.spec.name !== name) continue;
      for (const i of pool.instances) if (i.pid) out.push(i.pid);
    }
    return out;
  }

  /** Number of live instances of a function. */
  instanceCount(name: string): number {
    return this.pools.get(name)?.instances.size ?? 0;
  }

  /** Stops every instance of `name` (in-flight invocations fail) so that the next invocations are cold. */
  async drain(name: string): Promise<void> {
    const pool = this.pools.get(name);
    if (!pool) return;
    const all = [...pool.instances];
    for (const i of all) i.kill('stop');
    await Promise.all(all.map((i) => i.exited));
  }

  /**
   * Sets the number of instances of `name`, as OpenFaaS's scale-function does:
   * 0 drains every instance; more than now starts instances ahead of demand
   * (their init is paid before any invocation, so invocations on them are warm,
   * like provisioned concurrency); fewer stops idle instances. Capped by
   * maxInstances; `fork` functions have no standing instances. Resolves to the
   * number of instances afterwards.
   */
  async scale(name: string, replicas: number): Promise<number> {
    const pool = this.pools.get(name);
    if (!pool) throw new Error(`unknown function ${name}`);
    if (replicas === 0) {
      await this.drain(name);
    } else if (pool.spec.kind !== 'fork' && !this.stopped) {
      const want = Math.min(replicas, pool.spec.maxInstances);
      while (pool.instances.size < want) this.createInstance(pool);
      const idle = [...pool.instances].filter((i) => i.inflight === 0);
      const excess = idle.slice(0, Math.max(0, pool.instances.size - replicas));
      for (const i of excess) i.kill('stop');
      await Promise.all(excess.map((i) => i.exited));
    }
    return pool.instances.size;
  }

  /** Changes a function's spec (e.g. memory); running instances are drained. */
  async update(name: string, patch: Partial<FunctionSpec>): Promise<void> {
    const pool = this.pools.get(name);
    if (!pool) throw new Error(`unknown function ${name}`);
    pool.spec = { ...pool.spec, ...patch };
    await this.prepareSnapshots();
    await this.drain(name);
  }

  /** Builds (or finds cached) the startup snapshots node instances of every memory size start from (snapshot.ts). */
  private async prepareSnapshots(): Promise<void> {
    const sizes = new Set<number>();
    for (const pool of this.pools.values()) if (pool.spec.kind === 'node') sizes.add(pool.spec.memoryMB);
    await Promise.all([...sizes].map((mb) => ensureSnapshot(mb)));
  }

  /**
   * Invokes `name` once with `payload`, framed as the Lambda Invoke API answers.
   * Never throws: throttles, unknown functions and platform errors come back as
   * an HTTP-shaped result.
   */
  async invoke(name: string, payload: Buffer, opts: InvokeOptions = {}): Promise<RuntimeInvokeResult> {
    return frameLambda(name, await this.call(name, payload, opts), opts.logTail ?? false, payload.length);
  }

  /**
   * Runs one invocation: on a free warm instance (most recently used first), else
   * on a new instance while under maxInstances (a cold start), else queued for
   * up to queueTimeout, else throttled. Never throws.
   */
  call(name: string, payload: Buffer, opts: InvokeOptions = {}): Promise<InvokeOutcome> {
    const pool = this.pools.get(name);
    if (!pool) return Promise.resolve({ type: 'not-found' });
    if (this.stopped) return Promise.resolve({ type: 'stopping' });
    if (payload.length > MAX_SYNC_PAYLOAD_BYTES && !opts.request) return Promise.resolve({ type: 'too-large', limitBytes: MAX_SYNC_PAYLOAD_BYTES });
    pool.invocations++;
    return new Promise<InvokeOutcome>((resolve) => {
      const inv: PendingInvocation = {
        requestId: newRequestId(),
        payload,
        traceId: opts.traceId,
        clientContext: opts.clientContext,
        request: opts.request,
        resolve: resultTo(resolve, pool.spec),
      };
      if (this.dispatch(pool, inv)) return;
      if (pool.spec.queueTimeoutMs <= 0) return resolve({ type: 'throttled', spec: pool.spec });
      const waiter: Waiter = {
        inv,
        throttle: () => resolve({ type: 'throttled', spec: pool.spec }),
        timer: setTimeout(() => {
          const at = pool.queue.indexOf(waiter);
          if (at >= 0) pool.queue.splice(at, 1);
          waiter.throttle();
        }, pool.spec.queueTimeoutMs),
      };
      pool.queue.push(waiter);
    });
  }

  /** Stops the endpoint and kills every instance; resolves when all have exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all: BaseInstance[] = [];
    for (const pool of this.pools.values()) {
      for (const w of pool.queue.splice(0)) {
        clearTimeout(w.timer);
        w.throttle();
      }
      all.push(...pool.instances);
    }
    for (const i of all) i.kill('stop');
    await Promise.all(all.map((i) => i.exited));
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

  /** Puts `inv` on an instance if there is capacity; false when at maxInstances with no free slot. */
  private dispatch(pool: FunctionPool, inv: PendingInvocation): boolean {
    const conc = pool.spec.concurrency;
    while (pool.free.length) {
      const inst = pool.free[pool.free.length - 1]!;
      if (inst.state !== 'ready' || inst.retiring || inst.inflight >= conc) {
        pool.free.pop();
        inst.listed = false;
        continue;
      }
      inst.run(inv);
      if (inst.inflight >= conc) {
        pool.free.pop();
        inst.listed = false;
      }
      return true;
    }
    // An instance still starting with a free slot (started ahead by scale(), or concurrency > 1): wait for it.
    for (const inst of pool.starting) {
      if (inst.inflight < conc && !inst.retiring && pool.spec.kind !== 'fork') {
        inst.run(inv);
        return true;
      }
    }
    if (pool.instances.size >= pool.spec.maxInstances) return false;
    this.createInstance(pool).run(inv);
    return true;
  }

  private createInstance(pool: FunctionPool): BaseInstance {
    const events: InstanceEvents = {
      onReady: (i) => {
        pool.starting.delete(i);
        this.offer(pool, i);
      },
      onSlotFree: (i) => this.offer(pool, i),
      onExit: (i) => {
        pool.instances.delete(i);
        pool.starting.delete(i);
        if (i.listed) {
          const at = pool.free.indexOf(i);
          if (at >= 0) pool.free.splice(at, 1);
          i.listed = false;
        }
        this.drainQueue(pool);
      },
    };
    const spec = pool.spec;
    const inst = spec.kind === 'fork' ? new ForkInstance(spec, events) : spec.kind === 'http' ? new HttpInstance(spec, events) : new LambdaInstance(spec, events);
    pool.instances.add(inst);
    pool.starting.add(inst);
    return inst;
  }

  /** A ready instance has a free slot: list it (on top) and serve waiting invocations. */
  private offer(pool: FunctionPool, i: BaseInstance): void {
    if (this.stopped || i.state !== 'ready' || i.retiring) return;
    if (!i.listed && i.inflight < pool.spec.concurrency) {
      pool.free.push(i);
      i.listed = true;
    }
    this.drainQueue(pool);
  }

  private drainQueue(pool: FunctionPool): void {
    if (this.stopped) return;
    while (pool.queue.length) {
      const w = pool.queue[0]!;
      if (!this.dispatch(pool, w.inv)) break;
      pool.queue.shift();
      clearTimeout(w.timer);
    }
  }
}

/**
 * The per-invocation callback that frames an instance's result. Made by a function
 * rather than written inline as a named property: tsx (esbuild keepNames) would
 * wrap an inline one in a defineProperty call on every invocation.
 */
function resultTo(resolve: (o: InvokeOutcome) => void, spec: FunctionSpec): (result: InstanceResult) => void {
  return (result) => resolve({ type: 'result', spec, result });
}
