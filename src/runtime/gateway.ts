/**
 * The local runtime's HTTP surfaces, so cloud drivers and other tools can hit it
 * as they would the real thing (providers.md §1.1, §1.2, §2.1, §2.2):
 *
 * - Lambda Invoke API: `POST /2015-03-31/functions/{name}/invocations`
 *   (`X-Amz-Invocation-Type` RequestResponse | Event | DryRun; `X-Amz-Log-Type:
 *   Tail` → base64 `X-Amz-Log-Result` ending in a REPORT line; function errors
 *   are 200 + `X-Amz-Function-Error: Unhandled`; 429 TooManyRequestsException).
 * - OpenFaaS gateway: `/function/{name}[/…]` (any method; `X-Call-Id`,
 *   `X-Start-Time` in Unix ns, `X-Duration-Seconds`), `GET /system/functions`,
 *   `GET /system/function/{name}`, `POST /system/scale-function/{name}`.
 * - `GET /healthz` (and `/health`).
 *
 * Every invocation response also carries fxbench's own `x-fxbench-*` headers
 * (cold, init/duration/billed ms, memory, instance id, error class), which the
 * local driver reads.
 */
import { randomUUID } from 'node:crypto';
import { VERSION } from '../version.ts';
import { billedMs } from '../cost/billing.ts';
import { newRequestId, type InstanceResult, type InvokeRequest } from './invocation.ts';
import type { MiniRequest, MiniResponse } from './mini-http.ts';
import { formatReportLine } from './report-line.ts';
import type { InvokeOutcome, Platform } from './platform.ts';
import type { FunctionSpec } from '../model/function.ts';

/** Lambda's synchronous request payload limit: 6 MB (providers.md §1.1). */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** A sanity cap on OpenFaaS request bodies (the gateway itself has none, §2.4). */
export const MAX_OPENFAAS_BODY_BYTES = 64 * 1024 * 1024;
/** Bodies of the OpenFaaS system API (`{"replicas": n}`). */
const MAX_SYSTEM_BODY_BYTES = 1024 * 1024;
/** OpenFaaS's default function namespace; `name.openfaas-fn` resolves to `name`. */
export const OPENFAAS_NAMESPACE = 'openfaas-fn';

const LAMBDA_PREFIX = '/2015-03-31/functions/';
const SERVED_BY = `fxbench-local/${VERSION}`;

/** An HTTP response, ready to send. */
export interface RuntimeInvokeResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The largest request body each path accepts; a bigger one is answered 413 unread. */
export function gatewayBodyLimit(_method: string, url: string): number {
  if (url.startsWith(LAMBDA_PREFIX)) return MAX_SYNC_PAYLOAD_BYTES;
  if (url.startsWith('/function/')) return MAX_OPENFAAS_BODY_BYTES;
  return MAX_SYSTEM_BODY_BYTES;
}

/** The request handler for a runtime's HTTP endpoint (served by mini-http.ts). */
export function createGatewayHandler(rt: Platform): (req: MiniRequest, res: MiniResponse) => void {
  return (req, res) => {
    const { url } = req;
    if (url.startsWith(LAMBDA_PREFIX)) return lambdaInvoke(rt, req, res, url);
    if (url.startsWith('/function/')) return openFaaSInvoke(rt, req, res, url);
    if (url.startsWith('/system/')) return system(rt, req, res, url);
    if ((req.method === 'GET' || req.method === 'HEAD') && (url === '/healthz' || url === '/health')) return send(res, text(200, 'OK'));
    send(res, text(404, `404 page not found: ${req.method} ${url}`));
  };
}

// --- Lambda Invoke API ---------------------------------------------------------

