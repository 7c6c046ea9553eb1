// The smallest useful function: answers with a greeting and the identity of the
// instance that served it (made once, at init: see the instance-id snippet in
// the README). Its cold start is what Node itself costs.
import { randomUUID } from 'node:crypto';

const instanceId = randomUUID();
let invocations = 0;

export const handler = async (event) => {
  invocations++;
  return { message: `hello, ${event?.name ?? 'world'}`, instanceId, invocations };
};
