/**
 * The `lambda` driver. Invoke API mode: `POST /2015-03-31/functions/{name}/invocations`
 * signed with SigV4, `X-Amz-Log-Type: Tail`, so every response carries the
 * REPORT line: cold starts (`Init Duration` / `Restore Duration`, method
 * `provider`), billed duration and memory come from Lambda itself. Function URL
 * mode (`url`): a plain POST (SigV4-signed for `AWS_IAM`), cold starts by the
 * instance-id snippet. One undici pool per origin, made in `prepare`.
 */
import { Pool } from 'undici';
import { lambdaPriceModel } from '../../cost/cost.ts';
import { FxError } from '../../model/errors.ts';
import { InstanceTracker, readInstanceHeaders } from '../instance-id.ts';
import { transportFailure } from '../transport-error.ts';
import type { Driver, ForceColdCheck } from '../types.ts';
import { AwsSigner, resolveAwsCredentials } from './aws-signer.ts';
import { LambdaApiError, LambdaControl, type FunctionConfiguration } from './control-api.ts';
import { classifyFunctionError, readInvokeResponse } from './invoke-response.ts';
import type { LambdaOptions } from './target.ts';
import type { Capabilities, ErrorClass, Invocation, Outcome } from '../../model/invocation.ts';
import type { PriceModel } from '../../model/price.ts';
import type { TargetInfo } from '../../model/result.ts';
import type { ResolvedTarget } from '../../model/target.ts';

/** Environment variable set by `forceCold` (its value changes each time). */
export const FORCE_COLD_ENV = 'FXBENCH_FORCE_COLD';

const POOL_OPTIONS = { connections: null, pipelining: 1, keepAliveTimeout: 60_000 } as const;

/** Region of a Function URL host `<id>.lambda-url.<region>.on.aws`. */
export function regionOfFunctionUrl(url: string): string | undefined {
  return /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(new URL(url).hostname)?.[1];
}

/**
 * What the options allow: forcing a cold start and changing memory need a
 * function name on $LATEST (configuration updates reach $LATEST only). prepare()
 * may learn less: with no readable control plane (an emulator, no permission to
 * read the configuration) neither is possible.
 */
export function lambdaCapabilities(target: ResolvedTarget<LambdaOptions>): Capabilities {
  const o = target.options;
  const urlMode = o.url !== undefined;
  const latest = !o.qualifier || o.qualifier === '$LATEST';
  const canUpdate = (target.function || undefined) !== undefined && latest;
  return {
    forceCold: canUpdate,
    reportsInitDuration: !urlMode,
    reportsBilledDuration: !urlMode,
    setMemory: canUpdate,
    instanceId: urlMode,
    scaleToZero: true,
  };
}

export class LambdaDriver implements Driver {
  readonly capabilities: Capabilities;
  private readonly o: LambdaOptions;
  private readonly functionName: string | undefined;
  private readonly urlMode: boolean;
  private region: string | undefined;
  private signer: AwsSigner | null = null;
  private apiPool: Pool | null = null;
  private urlPool: Pool | null = null;
  private control: LambdaControl | null = null;
  private config: FunctionConfiguration | null = null;
  private invokePath = '';
  private urlPath = '';
  private apiOrigin: URL | null = null;
  private urlOrigin: URL | null = null;
  private readonly tracker = new InstanceTracker();
  private coldCount = 0;
  /** Memory Size from the last REPORT line (when the configuration could not be read). */
  private reportedMemoryMB: number | undefined;
  /** Set by prepare when the endpoint is not AWS's control plane (or it cannot be read): why, in one line. */
  private emulator: string | undefined;

  /** What prepare learned that the plan should say: one line each. */
  notes(): string[] {
    return this.emulator ? [this.emulator] : [];
  }

  constructor(private readonly target: ResolvedTarget<LambdaOptions>) {
    this.o = target.options;
    this.functionName = target.function || undefined;
    this.urlMode = this.o.url !== undefined;
    this.capabilities = lambdaCapabilities(target);
  }

  info(): TargetInfo {
    return {
      name: this.target.name,
      provider: 'lambda',
      function: this.functionName ?? this.o.url ?? '',
      memoryMB: this.config?.MemorySize ?? this.reportedMemoryMB ?? this.target.memoryMB ?? null,
      region: this.region ?? this.o.region,
      coldStartMethod: this.urlMode ? 'instance-id' : 'provider',
    };
  }