function lambdaInvoke(rt: Platform, req: MiniRequest, res: MiniResponse, url: string): void {
  const m = /^\/2015-03-31\/functions\/([^/?]+)\/invocations(?:\?(.*))?$/.exec(url);
  if (!m || req.method !== 'POST') return send(res, apiError(404, 'UnknownOperationException', `no route ${req.method} ${url}`));
  const name = lambdaFunctionName(decodeURIComponent(m[1]!));
  if (req.tooLarge) return send(res, tooLarge(MAX_SYNC_PAYLOAD_BYTES));
  {
    const payload = req.body;
    const h = req.headers;
    const type = String(h['x-amz-invocation-type'] ?? 'RequestResponse');
    const exists = rt.status(name) !== undefined;
    if (type === 'DryRun') return send(res, exists ? { status: 204, headers: { 'x-amzn-requestid': newRequestId() }, body: Buffer.alloc(0) } : frameLambda(name, { type: 'not-found' }, false, 0));
    const clientContext = h['x-amz-client-context'] !== undefined ? Buffer.from(h['x-amz-client-context'], 'base64').toString('utf8') : undefined;
    const opts = { traceId: h['x-amzn-trace-id'], clientContext };
    if (type === 'Event') {
      // Asynchronous: accepted at once, run in the background (errors are the function's business).
      if (!exists) return send(res, frameLambda(name, { type: 'not-found' }, false, 0));
      void rt.call(name, payload, opts);
      return send(res, { status: 202, headers: { 'x-amzn-requestid': newRequestId() }, body: Buffer.alloc(0) });
    }
    const logTail = String(h['x-amz-log-type'] ?? '').toLowerCase() === 'tail';
    rt.call(name, payload, opts).then(
      (o) => send(res, frameLambda(name, o, logTail, payload.length)),
      (err) => send(res, apiError(500, 'ServiceException', String(err))),
    );
  }
}

/** `my-fn`, `my-fn:alias`, `123456789012:function:my-fn[:alias]`, `arn:aws:lambda:region:acct:function:my-fn[:alias]` → `my-fn`. */
export function lambdaFunctionName(raw: string): string {
  const parts = raw.split(':');
  if (parts[0] === 'arn') return parts[6] ?? raw;
  if (parts[1] === 'function') return parts[2] ?? raw;
  return parts[0]!;
}

/** Frames an outcome as the Lambda Invoke API answers (plus fxbench's own headers). */
export function frameLambda(name: string, o: InvokeOutcome, logTail: boolean, _payloadBytes: number): RuntimeInvokeResult {
  switch (o.type) {
    case 'not-found':
      return apiError(404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:local:000000000000:function:${name}`);
    case 'stopping':
      return apiError(503, 'ServiceException', 'the local runtime is stopping');
    case 'too-large':
      return tooLarge(o.limitBytes);
    case 'throttled':
      return apiError(429, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
    case 'result':
      break;
  }
  const { spec } = o;
  let r = o.result;
  // Lambda's synchronous response limit is 6 MB too (providers.md §1.1): a bigger
  // answer becomes a function error; fxbench classifies it payload-too-large.
  const oversized = !r.errorClass && r.body.length > MAX_SYNC_PAYLOAD_BYTES;
  if (oversized) r = { ...r, body: Buffer.from(JSON.stringify({ errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_PAYLOAD_BYTES} bytes).`, errorType: 'Function.ResponseSizeTooLarge' })) };
  const billed = billedMs(spec.billing, r.durationMs, r.initMs);
  const headers = fxbenchHeaders(spec, r, billed);
  if (oversized) headers['x-fxbench-error-class'] = 'payload-too-large';
  headers['content-type'] = 'application/json';
  headers['x-amzn-requestid'] = r.requestId;
  headers['x-amz-executed-version'] = '$LATEST';
  if (r.errorClass || oversized) headers['x-amz-function-error'] = 'Unhandled';
  if (logTail) {
    const report = formatReportLine({ requestId: r.requestId, durationMs: r.durationMs, billedMs: billed, memoryMB: spec.memoryMB, maxMemoryMB: r.maxMemoryMB, initMs: r.initMs });
    const log = `START RequestId: ${r.requestId} Version: $LATEST\nEND RequestId: ${r.requestId}\n${report}\n`;
    headers['x-amz-log-result'] = Buffer.from(log).toString('base64');
  }
  return { status: 200, headers, body: r.body };
}

function apiError(status: number, type: string, message: string, extra: Record<string, string> = {}): RuntimeInvokeResult {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': newRequestId() },
    body: Buffer.from(JSON.stringify({ Type: 'User', message, ...extra })),
  };
}

