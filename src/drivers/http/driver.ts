/**
 * The generic `http` driver: invokes any URL (an HTTP-triggered function, a
 * Lambda Function URL, a test server) with the target's method, headers and
 * body, through one connection pool per target (keep-alive, no per-request
 * client): undici's Pool for https://, and for http:// the lean HTTP/1.1 client
 * in http1-client.ts (the engine's hot path; see there why).
 * A status outside `expectStatus` is a failed invocation, classified by status.
 * Cold starts are told by instance id when the response carries
 * `x-fxbench-instance-id` (instance-id.ts); otherwise the method is `none`.
 */
import { Pool } from 'undici';
import { Http1Pool } from '../http1-client.ts';
import { transportFailure } from '../transport-error.ts';
import { INSTANCE_ID_HEADER, INVOCATION_COUNT_HEADER, InstanceTracker, readInstanceHeaders } from '../instance-id.ts';
import type { Driver } from '../types.ts';
import type { Capabilities, ErrorClass, Invocation, Outcome } from '../../model/invocation.ts';
import type { PriceModel } from '../../model/price.ts';
import type { TargetInfo } from '../../model/result.ts';
import type { ResolvedTarget } from '../../model/target.ts';

/** Checked options of an http target (http-provider.ts). */
export type HttpTargetOptions = {
  url: string;
  /** Default "POST" (the scenario payload is the body); GET and HEAD send no body. */
  method: string;
  headers: Record<string, string>;
  /** Fixed body replacing the scenario payload. */
  body?: Buffer;
  /** Statuses that count as success (default: any 2xx). */
  expectStatus?: number[];
  /** Per-invocation timeout, ms (default 30 s): no headers or no body progress for this long is a `timeout`. */
  timeoutMs: number;
  /** Connections of the pool (default: unlimited, one per invocation in flight). */
  connections: number | null;
  /** Client: `http1` (the lean one; http:// only) or `undici`. Default: http1 for http://, undici for https://. Not a user field: tests pin it. */
  transport?: 'http1' | 'undici';
};

/** Classifies a response status that is not an expected one. */
export function classifyStatus(status: number, expect?: number[]): ErrorClass | null {
  if (expect ? expect.includes(status) : status >= 200 && status < 300) return null;
  if (status === 429) return 'throttled';
  if (status === 413) return 'payload-too-large';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'http-5xx';
  if (status >= 400) return 'http-4xx';
  return 'function-error'; // a 1xx/2xx/3xx the target was not expected to give
}

/** The URL without credentials, query or fragment: safe to put in a report. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** What a plain URL allows: invoking it, and telling instances apart where the response says (instance-id.ts). */
export const HTTP_CAPABILITIES: Readonly<Capabilities> = {
  forceCold: false,
  reportsInitDuration: false,
  reportsBilledDuration: false,
  setMemory: false,
  instanceId: true,
};

export class HttpDriver implements Driver {
  readonly capabilities: Capabilities = { ...HTTP_CAPABILITIES };
  private pool: Pool | null = null;
  private fast: Http1Pool | null = null;
  /** Prebuilt request heads of the fast client, by body length. */
  private readonly heads = new Map<number, Buffer>();
  private readonly o: HttpTargetOptions;
  private readonly origin: string;
  private readonly path: string;
  private readonly tracker = new InstanceTracker();
  private sawInstanceId = false;

  constructor(private readonly target: ResolvedTarget<HttpTargetOptions>) {
    this.o = target.options;
    const u = new URL(this.o.url);
    this.origin = u.origin;
    this.path = `${u.pathname}${u.search}`;
  }

  coldSignalMissing(): string {
    return 'no x-fxbench-instance-id header in the responses (add the instance-id snippet to the function)';
  }

  info(): TargetInfo {
    return {
      name: this.target.name,
      provider: 'http',
      function: this.target.function || displayUrl(this.o.url),
      memoryMB: this.target.memoryMB ?? null,
      coldStartMethod: this.sawInstanceId ? 'instance-id' : 'none',
    };
  }

