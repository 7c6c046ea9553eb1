/**
 * The `gcf` driver: POSTs the payload to the function's trigger URL through an
 * undici pool, with `Authorization: Bearer <ID token>` for private functions.
 * Cold starts: by the instance-id snippet when the function sends its headers
 * (method `instance-id`, counts instances); else guessed from latency (method
 * `heuristic`, labelled so in reports). GCF reports no duration or billing to
 * the caller, so cost is computed from client-observed latency (overstates by
 * the network round trip).
 */
import { functionHostErrorClass } from '../http-function-status.ts';
import { Pool } from 'undici';
import { gcfGen1PriceModel, gcfGen2PriceModel } from '../../cost/cost.ts';
import { InstanceTracker, readInstanceHeaders } from '../instance-id.ts';
import { transportFailure } from '../transport-error.ts';
import type { Driver } from '../types.ts';
import { LatencyColdHeuristic } from './heuristic.ts';
import { IdTokenSource } from './id-token.ts';
import type { GcfOptions } from './target.ts';
import type { Capabilities, ColdMethod, Invocation, Outcome } from '../../model/invocation.ts';
import type { PriceModel } from '../../model/price.ts';
import type { TargetInfo } from '../../model/result.ts';
import type { ResolvedTarget } from '../../model/target.ts';

/** Region and project of a gen1-style URL `https://REGION-PROJECT.cloudfunctions.net/NAME`. */
export function parseGen1Url(url: string): { region: string; project: string; name: string } | undefined {
  const u = new URL(url);
  const m = /^([a-z]+-[a-z]+\d+)-(.+)\.cloudfunctions\.net$/.exec(u.hostname);
  const name = u.pathname.split('/').filter(Boolean)[0];
  return m && name ? { region: m[1]!, project: m[2]!, name } : undefined;
}

/** Error class of an HTTP status from Google's front end or the Functions Framework (the same rules for both hosts). */
export const gcfErrorClass = functionHostErrorClass;

/** What fxbench can do on Cloud Functions: invoke (no control-plane calls, so no forced cold start or memory change). */
export const GCF_CAPABILITIES: Readonly<Capabilities> = {
  forceCold: false,
  reportsInitDuration: false,
  reportsBilledDuration: false,
  setMemory: false,
  instanceId: true,
  scaleToZero: true,
};

export class GcfDriver implements Driver {
  readonly capabilities: Capabilities = { ...GCF_CAPABILITIES };
  private readonly o: GcfOptions;
  private readonly url: URL;
  private readonly generation: 1 | 2;
  private pool: Pool | null = null;
  private tokens: IdTokenSource | null = null;
  private readonly tracker = new InstanceTracker();
  private readonly heuristic: LatencyColdHeuristic;
  private method: ColdMethod = 'instance-id';

  constructor(private readonly target: ResolvedTarget<GcfOptions>) {
    this.o = target.options;
    this.url = new URL(this.o.url);
    this.generation = /\.run\.app$/.test(this.url.hostname) ? 2 : this.o.generation === 1 ? 1 : 2;
    this.heuristic = new LatencyColdHeuristic(this.o.heuristicCold ?? 1000);
  }

  info(): TargetInfo {
    const gen1 = parseGen1Url(this.o.url);
    return {
      name: this.target.name,
      provider: 'gcf',
      function:
        this.target.function || gen1?.name || this.url.pathname.split('/').filter(Boolean).pop() || this.url.hostname,
      // Both generations default to 256 MB; set memoryMB on the target for exact cost.
      memoryMB: this.target.memoryMB ?? 256,
      region: this.o.region ?? gen1?.region,
      // Until a response says otherwise, the snippet is expected; without its headers the guess is labelled.
      coldStartMethod: this.method,
    };
  }

  async prepare(): Promise<void> {
    if (this.o.auth !== 'none') {
      // Audience: the function's URL without query (gen1 and gen2 alike).
      this.tokens = new IdTokenSource(this.url.origin + this.url.pathname, this.target.name);
      await this.tokens.prepare();
    }
    this.pool = new Pool(this.url.origin, { connections: null, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  async invoke(inv: Invocation, signal?: AbortSignal): Promise<Outcome> {
    const bytesOut = inv.payload.length;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.tokens) headers.authorization = await this.tokens.authorization();
      const t0 = performance.now();
      const res = await this.pool!.request({
        method: 'POST',
        path: this.url.pathname + this.url.search,
        headers,
        body: inv.payload,
        signal,
      });
      let bytesIn = 0;
      for await (const chunk of res.body) bytesIn += (chunk as Buffer).length;
      const latencyMs = performance.now() - t0;
      const errorClass = gcfErrorClass(res.statusCode);
      const seen = readInstanceHeaders(res.headers);
      let cold: boolean;
      let coldMethod: ColdMethod;
      if (seen) {
        cold = this.tracker.observe(seen);
        coldMethod = 'instance-id';
      } else {
        cold = this.heuristic.observe(latencyMs);
        coldMethod = 'heuristic';
      }
      if (this.tracker.instances === 0) this.method = 'heuristic';
      else this.method = 'instance-id';
      const trace = res.headers['function-execution-id'];
      return {
        status: res.statusCode,
        errorClass,
        errorMessage: errorClass ? `HTTP ${res.statusCode}` : undefined,
        bytesIn,
        bytesOut,
        cold,
        coldMethod,
        instanceId: seen?.instanceId,
        requestId: typeof trace === 'string' ? trace : undefined,
      };
    } catch (err) {
      return transportFailure(err, bytesOut);
    }
  }

  /**
   * gen1: GB-s + GHz-s by memory tier, 100 ms steps, $0.40/M; gen2: request-based
   * vCPU-s + GiB-s, 100 ms steps, $0.40/M. From client-observed latency.
   */
  priceModel(): PriceModel {
    const note = '; from client-observed latency (overstates by the network round trip)';
    return this.generation === 1
      ? gcfGen1PriceModel(this.o.priceTier ?? 'tier1', {}, note)
      : gcfGen2PriceModel(this.o.cpu, {}, note);
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    await p?.close().catch(() => undefined);
  }
}
