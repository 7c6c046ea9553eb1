import type { ColdMethod, ErrorClass } from '../drivers/types.ts';

/**
 * One invocation as measured by the runner. Samples are streamed to the
 * recorder (and optionally to an NDJSON file), never collected in an array.
 */
export interface Sample {
  target: string;
  phase: string;
  /** Round of a repeating phase, from 1. */
  round: number;
  /** Sequence number within the round, from 0. */
  seq: number;
  /** When the invocation was meant to be sent (monotonic ns, see clock.ts). */
  intendedNs: number;
  /** When it was actually sent (monotonic ns). */
  startNs: number;
  /** Latency measured from `intendedNs` to the end of the response, µs. */
  latencyUs: number;
  status: number;
  errorClass: ErrorClass | null;
  bytesOut: number;
  bytesIn: number;
  cold: boolean | null;
  coldMethod: ColdMethod | null;
  initMs?: number;
  durationMs?: number;
  billedMs?: number;
  maxMemoryMB?: number;
  instanceId?: string;
  /** The provider's id of this invocation (Lambda x-amzn-RequestId, OpenFaaS X-Call-Id), for log correlation. */
  requestId?: string;
  /** Cost of this invocation in USD under the target's price model, when known. */
  costUSD?: number;
}
