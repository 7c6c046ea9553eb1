/**
 * The `local` driver: runs the target's function on fxbench's local runtime
 * (real processes, started in this process's control) and invokes it over real
 * HTTP on 127.0.0.1 through an undici pool, at the Lambda Invoke API path. Cold
 * starts are reported by the runtime itself (method `provider`).
 */
import { Pool } from 'undici';
import { FxError } from '../../model/errors.ts';
import { LocalRuntime } from '../../runtime/runtime.ts';
import { transportFailure } from '../transport-error.ts';
import type { Driver } from '../types.ts';
import type { Capabilities, ErrorClass, Invocation, Outcome } from '../../model/invocation.ts';
import type { TargetInfo } from '../../model/result.ts';
import type { FunctionSpec } from '../../model/function.ts';
import type { ResolvedTarget } from '../../model/target.ts';
import type { PriceModel } from '../../model/price.ts';
import { lambdaPriceModel } from '../../cost/cost.ts';

const live = new Set<LocalRuntime>();
let exitHookInstalled = false;

/** Kills every instance of every local runtime in this process, synchronously. */
export function killAllLocalInstancesSync(): void {
  for (const rt of live) rt.killAllSync();
}

/** What the local runtime can do (all of it: it runs the instances itself). */
export const LOCAL_CAPABILITIES: Readonly<Capabilities> = {
  forceCold: true,
  reportsInitDuration: true,
  reportsBilledDuration: true,
  setMemory: true,
  instanceId: true,
};

export class LocalDriver implements Driver {
  readonly capabilities: Capabilities = { ...LOCAL_CAPABILITIES };
  private runtime: LocalRuntime | null = null;
  private pool: Pool | null = null;
  private spec: FunctionSpec;
  private path: string;

  constructor(private readonly target: ResolvedTarget) {
    if (!target.localFunction) throw FxError.runFailed(`target ${target.name}: no local function resolved`);
    this.spec = target.localFunction;
    this.path = `/2015-03-31/functions/${encodeURIComponent(this.spec.name)}/invocations`;
  }

  /** Lambda's rules at the target's architecture: the local runtime bills like Lambda (its REPORT line). */
  priceModel(): PriceModel {
    return lambdaPriceModel(this.target.arch, {}, '; projected from the local runtime’s billed duration');
  }

  info(): TargetInfo {
    return {
      name: this.target.name,
      provider: 'local',
      function: this.spec.name,
      memoryMB: this.spec.memoryMB,
      region: 'local',
      coldStartMethod: 'provider',
    };
  }

  async prepare(): Promise<void> {
    if (!exitHookInstalled) {
      // Last line of defence: whatever path leads out of this process, no instance stays.
      process.on('exit', killAllLocalInstancesSync);
      exitHookInstalled = true;
    }
    this.runtime = new LocalRuntime([this.spec]);
    live.add(this.runtime);
    const url = await this.runtime.start();
    this.pool = new Pool(url, { connections: null, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  /** PIDs of the instances now running (for tests). */
  pids(): number[] {
    return this.runtime?.pids() ?? [];
  }

  async invoke(inv: Invocation, signal?: AbortSignal): Promise<Outcome> {
    const bytesOut = inv.payload.length;
    try {
      const res = await this.pool!.request({
        method: 'POST',
        path: this.path,
        body: inv.payload,
        headers: { 'content-type': 'application/json' },
        signal,
      });
      let bytesIn = 0;
      for await (const chunk of res.body) bytesIn += (chunk as Buffer).length;
      const h = res.headers;
      const header = (name: string) => {
        const v = h[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const num = (name: string) => {
        const v = header(name);
        return v === undefined ? undefined : Number(v);
      };
      let errorClass: ErrorClass | null = null;
      if (res.statusCode === 429) errorClass = 'throttled';
      else if (res.statusCode === 413) errorClass = 'payload-too-large';
      else if (res.statusCode >= 500) errorClass = 'http-5xx';
      else if (res.statusCode >= 400) errorClass = 'http-4xx';
      else if (header('x-fxbench-error-class')) errorClass = header('x-fxbench-error-class') as ErrorClass;
      else if (header('x-amz-function-error')) errorClass = 'function-error';
      const coldHeader = header('x-fxbench-cold');
      return {
        status: res.statusCode,
        errorClass,
        bytesIn,
        bytesOut,
        cold: coldHeader === undefined ? null : coldHeader === '1',
        coldMethod: coldHeader === undefined ? null : 'provider',
        initMs: num('x-fxbench-init-ms'),
        durationMs: num('x-fxbench-duration-ms'),
        billedMs: num('x-fxbench-billed-ms'),
        maxMemoryMB: num('x-fxbench-max-memory-mb'),
        instanceId: header('x-fxbench-instance-id'),
      };
    } catch (err) {
      return transportFailure(err, bytesOut);
    }
  }

  async forceCold(): Promise<void> {
    await this.runtime?.drain(this.spec.name);
  }

  async setMemory(memoryMB: number): Promise<void> {
    this.spec = { ...this.spec, memoryMB };
    await this.runtime?.update(this.spec.name, { memoryMB });
  }

  async close(): Promise<void> {
    const rt = this.runtime;
    this.runtime = null;
    await this.pool?.close().catch(() => undefined);
    this.pool = null;
    if (rt) {
      await rt.stop();
      live.delete(rt);
    }
  }
}
