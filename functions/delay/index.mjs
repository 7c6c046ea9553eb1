// Waits before answering: DELAY_MS (env, default 20) milliseconds, or the
// payload's `delayMs`. Stands in for "a build made slower" in regression tests
// (tests run it with DELAY_MS=20 and then 26: the same function 30% slower).
import { randomUUID } from 'node:crypto';

const instanceId = randomUUID();
const defaultDelayMs = Number(process.env.DELAY_MS ?? 20);

export const handler = async (event) => {
  const delayMs = Number(event?.delayMs ?? defaultDelayMs);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return { delayMs, instanceId };
};
