/**
 * The `openfaas` driver: invokes `POST {gateway}/function/{name}` through an
 * undici pool and reads the replica count from `GET /system/function/{name}`
 * (basic auth). Cold starts from every signal a response carries, best first:
 * an `x-fxbench-cold` header (the gateway of `fxbench serve` and faasd-style
 * setups say it, method `provider`); the instance-id snippet's headers (a new
 * instance on its first invocation is cold, method `instance-id`); else the
 * gateway's replica count (an invocation sent while `availableReplicas` was 0,
 * before the first response of that wave, waited for a scale from zero: cold,
 * method `provider`). A burst beyond the ready replicas may start new ones that
 * the replica count does not show: only the response signals see those, so
 * without them a warm-looking answer is counted warm by the replica count alone.
 * Instance ids also count instances. `X-Duration-Seconds` (watchdog) is the
 * function's own duration; `X-Call-Id` is kept as the request id.
 */
import { type Dispatcher, Pool } from 'undici';
import { selfHostedPriceModel } from '../../cost/cost.ts';
import { sleep } from '../../clock.ts';
import { FxError } from '../../model/errors.ts';
import { InstanceTracker, readInstanceHeaders } from '../instance-id.ts';
import { transportErrorClass } from '../transport-error.ts';
import type { Driver } from '../types.ts';
import type { OpenFaasOptions } from './target.ts';
import type { Capabilities, ColdMethod, ErrorClass, Invocation, Outcome } from '../../model/invocation.ts';
import type { PriceModel } from '../../model/price.ts';
import type { TargetInfo } from '../../model/result.ts';
import type { ResolvedTarget } from '../../model/target.ts';

/** The fields of the gateway's function status (faas-provider `OpenFaasFunctionStatus`) fxbench reads. */
export interface OpenFaasFunctionStatus {
  name: string;
  namespace?: string;
  image?: string;
  /** Desired replicas; absent means 0 (omitempty). */
  replicas?: number;
  /** Ready replicas; absent means 0 (omitempty). */
  availableReplicas?: number;
  labels?: Record<string, string>;
}

/** Environment variable holding the /system API password. */
export const OPENFAAS_PASSWORD_ENV = 'OPENFAAS_PASSWORD';

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Error class of a gateway/watchdog status: 504 is a timeout (gateway upstream or watchdog exec_timeout). */
export function openfaasErrorClass(status: number): ErrorClass | null {
  if (status < 400) return null;
  if (status === 429) return 'throttled';
  if (status === 413) return 'payload-too-large';
  if (status === 504) return 'timeout';
  if (status === 500) return 'function-error';
  return status >= 500 ? 'http-5xx' : 'http-4xx';
}

/** What the gateway's API allows: scaling to zero (a forced cold start); not a memory change. */
export const OPENFAAS_CAPABILITIES: Readonly<Capabilities> = {
  forceCold: true,
  reportsInitDuration: false,
  reportsBilledDuration: false,
  setMemory: false,
  instanceId: true,
};

export class OpenFaasDriver implements Driver {
  readonly capabilities: Capabilities = { ...OPENFAAS_CAPABILITIES };
  private readonly o: OpenFaasOptions;
  private readonly gateway: URL;
  private pool: Pool | null = null;
  private auth: string | undefined;
  private fromZero = false;
  private status: OpenFaasFunctionStatus | null = null;
  private readonly invokePath: string;
  private readonly tracker = new InstanceTracker();

  constructor(private readonly target: ResolvedTarget<OpenFaasOptions>) {
    this.o = target.options;
    this.gateway = new URL(this.o.gateway);
    this.invokePath = `${this.gateway.pathname.replace(/\/$/, '')}/function/${encodeURIComponent(target.function)}`;
  }

  info(): TargetInfo {
    return {
      name: this.target.name,
      provider: 'openfaas',
      function: this.target.function,
      memoryMB: this.target.memoryMB ?? null,
      region: this.gateway.host,
      coldStartMethod: 'provider',
    };
  }

  private fail(message: string, cause?: unknown): FxError {
    return FxError.runFailed(`target ${this.target.name}: ${message}`, cause);
  }

