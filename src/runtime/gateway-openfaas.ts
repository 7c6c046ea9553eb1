/**
 * The OpenFaaS invocation path of the local runtime's gateway (gateway.ts):
 * `/function/{name}[/…]`, any method, answered as the OpenFaaS gateway and its
 * of-watchdog do: `X-Call-Id`, `X-Start-Time` in Unix ns and `X-Served-By` from
 * the gateway (https://github.com/openfaas/faas/blob/8d803bf/gateway/handlers/callid_middleware.go,
 * read 2026-11), `X-Duration-Seconds` and, on platform failures,
 * `X-OpenFaaS-Internal: of-watchdog` from the watchdog
 * (https://github.com/openfaas/of-watchdog/blob/9bdadb1/executor/http_runner.go, read 2026-11).
 */
import { randomUUID } from 'node:crypto';
import { billedMs } from '../cost/billing.ts';
import { VERSION } from '../version.ts';
import type { InvokeRequest } from './invocation.ts';
import type { MiniRequest, MiniResponse } from './mini-http.ts';
import type { InvokeOutcome, Platform } from './platform.ts';
import { fxbenchHeaders, send, text, withHeaders, type RuntimeInvokeResult } from './gateway-response.ts';

/**
 * A sanity cap on OpenFaaS request bodies: the gateway itself has none (OpenFaaS gateway source,
 * https://github.com/openfaas/faas/tree/8d803bf/gateway, read 2026-11).
 */
export const MAX_OPENFAAS_BODY_BYTES = 64 * 1024 * 1024;
/** OpenFaaS's default function namespace; `name.openfaas-fn` resolves to `name`. */
export const OPENFAAS_NAMESPACE = 'openfaas-fn';
/** Where the invocation paths start. */
export const OPENFAAS_PREFIX = '/function/';

const SERVED_BY = `fxbench-local/${VERSION}`;

/** Answers one request on the invocation path (`url` starts with OPENFAAS_PREFIX). */
export function openFaaSInvoke(rt: Platform, req: MiniRequest, res: MiniResponse, url: string): void {
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
  try {
    rt.dispatch(name, req.body, { request }, (o) => send(res, withHeaders(frameOpenFaaS(rawName, o), gatewayHeaders)));
  } catch (err) {
    // A platform bug: answered 500 (a response already sent stays sent).
    send(res, withHeaders(text(500, String(err)), gatewayHeaders));
  }
}

/** `name` or `name.openfaas-fn` → the runtime's function name. */
export function openFaaSFunctionName(rt: Platform, raw: string): string {
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
    case 'throttled': {
      const max = o.spec.maxInstances * o.spec.concurrency;
      return text(429, `Concurrent request limit exceeded. Max concurrent requests: ${max}\n`);
    }
    case 'result':
      break;
  }
  const { spec, result: r } = o;
  const billed = billedMs(spec.billing, r.durationMs, r.initMs);
  const headers: Record<string, string> = { ...(r.headers ?? {}), ...fxbenchHeaders(spec, r, billed) };
  headers['x-duration-seconds'] = (r.durationMs / 1000).toFixed(6);
  let status = r.status ?? (r.errorClass === 'timeout' ? 504 : r.errorClass ? 500 : 200);
  // Failures of the platform rather than answers of the function (a handler's own error is its answer).
  const ownError = r.errorClass === 'function-error' && !/^Runtime\./.test(r.errorType ?? '');
  const platform = r.errorClass !== null && !ownError;
  if (platform) {
    headers['x-openfaas-internal'] = 'of-watchdog';
    if (status < 500) status = 500;
  }
  headers['content-type'] ??= 'application/json';
  return { status, headers, body: r.body };
}

/** Wall-clock Unix time in nanoseconds, as a decimal string (X-Start-Time). */
function unixNs(): string {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  return (BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6))).toString();
}
