/**
 * How the local runtime is told about a function. Declared in bench.config.ts
 * under `functions`, checked here, resolved to absolute paths. Every problem is
 * reported with the function's field (`functions.hello.handler`), so a bad config
 * stops at load (exit 2) and never half-starts.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { check, checkObject, optional, required, type CheckContext, type Checked } from '../config/check.ts';
import {
  BILLING_MODELS,
  type BillingModel,
  type FunctionKind,
  FUNCTION_KINDS,
  type FunctionSpec,
} from '../model/function.ts';
import { missingHandlerExport } from './handler-exports.ts';

const NODE_EXTENSIONS = ['.mjs', '.js', '.cjs', '.ts', '.mts'];

/** The fields of a function entry and their checks. */
const FUNCTION_FIELDS = {
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
};

/** A function entry whose fields passed their own checks. */
type FunctionFields = Checked<typeof FUNCTION_FIELDS>;

/** Records a problem with one field of the function entry (`field` below its path). */
type Report = (field: string, message: string) => void;

/**
 * Checks one function entry at `fieldPath` (e.g. `functions.hello`) and resolves
 * it against `baseDir`. Records issues in `ctx`; returns undefined when invalid.
 */
export function checkFunction(
  name: string,
  raw: unknown,
  fieldPath: string,
  baseDir: string,
  ctx: CheckContext,
): FunctionSpec | undefined {
  const before = ctx.issues.length;
  const o = checkObject(raw, fieldPath, ctx, FUNCTION_FIELDS);
  if (!o || ctx.issues.length > before) return undefined;
  const issue: Report = (field, message) => {
    ctx.issues.push({ file: ctx.file, field: `${fieldPath}.${field}`, message });
  };
  const code = path.resolve(baseDir, o.code as string);
  const kind = o.kind as FunctionKind;
  const handler = (o.handler as string | undefined) ?? 'index.handler';
  if (!existsSync(code) || !statSync(code).isDirectory()) {
    issue('code', `folder ${JSON.stringify(code)} does not exist`);
    return undefined;
  }
  checkKindFields(kind, o, issue);
  const run = resolveEntry(kind, handler, code, o.command as string[] | undefined, issue);
  if (!run || ctx.issues.length > before) return undefined;
  return {
    name,
    kind,
    code,
    handler,
    entry: run.entry,
    command: run.command,
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

/** Reports fields that the function's kind does not use, and a readiness path that is not a path. */
function checkKindFields(kind: FunctionKind, o: FunctionFields, issue: Report): void {
  const usesCommand = kind === 'fork' || kind === 'http';
  if (usesCommand && o.handler !== undefined) issue('handler', `not used by kind "${kind}" (it runs "command")`);
  if (!usesCommand && o.command !== undefined) {
    issue('command', `not used by kind "${kind}" (only "fork" and "http" run a command)`);
  }
  if (kind !== 'http' && o.readyPath !== undefined) issue('readyPath', `only kind "http" has a readiness path`);
  if (kind === 'fork' && o.concurrency !== undefined) {
    issue('concurrency', 'kind "fork" starts one process per invocation; limit parallel processes with maxInstances');
  }
  if (o.readyPath !== undefined && !String(o.readyPath).startsWith('/')) {
    issue('readyPath', `expected a path starting with "/", got ${JSON.stringify(o.readyPath)}`);
  }
}

/**
 * What an instance of the function runs: for `node` the handler's module file
 * (which must export the handler, where the module's exports can be known
 * without running it: handler-exports.ts),
 * for `bootstrap` the executable `bootstrap` in the code folder, for `fork` and
 * `http` the command with its executable resolved (`command`). Undefined, with
 * the issue reported, when it cannot be found.
 */
function resolveEntry(
  kind: FunctionKind,
  handler: string,
  code: string,
  argv: string[] | undefined,
  issue: Report,
): { entry: string; command: string[] } | undefined {
  if (kind === 'node') {
    const dot = handler.lastIndexOf('.');
    if (dot <= 0) {
      issue('handler', `expected "module.export" such as "index.handler", got ${JSON.stringify(handler)}`);
      return undefined;
    }
    const base = path.join(code, handler.slice(0, dot));
    const entry = NODE_EXTENSIONS.map((ext) => base + ext).find((f) => existsSync(f)) ?? '';
    if (!entry) {
      issue('handler', `no module ${JSON.stringify(handler.slice(0, dot))} (${NODE_EXTENSIONS.join(', ')}) in ${code}`);
      return undefined;
    }
    const fn = handler.slice(dot + 1);
    const missing = missingHandlerExport(entry, fn);
    if (missing) {
      issue('handler', `${path.basename(entry)} has no export ${JSON.stringify(fn)} (${missing}), in ${code}`);
      return undefined;
    }
    return { entry, command: [] };
  }
  if (kind === 'bootstrap') {
    const entry = path.join(code, 'bootstrap');
    if (!isExecutableFile(entry)) {
      issue('code', `${entry} is missing or not executable (chmod +x it)`);
      return undefined;
    }
    return { entry, command: [] };
  }
  if (!argv) {
    issue('command', `is required for kind "${kind}" (the process to run, e.g. "python3 handler.py")`);
    return undefined;
  }
  const exe = resolveExecutable(argv[0]!, code);
  if (!exe) {
    const where = argv[0]!.includes('/') ? `missing or not executable in ${code}` : 'not an executable on PATH';
    issue('command', `${JSON.stringify(argv[0])} is ${where}`);
    return undefined;
  }
  return { entry: exe, command: [exe, ...argv.slice(1)] };
}

/** A command: a non-empty string split on whitespace (OpenFaaS `fprocess`), or a non-empty array of strings. */
function checkCommand(v: unknown, p: string, c: CheckContext): string[] {
  if (typeof v === 'string' && v.trim()) return v.trim().split(/\s+/);
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.length > 0)) return v as string[];
  const message = `expected a command such as "python3 handler.py" or ["python3", "handler.py"], got ${JSON.stringify(v)}`;
  c.issues.push({ file: c.file, field: p, message });
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
