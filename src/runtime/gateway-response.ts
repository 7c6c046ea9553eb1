/**
 * The HTTP answers of the local runtime's gateway (gateway.ts), shared by its
 * Lambda, OpenFaaS and system paths: the result shape, fxbench's own
 * per-invocation headers, and sending a result through mini-http.ts.
 */
import type { FunctionSpec } from '../model/function.ts';
import type { InstanceResult } from './invocation.ts';
import type { MiniResponse } from './mini-http.ts';
import { headerRecord, parseHeaderLines } from './mini-http-parse.ts';

/** An HTTP response, ready to send. */
export interface RuntimeInvokeResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /**
   * Set when the headers were framed as header lines (LinesResult): `name:
   * value\r\n` each, values the runtime's own (no CR or LF), sent as they are;
   * `headers` is then read from them.
   */
  readonly lines?: string;
}

/**
 * A response whose headers are header lines written out once (the Lambda Invoke
 * path frames every answer so: no header object, no checks, per invocation);
 * `headers` parses them when asked for (runtime.invoke's callers, tests).
 */
export class LinesResult implements RuntimeInvokeResult {
  private record: Record<string, string> | undefined;

  constructor(
    readonly status: number,
    readonly lines: string,
    readonly body: Buffer,
  ) {}

  get headers(): Record<string, string> {
    return (this.record ??= headersOf(this.lines));
  }
}

/** Header lines (`name: value\r\n` each) as a record, read as a request's are (mini-http-parse.ts). */
function headersOf(lines: string): Record<string, string> {
  const names: string[] = [];
  const values: string[] = [];
  parseHeaderLines(lines, 0, names, values);
  return headerRecord(names, values);
}

/**
 * fxbench's own per-invocation headers, on both paths, as header lines; every
 * value is a number, an id or a class fxbench made (no CR or LF).
 */
export function fxbenchLines(spec: FunctionSpec, r: InstanceResult, billed: number): string {
  let t =
    `x-fxbench-cold: ${r.cold ? '1' : '0'}\r\nx-fxbench-duration-ms: ${r.durationMs.toFixed(3)}\r\n` +
    `x-fxbench-billed-ms: ${billed}\r\nx-fxbench-memory-mb: ${spec.memoryMB}\r\n` +
    `x-fxbench-max-memory-mb: ${r.maxMemoryMB}\r\nx-fxbench-instance-id: ${r.instanceId}\r\nx-fxbench-pid: ${r.pid}\r\n`;
  if (r.acceptedAtMs !== undefined) t += `x-fxbench-accepted-at: ${r.acceptedAtMs.toFixed(3)}\r\n`;
  if (r.initStartMs !== undefined) t += `x-fxbench-init-start: ${r.initStartMs.toFixed(3)}\r\n`;
  if (r.initMs !== undefined) t += `x-fxbench-init-ms: ${r.initMs.toFixed(3)}\r\n`;
  if (r.initCpuMs !== undefined)
    t += `x-fxbench-init-cpu-ms: ${r.initCpuMs.toFixed(3)}\r\nx-fxbench-init-wait-ms: ${r.initWaitMs!.toFixed(3)}\r\n`;
  if (r.errorClass) t += `x-fxbench-error-class: ${r.errorClass}\r\n`;
  return t;
}

/** fxbench's own per-invocation headers (fxbenchLines) as a record. */
export function fxbenchHeaders(spec: FunctionSpec, r: InstanceResult, billed: number): Record<string, string> {
  return headersOf(fxbenchLines(spec, r, billed));
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
  return { status: r.status, headers: { ...r.headers, ...extra }, body: r.body };
}

/**
 * Sends `r` with its Content-Length; a header the HTTP framing cannot carry (CR
 * or LF in a function's header value) turns it into a 502.
 */
export function send(res: MiniResponse, r: RuntimeInvokeResult): void {
  if (r.lines !== undefined) {
    res.writeHeadLines(r.status, `${r.lines}content-length: ${r.body.length}\r\n`);
    return res.end(r.body);
  }
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
