/**
 * The local FaaS runtime: functions served by real OS processes, started on
 * demand (a cold start costs what that really costs), reused while warm, reaped
 * when idle, capped by a concurrency limit (throttled, or queued for a while),
 * reached over HTTP on 127.0.0.1 at the Lambda Invoke API and OpenFaaS gateway
 * paths (gateway.ts). This file is the runtime as its users see it: functions,
 * invocations, scaling, start and stop; which instance serves which invocation is
 * decided by each function's pool (function-pool.ts).
 */
import type { AddressInfo } from 'node:net';
import type { FunctionStatus, InvokeOptions, InvokeOutcome, Platform } from './platform.ts';
import { FunctionPool } from './function-pool.ts';
import { ensureSnapshot } from './snapshot.ts';
import { fillCgroupPool, startReaper } from './process-tree.ts';
import { acquireSpawner, releaseSpawner } from './spawner.ts';
import { createGatewayHandler, gatewayBodyLimit } from './gateway.ts';
import { frameLambda, MAX_SYNC_PAYLOAD_BYTES } from './gateway-lambda.ts';
import type { RuntimeInvokeResult } from './gateway-response.ts';
import type { BaseInstance } from './instance.ts';
import { newRequestId, type InstanceResult, type PendingInvocation } from './invocation.ts';
import { createMiniServer, type MiniServer } from './mini-http.ts';
import type { FunctionSpec } from '../model/function.ts';

/** Options for the runtime. */
export interface LocalRuntimeOptions {
  /** Interface to listen on. Always loopback unless a user asks otherwise. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /**
   * Lets generators add functions over HTTP (`PUT /fxbench/functions/{name}`
   * with this token in `x-fxbench-token`): the runtime `fxbench run` starts for
   * its generators. Unset (as for `fxbench serve`): no function can be added.
   */
  registerToken?: string;
}

/** A running local runtime. */
export class LocalRuntime implements Platform {
  private readonly pools = new Map<string, FunctionPool>();
  private server: MiniServer | null = null;
  private readonly host: string;
  private readonly port: number;
  /** When the runtime was created (OpenFaaS `createdAt`). */
  readonly createdAt = new Date();
  /** Base URL of the HTTP endpoint, once started. */
  url = '';
  readonly registerToken: string | undefined;

  /** A runtime serving `functions`; nothing runs until `start` (or an invocation). */
  constructor(functions: FunctionSpec[], opts: LocalRuntimeOptions = {}) {
    for (const spec of functions) this.pools.set(spec.name, new FunctionPool(spec));
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.registerToken = opts.registerToken;
  }

  /** Adds a function, or replaces one whose spec differs (its instances are drained first). */
  async register(spec: FunctionSpec): Promise<'created' | 'unchanged' | 'updated'> {
    const pool = this.pools.get(spec.name);
    if (pool && JSON.stringify(pool.spec) === JSON.stringify(spec)) return 'unchanged';
    if (pool) {
      await this.update(spec.name, spec);
      return 'updated';
    }
    this.pools.set(spec.name, new FunctionPool(spec));
    await fillCgroupPool(spec.memoryMB, spec.maxInstances);
    await this.prepareSnapshots();
    return 'created';
  }

  /** start() took the spawner; stop() gives it back. */
  private holdsSpawner = false;

  /** Starts the HTTP endpoint (Lambda Invoke API and OpenFaaS gateway paths); resolves to its base URL. */
  async start(): Promise<string> {
    // The reaper is up, the cgroup base made and cgroups for each memory size made ahead, before the
    // first instance: off the cold-start path.
    startReaper();
    await Promise.all([...this.pools.values()].map((p) => fillCgroupPool(p.spec.memoryMB, p.spec.maxInstances)));
    // The instance spawner (spawner.ts) too, where there is python3.
    this.holdsSpawner = true;
    await acquireSpawner();
    await this.prepareSnapshots();
    // Idle client connections close after 65 s, as node:http's keepAliveTimeout did here.
    const server = createMiniServer(createGatewayHandler(this), {
      bodyLimit: gatewayBodyLimit,
      idleTimeoutMs: 65_000,
    });
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
    const replicas = pool.instances.size;
    return { spec: pool.spec, replicas, availableReplicas: available, invocations: pool.invocations };
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
    } else if (pool.spec.kind !== 'fork' && !pool.stopped) {
      const want = Math.min(replicas, pool.spec.maxInstances);
      while (pool.instances.size < want) pool.createInstance();
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
    await fillCgroupPool(pool.spec.memoryMB, pool.spec.maxInstances);
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
    return new Promise((resolve) => this.dispatch(name, payload, opts, resolve));
  }

  /** As `call`, answering through `done` (no promise: the gateway's path for every synchronous invocation). */
  dispatch(name: string, payload: Buffer, opts: InvokeOptions, done: (o: InvokeOutcome) => void): void {
    const pool = this.pools.get(name);
    if (!pool) return done({ type: 'not-found' });
    if (pool.stopped) return done({ type: 'stopping' });
    if (payload.length > MAX_SYNC_PAYLOAD_BYTES && !opts.request) {
      return done({ type: 'too-large', limitBytes: MAX_SYNC_PAYLOAD_BYTES });
    }
    pool.invocations++;
    const inv: PendingInvocation = {
      requestId: newRequestId(),
      payload,
      traceId: opts.traceId,
      clientContext: opts.clientContext,
      request: opts.request,
      resolve: resultTo(done, pool.spec),
    };
    if (pool.dispatch(inv)) return;
    if (pool.spec.queueTimeoutMs <= 0) return done({ type: 'throttled', spec: pool.spec });
    pool.enqueue(inv, () => done({ type: 'throttled', spec: pool.spec }));
  }

  /** Stops the endpoint and kills every instance; resolves when all have exited. */
  async stop(): Promise<void> {
    const all: BaseInstance[] = [];
    for (const pool of this.pools.values()) {
      pool.stopped = true;
      pool.throttleQueued();
      all.push(...pool.instances);
    }
    for (const i of all) i.kill('stop');
    await Promise.all(all.map((i) => i.exited));
    if (this.holdsSpawner) {
      this.holdsSpawner = false;
      releaseSpawner();
    }
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server = null;
    }
  }

  /**
   * Kills every instance and its whole tree synchronously; for process 'exit'
   * handlers. (Should fxbench die without running them, the reaper does it:
   * process-tree.ts.)
   */
  killAllSync(): void {
    for (const pool of this.pools.values()) {
      pool.stopped = true;
      for (const i of pool.instances) i.killTreeSync();
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
