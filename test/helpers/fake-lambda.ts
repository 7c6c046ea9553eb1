/**
 * A local server that speaks the AWS Lambda Invoke API and the two control-plane
 * calls fxbench uses, byte for byte as ../shared/providers.md §1.1–1.3 documents
 * them (no cloud is reachable from tests). It verifies every request's SigV4
 * signature by recomputing it with @smithy/signature-v4, runs "execution
 * environments" for real (one invocation at a time each, reused while idle, a
 * real init delay on a new one), answers with the REPORT line in the
 * `X-Amz-Log-Result` tail (text or JSON log format), and models function errors
 * (200 + X-Amz-Function-Error), timeouts, throttling (429) and oversized
 * payloads (413). Tests may also queue exact responses (`script`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { formatReportLine } from '../../src/runtime/report-line.ts';
import { lambdaBilledMs } from '../../src/cost/billing.ts';

/** Test credentials (AWS's documentation example key). */
export const FAKE_CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
export const FAKE_ACCOUNT = '123456789012';
/** Invoke payload limit of synchronous invocations (6 MB, [AWS-Invoke]). */
export const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;

/** One function the fake serves. */
export interface FakeFunctionConfig {
  name: string;
  memoryMB?: number;
  arch?: 'x86_64' | 'arm64';
  logFormat?: 'Text' | 'JSON';
  /** Function timeout, s (default 3). */
  timeoutS?: number;
  /** Real delay a new environment spends in init, ms (default 40); reported as Init Duration. */
  initMs?: number;
  /** Max concurrent environments; beyond it 429 (default unlimited). */
  reservedConcurrency?: number;
  /** How long an update stays InProgress, ms (default 150). */
  updateDelayMs?: number;
  env?: Record<string, string>;
  ephemeralMB?: number;
  /** Function URL auth type, served at `/url/{name}/` (default AWS_IAM). */
  urlAuth?: 'NONE' | 'AWS_IAM';
  /** Whether `X-Amz-Log-Type: Tail` gets the log tail (default true; false: an endpoint without REPORT lines, as emulators). */
  logTail?: boolean;
  /** Whether the function returns the instance-id headers (default true; false: no snippet deployed). */
  instanceHeaders?: boolean;
  /**
   * Not AWS's control plane, as local emulators behave (not in providers.md: modelled on what
   * issue 16 saw): `plain-404` answers the configuration path with a bare 404 (no X-Amzn-ErrorType,
   * no `__type`) and DryRun with 400, as serverless-offline does; `accept-all` answers GET/PUT of the
   * configuration with 200 and a body that is no configuration, and DryRun with an invocation.
   */
  emulator?: 'plain-404' | 'accept-all';
  /** The control plane accepts updates (200, Successful) but never applies them (a forceCold that does not take). */
  ignoreUpdates?: boolean;
  /** Function URL answer to a function error: `502` (AWS, default) or `header` (200 + X-Amz-Function-Error + the error object, as emulators do). */
  urlFunctionError?: '502' | 'header';
}

/**
 * What an invocation's payload may ask of the fake function:
 * `{ "sleepMs": 20, "fail": "error" | "oom" | "init" }`. Anything else returns
 * `{ "ok": true, "env": <env id> }` plus the instance-id headers object.
 */
interface Behaviour {
  sleepMs?: number;
  fail?: 'error' | 'oom' | 'init';
}

interface Env {
  id: string;
  busy: boolean;
  invocations: number;
  generation: number;
}

interface FnState {
  cfg: Required<Omit<FakeFunctionConfig, 'reservedConcurrency' | 'emulator'>> & {
    reservedConcurrency?: number;
    emulator?: FakeFunctionConfig['emulator'];
  };
  envs: Env[];
  generation: number;
  lastUpdateStatus: 'Successful' | 'InProgress' | 'Failed';
}

/** An exact response for the next invocation of a function (status, headers, body, log tail text). */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Log text; sent base64 in X-Amz-Log-Result. */
  log?: string;
}

