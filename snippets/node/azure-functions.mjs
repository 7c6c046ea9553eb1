// fxbench instance-id snippet for Azure Functions, Node.js programming model v4
// (@azure/functions 4.x). Copy the top part into your function's module scope
// and add `fxbenchHeaders()` to every response's headers: fxbench counts a
// response whose invocation count is 1 as a cold start, and distinct ids as
// instances. Azure says nothing about cold starts to the caller; without these
// headers fxbench shows cold starts as n/a.
//
// The id joins WEBSITE_INSTANCE_ID (the instance Azure runs the app on) with the
// worker process and a random part made at init, so a restarted worker on the
// same instance is a new instance too.
import { randomUUID } from 'node:crypto';
import { app } from '@azure/functions';

const FXBENCH_INSTANCE_ID = `${process.env.WEBSITE_INSTANCE_ID ?? 'local'}/${process.pid}/${randomUUID()}`;
let fxbenchInvocations = 0;

/** Headers to add to every response: instance id and this instance's invocation count (1 on its first). */
export function fxbenchHeaders() {
  fxbenchInvocations += 1;
  return { 'x-fxbench-instance-id': FXBENCH_INSTANCE_ID, 'x-fxbench-invocations': String(fxbenchInvocations) };
}

// An example HTTP function (POST /api/hello, function key required).
/** @param {import('@azure/functions').HttpRequest} request @param {import('@azure/functions').InvocationContext} context */
export async function hello(request, context) {
  const headers = fxbenchHeaders();
  const body = request.headers.get('content-type')?.includes('json') ? await request.json().catch(() => ({})) : {};
  context.log(`fxbench invocation ${headers['x-fxbench-invocations']} on ${FXBENCH_INSTANCE_ID}`);
  if (body?.fail) throw new Error('failed on request');
  return { status: 200, headers, jsonBody: { ok: true } };
}

app.http('hello', { methods: ['POST'], authLevel: 'function', handler: hello });
