// fxbench's Node.js bootstrap: a Lambda custom runtime for `export const handler`
// functions. It speaks the Lambda Runtime API (2018-06-01) exactly as a
// `provided.*` bootstrap does, so the local runtime treats it like any other
// custom runtime. Plain JavaScript on purpose: it is on every cold start's path,
// and a TypeScript loader would add ~100 ms to each one. (TypeScript handlers
// get `--import tsx` from the runtime, paid only by them.)
import path from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { RuntimeApiClient } from './runtime-api-client.mjs';

const api = process.env.AWS_LAMBDA_RUNTIME_API;
const [host, port] = api.split(':');
const base = '/2018-06-01/runtime';
// Lambda Managed Instances style: with AWS_LAMBDA_MAX_CONCURRENCY > 1 the runtime
// polls /next that many times at once and runs invocations side by side.
const loops = Math.max(1, Number(process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? 1) || 1);
// One keep-alive connection per loop, requests pipelined on it: the answer and the
// next long poll leave in one write (node:http's client would take two
// connections and about twice the CPU per invocation: measured in bench/runtime.ts).
const clients = [];
const clientFor = (i) => (clients[i] ??= new RuntimeApiClient(host, Number(port)));

/** Sends one request (on loop 0's connection) and resolves with its response. */
function call(method, urlPath, body, headers = {}) {
  return clientFor(0).send([{ method, path: base + urlPath, body, headers }])[0];
}

function errorBody(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  return JSON.stringify({ errorType: e.name || 'Error', errorMessage: e.message, stackTrace: (e.stack || '').split('\n').slice(1).map((s) => s.trim()) });
}

function errorRequest(urlPath, err, type) {
  return { method: 'POST', path: base + urlPath, body: errorBody(err), headers: { 'content-type': 'application/json', 'lambda-runtime-function-error-type': type } };
}

async function postError(urlPath, err, type) {
  const r = errorRequest(urlPath, err, type);
  await call(r.method, urlPath, r.body, r.headers);
}

// The runtime is gone (fxbench exited): nothing will ever ask for work again.
function lostRuntime() {
  process.exit(0);
}

async function loadHandler() {
  const handlerSpec = process.env._HANDLER || 'index.handler';
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const dot = handlerSpec.lastIndexOf('.');
  const modName = handlerSpec.slice(0, dot);
  const fnName = handlerSpec.slice(dot + 1);
  const candidates = ['.mjs', '.js', '.cjs', '.ts', '.mts'].map((ext) => path.join(root, modName + ext));
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw Object.assign(new Error(`Cannot find module '${modName}' in ${root}`), { name: 'Runtime.ImportModuleError' });
  const mod = await import(pathToFileURL(file).href);
  const fn = mod[fnName] ?? mod.default?.[fnName];
  if (typeof fn !== 'function') throw Object.assign(new Error(`${handlerSpec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  return fn;
}

let handler;
try {
  handler = await loadHandler();
} catch (err) {
  await postError('/init/error', err, err?.name?.startsWith('Runtime.') ? err.name : 'Runtime.InitError').catch(lostRuntime);
  process.exit(1);
}

const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
const memoryLimitInMB = process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
const functionVersion = process.env.AWS_LAMBDA_FUNCTION_VERSION;
const logGroupName = process.env.AWS_LAMBDA_LOG_GROUP_NAME;
const logStreamName = process.env.AWS_LAMBDA_LOG_STREAM_NAME;

async function loop(i) {
  const client = clientFor(i);
  let nextP = client.send([{ method: 'GET', path: base + '/invocation/next' }])[0];
  for (;;) {
    let next;
    try {
      next = await nextP;
    } catch {
      lostRuntime();
    }
    const h = next.headers;
    const requestId = h['lambda-runtime-aws-request-id'];
    const deadline = Number(h['lambda-runtime-deadline-ms']);
    if (h['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
    const context = {
      awsRequestId: requestId,
      invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
      functionName,
      functionVersion,
      memoryLimitInMB,
      logGroupName,
      logStreamName,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    const raw = next.body.toString('utf8');
    let event;
    try {
      event = raw.length ? JSON.parse(raw) : {};
    } catch {
      event = raw;
    }
    let answer;
    try {
      const result = await handler(event, context);
      const body = result === undefined ? 'null' : JSON.stringify(result);
      answer = { method: 'POST', path: `${base}/invocation/${requestId}/response`, body, headers: { 'content-type': 'application/json' } };
    } catch (err) {
      answer = errorRequest(`/invocation/${requestId}/error`, err, err?.name ? `Function.${err.name}` : 'Function.Unhandled');
    }
    // The answer and the next long poll leave together (HTTP/1.1 pipelining):
    // the runtime replies 202 to the first and holds the second until work comes.
    const [posted, polled] = client.send([answer, { method: 'GET', path: base + '/invocation/next' }]);
    posted.catch(lostRuntime);
    nextP = polled;
  }
}

for (let i = 0; i < loops; i++) void loop(i);
