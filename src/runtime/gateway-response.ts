/**
 * The HTTP answers of the local runtime's gateway (gateway.ts), shared by its
 * Lambda, OpenFaaS and system paths: the result shape, fxbench's own
 * per-invocation headers, and sending a result through mini-http.ts.
 */
import type { FunctionSpec } from '../model/function.ts';
import type { InstanceResult } from './invocation.ts';
import type { MiniResponse } from './mini-http.ts';

/** An HTTP response, ready to send. */
export interface RuntimeInvokeResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** fxbench's own per-invocation headers, on both paths. */
export function fxbenchHeaders(spec: FunctionSpec, r: InstanceResult, billed: number): Record<string, string> {
  const h: Record<string, string> = {
    'x-fxbench-cold': r.cold ? '1' : '0',
    'x-fxbench-duration-ms': r.durationMs.toFixed(3),
    'x-fxbench-billed-ms': String(billed),
    'x-fxbench-memory-mb': String(spec.memoryMB),
    'x-fxbench-max-memory-mb': String(r.maxMemoryMB),
    'x-fxbench-instance-id': r.instanceId,
    'x-fxbench-pid': String(r.pid),
  };
  if (r.acceptedAtMs !== undefined) h['x-fxbench-accepted-at'] = r.acceptedAtMs.toFixed(3);
  if (r.initStartMs !== undefined) h['x-fxbench-init-start'] = r.initStartMs.toFixed(3);
  if (r.initMs !== undefined) h['x-fxbench-init-ms'] = r.initMs.toFixed(3);
  if (r.errorClass) h['x-fxbench-error-class'] = r.errorClass;
  return h;
}

/** A plain-text (UTF-8) response. */
export function text(status: number, body: string): RuntimeInvokeResult {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(body) };
}

/** A JSON response of `value`. */
export function jsonResponse(status: number, value: unknown): RuntimeInvokeResult {
  return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value)) };
}

/** `r` with `extra` headers added (a copy). */
export function withHeaders(r: RuntimeInvokeResult, extra: Record<string, string>): RuntimeInvokeResult {
  return { ...r, headers: { ...r.headers, ...extra } };
}

/**
 * Sends `r` with its Content-Length; a header the HTTP framing cannot carry (CR
 * or LF in a function's header value) turns it into a 502.
 */
export function send(res: MiniResponse, r: RuntimeInvokeResult): void {
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