/** What the fake saw of one request. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  signatureValid: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FakeLambda {
  readonly region: string;
  private server: Server | null = null;
  private readonly fns = new Map<string, FnState>();
  private readonly scripts = new Map<string, ScriptedResponse[]>();
  private readonly verifier: SignatureV4;
  /** Every request received, in order. */
  readonly requests: SeenRequest[] = [];
  /** Invocations answered, by function. */
  readonly invocations = new Map<string, number>();

  constructor(fns: FakeFunctionConfig[], region = 'us-east-1') {
    this.region = region;
    this.verifier = new SignatureV4({
      credentials: FAKE_CREDENTIALS,
      region,
      service: 'lambda',
      sha256: Sha256,
      uriEscapePath: true,
      applyChecksum: false,
    });
    for (const f of fns) this.addFunction(f);
  }

  addFunction(f: FakeFunctionConfig): void {
    this.fns.set(f.name, {
      cfg: {
        memoryMB: 128,
        arch: 'x86_64',
        logFormat: 'Text',
        timeoutS: 3,
        initMs: 40,
        updateDelayMs: 150,
        env: {},
        ephemeralMB: 512,
        urlAuth: 'AWS_IAM',
        logTail: true,
        instanceHeaders: true,
        emulator: undefined,
        ignoreUpdates: false,
        urlFunctionError: '502',
        ...f,
      },
      envs: [],
      generation: 0,
      lastUpdateStatus: 'Successful',
    });
  }

  /** Queues an exact response for the next invocation of `fn`. */
  script(fn: string, r: ScriptedResponse): void {
    const q = this.scripts.get(fn) ?? [];
    q.push(r);
    this.scripts.set(fn, q);
  }

  /** Environments of `fn` alive now. */
  environments(fn: string): number {
    return this.fns.get(fn)?.envs.length ?? 0;
  }

  /** Starts on 127.0.0.1, port 0; resolves with the origin (`http://127.0.0.1:PORT`). */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async verify(req: IncomingMessage, body: Buffer, url: URL): Promise<string | null> {
    const auth = req.headers.authorization;
    if (!auth) return 'MissingAuthenticationTokenException';
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!m) return 'IncompleteSignatureException';
    const [, akid, day, region, service, signedList, signature] = m;
    if (akid !== FAKE_CREDENTIALS.accessKeyId) return 'UnrecognizedClientException';
    const amzDate = req.headers['x-amz-date'];
    if (typeof amzDate !== 'string' || !amzDate.startsWith(day!) || region !== this.region || service !== 'lambda')
      return 'InvalidSignatureException';
    const date = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    if (Math.abs(Date.now() - date.getTime()) > 15 * 60_000) return 'InvalidSignatureException';
    const signed = signedList!.split(';');
    const headers: Record<string, string> = {};
    for (const h of signed) {
      const v = req.headers[h];
      if (v === undefined) return 'InvalidSignatureException';
      headers[h] = Array.isArray(v) ? v.join(',') : v;
    }
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const [host, port] = (req.headers.host ?? '').split(':');
    const again = await this.verifier.sign(
      new HttpRequest({
        method: req.method!,
        protocol: 'http:',
        hostname: host!,
        port: port ? Number(port) : undefined,
        path: url.pathname,
        query,
        headers,
        body,
      }),
      { signingDate: date, signableHeaders: new Set(signed) },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(again.headers.authorization))?.[1];
    return expected === signature ? null : 'InvalidSignatureException';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url!, 'http://x');
    const sigError = await this.verify(req, body, url);
    this.requests.push({
      method: req.method!,
      path: req.url!,
      headers: req.headers,
      signatureValid: sigError === null,
    });
    const requestId = randomUUID();
    const urlMatch = /^\/url\/([^/]+)\/$/.exec(url.pathname);
    if (urlMatch) return this.functionUrl(urlMatch[1]!, sigError, body, requestId, req, res);
    const error = (status: number, type: string, message: string, extra: Record<string, unknown> = {}) => {
      const text = JSON.stringify({ Type: 'User', message, ...extra });
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': type,
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    if (sigError) {
      const msg =
        sigError === 'UnrecognizedClientException'
          ? 'The security token included in the request is invalid.'
          : sigError === 'MissingAuthenticationTokenException'
            ? 'Missing Authentication Token'
            : 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
      return error(403, sigError, msg);
    }
    const m = /^\/2015-03-31\/functions\/([^/]+)\/(invocations|configuration)$/.exec(url.pathname);
    if (!m) return error(404, 'UnknownOperationException', 'Unknown operation');
    const name = decodeURIComponent(m[1]!).replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '');
    const fn = this.fns.get(name);
    const arn = `arn:aws:lambda:${this.region}:${FAKE_ACCOUNT}:function:${name}`;
    if (!fn) return error(404, 'ResourceNotFoundException', `Function not found: ${arn}`);
    const qualifier = url.searchParams.get('Qualifier');
    if (qualifier && qualifier !== '$LATEST')
      return error(404, 'ResourceNotFoundException', `Function not found: ${arn}:${qualifier}`);
    if (
      fn.cfg.emulator === 'plain-404' &&
      (m[2] === 'configuration' || req.headers['x-amz-invocation-type'] === 'DryRun')
    ) {
      const status = m[2] === 'configuration' ? 404 : 400;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end(status === 404 ? 'Not Found' : 'Bad Request');
    }
    if (fn.cfg.emulator === 'accept-all' && m[2] === 'configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"ok":true}');
    }
    if (m[2] === 'configuration') return this.configuration(req.method!, fn, arn, body, res, error);
    if (req.method !== 'POST') return error(405, 'MethodNotAllowed', 'Method not allowed');
    return this.invoke(fn, name, body, requestId, req, res, error);
  }

  /**
   * A Function URL ([AWS-URLs-Inv]): the event is the request, the function's
   * returned `{ statusCode, headers, body }` becomes the HTTP response; no log
   * tail. AWS_IAM URLs need a valid signature (else 403 Forbidden).
   */
  private async functionUrl(
    name: string,
    sigError: string | null,
    body: Buffer,
    requestId: string,
    _req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const fn = this.fns.get(name);
    const plain = (status: number, text: string) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    if (!fn) return plain(404, '{"Message":null}');
    if (fn.cfg.urlAuth === 'AWS_IAM' && sigError) return plain(403, '{"Message":"Forbidden"}');
    const captured = new CaptureResponse();
    await this.invoke(
      fn,
      name,
      body,
      requestId,
      { headers: {} } as IncomingMessage,
      captured as unknown as ServerResponse,
      (s, _t, m) => plain(s, JSON.stringify({ Message: m })),
    );
    if (captured.status === 0) return; // already answered with an error
    if (captured.headers['x-amz-function-error']) {
      if (fn.cfg.urlFunctionError === '502') return plain(502, '{"Message":"Internal Server Error"}');
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'x-amz-function-error': captured.headers['x-amz-function-error'],
        'content-length': Buffer.byteLength(captured.body),
      });
      return void res.end(captured.body);
    }
    const out = JSON.parse(captured.body) as { statusCode?: number; headers?: Record<string, string>; body?: string };
    const text = out.body ?? '';
    res.writeHead(out.statusCode ?? 200, {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      ...out.headers,
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private configJson(fn: FnState, arn: string): Record<string, unknown> {
    const c = fn.cfg;
    return {
      FunctionName: c.name,
      FunctionArn: arn,
      Runtime: 'nodejs20.x',
      Role: `arn:aws:iam::${FAKE_ACCOUNT}:role/fx`,
      Handler: 'index.handler',
      CodeSize: 312,
      Timeout: c.timeoutS,
      MemorySize: c.memoryMB,
      LastModified: new Date().toISOString().replace('Z', '+0000'),
      Version: '$LATEST',
      Environment: { Variables: c.env },
      State: 'Active',
      LastUpdateStatus: fn.lastUpdateStatus,
      PackageType: 'Zip',
      Architectures: [c.arch],
      EphemeralStorage: { Size: c.ephemeralMB },
      LoggingConfig: { LogFormat: c.logFormat, LogGroup: `/aws/lambda/${c.name}` },
    };
  }

  private configuration(
    method: string,
    fn: FnState,
    arn: string,
    body: Buffer,
    res: ServerResponse,
    error: (s: number, t: string, m: string) => void,
  ): void {
    if (method === 'PUT') {
      if (fn.lastUpdateStatus === 'InProgress')
        return error(
          409,
          'ResourceConflictException',
          `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
        );
      const upd = JSON.parse(body.toString('utf8') || '{}') as {
        MemorySize?: number;
        Environment?: { Variables?: Record<string, string> };
      };
      if (!fn.cfg.ignoreUpdates) {
        if (upd.MemorySize !== undefined) fn.cfg.memoryMB = upd.MemorySize;
        if (upd.Environment?.Variables) fn.cfg.env = upd.Environment.Variables;
        // A configuration change retires every environment: later invocations start new ones.
        fn.generation++;
        fn.envs = fn.envs.filter((e) => e.busy);
        fn.lastUpdateStatus = 'InProgress';
        setTimeout(() => (fn.lastUpdateStatus = 'Successful'), fn.cfg.updateDelayMs).unref();
      }
    } else if (method !== 'GET') return error(405, 'MethodNotAllowed', 'Method not allowed');
    const text = JSON.stringify(this.configJson(fn, arn));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async invoke(
    fn: FnState,
    name: string,
    body: Buffer,
    requestId: string,
    req: IncomingMessage,
    res: ServerResponse,
    error: (s: number, t: string, m: string, extra?: Record<string, unknown>) => void,
  ): Promise<void> {
    this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
    if (body.length > SYNC_PAYLOAD_LIMIT)
      return error(
        413,
        'RequestTooLargeException',
        `Request must be smaller than ${SYNC_PAYLOAD_LIMIT} bytes for the InvokeFunction operation`,
      );
    const scripted = this.scripts.get(name)?.shift();
    if (scripted) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'x-amz-executed-version': '$LATEST',
        ...scripted.headers,
      };
      if (scripted.log !== undefined && req.headers['x-amz-log-type'] === 'Tail')
        headers['x-amz-log-result'] = Buffer.from(scripted.log).toString('base64');
      res.writeHead(scripted.status ?? 200, headers);
      return void res.end(scripted.body ?? 'null');
    }
    let env = fn.envs.find((e) => !e.busy && e.generation === fn.generation);
    const cold = !env;
    if (!env) {
      if (
        fn.cfg.reservedConcurrency !== undefined &&
        fn.envs.filter((e) => e.busy).length >= fn.cfg.reservedConcurrency
      ) {
        return error(429, 'TooManyRequestsException', 'Rate Exceeded.', {
          Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
        });
      }
      env = { id: randomUUID(), busy: true, invocations: 0, generation: fn.generation };
      fn.envs.push(env);
    }
    env.busy = true;
    let behaviour: Behaviour = {};
    try {
      behaviour = JSON.parse(body.toString('utf8') || '{}') as Behaviour;
    } catch {
      /* a non-JSON payload is just data */
    }
    const initStart = performance.now();
    if (cold) await sleep(fn.cfg.initMs);
    const initMs = cold ? performance.now() - initStart : undefined;
    const t0 = performance.now();
    const timeoutMs = fn.cfg.timeoutS * 1000;
    const sleepMs = Math.min(behaviour.sleepMs ?? 1, timeoutMs);
    await sleep(sleepMs);
    const timedOut = (behaviour.sleepMs ?? 0) >= timeoutMs;
    const durationMs = timedOut ? timeoutMs : performance.now() - t0;
    env.invocations++;
    let status: string | undefined;
    let errorType: string | undefined;
    let payload: unknown = {
      statusCode: 200,
      headers: fn.cfg.instanceHeaders
        ? { 'x-fxbench-instance-id': env.id, 'x-fxbench-invocations': String(env.invocations) }
        : {},
      body: JSON.stringify({ ok: true }),
    };
    let fnError = false;
    if (timedOut) {
      fnError = true;
      status = 'timeout';
      payload = {
        errorMessage: `${new Date().toISOString()} ${requestId} Task timed out after ${fn.cfg.timeoutS.toFixed(2)} seconds`,
      };
    } else if (behaviour.fail === 'error') {
      fnError = true;
      status = 'error';
      errorType = 'Error';
      payload = {
        errorType: 'Error',
        errorMessage: 'boom',
        trace: ['Error: boom', '    at Runtime.handler (file:///var/task/index.mjs:3:9)'],
      };
    } else if (behaviour.fail === 'oom') {
      fnError = true;
      status = 'error';
      errorType = 'Runtime.OutOfMemory';
      payload = {
        errorType: 'Runtime.OutOfMemory',
        errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
      };
    } else if (behaviour.fail === 'init') {
      fnError = true;
      status = 'error';
      errorType = 'Runtime.ImportModuleError';
      payload = {
        errorType: 'Runtime.ImportModuleError',
        errorMessage: "Error: Cannot find module 'missing'",
        trace: [],
      };
    }
    // An environment whose invocation failed hard is not reused (Lambda resets it).
    if (timedOut || behaviour.fail === 'oom' || behaviour.fail === 'init') fn.envs = fn.envs.filter((e) => e !== env);
    else env.busy = false;
    const billedMs = lambdaBilledMs(durationMs, initMs);
    const maxMemoryMB = Math.min(fn.cfg.memoryMB, 68 + env.invocations);
    const log =
      fn.cfg.logFormat === 'JSON'
        ? this.jsonLog(requestId, {
            durationMs,
            billedMs,
            memoryMB: fn.cfg.memoryMB,
            maxMemoryMB,
            initMs,
            status,
            errorType,
          })
        : this.textLog(
            requestId,
            { durationMs, billedMs, memoryMB: fn.cfg.memoryMB, maxMemoryMB, initMs, status, errorType },
            cold,
          );
    const text = JSON.stringify(payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      'x-amz-executed-version': '$LATEST',
      'x-amzn-remapped-content-length': '0',
      'x-amzn-trace-id': `root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)};parent=${randomUUID().replace(/-/g, '').slice(0, 16)};sampled=0`,
      'content-length': String(Buffer.byteLength(text)),
    };
    if (fnError) headers['x-amz-function-error'] = 'Unhandled';
    // Only the last 4 KB of the log come back, and only when asked for (LogType=Tail).
    if (req.headers['x-amz-log-type'] === 'Tail' && fn.cfg.logTail)
      headers['x-amz-log-result'] = Buffer.from(log).subarray(-4096).toString('base64');
    res.writeHead(200, headers);
    res.end(text);
  }

  private textLog(
    id: string,
    r: {
      durationMs: number;
      billedMs: number;
      memoryMB: number;
      maxMemoryMB: number;
      initMs?: number;
      status?: string;
      errorType?: string;
    },
    cold: boolean,
  ): string {
    let line = formatReportLine({
      requestId: id,
      durationMs: r.durationMs,
      billedMs: r.billedMs,
      memoryMB: r.memoryMB,
      maxMemoryMB: r.maxMemoryMB,
      initMs: r.initMs,
    });
    if (r.status) line += `Status: ${r.status}\t${r.errorType ? `Error Type: ${r.errorType}\t` : ''}`;
    const ts = new Date().toISOString();
    return [
      ...(cold
        ? [
            'INIT_START Runtime Version: nodejs:20.v50\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0c2d6b2f0e6f3a4d',
          ]
        : []),
      `START RequestId: ${id} Version: $LATEST`,
      `${ts}\t${id}\tINFO\thandling`,
      `END RequestId: ${id}`,
      line,
      '',
    ].join('\n');
  }

  private jsonLog(
    id: string,
    r: {
      durationMs: number;
      billedMs: number;
      memoryMB: number;
      maxMemoryMB: number;
      initMs?: number;
      status?: string;
      errorType?: string;
    },
  ): string {
    const time = new Date().toISOString();
    const metrics: Record<string, number> = {
      durationMs: Number(r.durationMs.toFixed(2)),
      billedDurationMs: r.billedMs,
      memorySizeMB: r.memoryMB,
      maxMemoryUsedMB: r.maxMemoryMB,
    };
    if (r.initMs !== undefined) metrics.initDurationMs = Number(r.initMs.toFixed(2));
    return [
      JSON.stringify({ time, type: 'platform.start', record: { requestId: id, version: '$LATEST' } }),
      JSON.stringify({ timestamp: time, level: 'INFO', requestId: id, message: 'handling' }),
      JSON.stringify({
        time,
        type: 'platform.report',
        record: {
          requestId: id,
          metrics,
          status: r.status ?? 'success',
          ...(r.errorType ? { errorType: r.errorType } : {}),
        },
      }),
      '',
    ].join('\n');
  }
}

/** Collects what `invoke` writes, for the Function URL mapping. */
class CaptureResponse {
  status = 0;
  headers: Record<string, string> = {};
  body = '';
  writeHead(status: number, headers: Record<string, string>): this {
    this.status = status;
    this.headers = headers;
    return this;
  }
  end(text: string): void {
    this.body = text;
  }
}
