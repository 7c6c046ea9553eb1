/**
 * How the local runtime is told about a function. Declared in bench.config.ts
 * under `functions`, checked here, resolved to absolute paths. Every problem is
 * reported with the function's field (`functions.hello.handler`), so a bad config
 * stops at load (exit 2) and never half-starts.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { check, checkObject, optional, required, type CheckContext } from '../config/check.ts';
import { BILLING_MODELS, type BillingModel } from './billing.ts';

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
   * cost, and enforced: the V8 heap limit for `node`, the data-segment rlimit
   * (`prlimit --data`) for the other kinds. Exceeding it is `out-of-memory`.
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

const NODE_EXTENSIONS = ['.mjs', '.js', '.cjs', '.ts', '.mts'];

/**
 * Checks one function entry at `fieldPath` (e.g. `functions.hello`) and resolves
 * it against `baseDir`. Records issues in `ctx`; returns undefined when invalid.
 */
export function checkFunction(name: string, raw: unknown, fieldPath: string, baseDir: string, ctx: CheckContext): FunctionSpec | undefined {
  const before = ctx.issues.length;
  const o = checkObject(raw, fieldPath, ctx, {
    kind: required(check.oneOf(FUNCTION_KINDS)),
    code: required(check.string()),
    handler: optional(check.string()),
    command: optional(checkCommand),
    readyPath: optional(check.string()),
    memoryMB: optional(check.int(128, 10240)),
    timeout: optional(check.durationMs()),
    maxInstances: optional(check.int(1, 10000)),
    idleTimeout: optional(check.durationMs()),
    concurrency: optional(check.int(1, 1000)),
    queueTimeout: optional(check.durationMs()),
    billing: optional(check.oneOf(BILLING_MODELS)),
    env: optional(check.record(check.string())),
  });
  if (!o || ctx.issues.length > before) return undefined;
  const issue = (field: string, message: string) => ctx.issues.push({ file: ctx.file, field: `${fieldPath}.${field}`, message });
  const code = path.resolve(baseDir, o.code as string);
  const kind = o.kind as FunctionKind;
  const handler = (o.handler as string | undefined) ?? 'index.handler';
  if (!existsSync(code) || !statSync(code).isDirectory()) {
    issue('code', `folder ${JSON.stringify(code)} does not exist`);
    return undefined;
  }
  const usesCommand = kind === 'fork' || kind === 'http';
  if (usesCommand && o.handler !== undefined) issue('handler', `not used by kind "${kind}" (it runs "command")`);
  if (!usesCommand && o.command !== undefined) issue('command', `not used by kind "${kind}" (only "fork" and "http" run a command)`);
  if (kind !== 'http' && o.readyPath !== undefined) issue('readyPath', `only kind "http" has a readiness path`);
  if (kind === 'fork' && o.concurrency !== undefined) issue('concurrency', 'kind "fork" starts one process per invocation; limit parallel processes with maxInstances');
  if (o.readyPath !== undefined && !String(o.readyPath).startsWith('/')) issue('readyPath', `expected a path starting with "/", got ${JSON.stringify(o.readyPath)}`);
  let entry = '';
  let command: string[] = [];
  if (kind === 'node') {
    const dot = handler.lastIndexOf('.');
    if (dot <= 0) {
      issue('handler', `expected "module.export" such as "index.handler", got ${JSON.stringify(handler)}`);
      return undefined;
    }
    const base = path.join(code, handler.slice(0, dot));
    entry = NODE_EXTENSIONS.map((ext) => base + ext).find((f) => existsSync(f)) ?? '';
    if (!entry) {
      issue('handler', `no module ${JSON.stringify(handler.slice(0, dot))} (${NODE_EXTENSIONS.join(', ')}) in ${code}`);
      return undefined;
    }
  } else if (kind === 'bootstrap') {
    entry = path.join(code, 'bootstrap');
    if (!isExecutableFile(entry)) {
      issue('code', `${entry} is missing or not executable (chmod +x it)`);
      return undefined;
    }
  } else {
    const argv = o.command as string[] | undefined;
    if (!argv) {
      issue('command', `is required for kind "${kind}" (the process to run, e.g. "python3 handler.py")`);
      return undefined;
    }
    const exe = resolveExecutable(argv[0]!, code);
    if (!exe) {
      issue('command', `${JSON.stringify(argv[0])} is ${argv[0]!.includes('/') ? `missing or not executable in ${code}` : 'not an executable on PATH'}`);
      return undefined;
    }
    entry = exe;
    command = [exe, ...argv.slice(1)];
  }
  if (ctx.issues.length > before) return undefined;
  return {
    name,
    kind,
    code,
    handler,
    entry,
    command,
    readyPath: o.readyPath as string | undefined,
    memoryMB: (o.memoryMB as number | undefined) ?? 128,
    timeoutMs: (o.timeout as number | undefined) ?? 3000,
    maxInstances: (o.maxInstances as number | undefined) ?? 100,
    idleTimeoutMs: (o.idleTimeout as number | undefined) ?? 600_000,
    concurrency: (o.concurrency as number | undefined) ?? 1,
    queueTimeoutMs: (o.queueTimeout as number | undefined) ?? 0,
    billing: (o.billing as BillingModel | undefined) ?? 'lambda',
    env: (o.env as Record<string, string> | undefined) ?? {},
  };
}

/** A command: a non-empty string split on whitespace (OpenFaaS `fprocess`), or a non-empty array of strings. */
function checkCommand(v: unknown, p: string, c: CheckContext): string[] {
  if (typeof v === 'string' && v.trim()) return v.trim().split(/\s+/);
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.length > 0)) return v as string[];
  c.issues.push({ file: c.file, field: p, message: `expected a command such as "python3 handler.py" or ["python3", "handler.py"], got ${JSON.stringify(v)}` });
  return [];
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Absolute path of an executable: relative to `dir` when it has a `/`, else searched on PATH. */
function resolveExecutable(exe: string, dir: string): string | undefined {
  if (exe.includes('/')) {
    const abs = path.resolve(dir, exe);
    return isExecutableFile(abs) ? abs : undefined;
  }
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!d) continue;
    const abs = path.join(d, exe);
    if (isExecutableFile(abs)) return abs;
  }
  return undefined;
}
