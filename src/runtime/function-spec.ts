/**
 * How the local runtime is told about a function. Declared in bench.config.ts
 * under `functions`, checked here, resolved to absolute paths.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { check, checkObject, optional, required, type CheckContext } from '../config/check.ts';

/** Instance kinds the local runtime can start. */
export const FUNCTION_KINDS = ['node', 'bootstrap'] as const;
export type FunctionKind = (typeof FUNCTION_KINDS)[number];

/** A function as written in bench.config.ts. */
export interface FunctionConfig {
  /**
   * `node`: an `export const handler = async (event, context) => …` module run by
   * fxbench's bootstrap. `bootstrap`: an executable `bootstrap` file in `code`
   * (a Lambda custom runtime, any language).
   */
  kind: FunctionKind;
  /** Folder holding the code (LAMBDA_TASK_ROOT), relative to the config file. */
  code: string;
  /** `module.export` for `node` (default `index.handler`); passed as `_HANDLER` to custom runtimes. */
  handler?: string;
  /** Memory size in MB (default 128, Lambda's minimum). Enforced as the V8 heap limit for `node`. */
  memoryMB?: number;
  /** Invocation timeout (default "3s", Lambda's default). */
  timeout?: string | number;
  /** Most instances at once; further invocations are throttled (429). Default 100. */
  maxInstances?: number;
  /** An instance idle this long is stopped (scale to zero). Default "10m". */
  idleTimeout?: string | number;
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
  /** Absolute path of the module (node) or bootstrap executable. */
  entry: string;
  memoryMB: number;
  timeoutMs: number;
  maxInstances: number;
  idleTimeoutMs: number;
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
    memoryMB: optional(check.int(128, 10240)),
    timeout: optional(check.durationMs()),
    maxInstances: optional(check.int(1, 10000)),
    idleTimeout: optional(check.durationMs()),
    env: optional(check.record(check.string())),
  });
  if (!o || ctx.issues.length > before) return undefined;
  const code = path.resolve(baseDir, o.code as string);
  const kind = o.kind as FunctionKind;
  const handler = (o.handler as string | undefined) ?? 'index.handler';
  let entry = '';
  if (!existsSync(code) || !statSync(code).isDirectory()) {
    ctx.issues.push({ file: ctx.file, field: `${fieldPath}.code`, message: `folder ${JSON.stringify(code)} does not exist` });
    return undefined;
  }
  if (kind === 'node') {
    const dot = handler.lastIndexOf('.');
    if (dot <= 0) {
      ctx.issues.push({ file: ctx.file, field: `${fieldPath}.handler`, message: `expected "module.export" such as "index.handler", got ${JSON.stringify(handler)}` });
      return undefined;
    }
    const base = path.join(code, handler.slice(0, dot));
    entry = NODE_EXTENSIONS.map((ext) => base + ext).find((f) => existsSync(f)) ?? '';
    if (!entry) {
      ctx.issues.push({ file: ctx.file, field: `${fieldPath}.handler`, message: `no module ${JSON.stringify(handler.slice(0, dot))} (${NODE_EXTENSIONS.join(', ')}) in ${code}` });
      return undefined;
    }
  } else {
    entry = path.join(code, 'bootstrap');
    try {
      accessSync(entry, constants.X_OK);
    } catch {
      ctx.issues.push({ file: ctx.file, field: `${fieldPath}.code`, message: `${entry} is missing or not executable (chmod +x it)` });
      return undefined;
    }
  }
  return {
    name,
    kind,
    code,
    handler,
    entry,
    memoryMB: (o.memoryMB as number | undefined) ?? 128,
    timeoutMs: (o.timeout as number | undefined) ?? 3000,
    maxInstances: (o.maxInstances as number | undefined) ?? 100,
    idleTimeoutMs: (o.idleTimeout as number | undefined) ?? 600_000,
    env: (o.env as Record<string, string> | undefined) ?? {},
  };
}
