/**
 * The `azure` driver: POSTs the payload to an HTTP-triggered Azure Function
 * (`https://APP.azurewebsites.net/api/NAME`) through an undici pool. With
 * `authLevel: "function"` the function key goes in `x-functions-key` (or the
 * `code` query parameter); it is held only in the request it is sent with and
 * scrubbed from every message, so no report, sample or log line carries it.
 * Cold starts: only by the instance-id snippet (snippets/node/azure-functions.mjs,
 * which includes WEBSITE_INSTANCE_ID in the id): Azure says nothing about cold
 * starts to the caller, so without the snippet's headers cold starts are unknown
 * (n/a), never guessed and never 0. No control-plane calls: no forced cold start,
 * no memory change. Cost from client-observed latency (azure/price.ts).
 */
import { functionHostErrorClass } from '../http-function-status.ts';
import { Pool } from 'undici';
import { FxError } from '../../model/errors.ts';
import { InstanceTracker, readInstanceHeaders } from '../instance-id.ts';
import { transportFailure } from '../transport-error.ts';
import type { Driver } from '../types.ts';
import { azurePriceModel } from './price.ts';
import { AZURE_KEY_ENV, type AzureOptions } from './target.ts';
import type { Capabilities, Invocation, Outcome } from '../../model/invocation.ts';
import type { PriceModel } from '../../model/price.ts';
import type { TargetInfo } from '../../model/result.ts';
import type { ResolvedTarget } from '../../model/target.ts';

/** Header carrying the function key (learn.microsoft.com/azure/azure-functions/function-keys-how-to, read 2026-11-30). */
export const FUNCTION_KEY_HEADER = 'x-functions-key';
/** Query parameter carrying the function key, the other documented way. */
export const FUNCTION_KEY_QUERY = 'code';

/**
 * What fxbench can do on Azure Functions: invoke only. No forced cold start (Azure
 * has no API that recycles a Consumption or Flex Consumption instance on demand;
 * restarting the app is not per instance and not verifiable from outside), no
 * memory change.
 */
export const AZURE_CAPABILITIES: Readonly<Capabilities> = {
  forceCold: false,
  reportsInitDuration: false,
  reportsBilledDuration: false,
  setMemory: false,
  instanceId: true,
  scaleToZero: true,
};

/** Error class of an HTTP status from the Functions host or its front end (the same rules for both hosts). */
export const azureErrorClass = functionHostErrorClass;

/** The function key a target uses (from `key`, the `keyEnv` variable or AZURE_FUNCTIONS_KEY); undefined when none. */
export function azureKeyOf(o: AzureOptions): string | undefined {
  return o.key ?? (process.env[o.keyEnv ?? AZURE_KEY_ENV] || undefined);
}

export class AzureDriver implements Driver {
  readonly capabilities: Capabilities = { ...AZURE_CAPABILITIES };
  private readonly o: AzureOptions;
  private readonly url: URL;
  private key: string | undefined;
  private path = '';
  private headers: Record<string, string> = { 'content-type': 'application/json' };
  private pool: Pool | null = null;
  private readonly tracker = new InstanceTracker();

  constructor(private readonly target: ResolvedTarget<AzureOptions>) {
    this.o = target.options;
    this.url = new URL(this.o.url);
  }

  info(): TargetInfo {
    return {
      name: this.target.name,
      provider: 'azure',
      function: this.target.function || this.url.pathname.split('/').filter(Boolean).pop() || this.url.hostname,
      memoryMB: this.memory().mb,
      region: this.o.region,
      // Only a response carrying the snippet's headers is a signal; none seen yet: no method.
      coldStartMethod: this.tracker.instances > 0 ? 'instance-id' : 'none',
    };
  }

  private memory(): { mb: number; source: string } {
    if (this.o.plan === 'consumption')
      return this.target.memoryMB !== undefined
        ? { mb: this.target.memoryMB, source: 'configured' }
        : { mb: 128, source: 'assumed: Azure does not report observed memory; set memoryMB' };
    return this.o.instanceMemoryMB !== undefined
      ? { mb: this.o.instanceMemoryMB, source: 'configured' }
      : { mb: 2048, source: 'assumed: the Flex Consumption default' };
  }

  private fail(message: string): FxError {
    return FxError.runFailed(`target ${this.target.name}: ${message}`);
  }

  async prepare(): Promise<void> {
    if (this.o.authLevel !== 'anonymous') {
      this.key = azureKeyOf(this.o);
      if (!this.key)
        throw this.fail(
          `key missing: authLevel "function" needs a function key: set ${this.o.keyEnv ?? AZURE_KEY_ENV} (or "key" on the target), or authLevel: "anonymous"`,
        );
    }
    const q = new URLSearchParams(this.url.search);
    if (this.key && this.o.keyIn === 'query') q.set(FUNCTION_KEY_QUERY, this.key);
    else if (this.key) this.headers = { ...this.headers, [FUNCTION_KEY_HEADER]: this.key };
    const search = q.toString();
    this.path = this.url.pathname + (search ? `?${search}` : '');
    this.pool = new Pool(this.url.origin, { connections: null, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  /** `s` with the key replaced, for any text that may reach a report. */
  private scrub(s: string | undefined): string | undefined {
    if (!s || !this.key) return s;
    return s.split(this.key).join('***').split(encodeURIComponent(this.key)).join('***');
  }

  async invoke(inv: Invocation, signal?: AbortSignal): Promise<Outcome> {
    const bytesOut = inv.payload.length;
    try {
      const res = await this.pool!.request({
        method: 'POST',
        path: this.path,
        headers: this.headers,
        body: inv.payload,
        signal,
      });
      let bytesIn = 0;
      for await (const chunk of res.body) bytesIn += (chunk as Buffer).length;
      const errorClass = azureErrorClass(res.statusCode);
      const seen = readInstanceHeaders(res.headers);
      const cold = seen ? this.tracker.observe(seen) : null;
      return {
        status: res.statusCode,
        errorClass,
        errorMessage: errorClass
          ? res.statusCode === 401
            ? 'HTTP 401 (function key missing or wrong)'
            : `HTTP ${res.statusCode}`
          : undefined,
        bytesIn,
        bytesOut,
        cold,
        coldMethod: seen ? 'instance-id' : null,
        instanceId: seen?.instanceId,
      };
    } catch (err) {
      const o = transportFailure(err, bytesOut);
      return { ...o, errorMessage: this.scrub(o.errorMessage) };
    }
  }

  /** Consumption or Flex Consumption on-demand billing, from client-observed latency (azure/price.ts). */
  priceModel(): PriceModel {
    const o = this.o.prices ?? {};
    return azurePriceModel(this.o.plan ?? 'flex', this.memory(), {
      ...(o.perExecutionUSD !== undefined ? { perExecutionUSD: o.perExecutionUSD } : {}),
      ...(o.perGBSecondUSD !== undefined ? { perGBSecondUSD: o.perGBSecondUSD } : {}),
    });
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    await p?.close().catch(() => undefined);
  }
}
