/**
 * The OpenFaaS system API of the local runtime's gateway (gateway.ts):
 * `GET /system/functions`, `GET /system/function/{name}` and
 * `POST /system/scale-function/{name}` with `{"replicas": n}`, as the OpenFaaS
 * gateway routes them (https://github.com/openfaas/faas/blob/8d803bf/gateway/main.go,
 * read 2026-11).
 */
import type { MiniRequest, MiniResponse } from './mini-http.ts';
import type { Platform } from './platform.ts';
import { jsonResponse, send, text } from './gateway-response.ts';
import { OPENFAAS_NAMESPACE, openFaaSFunctionName } from './gateway-openfaas.ts';

/** The largest body of a system API request (`{"replicas": n}`). */
export const MAX_SYSTEM_BODY_BYTES = 1024 * 1024;
/** Where the system API's paths start. */
export const SYSTEM_PREFIX = '/system/';

/** Answers one request on the system API (`url` starts with SYSTEM_PREFIX). */
export function system(rt: Platform, req: MiniRequest, res: MiniResponse, url: string): void {
  const path = url.split('?')[0]!;
  if (req.method === 'GET' && (path === '/system/functions' || path === '/system/functions/')) {
    return send(
      res,
      jsonResponse(
        200,
        rt.functions().map((f) => functionStatus(rt, f.name)),
      ),
    );
  }
  let m = /^\/system\/function\/([^/]+)$/.exec(path);
  if (req.method === 'GET' && m) {
    const name = openFaaSFunctionName(rt, decodeURIComponent(m[1]!));
    const found = rt.status(name);
    return send(res, found ? jsonResponse(200, functionStatus(rt, name)) : text(404, `function ${name} not found`));
  }
  m = /^\/system\/scale-function\/([^/]+)$/.exec(path);
  if (req.method === 'POST' && m) {
    const name = openFaaSFunctionName(rt, decodeURIComponent(m[1]!));
    if (req.tooLarge) return send(res, text(413, 'request body too large'));
    return scaleFunction(rt, req, res, name);
  }
  send(res, text(404, `404 page not found: ${req.method} ${url}`));
}

/** `POST /system/scale-function/{name}`: 202 once scaled; 400 for a bad body, 404 for an unknown function. */
function scaleFunction(rt: Platform, req: MiniRequest, res: MiniResponse, name: string): void {
  let replicas: unknown;
  try {
    replicas = (JSON.parse(req.body.toString('utf8') || 'null') as { replicas?: unknown } | null)?.replicas;
  } catch {
    return send(res, text(400, 'Cannot parse request. Please pass valid JSON.'));
  }
  if (!Number.isInteger(replicas) || (replicas as number) < 0) {
    return send(res, text(400, `expected {"replicas": <integer >= 0>}, got replicas ${JSON.stringify(replicas)}`));
  }
  if (!rt.status(name)) return send(res, text(404, `service ${name} not found`));
  rt.scale(name, replicas as number).then(
    () => send(res, { status: 202, headers: {}, body: Buffer.alloc(0) }),
    (err) => send(res, text(500, String(err))),
  );
}

/**
 * A function as faas-provider's FunctionStatus describes it. `replicas`,
 * `availableReplicas` and `invocationCount` are omitted when 0, as Go's
 * `omitempty` does: absent means 0 (faas-provider's FunctionStatus,
 * https://github.com/openfaas/faas-netes/blob/662ce9c/vendor/github.com/openfaas/faas-provider/types/function_status.go
 * read 2026-11).
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
