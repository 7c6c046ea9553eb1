/**
 * The fleet worker's Lambda handler (`index.handler` once bundled by
 * `fxbench fleet deploy`): one invocation runs one share of a scenario
 * (lambda-worker.ts). Built to dist/fleet/lambda-handler.js, which the npm
 * package ships, so an installed fxbench can bundle it too.
 */
import type { FleetAnswer } from './lambda-protocol.ts';
import { runShard } from './lambda-worker.ts';

/** Lambda's Node handler: the event in, the answer out (serialized by the runtime). */
export async function handler(event: unknown): Promise<FleetAnswer> {
  return runShard(event);
}