function tooLarge(limit: number): RuntimeInvokeResult {
  return apiError(413, 'RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
}

// --- OpenFaaS gateway ------------------------------------------------------------

function openFaaSInvoke(rt: Platform, req: MiniRequest, res: MiniResponse, url: string): void {
  const startTime = unixNs();
  const callId = req.headers['x-call-id'] || randomUUID();
  const q = url.indexOf('?');
  const pathPart = q >= 0 ? url.slice(0, q) : url;
  const query = q >= 0 ? url.slice(q + 1) : '';
  const rest = pathPart.slice('/function/'.length);
  const slash = rest.indexOf('/');
  const rawName = decodeURIComponent(slash >= 0 ? rest.slice(0, slash) : rest);
  const name = openFaaSFunctionName(rt, rawName);
  const sub = slash >= 0 ? rest.slice(slash) : '/';
  const gatewayHeaders = { 'x-call-id': callId, 'x-start-time': startTime, 'x-served-by': SERVED_BY };
  if (req.tooLarge) return send(res, withHeaders(text(413, 'request body too large'), gatewayHeaders));
  const headers: Record<string, string> = { ...req.headers, 'x-call-id': callId, 'x-start-time': startTime };
  const request: InvokeRequest = { method: req.method, path: sub, query, headers };
  rt.call(name, req.body, { request }).then(
    (o) => send(res, withHeaders(frameOpenFaaS(rawName, o), gatewayHeaders)),
    (err) => send(res, withHeaders(text(500, String(err)), gatewayHeaders)),
  );
}

/** `name` or `name.openfaas-fn` → the runtime's function name. */
function openFaaSFunctionName(rt: Platform, raw: string): string {
  if (rt.status(raw)) return raw;
  const suffix = `.${OPENFAAS_NAMESPACE}`;
  return raw.endsWith(suffix) ? raw.slice(0, -suffix.length) : raw;
}

/**
 * Frames an outcome as the OpenFaaS gateway and watchdog answer: the function's
 * status, headers and body; 500 (platform failures add `X-OpenFaaS-Internal:
 * of-watchdog`), 504 on timeout, 429 when throttled, 404 for an unknown function.
 */
export function frameOpenFaaS(name: string, o: InvokeOutcome): RuntimeInvokeResult {
  switch (o.type) {
    case 'not-found':
      return text(404, `error finding function ${name}: not found`);
    case 'stopping':
      return text(503, 'the local runtime is stopping');
    case 'too-large':
      return text(413, 'request body too large');
    case 'throttled':
      return text(429, `Concurrent request limit exceeded. Max concurrent requests: ${o.spec.maxInstances * o.spec.concurrency}\n`);
    case 'result':
      break;
  }
  const { spec, result: r } = o;
  const billed = billedMs(spec.billing, r.durationMs, r.initMs);
  const headers: Record<string, string> = { ...(r.headers ?? {}), ...fxbenchHeaders(spec, r, billed) };
  headers['x-duration-seconds'] = (r.durationMs / 1000).toFixed(6);
  let status = r.status ?? (r.errorClass === 'timeout' ? 504 : r.errorClass ? 500 : 200);
  // Failures of the platform rather than answers of the function (a handler's own error is its answer).
  const platform = r.errorClass !== null && !(r.errorClass === 'function-error' && !/^Runtime\./.test(r.errorType ?? ''));
  if (platform) {
    headers['x-openfaas-internal'] = 'of-watchdog';
    if (status < 500) status = 500;
  }
  headers['content-type'] ??= 'application/json';
  return { status, headers, body: r.body };
}

// --- OpenFaaS system API ---------------------------------------------------------

function system(rt: Platform, req: MiniRequest, res: MiniResponse, url: string): void {
  const path = url.split('?')[0]!;
  if (req.method === 'GET' && (path === '/system/functions' || path === '/system/functions/')) {
    return send(res, jsonResponse(200, rt.functions().map((f) => functionStatus(rt, f.name))));
  }
  let m = /^\/system\/function\/([^/]+)$/.exec(path);
  if (req.method === 'GET' && m) {
    const name = openFaaSFunctionName(rt, decodeURIComponent(m[1]!));
    return send(res, rt.status(name) ? jsonResponse(200, functionStatus(rt, name)) : text(404, `function ${name} not found`));
  }
  m = /^\/system\/scale-function\/([^/]+)$/.exec(path);
  if (req.method === 'POST' && m) {
    const name = openFaaSFunctionName(rt, decodeURIComponent(m[1]!));
    if (req.tooLarge) return send(res, text(413, 'request body too large'));
    {
      let replicas: unknown;
      try {
        replicas = (JSON.parse(req.body.toString('utf8') || 'null') as { replicas?: unknown } | null)?.replicas;
      } catch {
        return send(res, text(400, 'Cannot parse request. Please pass valid JSON.'));
      }
      if (!Number.isInteger(replicas) || (replicas as number) < 0) return send(res, text(400, `expected {"replicas": <integer >= 0>}, got replicas ${JSON.stringify(replicas)}`));
      if (!rt.status(name)) return send(res, text(404, `service ${name} not found`));
      rt.scale(name, replicas as number).then(
        () => send(res, { status: 202, headers: {}, body: Buffer.alloc(0) }),
        (err) => send(res, text(500, String(err))),
      );
      return;
    }
  }
  send(res, text(404, `404 page not found: ${req.method} ${url}`));
}

/**
 * A function as faas-provider's FunctionStatus describes it. `replicas`,
 * `availableReplicas` and `invocationCount` are omitted when 0, as Go's
 * `omitempty` does: absent means 0 (providers.md §2.1).
 */
function functionStatus(rt: Platform, name: string): Record<string, unknown> {
  const s = rt.status(name)!;
  const spec = s.spec;
  const out: Record<string, unknown> = {
    name: spec.name,
    image: `fxbench/local-${spec.kind}:latest`,
    namespace: OPENFAAS_NAMESPACE,
    envProcess: spec.command.length ? spec.command.join(' ') : spec.handler,
    labels: { 'com.openfaas.scale.max': String(spec.maxInstances), 'fxbench.kind': spec.kind },
    annotations: { 'fxbench.timeout': `${spec.timeoutMs}ms`, 'fxbench.concurrency': String(spec.concurrency) },
    limits: { memory: `${spec.memoryMB}Mi` },
  };
  if (s.invocations) out.invocationCount = s.invocations;
  if (s.replicas) out.replicas = s.replicas;
  if (s.availableReplicas) out.availableReplicas = s.availableReplicas;
  out.createdAt = rt.createdAt.toISOString();
  return out;
}

// --- helpers -------------------------------------------------------------------

/** fxbench's own per-invocation headers, on both paths. */
function fxbenchHeaders(spec: FunctionSpec, r: InstanceResult, billed: number): Record<string, string> {
  const h: Record<string, string> = {
    'x-fxbench-cold': r.cold ? '1' : '0',
    'x-fxbench-duration-ms': r.durationMs.toFixed(3),
    'x-fxbench-billed-ms': String(billed),
    'x-fxbench-memory-mb': String(spec.memoryMB),
    'x-fxbench-max-memory-mb': String(r.maxMemoryMB),
    'x-fxbench-instance-id': r.instanceId,
  };
  if (r.initMs !== undefined) h['x-fxbench-init-ms'] = r.initMs.toFixed(3);
  if (r.errorClass) h['x-fxbench-error-class'] = r.errorClass;
  return h;
}

/** Wall-clock Unix time in nanoseconds, as a decimal string (X-Start-Time). */
function unixNs(): string {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  return (BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6))).toString();
}

function text(status: number, body: string): RuntimeInvokeResult {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(body) };
}

function jsonResponse(status: number, value: unknown): RuntimeInvokeResult {
  return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value)) };
}

function withHeaders(r: RuntimeInvokeResult, extra: Record<string, string>): RuntimeInvokeResult {
  return { ...r, headers: { ...r.headers, ...extra } };
}

function send(res: MiniResponse, r: RuntimeInvokeResult): void {
  r.headers['content-length'] = String(r.body.length);
  try {
    res.writeHead(r.status, r.headers);
  } catch (err) {
    // A function's header the HTTP framing cannot carry (CR or LF in a value).
    const bad = text(502, `the function's response could not be framed: ${(err as Error).message}`);
    bad.headers['content-length'] = String(bad.body.length);
    res.writeHead(bad.status, bad.headers);
    return res.end(bad.body);
  }
  res.end(r.body);
}
