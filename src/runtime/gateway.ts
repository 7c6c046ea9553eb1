/**
 * The local runtime's HTTP surfaces, so cloud drivers and other tools can hit it
 * as they would the real thing (sources, read 2026-11: the AWS Lambda Invoke API
 * reference, https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html; the
 * Lambda Node.js logging guide for the Tail log and its REPORT line,
 * https://github.com/awsdocs/aws-lambda-developer-guide/blob/38e9014/doc_source/nodejs-logging.md;
 * the OpenFaaS gateway's routes and headers,
 * https://github.com/openfaas/faas/tree/8d803bf/gateway;
 * of-watchdog's headers, https://github.com/openfaas/of-watchdog/tree/9bdadb1):
 *
 * - Lambda Invoke API: `POST /2015-03-31/functions/{name}/invocations`
 *   (`X-Amz-Invocation-Type` RequestResponse | Event | DryRun; `X-Amz-Log-Type:
 *   Tail` → base64 `X-Amz-Log-Result` ending in a REPORT line; function errors
 *   are 200 + `X-Amz-Function-Error: Unhandled`; 429 TooManyRequestsException).
 *   In gateway-lambda.ts.
 * - OpenFaaS gateway: `/function/{name}[/…]` (any method; `X-Call-Id`,
 *   `X-Start-Time` in Unix ns, `X-Duration-Seconds`) in gateway-openfaas.ts;
 *   `GET /system/functions`, `GET /system/function/{name}`,
 *   `POST /system/scale-function/{name}` in gateway-system.ts.
 * - `GET /healthz` (and `/health`).
 * - `PUT /fxbench/functions/{name}`: fxbench's generators add their functions to
 *   the runtime `fxbench run` started for them (gateway-register.ts).
 *
 * Every invocation response also carries fxbench's own `x-fxbench-*` headers
 * (cold, init/duration/billed ms, memory, instance id, error class), which the
 * local driver reads (gateway-response.ts).
 */
import type { MiniRequest, MiniResponse } from './mini-http.ts';
import type { Platform } from './platform.ts';
import { LAMBDA_PREFIX, lambdaInvoke, MAX_SYNC_PAYLOAD_BYTES } from './gateway-lambda.ts';
import { MAX_OPENFAAS_BODY_BYTES, OPENFAAS_PREFIX, openFaaSInvoke } from './gateway-openfaas.ts';
import { send, text } from './gateway-response.ts';
import { MAX_SYSTEM_BODY_BYTES, system, SYSTEM_PREFIX } from './gateway-system.ts';
import { MAX_REGISTER_BODY_BYTES, REGISTER_PREFIX, register } from './gateway-register.ts';

/** The largest request body each path accepts; a bigger one is answered 413 unread. */
export function gatewayBodyLimit(_method: string, url: string): number {
  if (url.startsWith(LAMBDA_PREFIX)) return MAX_SYNC_PAYLOAD_BYTES;
  if (url.startsWith(OPENFAAS_PREFIX)) return MAX_OPENFAAS_BODY_BYTES;
  if (url.startsWith(REGISTER_PREFIX)) return MAX_REGISTER_BODY_BYTES;
  return MAX_SYSTEM_BODY_BYTES;
}

/** The request handler for a runtime's HTTP endpoint (served by mini-http.ts). */
export function createGatewayHandler(rt: Platform): (req: MiniRequest, res: MiniResponse) => void {
  const route = (req: MiniRequest, res: MiniResponse): void => {
    const { url } = req;
    if (url.startsWith(LAMBDA_PREFIX)) return lambdaInvoke(rt, req, res, url);
    if (url.startsWith(OPENFAAS_PREFIX)) return openFaaSInvoke(rt, req, res, url);
    if (url.startsWith(SYSTEM_PREFIX)) return system(rt, req, res, url);
    if (url.startsWith(REGISTER_PREFIX)) return register(rt, req, res, url);
    const health = url === '/healthz' || url === '/health';
    if ((req.method === 'GET' || req.method === 'HEAD') && health) return send(res, text(200, 'OK'));
    send(res, text(404, `404 page not found: ${req.method} ${url}`));
  };
  return (req, res) => {
    try {
      route(req, res);
    } catch (err) {
      // A path part that is not valid percent-encoding (`%zz`): the client's mistake, named. (It used to end the process.)
      if (!(err instanceof URIError)) throw err;
      send(res, text(400, `malformed percent-encoding in the path: ${req.method} ${req.url}`));
    }
  };
}
