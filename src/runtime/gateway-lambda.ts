/**
 * The Lambda Invoke API path of the local runtime's gateway (gateway.ts):
 * `POST /2015-03-31/functions/{name}/invocations` with `X-Amz-Invocation-Type`
 * RequestResponse | Event | DryRun and `X-Amz-Log-Type: Tail` (a base64
 * `X-Amz-Log-Result` ending in a REPORT line); function errors are 200 +
 * `X-Amz-Function-Error: Unhandled`, throttles 429 TooManyRequestsException, as
 * the Invoke API reference describes (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html,
 * read 2026-11).
 */
import { billedMs } from '../cost/billing.ts';
import { newRequestId } from './invocation.ts';
import type { MiniRequest, MiniResponse } from './mini-http.ts';
import type { InvokeOutcome, Platform } from './platform.ts';
import { formatReportLine } from './report-line.ts';
import { fxbenchLines, LinesResult, send, type RuntimeInvokeResult } from './gateway-response.ts';

/**
 * Lambda's synchronous request (and response) payload limit: 6 MB (AWS Lambda Invoke API reference,
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html, read 2026-11).
 */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Where the Invoke API's paths start. */
export const LAMBDA_PREFIX = '/2015-03-31/functions/';

/** Function names by Invoke URL: a load test sends one URL over and over (bounded: cleared when full). */
const namesByUrl = new Map<string, string | null>();
const NAMES_CACHED = 256;

/** The function an Invoke API URL names (its decoded name or ARN, shortened), or null when the URL is no Invoke path. */
function invokedName(url: string): string | null {
  let name = namesByUrl.get(url);
  if (name !== undefined) return name;
  const m = /^\/2015-03-31\/functions\/([^/?]+)\/invocations(?:\?(.*))?$/.exec(url);
  name = null;
  if (m) {
    try {
      name = lambdaFunctionName(decodeURIComponent(m[1]!));
    } catch {
      name = null; // malformed percent-encoding: no route
    }
  }
  if (namesByUrl.size >= NAMES_CACHED) namesByUrl.clear();
  namesByUrl.set(url, name);
  return name;
}

/** Answers one request on the Invoke API path (`url` starts with LAMBDA_PREFIX). */
export function lambdaInvoke(rt: Platform, req: MiniRequest, res: MiniResponse, url: string): void {
  const name = invokedName(url);
  if (name === null || req.method !== 'POST') {
    return send(res, apiError(404, 'UnknownOperationException', `no route ${req.method} ${url}`));
  }
  if (req.tooLarge) return send(res, tooLarge(MAX_SYNC_PAYLOAD_BYTES));
  const payload = req.body;
  const type = req.header('x-amz-invocation-type') ?? 'RequestResponse';
  if (type === 'DryRun') {
    return send(
      res,
      rt.status(name) !== undefined
        ? { status: 204, headers: { 'x-amzn-requestid': newRequestId() }, body: Buffer.alloc(0) }
        : frameLambda(name, { type: 'not-found' }, false, 0),
    );
  }
  const context = req.header('x-amz-client-context');
  const clientContext = context !== undefined ? Buffer.from(context, 'base64').toString('utf8') : undefined;
  const traceId = req.header('x-amzn-trace-id');
  // Both go on to the function as Runtime API header lines (Lambda-Runtime-Client-Context, -Trace-Id).
  if (clientContext !== undefined && /[\r\n]/.test(clientContext)) {
    const message = 'X-Amz-Client-Context decodes to text with a line break; it cannot be passed on in a header';
    return send(res, apiError(400, 'InvalidRequestContentException', message));
  }
  if (traceId !== undefined && /[\r\n]/.test(traceId)) {
    const message = 'X-Amzn-Trace-Id holds a line break; it cannot be passed on in a header';
    return send(res, apiError(400, 'InvalidRequestContentException', message));
  }
  const opts = { traceId, clientContext };
  if (type === 'Event') {
    // Asynchronous: accepted at once, run in the background (errors are the function's business).
    if (rt.status(name) === undefined) return send(res, frameLambda(name, { type: 'not-found' }, false, 0));
    void rt.call(name, payload, opts);
    return send(res, { status: 202, headers: { 'x-amzn-requestid': newRequestId() }, body: Buffer.alloc(0) });
  }
  const logTail = req.header('x-amz-log-type')?.toLowerCase() === 'tail';
  try {
    rt.dispatch(name, payload, opts, (o) => send(res, frameLambda(name, o, logTail, payload.length)));
  } catch (err) {
    // A platform bug, answered as Lambda answers its own failures (a response already sent stays sent).
    send(res, apiError(500, 'ServiceException', String(err)));
  }
}

