/**
 * One invocation and what it did: the contract between the runner and a driver,
 * as plain data. A failed invocation is data, never an exception.
 */

/**
 * Why an invocation failed. A closed set: reports have a column for each.
 * `network`: no response (refused, reset, closed early); `protocol`: a response
 * that is not HTTP (a garbage status line, a broken body framing); `interrupted`:
 * abandoned when the run was stopped (Ctrl-C) before it answered. New classes go
 * last, so CSV columns keep their places.
 */
export const ERROR_CLASSES = [
  'throttled',
  'timeout',
  'function-error',
  'init-error',
  'out-of-memory',
  'http-4xx',
  'http-5xx',
  'network',
  'payload-too-large',
  'protocol',
  'interrupted',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** How a driver decides whether an invocation was a cold start, best first. */
export type ColdMethod = 'provider' | 'instance-id' | 'heuristic';

/** What a driver can do beyond invoking. */
export interface Capabilities {
  /** Can make the next invocations land on new instances (e.g. Lambda config update, OpenFaaS scale to 0). */
  forceCold: boolean;
  /** Reports the init duration of cold starts. */
  reportsInitDuration: boolean;
  /** Reports billed duration per invocation. */
  reportsBilledDuration: boolean;
  /** Can change the function's memory size between phases. */
  setMemory: boolean;
  /** Reports an instance id per invocation (counts instances). */
  instanceId: boolean;
  /** The platform scales idle functions to zero by itself (so an idle gap can make the next invocation cold). Absent means unknown. */
  scaleToZero?: boolean;
}

/** One invocation the runner asks for. */
export interface Invocation {
  /** Sequence number within the phase, from 0. */
  seq: number;
  /** Request body. */
  payload: Uint8Array;
}

/**
 * What one invocation did. A failed invocation is data: `invoke()` resolves with
 * an `errorClass` instead of throwing.
 */
export interface Outcome {
  /** Transport status (HTTP status), 0 when no response arrived. */
  status: number;
  /** Null when the invocation succeeded. */
  errorClass: ErrorClass | null;
  /** Short description of the failure, for logs; never secrets. */
  errorMessage?: string;
  /**
   * Why it failed, short enough to count: an error code (`ECONNREFUSED`, `TooManyRequestsException`)
   * or the first line of the message. Absent: the runner takes the first line of `errorMessage`.
   */
  errorCause?: string;
  /** Response body bytes. */
  bytesIn: number;
  /** Request body bytes. */
  bytesOut: number;
  /** Whether this invocation was a cold start; null when the driver cannot tell. */
  cold: boolean | null;
  /** How `cold` was decided. */
  coldMethod: ColdMethod | null;
  /** Init duration reported by the provider for a cold start, ms. */
  initMs?: number;
  /**
   * Cold starts on the local runtime: of initMs, the instance's main thread's time
   * on a CPU and its waits for one (queued behind this machine's other processes), ms.
   */
  initCpuMs?: number;
  initWaitMs?: number;
  /** Function duration reported by the provider, ms. */
  durationMs?: number;
  /** Billed duration reported by the provider, ms. */
  billedMs?: number;
  /** Max memory used by the instance, MB. */
  maxMemoryMB?: number;
  /** The function's memory size as the provider reported it for this invocation (Lambda REPORT `Memory Size`), MB. */
  memoryMB?: number;
  /** Identity of the instance that served the invocation. */
  instanceId?: string;
  /** The provider's id of this invocation (Lambda x-amzn-RequestId, OpenFaaS X-Call-Id), for log correlation. */
  requestId?: string;
  /** When the platform's instance accepted the invocation, ms since the Unix epoch on the platform's clock (local runtime). */
  acceptedAtMs?: number;
  /** Cold starts: when the platform began starting the instance, ms since the Unix epoch, same clock (local runtime). */
  initStartMs?: number;
}