  coldSignalMissing(): string {
    return this.urlMode
      ? 'no x-fxbench-instance-id header in the Function URL responses (add the instance-id snippet to the function)'
      : 'no REPORT line in the responses (no X-Amz-Log-Result log tail: an emulator, or a function without logs)';
  }

  private fail(message: string, cause?: unknown): FxError {
    return FxError.runFailed(`target ${this.target.name}: ${message}`, cause);
  }

  async prepare(signal?: AbortSignal): Promise<void> {
    this.region =
      this.o.region ??
      (this.o.url ? regionOfFunctionUrl(this.o.url) : undefined) ??
      process.env.AWS_REGION ??
      process.env.AWS_DEFAULT_REGION;
    if (!this.region) throw this.fail('region missing: set "region" on the target, or AWS_REGION');
    const needsCredentials = !this.urlMode || this.o.auth !== 'NONE' || this.functionName !== undefined;
    if (needsCredentials)
      this.signer = new AwsSigner(await resolveAwsCredentials(this.target.name, this.o.profile), this.region);

    if (this.functionName !== undefined) {
      this.apiOrigin = new URL(this.o.endpoint ?? `https://lambda.${this.region}.amazonaws.com`);
      this.apiPool = new Pool(this.apiOrigin.origin, POOL_OPTIONS);
      const q = this.o.qualifier ? `?Qualifier=${encodeURIComponent(this.o.qualifier)}` : '';
      this.invokePath = `${this.apiOrigin.pathname.replace(/\/$/, '')}/2015-03-31/functions/${encodeURIComponent(this.functionName)}/invocations${q}`;
      this.control = new LambdaControl(this.apiPool, this.apiOrigin, this.signer!, this.functionName, this.o.qualifier);
      try {
        this.config = await this.control.get(signal);
      } catch (err) {
        if (err instanceof LambdaApiError && !err.aws) {
          // Not AWS's control plane: a plain 404 (serverless-offline), or a 2xx that is not a configuration
          // (an emulator that answers every request with an invocation). Invoke only; no DryRun either,
          // since such an endpoint may run the function for it.
          this.emulator = `${this.apiOrigin.origin} is not the Lambda control plane (GET …/configuration: ${err.message.slice(0, 120)}): treated as an emulator, invoke only (no forceCold, no setMemory; memory from REPORT lines when they come)`;
          this.capabilities.forceCold = this.capabilities.setMemory = false;
          return this.prepareUrl();
        }
        if (
          err instanceof LambdaApiError &&
          ((err.status === 404 && err.errorType === 'UnknownOperationException') ||
            err.errorType === 'AccessDeniedException')
        ) {
          // No control plane here (a local emulator such as `fxbench serve`) or no permission to read
          // it: check the function exists with a DryRun invocation; no forceCold or setMemory then.
          await this.dryRun(signal);
          this.capabilities.forceCold = this.capabilities.setMemory = false;
          this.emulator =
            err.errorType === 'AccessDeniedException'
              ? `no permission to read the configuration of ${this.functionName}: invoke only (no forceCold, no setMemory)`
              : `${this.apiOrigin.origin} has no Lambda control plane (${err.errorType}): treated as an emulator, invoke only (no forceCold, no setMemory)`;
          return this.prepareUrl();
        }
        if (err instanceof LambdaApiError) {
          // Only AWS's ResourceNotFoundException shape means "not found" (other 404s were handled above).
          if (err.status === 404 && err.errorType === 'ResourceNotFoundException')
            throw this.fail(
              `function ${this.functionName}${this.o.qualifier ? `:${this.o.qualifier}` : ''} not found in region ${this.region} (${err.errorType}: ${err.message})`,
              err,
            );
          if (err.status === 403 || err.status === 401)
            throw this.fail(
              `access denied reading function ${this.functionName} in region ${this.region}: ${err.errorType}: ${err.message} (the caller needs lambda:GetFunctionConfiguration and lambda:InvokeFunction)`,
              err,
            );
          throw this.fail(
            `GetFunctionConfiguration for ${this.functionName} failed: HTTP ${err.status} ${err.errorType}: ${err.message}`,
            err,
          );
        }
        throw this.fail(`cannot reach ${this.apiOrigin.origin}: ${(err as Error).message}`, err);
      }
      if (this.target.memoryMB !== undefined && this.config.MemorySize !== this.target.memoryMB) {
        if (!this.capabilities.setMemory)
          throw this.fail(
            `memoryMB ${this.target.memoryMB} differs from the function's ${this.config.MemorySize} MB and a qualified version cannot be changed`,
          );
        await this.setMemory(this.target.memoryMB, signal);
      }
    }
    this.prepareUrl();
  }

