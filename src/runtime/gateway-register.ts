/**
 * `PUT /fxbench/functions/{name}`: a generator of `fxbench run` adds the
 * function it is about to invoke to the runtime `fxbench run` started for it
 * (server-main.ts). Only a runtime started with a registration token offers it,
 * and a request must carry that token (`x-fxbench-token`): the body names a
 * command to run, so nobody else may send one. `fxbench serve` has no token and
 * answers 404 (its functions come from its bench.config.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FunctionSpec } from '../model/function.ts';
import { FUNCTION_KINDS } from '../model/function.ts';
import type { MiniRequest, MiniResponse } from './mini-http.ts';
import type { Platform } from './platform.ts';
import { jsonResponse, send, text } from './gateway-response.ts';

/** Where the path starts. */
export const REGISTER_PREFIX = '/fxbench/functions/';
/** The largest spec accepted. */
export const MAX_REGISTER_BODY_BYTES = 256 * 1024;

/** Answers one request under REGISTER_PREFIX. */
export function register(rt: Platform, req: MiniRequest, res: MiniResponse, url: string): void {
  const token = rt.registerToken;
  if (!rt.register || !token) return send(res, text(404, `404 page not found: ${req.method} ${url}`));
  const given = Buffer.from(req.headers['x-fxbench-token'] ?? '');
  const want = Buffer.from(token);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return send(res, text(403, 'bad x-fxbench-token'));
  if (req.method !== 'PUT') return send(res, text(405, 'expected PUT'));
  if (req.tooLarge) return send(res, text(413, 'request body too large'));
  const name = decodeURIComponent(url.slice(REGISTER_PREFIX.length).split('?')[0]!);
  let spec: FunctionSpec;
  try {
    spec = JSON.parse(req.body.toString('utf8')) as FunctionSpec;
  } catch {
    return send(res, text(400, 'expected a function spec as JSON'));
  }
  const bad = badSpec(spec, name);
  if (bad) return send(res, text(400, bad));
  rt.register(spec).then(
    (state) => send(res, jsonResponse(state === 'created' ? 201 : 200, { name, state })),
    (err) => send(res, text(500, String(err))),
  );
}

/** What is wrong with a spec sent for `name`, or null. */
function badSpec(spec: FunctionSpec, name: string): string | null {
  if (!spec || typeof spec !== 'object') return 'expected a function spec object';
  if (spec.name !== name)
    return `the spec's name ${JSON.stringify(spec.name)} is not the path's ${JSON.stringify(name)}`;
  if (!FUNCTION_KINDS.includes(spec.kind)) return `unknown kind ${JSON.stringify(spec.kind)}`;
  for (const k of ['memoryMB', 'timeoutMs', 'maxInstances', 'idleTimeoutMs', 'concurrency', 'queueTimeoutMs'] as const)
    if (typeof spec[k] !== 'number') return `${k}: expected a number`;
  if (typeof spec.code !== 'string' || typeof spec.entry !== 'string' || !Array.isArray(spec.command))
    return 'code, entry and command are required';
  return null;
}
