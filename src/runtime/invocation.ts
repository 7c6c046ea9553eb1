/**
 * An invocation as the local runtime's instances see it: the request handed to
 * an instance (PendingInvocation, with the HTTP request behind it when there is
 * one) and how it ended (InstanceResult), before either API frames it.
 */
import { randomUUID } from 'node:crypto';

/** How an invocation failed inside the platform (null: it succeeded). */
export type InvocationErrorClass = 'function-error' | 'init-error' | 'timeout' | 'out-of-memory';

/** The HTTP request behind an invocation, for kinds that see HTTP (`http`, and `fork`'s CGI variables). */
export interface InvokeRequest {
  method: string;
  /** Path below the function, e.g. `/` or `/items/1`. */
  path: string;
  /** Query string without `?` ('' when none). */
  query: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
}

/** How an invocation ended, before HTTP framing. */
export interface InstanceResult {
  requestId: string;
  /** Response or error body from the function. */
  body: Buffer;
  /** Null on success. */
  errorClass: InvocationErrorClass | null;
  /** Lambda-Runtime-Function-Error-Type or a platform error type. */
  errorType?: string;
  /** The invocation waited for its instance to start. */
  cold: boolean;
  /** Instance start until ready, ms (cold starts only). */
  initMs?: number;
  /**
   * Cold starts, where /proc tells: of initMs, the instance's main thread's time on
   * a CPU and its waits for one (runnable, queued behind the machine's other
   * processes: instances booting at once, other load), ms (mainThreadSched).
   */
  initCpuMs?: number;
  initWaitMs?: number;
  /** Function time: event delivery until response, ms. */
  durationMs: number;
  /** VmHWM (peak RSS) of the instance process, MB; 0 when unknown. */
  maxMemoryMB: number;
  instanceId: string;
  /** OS process id of the instance (0 when it never started). */
  pid: number;
  /** When the instance accepted the invocation, ms since the Unix epoch (the runtime process's clock, µs resolution). */
  acceptedAtMs?: number;
  /** Cold starts only: when the instance's process was started, ms since the Unix epoch (same clock). */
  initStartMs?: number;
  /** HTTP status the function answered with (`http` and `fork` kinds). */
  status?: number;
  /** Response headers from the function (`http` kind; `fork`'s content type). */
  headers?: Record<string, string>;
}

/** An invocation handed to an instance. */
export interface PendingInvocation {
  requestId: string;
  payload: Buffer;
  /** Absolute deadline, Unix epoch ms (Lambda-Runtime-Deadline-Ms); default now + timeout at delivery. */
  deadlineMs?: number;
  traceId?: string;
  /** Decoded X-Amz-Client-Context (Lambda-Runtime-Client-Context). */
  clientContext?: string;
  /** The HTTP request, when it came through the OpenFaaS path. */
  request?: InvokeRequest;
  /** Set by the instance when the invocation is accepted: it had to wait for the instance to start. */
  cold?: boolean;
  /** Set by the instance when the invocation is accepted: epochMs() then. */
  acceptedAtMs?: number;
  resolve(result: InstanceResult): void;
}

/** What an instance kind reports of a finished invocation; BaseInstance fills in the rest. */
export type ResultFields = Omit<
  InstanceResult,
  'requestId' | 'cold' | 'initMs' | 'initCpuMs' | 'initWaitMs' | 'instanceId' | 'pid' | 'acceptedAtMs' | 'initStartMs'
>;

/** A fresh Lambda-style request id. */
export function newRequestId(): string {
  return randomUUID();
}