  private prepareUrl(): void {
    if (!this.urlMode) return;
    const u = new URL(this.o.url!);
    this.urlOrigin = new URL(u.origin);
    this.urlPath = u.pathname + u.search;
    this.urlPool = new Pool(u.origin, POOL_OPTIONS);
  }

  /** `X-Amz-Invocation-Type: DryRun`: 204 when the function exists and may be invoked; runs nothing. */
  private async dryRun(signal?: AbortSignal): Promise<void> {
    const url = new URL(this.invokePath, this.apiOrigin!);
    const headers = await this.signer!.sign('POST', url, { 'x-amz-invocation-type': 'DryRun' }, '');
    const res = await this.apiPool!.request({ method: 'POST', path: this.invokePath, headers, body: '', signal }).catch(
      (err: Error) => {
        throw this.fail(`cannot reach ${this.apiOrigin!.origin}: ${err.message}`, err);
      },
    );
    const text = await res.body.text();
    if (res.statusCode === 204 || res.statusCode === 200) return;
    const type = String(res.headers['x-amzn-errortype'] ?? '').split(':')[0];
    if (res.statusCode === 404)
      throw this.fail(
        `function ${this.functionName} not found in region ${this.region} (${type || 'HTTP 404'}: ${text.slice(0, 200)})`,
      );
    throw this.fail(
      `DryRun invocation of ${this.functionName} failed: HTTP ${res.statusCode} ${type} ${text.slice(0, 200)}`,
    );
  }

  async invoke(inv: Invocation, signal?: AbortSignal): Promise<Outcome> {
    return this.urlMode ? this.invokeUrl(inv, signal) : this.invokeApi(inv, signal);
  }