  /** No price table applies to an arbitrary URL: cost is left out rather than guessed. */
  priceModel(): PriceModel {
    return { source: 'none (generic http target)', price: () => undefined };
  }

  async prepare(): Promise<void> {
    if ((this.o.transport ?? (this.origin.startsWith('http:') ? 'http1' : 'undici')) === 'http1') {
      this.fast = new Http1Pool(this.origin, {
        connections: this.o.connections,
        timeoutMs: this.o.timeoutMs,
        keepHeaders: [INSTANCE_ID_HEADER, INVOCATION_COUNT_HEADER],
      });
      return;
    }
    this.pool = new Pool(this.origin, {
      connections: this.o.connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: this.o.timeoutMs,
      bodyTimeout: this.o.timeoutMs,
    });
  }

  async invoke(inv: Invocation, signal?: AbortSignal): Promise<Outcome> {
    const method = this.o.method;
    const body = method === 'GET' || method === 'HEAD' ? undefined : (this.o.body ?? inv.payload);
    const bytesOut = body?.length ?? 0;
    if (this.fast) return this.invokeFast(method, body, bytesOut, signal);
    try {
      const res = await this.pool!.request({ method, path: this.path, headers: this.o.headers, body, signal });
      let bytesIn = 0;
      for await (const chunk of res.body) bytesIn += (chunk as Buffer).length;
      const errorClass = classifyStatus(res.statusCode, this.o.expectStatus);
      const seen = readInstanceHeaders(res.headers);
      let cold: boolean | null = null;
      if (seen) {
        this.sawInstanceId = true;
        cold = this.tracker.observe(seen);
      }
      return {
        status: res.statusCode,
        errorClass,
        bytesIn,
        bytesOut,
        cold,
        coldMethod: seen ? 'instance-id' : null,
        instanceId: seen?.instanceId,
        ...(errorClass ? { errorMessage: `status ${res.statusCode}` } : {}),
      };
    } catch (err) {
      return transportFailure(err, bytesOut);
    }
  }

  private abortHooked = new WeakSet<AbortSignal>();

  private async invokeFast(
    method: string,
    body: Uint8Array | undefined,
    bytesOut: number,
    signal?: AbortSignal,
  ): Promise<Outcome> {
    const fast = this.fast!;
    if (signal && !this.abortHooked.has(signal)) {
      // One listener per signal, not per request: the run's hard stop fails whatever is in flight.
      this.abortHooked.add(signal);
      signal.addEventListener('abort', () => fast.abort('aborted: grace period over'), { once: true });
    }
    if (signal?.aborted)
      return {
        status: 0,
        errorClass: 'network',
        errorMessage: 'aborted',
        bytesIn: 0,
        bytesOut,
        cold: null,
        coldMethod: null,
      };
    let head = this.heads.get(bytesOut);
    if (!head) this.heads.set(bytesOut, (head = fast.head(method, this.path, this.o.headers, bytesOut)));
    try {
      const res = await fast.request(head, body, method === 'HEAD');
      const errorClass = classifyStatus(res.status, this.o.expectStatus);
      const seen = res.headers[INSTANCE_ID_HEADER] === undefined ? undefined : readInstanceHeaders(res.headers);
      let cold: boolean | null = null;
      if (seen) {
        this.sawInstanceId = true;
        cold = this.tracker.observe(seen);
      }
      const out: Outcome = {
        status: res.status,
        errorClass,
        bytesIn: res.bytesIn,
        bytesOut,
        cold,
        coldMethod: seen ? 'instance-id' : null,
      };
      if (seen) out.instanceId = seen.instanceId;
      if (errorClass) out.errorMessage = `status ${res.status}`;
      return out;
    } catch (err) {
      return transportFailure(err, bytesOut);
    }
  }

  async close(): Promise<void> {
    this.fast?.close();
    this.fast = null;
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy().catch(() => undefined);
  }
}
