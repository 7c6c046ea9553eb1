// fxbench instance-id snippet (Node.js). Copy into your function's module scope.
// It makes an id once per instance (at init) and counts invocations, and gives
// both as response headers; fxbench counts a response whose count is 1 as a
// cold start, and distinct ids as instances.
//
//   Google Cloud Functions / Express:  res.set(fxbenchHeaders());
//   Lambda Function URL / API Gateway: return { statusCode: 200, headers: fxbenchHeaders(), body };
//   OpenFaaS (node templates):         return context.status(200).headers(fxbenchHeaders()).succeed(body);
import { randomUUID } from 'node:crypto';

const FXBENCH_INSTANCE_ID = randomUUID();
let fxbenchInvocations = 0;

/** Headers to add to every response: instance id and this instance's invocation count (1 on its first). */
export function fxbenchHeaders() {
  fxbenchInvocations += 1;
  return { 'x-fxbench-instance-id': FXBENCH_INSTANCE_ID, 'x-fxbench-invocations': String(fxbenchInvocations) };
}