  private async invokeApi(inv: Invocation, signal?: AbortSignal): Promise<Outcome> {
    const bytesOut = inv.payload.length;
    try {
      const url = new URL(this.invokePath, this.apiOrigin!);
      const headers = await this.signer!.sign(
        'POST',
        url,
        { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse', 'x-amz-log-type': 'Tail' },
        inv.payload,
      );
      const res = await this.apiPool!.request({
        method: 'POST',
        path: this.invokePath,
        headers,
        body: inv.payload,
        signal,
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      const { outcome, report } = readInvokeResponse({ status: res.statusCode, headers: res.headers, body }, bytesOut);
      if (report?.memoryMB) this.reportedMemoryMB = report.memoryMB;
      return outcome;
    } catch (err) {
      return transportFailure(err, bytesOut);
    }
  }

  private async invokeUrl(inv: Invocation, signal?: AbortSignal): Promise<Outcome> {
    const bytesOut = inv.payload.length;
    try {
      let headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.o.auth !== 'NONE')
        headers = await this.signer!.sign('POST', new URL(this.urlPath, this.urlOrigin!), headers, inv.payload);
      const res = await this.urlPool!.request({
        method: 'POST',
        path: this.urlPath,
        headers,
        body: inv.payload,
        signal,
      });
      const fnError = res.headers['x-amz-function-error'];
      let bytesIn = 0;
      const kept: Buffer[] = [];
      for await (const chunk of res.body) {
        // The error object of a function error is read (bounded); other bodies are only counted.
        if (fnError && bytesIn < 64 * 1024) kept.push(chunk as Buffer);
        bytesIn += (chunk as Buffer).length;
      }
      const s = res.statusCode;
      if (fnError && s < 300) {
        // 200 + X-Amz-Function-Error: the function threw (emulators such as serverless-offline answer Function
        // URLs so); the error object classifies it as in Invoke API mode.
        let errorObject: Record<string, unknown> | undefined;
        try {
          const v = JSON.parse(Buffer.concat(kept).toString('utf8')) as unknown;
          if (v && typeof v === 'object' && !Array.isArray(v)) errorObject = v as Record<string, unknown>;
        } catch {
          /* not JSON: the header alone says it failed */
        }
        const { errorClass, message } = classifyFunctionError(errorObject, undefined);
        return {
          status: s,
          errorClass,
          errorMessage: `${String(fnError)}: ${message}`,
          bytesIn,
          bytesOut,
          cold: null,
          coldMethod: null,
        };
      }
      const errorClass: ErrorClass | null =
        s === 429
          ? 'throttled'
          : s === 413
            ? 'payload-too-large'
            : s >= 500
              ? 'http-5xx'
              : s >= 400
                ? 'http-4xx'
                : null;
      const seen = readInstanceHeaders(res.headers);
      const cold = seen ? this.tracker.observe(seen) : null;
      return {
        status: s,
        errorClass,
        errorMessage: errorClass ? `HTTP ${s}` : undefined,
        bytesIn,
        bytesOut,
        cold,
        coldMethod: seen ? 'instance-id' : null,
        instanceId: seen?.instanceId,
      };
    } catch (err) {
      return transportFailure(err, bytesOut);
    }
  }

  private updateTimeoutMs(): number {
    return this.o.updateTimeout ?? 60_000;
  }

  /**
   * Sets an environment variable (merged into the existing ones) with
   * UpdateFunctionConfiguration and waits for `LastUpdateStatus=Successful`
   * (bounded by `updateTimeout`, default 60 s): the next invocations of
   * `$LATEST` land on new execution environments.
   */
  async forceCold(signal?: AbortSignal): Promise<ForceColdCheck> {
    if (!this.control) throw this.fail('forceCold needs the function name (Invoke API access)');
    const current = await this.control.get(signal);
    const value = `${Date.now()}-${++this.coldCount}`;
    const Variables = { ...(current.Environment?.Variables ?? {}), [FORCE_COLD_ENV]: value };
    try {
      await this.control.update({ Environment: { Variables } }, signal);
      this.config = await this.control.waitUpdated(this.updateTimeoutMs(), this.o.updatePoll ?? 1000, signal);
    } catch (err) {
      throw this.fail(`forceCold: ${(err as Error).message}`, err);
    }
    // Read back: the change took only if the configuration now carries it.
    const seen = this.config.Environment?.Variables?.[FORCE_COLD_ENV];
    return seen === value
      ? { configured: true }
      : {
          configured: false,
          note: `the configuration read back after the update has ${FORCE_COLD_ENV}=${seen === undefined ? '(unset)' : JSON.stringify(seen)}, not the value set`,
        };
  }

  /** Changes MemorySize with UpdateFunctionConfiguration and waits until it applies. */
  async setMemory(memoryMB: number, signal?: AbortSignal): Promise<void> {
    if (!this.control) throw this.fail('setMemory needs the function name (Invoke API access)');
    try {
      await this.control.update({ MemorySize: memoryMB }, signal);
      this.config = await this.control.waitUpdated(this.updateTimeoutMs(), this.o.updatePoll ?? 1000, signal);
    } catch (err) {
      throw this.fail(`setMemory ${memoryMB} MB: ${(err as Error).message}`, err);
    }
    if (this.config.MemorySize !== memoryMB)
      throw this.fail(
        `setMemory ${memoryMB} MB: the configuration read back after the update says ${this.config.MemorySize} MB`,
      );
  }

  /**
   * Lambda's price model for the function's architecture (from its
   * configuration, else `pricing.arch`), with ephemeral storage above 512 MB.
   * Prices are us-east-1's; other regions are labelled as such.
   */
  priceModel(): PriceModel {
    const arch = this.config?.Architectures?.[0] ?? this.target.arch;
    const region = this.region ?? 'us-east-1';
    const note = region === 'us-east-1' ? '' : `; us-east-1 list price applied to ${region}`;
    return lambdaPriceModel(arch, this.o.prices ?? {}, note, { ephemeralMB: this.config?.EphemeralStorage?.Size });
  }

  async close(): Promise<void> {
    const pools = [this.apiPool, this.urlPool];
    this.apiPool = this.urlPool = null;
    await Promise.all(pools.map((p) => p?.close().catch(() => undefined)));
  }
}