/**
 * `my-fn`, `my-fn:alias`, `123456789012:function:my-fn[:alias]`,
 * `arn:aws:lambda:region:acct:function:my-fn[:alias]` → `my-fn`.
 */
export function lambdaFunctionName(raw: string): string {
  const parts = raw.split(':');
  if (parts[0] === 'arn') return parts[6] ?? raw;
  if (parts[1] === 'function') return parts[2] ?? raw;
  return parts[0]!;
}

/** Frames an outcome as the Lambda Invoke API answers (plus fxbench's own headers). */
export function frameLambda(
  name: string,
  o: InvokeOutcome,
  logTail: boolean,
  _payloadBytes: number,
): RuntimeInvokeResult {
  switch (o.type) {
    case 'not-found':
      return apiError(
        404,
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:local:000000000000:function:${name}`,
      );
    case 'stopping':
      return apiError(503, 'ServiceException', 'the local runtime is stopping');
    case 'too-large':
      return tooLarge(o.limitBytes);
    case 'throttled':
      return apiError(429, 'TooManyRequestsException', 'Rate Exceeded.', {
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      });
    case 'result':
      break;
  }
  const { spec } = o;
  let r = o.result;
  // Lambda's synchronous response limit is 6 MB too (MAX_SYNC_PAYLOAD_BYTES): a bigger
  // answer becomes a function error; fxbench classifies it payload-too-large.
  const oversized = !r.errorClass && r.body.length > MAX_SYNC_PAYLOAD_BYTES;
  if (oversized) {
    const errorMessage = `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_PAYLOAD_BYTES} bytes).`;
    r = { ...r, body: Buffer.from(JSON.stringify({ errorMessage, errorType: 'Function.ResponseSizeTooLarge' })) };
  }
  const billed = billedMs(spec.billing, r.durationMs, r.initMs);
  // Header lines written out once (LinesResult): every value here is the runtime's own.
  let lines = fxbenchLines(spec, r, billed);
  if (oversized) lines += 'x-fxbench-error-class: payload-too-large\r\n';
  lines += `content-type: application/json\r\nx-amzn-requestid: ${r.requestId}\r\nx-amz-executed-version: $LATEST\r\n`;
  if (r.errorClass || oversized) lines += 'x-amz-function-error: Unhandled\r\n';
  if (logTail) {
    const report = formatReportLine({
      requestId: r.requestId,
      durationMs: r.durationMs,
      billedMs: billed,
      memoryMB: spec.memoryMB,
      maxMemoryMB: r.maxMemoryMB,
      initMs: r.initMs,
    });
    const log = `START RequestId: ${r.requestId} Version: $LATEST\nEND RequestId: ${r.requestId}\n${report}\n`;
    lines += `x-amz-log-result: ${Buffer.from(log).toString('base64')}\r\n`;
  }
  return new LinesResult(200, lines, r.body);
}

/** An Invoke API error: `x-amzn-errortype` and a JSON body `{Type: 'User', message, …extra}`. */
function apiError(
  status: number,
  type: string,
  message: string,
  extra: Record<string, string> = {},
): RuntimeInvokeResult {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': newRequestId() },
    body: Buffer.from(JSON.stringify({ Type: 'User', message, ...extra })),
  };
}

/** The 413 RequestTooLargeException for a payload over `limit` bytes. */
function tooLarge(limit: number): RuntimeInvokeResult {
  const message = `Request must be smaller than ${limit} bytes for the InvokeFunction operation`;
  return apiError(413, 'RequestTooLargeException', message);
}
