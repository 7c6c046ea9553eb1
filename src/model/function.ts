/**
 * A function for the local runtime: as written in bench.config.ts
 * (`FunctionConfig`) and as checked, with absolute paths and defaults
 * (`FunctionSpec`). Checked by runtime/function-spec.ts.
 */

/**
 * - `lambda`: 1 ms steps, rounded up; the INIT phase billed on cold starts (since 2025-08-01).
 * - `gcf-gen1`: Cloud Functions 1st gen: 100 ms steps, rounded up; init not billed separately.
 * - `cloud-run`: Cloud Run / Cloud Run functions (gen2), request-based billing: 100 ms steps,
 *   rounded up, startup time of the instance included on cold starts (Cloud Run pricing, https://cloud.google.com/run/pricing, read 2026-11; not verified live).
 */
export const BILLING_MODELS = ['lambda', 'gcf-gen1', 'cloud-run'] as const;
export type BillingModel = (typeof BILLING_MODELS)[number];

/**
 * Instance kinds the local runtime can start, each a real OS process:
 * - `node`: a Node handler module run by fxbench's own Lambda bootstrap;
 * - `bootstrap`: any executable `bootstrap` speaking the Lambda Runtime API (a custom runtime);
 * - `fork`: OpenFaaS classic watchdog: `command` started per invocation, body on stdin, stdout is the response;
 * - `http`: OpenFaaS of-watchdog http mode: `command` is a long-lived HTTP server (on `$PORT`), requests proxied to it.
 */
export const FUNCTION_KINDS = ['node', 'bootstrap', 'fork', 'http'] as const;
export type FunctionKind = (typeof FUNCTION_KINDS)[number];

/** A function as written in bench.config.ts. */
export interface FunctionConfig {
  /** See FUNCTION_KINDS. */
  kind: FunctionKind;
  /** Folder holding the code (LAMBDA_TASK_ROOT, and the working directory of every instance), relative to the config file. */
  code: string;
  /** `node`: `module.export` (default `index.handler`). `bootstrap`: passed as `_HANDLER`. Not used by `fork`/`http`. */
  handler?: string;
  /**
   * `fork` and `http` only (required there): the process to run, as OpenFaaS's
   * `fprocess`: a string split on spaces, or an argv array. A path with a `/` is
   * relative to `code`; a bare name is looked up on PATH.
   */
  command?: string | string[];
  /** `http` only: path polled until it answers 2xx before the instance counts as ready (default: the port accepting connections). */
  readyPath?: string;
  /**
   * Memory size in MB (default 128, Lambda's minimum). Reported in results and
   * cost, and enforced on the resident memory of the instance's whole process
   * tree (a memory cgroup where the machine offers one, else a watchdog reading
   * /proc); `node` also gets it as V8's heap limit. Exceeding it is `out-of-memory`.
   */
  memoryMB?: number;
  /** Invocation timeout (default "3s", Lambda's default). On expiry the instance is killed; the next invocation is cold. */
  timeout?: string | number;
  /** Most instances at once (default 100); further invocations are throttled (429) or queued (see queueTimeout). */
  maxInstances?: number;
  /** An instance idle this long is stopped (scale to zero). Default "10m". */
  idleTimeout?: string | number;
  /** Invocations one instance serves at once (default 1, Lambda's model; >1 models Cloud Run / gen2). Not for `fork`. */
  concurrency?: number;
  /** When every instance is busy and maxInstances is reached, wait up to this long for a free one instead of throttling at once (default 0: throttle). */
  queueTimeout?: string | number;
  /** How billed duration is rounded (default "lambda"); see billing.ts. */
  billing?: BillingModel;
  /** Extra environment variables for the function. */
  env?: Record<string, string>;
}

/** A checked function with absolute paths and defaults applied. */
export interface FunctionSpec {
  name: string;
  kind: FunctionKind;
  /** Absolute folder of the code. */
  code: string;
  handler: string;
  /** Absolute path of the module (node), bootstrap executable, or command executable (fork/http). */
  entry: string;
  /** fork/http: argv with `entry` first; empty for node/bootstrap. */
  command: string[];
  /** http: readiness path, if any. */
  readyPath?: string;
  memoryMB: number;
  timeoutMs: number;
  maxInstances: number;
  idleTimeoutMs: number;
  /** Invocations per instance at once. */
  concurrency: number;
  /** 0: throttle at once when at capacity; otherwise wait up to this long. */
  queueTimeoutMs: number;
  billing: BillingModel;
  env: Record<string, string>;
}
