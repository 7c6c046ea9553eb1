/**
 * The `local` driver: invokes the target's function on fxbench's local runtime,
 * a platform in its own process (platform.ts: the one the run started and every
 * generator shares, or a running `fxbench serve` given with --runtime), over
 * real HTTP through an undici pool at the Lambda Invoke API path, as any
 * provider. Cold starts are reported by the runtime itself (method `provider`).
 * On a runtime fxbench started, the function is added under the target's name
 * (two targets of one function at two memory sizes are two functions, as on
 * Lambda); on `fxbench serve` it is the function of that name there.
 */
import { createHash } from 'node:crypto';
import { Pool } from 'undici';
import { FxError } from '../../model/errors.ts';
import { transportFailure } from '../transport-error.ts';
import type { Driver } from '../types.ts';
import type { Capabilities, ErrorClass, Invocation, Outcome } from '../../model/invocation.ts';
import type { TargetInfo } from '../../model/result.ts';
import type { FunctionSpec } from '../../model/function.ts';
import type { ResolvedTarget } from '../../model/target.ts';
import type { PriceModel } from '../../model/price.ts';
import { lambdaPriceModel } from '../../cost/cost.ts';
import { linkRuntime, stopOwnRuntimesSync, type RuntimeLink } from './platform.ts';

let exitHookInstalled = false;

/**
 * Ends every instance this process's runs started, synchronously: asks each
 * runtime process this process started to stop (it ends its instances' trees).
 */
