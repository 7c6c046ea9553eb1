/**
 * Reads one Lambda Invoke API response (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html and the REPORT line of
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html, read 2026-11) into an Outcome:
 * status codes and error headers become an error class, the base64 log tail
 * (`X-Amz-Log-Result`, with `X-Amz-Log-Type: Tail`) gives the REPORT figures and
 * the cold-start signal. Pure: tested without a server.
 */
import { parseReport, type ReportFields } from '../../runtime/report-line.ts';
import { readInstanceBody } from '../instance-id.ts';
import type { ErrorClass, Outcome } from '../../model/invocation.ts';

/** The parts of an Invoke response the driver reads. */
export interface InvokeResponse {
  status: number;
  /** Lower-case header names (undici's record). */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Function error types that mean the instance never got past init (runtime error names, not HTTP codes). */
const INIT_ERROR_TYPES = new Set([
  'Runtime.ImportModuleError',
  'Runtime.HandlerNotFound',
  'Runtime.UserCodeSyntaxError',
  'Runtime.MalformedHandlerName',
  'Runtime.InvalidEntrypoint',
  'Runtime.InitError',
]);

function header(h: InvokeResponse['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0 || body.length > 256 * 1024) return undefined;
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Classifies a function error (HTTP 200 + `X-Amz-Function-Error`) from its error
 * object and the REPORT status: a timeout says "Task timed out" (older runtimes)
 * or `Sandbox.Timedout` / `Status: timeout` (newer); out of memory is
 * `Runtime.OutOfMemory`; init failures have their own runtime error types.
 */
export function classifyFunctionError(
  errorObject: Record<string, unknown> | undefined,
  report: ReportFields | undefined,
): { errorClass: ErrorClass; message: string } {
  const type = typeof errorObject?.errorType === 'string' ? errorObject.errorType : (report?.errorType ?? '');
  const message = typeof errorObject?.errorMessage === 'string' ? errorObject.errorMessage : '';
  const text = `${type}${type && message ? ': ' : ''}${message}`.slice(0, 200) || 'function error';
  if (/Task timed out/i.test(message) || type === 'Sandbox.Timedout' || report?.status === 'timeout')
    return { errorClass: 'timeout', message: text };
  if (type === 'Runtime.OutOfMemory' || /Runtime\.OutOfMemory/.test(report?.errorType ?? ''))
    return { errorClass: 'out-of-memory', message: text };
  if (INIT_ERROR_TYPES.has(type)) return { errorClass: 'init-error', message: text };
  return { errorClass: 'function-error', message: text };
}

/** Decodes the base64 log tail and finds its REPORT record (text or JSON format). */
export function reportFromLogResult(logResult: string | undefined): ReportFields | undefined {
  if (!logResult) return undefined;
  return parseReport(Buffer.from(logResult, 'base64').toString('utf8'));
}

/**
 * Turns an Invoke response into an Outcome. Cold start = the REPORT carries
 * `Init Duration` (on-demand) or `Restore Duration` (SnapStart), method
 * `provider`; no REPORT ⇒ unknown. `billedMs` includes Billed Restore Duration
 * (billed at the duration rate); `initMs` is the Restore Duration on SnapStart.
 */
export function readInvokeResponse(res: InvokeResponse, bytesOut: number): { outcome: Outcome; report?: ReportFields } {
  const base = {
    status: res.status,
    bytesIn: res.body.length,
    bytesOut,
    requestId: header(res.headers, 'x-amzn-requestid'),
  };
  const amznType = header(res.headers, 'x-amzn-errortype')?.split(':')[0];
  if (res.status >= 400) {
    const err = parseJson(res.body);
    const msg = [
      amznType,
      typeof err?.Reason === 'string' ? err.Reason : undefined,
      typeof err?.message === 'string' ? err.message : typeof err?.Message === 'string' ? err.Message : undefined,
    ]
      .filter(Boolean)
      .join(': ');
    const errorClass: ErrorClass =
      res.status === 429
        ? 'throttled'
        : res.status === 413
          ? 'payload-too-large'
          : res.status >= 500
            ? 'http-5xx'
            : 'http-4xx';
    return {
      outcome: { ...base, errorClass, errorMessage: msg || `HTTP ${res.status}`, cold: null, coldMethod: null },
    };
  }
  const report = reportFromLogResult(header(res.headers, 'x-amz-log-result'));
  const cold = report ? report.initMs !== undefined || report.restoreMs !== undefined : null;
  const out: Outcome = {
    ...base,
    errorClass: null,
    cold,
    coldMethod: report ? 'provider' : null,
    initMs: report?.initMs ?? report?.restoreMs,
    durationMs: report?.durationMs,
    billedMs: report ? report.billedMs + (report.billedRestoreMs ?? 0) : undefined,
    maxMemoryMB: report?.maxMemoryMB,
    memoryMB: report?.memoryMB || undefined,
  };
  const fnError = header(res.headers, 'x-amz-function-error');
  if (fnError) {
    const { errorClass, message } = classifyFunctionError(parseJson(res.body), report);
    out.errorClass = errorClass;
    out.errorMessage = `${fnError}: ${message}`;
  } else {
    const seen = readInstanceBody(res.body);
    if (seen) out.instanceId = seen.instanceId;
  }
  return { outcome: out, report };
}
