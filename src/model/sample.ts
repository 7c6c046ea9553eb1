import type { Outcome } from './invocation.ts';

/**
 * One invocation as measured by the runner: the driver's Outcome (less its
 * free-text message) plus where and when it ran. Samples are streamed to the
 * recorder (and optionally to an NDJSON file), never collected in an array.
 */
export interface Sample extends Omit<Outcome, 'errorMessage'> {
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
  /** Cost of this invocation in USD under the target's price model, when known. */
  costUSD?: number;
}