  /** Replica counts now, from `GET /system/function/{name}`. */
  async functionStatus(signal?: AbortSignal): Promise<OpenFaasFunctionStatus> {
    const path = `${this.gateway.pathname.replace(/\/$/, '')}/system/function/${encodeURIComponent(this.target.function)}`;
    let res: Dispatcher.ResponseData;
    try {
      res = await this.pool!.request({
        method: 'GET',
        path,
        headers: this.auth ? { authorization: this.auth } : {},
        signal,
      });
    } catch (err) {
      throw this.fail(`cannot reach gateway ${this.gateway.origin}: ${(err as Error).message}`, err);
    }
    const text = await res.body.text();
    if (res.statusCode === 401)
      throw this.fail(
        `credentials missing or wrong for the gateway's /system API: set ${OPENFAAS_PASSWORD_ENV} (user "${this.o.username ?? 'admin'}") or "password" on the target`,
      );
    if (res.statusCode === 404)
      throw this.fail(`function ${this.target.function} not found on gateway ${this.gateway.origin}`);
    if (res.statusCode !== 200)
      throw this.fail(`GET /system/function/${this.target.function}: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text) as OpenFaasFunctionStatus;
    } catch {
      throw this.fail(`GET /system/function/${this.target.function}: not JSON: ${text.slice(0, 200)}`);
    }
  }

  async prepare(signal?: AbortSignal): Promise<void> {
    const password = this.o.password ?? process.env[OPENFAAS_PASSWORD_ENV];
    // Built once; the header (and so the password) never reaches a sample or a result.
    this.auth =
      password === undefined
        ? undefined
        : `Basic ${Buffer.from(`${this.o.username ?? 'admin'}:${password}`).toString('base64')}`;
    this.pool = new Pool(this.gateway.origin, { connections: null, pipelining: 1, keepAliveTimeout: 60_000 });
    this.status = await this.functionStatus(signal);
    this.fromZero = !this.status.availableReplicas;
    this.capabilities.scaleToZero = this.status.labels?.['com.openfaas.scale.zero'] === 'true';
  }

  /** Whether the next invocations scale the function from zero (for tests and progress). */
  get scalingFromZero(): boolean {
    return this.fromZero;
  }

  async invoke(inv: Invocation, signal?: AbortSignal): Promise<Outcome> {
    const bytesOut = inv.payload.length;
    // Sent while no replica was ready: the gateway holds it until one is (scale from zero).
    const cold = this.fromZero;
    try {
      const res = await this.pool!.request({
        method: 'POST',
        path: this.invokePath,
        headers: { 'content-type': 'application/json' },
        body: inv.payload,
        signal,
      });
      let bytesIn = 0;
      for await (const chunk of res.body) bytesIn += (chunk as Buffer).length;
      if (res.statusCode < 500) this.fromZero = false;
      const errorClass = openfaasErrorClass(res.statusCode);
      const seconds = header(res.headers, 'x-duration-seconds');
      const seen = readInstanceHeaders(res.headers);
      const coldHeader = header(res.headers, 'x-fxbench-cold');
      // Every signal counts: the gateway's header (it knows whether the request waited for a new
      // instance), else a new instance on its first invocation, or the scale from zero it was sent into.
      const newInstance = seen ? this.tracker.observe(seen) : false;
      const header01 = coldHeader === '1' || coldHeader === '0';
      const coldMethod: ColdMethod = header01 ? 'provider' : seen && !cold ? 'instance-id' : 'provider';
      const isCold = header01 ? coldHeader === '1' : newInstance || cold;
      return {
        status: res.statusCode,
        errorClass,
        errorMessage: errorClass
          ? `HTTP ${res.statusCode}${header(res.headers, 'x-openfaas-internal') ? ` (${header(res.headers, 'x-openfaas-internal')})` : ''}`
          : undefined,
        bytesIn,
        bytesOut,
        cold: isCold,
        coldMethod,
        durationMs: seconds === undefined ? undefined : Number(seconds) * 1000,
        instanceId: seen?.instanceId,
        requestId: header(res.headers, 'x-call-id'),
      };
    } catch (err) {
      return {
        status: 0,
        errorClass: transportErrorClass(err),
        errorMessage: (err as Error).message,
        bytesIn: 0,
        bytesOut,
        // No response: nothing observed.
        cold: null,
        coldMethod: null,
      };
    }
  }

  /**
   * Scales to 0 (`POST /system/scale-function/{name}` `{"replicas":0}`) and waits
   * until no replica is available (bounded by `scaleTimeout`, default 60 s). The
   * next invocations then scale from zero (CE gateways do that by default).
   */
  async forceCold(signal?: AbortSignal): Promise<void> {
    const [name, namespace] = this.target.function.split('.');
    const path = `${this.gateway.pathname.replace(/\/$/, '')}/system/scale-function/${encodeURIComponent(this.target.function)}`;
    const body = JSON.stringify({ serviceName: name, replicas: 0, ...(namespace ? { namespace } : {}) });
    const res = await this.pool!.request({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', ...(this.auth ? { authorization: this.auth } : {}) },
      body,
      signal,
    });
    const text = await res.body.text();
    if (res.statusCode === 401)
      throw this.fail(
        `forceCold: credentials missing or wrong for /system/scale-function: set ${OPENFAAS_PASSWORD_ENV}`,
      );
    if (res.statusCode >= 300)
      throw this.fail(
        `forceCold: POST /system/scale-function/${this.target.function}: HTTP ${res.statusCode} ${text.slice(0, 200)}`,
      );
    const timeoutMs = this.o.scaleTimeout ?? 60_000;
    const pollMs = this.o.scalePoll ?? 250;
    const end = Date.now() + timeoutMs;
    for (;;) {
      this.status = await this.functionStatus(signal);
      if (!this.status.availableReplicas) break;
      if (Date.now() + pollMs > end)
        throw this.fail(
          `forceCold: ${this.status.availableReplicas} replica(s) of ${this.target.function} still available after ${timeoutMs} ms`,
        );
      await sleep(pollMs, signal);
    }
    this.fromZero = true;
  }

  /**
   * Self-hosted cost when `nodePricePerHourUSD` is set: node price ÷ measured
   * throughput (an assumption, printed with every figure); otherwise none.
   */
  priceModel(): PriceModel {
    if (this.o.nodePricePerHourUSD === undefined)
      return { source: 'openfaas: no node price configured (set nodePricePerHourUSD)', price: () => undefined };
    return selfHostedPriceModel(this.o.nodePricePerHourUSD, this.o.nodes ?? 1, 'openfaas self-hosted');
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    await p?.close().catch(() => undefined);
  }
}
