/**
 * The few Lambda control-plane calls the driver makes, as signed REST calls over
 * the target's undici pool (the same pool as invocations): GetFunctionConfiguration
 * (`GET /2015-03-31/functions/{name}/configuration`) and UpdateFunctionConfiguration
 * (`PUT` on the same path), plus a bounded wait for `LastUpdateStatus=Successful`
 * (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html, read 2026-11).
 */
import type { Pool } from 'undici';
import { sleep } from '../../clock.ts';
import type { AwsSigner } from './aws-signer.ts';

/** The fields of a function configuration fxbench reads. */
export interface FunctionConfiguration {
  FunctionName?: string;
  FunctionArn?: string;
  Runtime?: string;
  MemorySize?: number;
  Timeout?: number;
  Architectures?: ('x86_64' | 'arm64')[];
  PackageType?: 'Zip' | 'Image';
  EphemeralStorage?: { Size?: number };
  Environment?: { Variables?: Record<string, string> };
  LoggingConfig?: { LogFormat?: 'Text' | 'JSON' };
  State?: string;
  LastUpdateStatus?: 'Successful' | 'Failed' | 'InProgress';
  LastUpdateStatusReason?: string;
}

/** A non-2xx answer from the control plane. */
export class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
    /** Whether the answer had AWS's error shape (an `X-Amzn-ErrorType` header or a `__type`/`Type` body field). */
    readonly aws = true,
  ) {
    super(message);
    this.name = 'LambdaApiError';
  }
}

/** Whether a 2xx body is a function configuration (an emulator may answer with an invocation's result). */
function isConfiguration(json: Record<string, unknown>): boolean {
  return typeof json.FunctionName === 'string' && typeof json.MemorySize === 'number';
}

/** Signed control-plane calls for one function. */
export class LambdaControl {
  constructor(
    private readonly pool: Pool,
    private readonly origin: URL,
    private readonly signer: AwsSigner,
    private readonly functionName: string,
    private readonly qualifier?: string,
  ) {}

  private path(): string {
    const q = this.qualifier ? `?Qualifier=${encodeURIComponent(this.qualifier)}` : '';
    return `/2015-03-31/functions/${encodeURIComponent(this.functionName)}/configuration${q}`;
  }

  private async call(
    method: 'GET' | 'PUT',
    body: string | undefined,
    signal?: AbortSignal,
  ): Promise<FunctionConfiguration> {
    const url = new URL(this.path(), this.origin);
    const headers = await this.signer.sign(
      method,
      url,
      body === undefined ? {} : { 'content-type': 'application/json' },
      body,
    );
    const res = await this.pool.request({ method, path: url.pathname + url.search, headers, body, signal });
    const text = await res.body.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      /* not JSON: keep the status */
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const typeHeader = res.headers['x-amzn-errortype'];
      const typed = (Array.isArray(typeHeader) ? typeHeader[0] : typeHeader) ?? json.__type ?? json.Type;
      const type = String(typed ?? 'Error').split(':')[0]!;
      throw new LambdaApiError(
        res.statusCode,
        type,
        String(json.message ?? json.Message ?? (text.slice(0, 200) || `HTTP ${res.statusCode}`)),
        typed !== undefined,
      );
    }
    if (!isConfiguration(json))
      throw new LambdaApiError(
        res.statusCode,
        'NotAConfiguration',
        `${method} …/configuration answered HTTP ${res.statusCode} without a function configuration: ${text.slice(0, 120)}`,
        false,
      );
    return json as FunctionConfiguration;
  }

  /** GetFunctionConfiguration. Throws LambdaApiError on a non-2xx answer. */
  get(signal?: AbortSignal): Promise<FunctionConfiguration> {
    return this.call('GET', undefined, signal);
  }

  /** UpdateFunctionConfiguration with these fields. Only valid for `$LATEST` (no qualifier). */
  update(
    fields: { MemorySize?: number; Environment?: { Variables: Record<string, string> } },
    signal?: AbortSignal,
  ): Promise<FunctionConfiguration> {
    return this.call('PUT', JSON.stringify(fields), signal);
  }

  /**
   * Polls until `LastUpdateStatus` is `Successful` (every `pollMs`, at most
   * `timeoutMs`). Throws with the platform's reason on `Failed`, or on timeout.
   */
  async waitUpdated(timeoutMs: number, pollMs: number, signal?: AbortSignal): Promise<FunctionConfiguration> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const c = await this.get(signal);
      if (c.LastUpdateStatus === undefined || c.LastUpdateStatus === 'Successful') return c;
      if (c.LastUpdateStatus === 'Failed')
        throw new Error(`update of ${this.functionName} failed: ${c.LastUpdateStatusReason ?? 'no reason given'}`);
      if (Date.now() + pollMs > end)
        throw new Error(`update of ${this.functionName} still ${c.LastUpdateStatus} after ${timeoutMs} ms`);
      await sleep(pollMs, signal);
    }
  }
}