export function killAllLocalInstancesSync(): void {
  stopOwnRuntimesSync();
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
  private link: RuntimeLink | null = null;
  private pool: Pool | null = null;
  private spec: FunctionSpec;
  /** The function's name on the runtime. */
  private fn: string;
  private path: string;
  /** PIDs of the instances that served this driver's invocations (x-fxbench-pid). */
  private readonly seenPids = new Set<number>();

  constructor(private readonly target: ResolvedTarget) {
    if (!target.localFunction) throw FxError.runFailed(`target ${target.name}: no local function resolved`);
    this.spec = target.localFunction;
    this.fn = this.spec.name;
    this.path = '';
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
      idleTimeoutMs: this.spec.idleTimeoutMs,
    };
  }

  async prepare(): Promise<void> {
    if (!exitHookInstalled) {
      // Last line of defence: whatever path leads out of this process, the runtimes it started stop.
      process.on('exit', killAllLocalInstancesSync);
      exitHookInstalled = true;
    }
    this.link = await linkRuntime();
    this.pool = new Pool(this.link.url, { connections: null, pipelining: 1, keepAliveTimeout: 60_000 });
    if (this.link.token) {
      // One runtime serves every run of this process at once (and their workers): a target's
      // function is named by its spec too, so two runs with one target name and different
      // functions (another env, memory or code) never replace each other's, while the workers
      // of one run, sending the same spec, share one function and its instances.
      const digest = createHash('sha256').update(JSON.stringify(this.spec)).digest('hex').slice(0, 10);
      this.fn = `${this.target.name}-${digest}`;
      await this.register();
    } else {
      this.fn = this.spec.name;
      const res = await this.pool.request({ method: 'GET', path: `/system/function/${encodeURIComponent(this.fn)}` });
      await res.body.dump();
      if (res.statusCode !== 200)
        throw FxError.runFailed(
          `target ${this.target.name}: the runtime at ${this.link.url} does not serve function ${JSON.stringify(this.fn)} (GET /system/function answered ${res.statusCode}); declare it in that \`fxbench serve\`'s bench.config.ts`,
        );
    }
    this.path = `/2015-03-31/functions/${encodeURIComponent(this.fn)}/invocations`;
  }

  /** Adds (or updates) the function on a runtime fxbench started. */
  private async register(): Promise<void> {
    const res = await this.pool!.request({
      method: 'PUT',
      path: `/fxbench/functions/${encodeURIComponent(this.fn)}`,
      headers: { 'content-type': 'application/json', 'x-fxbench-token': this.link!.token! },
      body: JSON.stringify({ ...this.spec, name: this.fn }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200 && res.statusCode !== 201)
      throw FxError.runFailed(
        `target ${this.target.name}: the local runtime refused the function (${res.statusCode}: ${text})`,
      );
  }

  /** PIDs of the instances that have served this driver's invocations (for tests). */
  pids(): number[] {
    return [...this.seenPids];
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
      const h = res.headers;
      const header = (name: string) => {
        const v = h[name];
        return Array.isArray(v) ? v[0] : v;
      };
      let errorClass: ErrorClass | null = null;
      if (res.statusCode === 429) errorClass = 'throttled';
      else if (res.statusCode === 413) errorClass = 'payload-too-large';
      else if (res.statusCode >= 500) errorClass = 'http-5xx';
      else if (res.statusCode >= 400) errorClass = 'http-4xx';
      else if (header('x-fxbench-error-class')) errorClass = header('x-fxbench-error-class') as ErrorClass;
      else if (header('x-amz-function-error')) errorClass = 'function-error';
      // A failed invocation's body says why (Lambda's {errorType, errorMessage}): keep its start.
      let bytesIn = 0;
      let head: Buffer[] | undefined = errorClass ? [] : undefined;
      for await (const chunk of res.body) {
        bytesIn += (chunk as Buffer).length;
        if (head && bytesIn - (chunk as Buffer).length < ERROR_BODY_BYTES) head.push(chunk as Buffer);
      }
      const num = (name: string) => {
        const v = header(name);
        return v === undefined ? undefined : Number(v);
      };
      const coldHeader = header('x-fxbench-cold');
      const pid = num('x-fxbench-pid');
      if (pid) this.seenPids.add(pid);
      const out: Outcome = {
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
      if (errorClass && head) {
        const cause = errorBodyCause(Buffer.concat(head).subarray(0, ERROR_BODY_BYTES).toString('utf8'));
        if (cause) out.errorCause = cause;
      }
      head = undefined;
      const accepted = num('x-fxbench-accepted-at');
      if (accepted !== undefined) out.acceptedAtMs = accepted;
      const initStart = num('x-fxbench-init-start');
      if (initStart !== undefined) out.initStartMs = initStart;
      const initCpu = num('x-fxbench-init-cpu-ms');
      if (initCpu !== undefined) {
        out.initCpuMs = initCpu;
        out.initWaitMs = num('x-fxbench-init-wait-ms');
      }
      return out;
    } catch (err) {
      return transportFailure(err, bytesOut);
    }
  }

  /** Stops every instance of the function (scale to 0, the OpenFaaS system API), so the next invocations are cold. */
  async forceCold(): Promise<void> {
    const res = await this.pool!.request({
      method: 'POST',
      path: `/system/scale-function/${encodeURIComponent(this.fn)}`,
      headers: { 'content-type': 'application/json' },
      body: '{"replicas":0}',
    });
    const text = await res.body.text();
    if (res.statusCode !== 202 && res.statusCode !== 200)
      throw FxError.runFailed(`target ${this.target.name}: forcing cold failed (${res.statusCode}: ${text})`);
  }

  async setMemory(memoryMB: number): Promise<void> {
    if (!this.link?.token)
      throw FxError.runFailed(
        `target ${this.target.name}: the memory size of a function on \`fxbench serve\` (${this.link?.url}) is set in its bench.config.ts, not by the run`,
      );
    this.spec = { ...this.spec, memoryMB };
    await this.register();
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = null;
    await this.pool?.close().catch(() => undefined);
    this.pool = null;
    await link?.release();
  }
}

/** How much of a failed invocation's body is read for its cause. */
const ERROR_BODY_BYTES = 2048;

/**
 * The cause of a failed invocation from its Lambda error body
 * (`{"errorType": "Runtime.ExitError", "errorMessage": "INIT phase exceeded 10 s"}`):
 * `type: first line of the message`, 80 characters at most; undefined when the
 * body is not such an object (the runner then falls back to the status).
 */
export function errorBodyCause(body: string): string | undefined {
  let o: unknown;
  try {
    o = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!o || typeof o !== 'object') return undefined;
  const { errorType, errorMessage } = o as { errorType?: unknown; errorMessage?: unknown };
  const type = typeof errorType === 'string' ? errorType : '';
  const message = typeof errorMessage === 'string' ? errorMessage.split('\n', 1)[0]! : '';
  const cause = type && message ? `${type}: ${message}` : type || message;
  return cause ? cause.slice(0, 80) : undefined;
}
