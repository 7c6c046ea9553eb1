/**
 * What the local runtime offers its HTTP gateway: invoke a function, read and
 * scale its instances. gateway.ts frames these for the Lambda and OpenFaaS APIs;
 * runtime.ts implements them (so neither imports the other).
 */
import type { FunctionSpec } from '../model/function.ts';
import type { InstanceResult, InvokeRequest } from './invocation.ts';

/** Options for one invocation. */
export interface InvokeOptions {
  /** Lambda path only: return the log tail (START/END/REPORT) base64 in X-Amz-Log-Result. */
  logTail?: boolean;
  /** The HTTP request behind the invocation (OpenFaaS path): method, path, query, headers. */
  request?: InvokeRequest;
  /** X-Amzn-Trace-Id to pass on as Lambda-Runtime-Trace-Id. */
  traceId?: string;
  /** Decoded X-Amz-Client-Context to pass on as Lambda-Runtime-Client-Context. */
  clientContext?: string;
}

/** What became of an invocation, before it is framed for one API or the other. */
export type InvokeOutcome =
  | { type: 'result'; spec: FunctionSpec; result: InstanceResult }
  | { type: 'throttled'; spec: FunctionSpec }
  | { type: 'too-large'; limitBytes: number }
  | { type: 'not-found' }
  | { type: 'stopping' };

/** A function's state, as the OpenFaaS system API reports it. */
export interface FunctionStatus {
  spec: FunctionSpec;
  /** Live instances (starting or ready). */
  replicas: number;
  /** Instances ready to serve. */
  availableReplicas: number;
  /** Invocations received since the runtime started. */
  invocations: number;
}

/** The runtime as the gateway sees it. */
export interface Platform {
  /** When the runtime was created (OpenFaaS `createdAt`). */
  readonly createdAt: Date;
  /** Every function served. */
  functions(): FunctionSpec[];
  /** A function's state; undefined for an unknown name. */
  status(name: string): FunctionStatus | undefined;
  /** Sets a function's standing instances; resolves to the count set. */
  scale(name: string, replicas: number): Promise<number>;
  /**
   * Adds a function, or replaces one of the same name whose spec differs (its
   * instances drained). Offered only by a runtime started with a registration
   * token (the one `fxbench run` starts for its generators); undefined elsewhere.
   */
  register?(spec: FunctionSpec): Promise<'created' | 'unchanged' | 'updated'>;
  /** The token a registration must carry (x-fxbench-token); undefined: registration is off. */
  readonly registerToken?: string;
  /** Invokes a function once; never throws. */
  call(name: string, payload: Buffer, opts?: InvokeOptions): Promise<InvokeOutcome>;
  /** As `call`, answering through `done` (no promise per invocation); never throws for an outcome. */
  dispatch(name: string, payload: Buffer, opts: InvokeOptions, done: (o: InvokeOutcome) => void): void;
}
