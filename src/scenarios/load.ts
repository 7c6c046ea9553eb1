/**
 * Loads a scenario file (TypeScript, through tsx) and bench.config.ts, checks
 * both strictly and resolves them into a Plan. Every problem found is reported
 * at once, each naming the file, the field and what was expected; a bad input
 * exits 2 and sends nothing.
 */
import { checkAb } from './ab.ts';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { check, checkObject, describeValue, isPlainObject, optional, type CheckContext } from '../config/check.ts';
import { FxError, type Issue } from '../model/errors.ts';
import { checkFunction } from '../runtime/function-spec.ts';
import { CONFIG_FILE_NAME } from '../config/names.ts';
import { PROVIDER_MODULES } from '../drivers/registry.ts';
import { PHASES } from './phases/index.ts';
import { loadErrorIssues } from './load-error.ts';
import { checkPayload } from './payload.ts';
import { checkThresholds } from '../metrics/threshold-parser.ts';
import type { PhasePlan, Plan } from './plan.ts';
import type { FunctionSpec } from '../model/function.ts';
import type { ResolvedTarget } from '../model/target.ts';
import { importUserModule } from './user-module.ts';

const CONFIG_FILE = CONFIG_FILE_NAME;

/** Options for loadScenario. */
export interface LoadOptions {
  /** Explicit bench.config.ts; otherwise searched from the scenario's folder upwards, then the cwd. */
  configFile?: string;
  /** Working directory paths are shown relative to (default process.cwd()). */
  cwd?: string;
}

/** Loads, checks and resolves a scenario. Throws FxError (exit 2) listing every issue. */
export async function loadScenario(file: string, opts: LoadOptions = {}): Promise<Plan> {
  const cwd = opts.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  if (!existsSync(abs) || !statSync(abs).isFile())
    throw FxError.invalid([{ file, message: 'scenario file not found' }]);
  const scenario = await importDefault(abs, file, 'scenario');

  const configAbs = opts.configFile ? path.resolve(cwd, opts.configFile) : findConfig(path.dirname(abs), cwd);
  if (opts.configFile && (!configAbs || !existsSync(configAbs)))
    throw FxError.invalid([{ file: opts.configFile, message: 'config file not found' }]);
  const configShown = configAbs ? path.relative(cwd, configAbs) || configAbs : undefined;
  const config = configAbs ? await importDefault(configAbs, configShown!, 'config') : {};

  const configCtx: CheckContext = { file: configShown, issues: [] };
  const cfg = checkConfig(config, configAbs ? path.dirname(configAbs) : cwd, configCtx);
  if (!configAbs) cfg.missing = missingConfigNote(path.dirname(abs), cwd);
  const ctx: CheckContext = { file, issues: [] };
  const plan = checkScenario(scenario, file, path.dirname(abs), cfg, ctx);
  const issues: Issue[] = [...configCtx.issues, ...ctx.issues];
  if (issues.length || !plan) throw FxError.invalid(issues.length ? issues : [{ file, message: 'invalid scenario' }]);
  return { ...plan, configFile: configShown };
}

/**
 * Loads and checks bench.config.ts alone (for `fxbench serve`): the explicit
 * file, else the one in the cwd. Throws FxError (exit 2) listing every issue.
 */
export async function loadConfig(
  opts: LoadOptions = {},
): Promise<{ configFile: string; functions: Map<string, FunctionSpec> }> {
  const cwd = opts.cwd ?? process.cwd();
  const configAbs = opts.configFile ? path.resolve(cwd, opts.configFile) : findConfig(cwd, cwd);
  if (!configAbs || !existsSync(configAbs))
    throw FxError.invalid([{ file: opts.configFile ?? CONFIG_FILE, message: 'config file not found' }]);
  const shown = path.relative(cwd, configAbs) || configAbs;
  const config = await importDefault(configAbs, shown, 'config');
  const ctx: CheckContext = { file: shown, issues: [] };
  const cfg = checkConfig(config, path.dirname(configAbs), ctx);
  if (ctx.issues.length) throw FxError.invalid(ctx.issues);
  return { configFile: shown, functions: cfg.functions };
}

async function importDefault(abs: string, shown: string, what: string): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    mod = await importUserModule(abs);
  } catch (err) {
    throw FxError.invalid(loadErrorIssues(err, abs, shown, what, process.cwd()));
  }
  const value = mod.default ?? (mod['module.exports'] as Record<string, unknown> | undefined)?.default;
  if (value === undefined)
    throw FxError.invalid([
      {
        file: shown,
        message: `expected a default export (export default define${what === 'config' ? 'Config' : 'Scenario'}({...}))`,
      },
    ]);
  return value;
}

/**
 * Why no target or function from a config can be found when there is no config
 * file: where fxbench looked, and a config under another name it does not read
 * (bench.config.mjs, .js, …) if one lies beside the scenario or in the cwd.
 */
function missingConfigNote(dir: string, cwd: string): string {
  const shown = (d: string) => path.relative(cwd, d) || '.';
  const other = [dir, cwd]
    .flatMap((d) => ['mjs', 'js', 'mts', 'cjs', 'cts'].map((ext) => path.join(d, `bench.config.${ext}`)))
    .find((f) => existsSync(f));
  const where = `no ${CONFIG_FILE} found (looked in ${shown(dir)} and its parents${dir === cwd ? '' : ', and in the current folder'})`;
  return other
    ? `${where}; ${shown(other)} is not read: name it ${CONFIG_FILE} (JavaScript is valid TypeScript)`
    : where;
}

function findConfig(dir: string, cwd: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const f = path.join(d, CONFIG_FILE);
    if (existsSync(f)) return f;
    if (path.dirname(d) === d) break;
  }
  const f = path.join(cwd, CONFIG_FILE);
  return existsSync(f) ? f : undefined;
}

interface CheckedConfig {
  functions: Map<string, FunctionSpec>;
  targets: Map<string, Omit<ResolvedTarget, 'name'> | undefined>;
  outRoot: string;
  /** Folder relative paths in the config resolve against. */
  baseDir: string;
  /** Set when there is no config file: where fxbench looked (missingConfigNote). */
  missing?: string;
}

function checkConfig(raw: unknown, baseDir: string, ctx: CheckContext): CheckedConfig {
  const out: CheckedConfig = {
    functions: new Map(),
    targets: new Map(),
    outRoot: path.resolve(baseDir, 'reports'),
    baseDir,
  };
  const o = checkObject(raw, '', ctx, {
    functions: optional(check.any()),
    targets: optional(check.any()),
    defaults: optional(check.any()),
  });
  if (!o) return out;
  if (o.functions !== undefined) {
    if (!isPlainObject(o.functions))
      ctx.issues.push({
        file: ctx.file,
        field: 'functions',
        message: `expected an object of functions by name, got ${describeValue(o.functions)}`,
      });
    else
      for (const [name, fn] of Object.entries(o.functions)) {
        const spec = checkFunction(name, fn, `functions.${name}`, baseDir, ctx);
        if (spec) out.functions.set(name, spec);
      }
  }
  if (o.targets !== undefined) {
    if (!isPlainObject(o.targets))
      ctx.issues.push({
        file: ctx.file,
        field: 'targets',
        message: `expected an object of targets by name, got ${describeValue(o.targets)}`,
      });
    else
      for (const [name, t] of Object.entries(o.targets))
        out.targets.set(name, checkTarget(t, `targets.${name}`, ctx, out.functions));
  }
  if (o.defaults !== undefined) {
    const d = checkObject(o.defaults, 'defaults', ctx, { out: optional(check.string()) });
    if (d?.out) out.outRoot = path.resolve(baseDir, d.out);
  }
  return out;
}

type ExtraFields = Record<string, { check: (v: unknown, p: string, c: CheckContext) => unknown; optional?: boolean }>;

/**
 * Checks a target: the common fields, then the provider's own fields and rules
 * (drivers/provider.ts). Unknown fields are errors, listing what this provider accepts.
 */
function checkTarget(
  raw: unknown,
  p: string,
  ctx: CheckContext,
  functions: Map<string, FunctionSpec>,
  extra: ExtraFields = {},
): Omit<ResolvedTarget, 'name'> | undefined {
  const before = ctx.issues.length;
  if (!isPlainObject(raw)) {
    ctx.issues.push({ file: ctx.file, field: p, message: `expected a target object, got ${describeValue(raw)}` });
    return undefined;
  }
  const mod = PROVIDER_MODULES[String(raw.provider)];
  if (!mod) {
    ctx.issues.push({
      file: ctx.file,
      field: `${p}.provider`,
      message: `expected one of ${Object.keys(PROVIDER_MODULES)
        .map((k) => JSON.stringify(k))
        .join(', ')}, got ${describeValue(raw.provider)}`,
    });
    return undefined;
  }
  const o = checkObject(raw, p, ctx, {
    provider: { check: check.string() },
    function: mod.functionRequired === false ? optional(check.string()) : { check: check.string() },
    memoryMB: optional(check.int(128, 10240)),
    pricing: optional((v, pp, c) => checkObject(v, pp, c, { arch: optional(check.oneOf(['x86_64', 'arm64'])) })),
    ...mod.fields,
    ...extra,
  });
  if (!o || ctx.issues.length > before) return undefined;
  const resolved = mod.resolve(o, p, ctx, { functions, configFile: CONFIG_FILE });
  if (!resolved || ctx.issues.length > before) return undefined;
  const all: Record<string, unknown> = o;
  const options: Record<string, unknown> = {};
  for (const k of Object.keys(mod.fields)) if (all[k] !== undefined) options[k] = all[k];
  return {
    provider: mod.provider,
    function: o.function ?? '',
    memoryMB: o.memoryMB,
    arch: o.pricing?.arch ?? 'x86_64',
    options,
    ...resolved,
  };
}

function checkScenario(
  raw: unknown,
  file: string,
  dir: string,
  cfg: CheckedConfig,
  ctx: CheckContext,
): Omit<Plan, 'configFile'> | undefined {
  const o = checkObject(raw, '', ctx, {
    name: { check: check.string() },
    description: optional(check.string()),
    targets: { check: check.array(check.any(), { min: 1 }) },
    functions: optional(check.any()),
    phases: { check: check.array(check.any(), { min: 1 }) },
    payload: optional(check.any()),
    payloadSize: optional(check.any()),
    thresholds: optional(check.any()),
    ab: optional(check.any()),
  });
  if (!o) return undefined;
  if (typeof o.name === 'string' && !/^[\w.-]+$/.test(o.name))
    ctx.issues.push({
      file,
      field: 'name',
      message: `expected letters, digits, ".", "-" or "_" (it names the report folder), got ${describeValue(o.name)}`,
    });

  const functions = checkScenarioFunctions(o.functions, dir, cfg, ctx);
  const targets: ResolvedTarget[] = [];
  const seen = new Set<string>();
  (o.targets ?? []).forEach((t, i) => {
    const p = `targets[${i}]`;
    let resolved: ResolvedTarget | undefined;
    if (typeof t === 'string') {
      if (!cfg.targets.has(t)) {
        const known = [...cfg.targets.keys()];
        ctx.issues.push({
          file,
          field: p,
          message: `unknown target ${JSON.stringify(t)}; ${known.length ? `targets in ${CONFIG_FILE}: ${known.join(', ')}` : (cfg.missing ?? `no targets are declared in ${CONFIG_FILE}`)}`,
        });
        return;
      }
      const base = cfg.targets.get(t);
      if (base) resolved = { name: t, ...base };
    } else if (isPlainObject(t)) {
      const base = checkTarget(t, p, ctx, functions, { name: { check: check.string() } });
      if (base) resolved = { name: String(t.name), ...base };
    } else {
      ctx.issues.push({
        file,
        field: p,
        message: `expected a target name or an object { name, provider, function }, got ${describeValue(t)}`,
      });
    }
    if (!resolved) return;
    if (seen.has(resolved.name))
      ctx.issues.push({ file, field: p, message: `target ${JSON.stringify(resolved.name)} is listed twice` });
    seen.add(resolved.name);
    targets.push(resolved);
  });

  const phases: PhasePlan[] = [];
  /** Index of the phase first given each name: a name picks out one phase in thresholds and results. */
  const named = new Map<string, number>();
  (o.phases ?? []).forEach((ph, i) => {
    const p = `phases[${i}]`;
    if (!isPlainObject(ph))
      return ctx.issues.push({
        file,
        field: p,
        message: `expected a phase object such as burst({ concurrency: 10 }), got ${describeValue(ph)}`,
      });
    const mod = PHASES[String(ph.kind)];
    if (!mod)
      return ctx.issues.push({
        file,
        field: `${p}.kind`,
        message: `expected one of ${Object.keys(PHASES)
          .map((k) => JSON.stringify(k))
          .join(', ')}, got ${describeValue(ph.kind)}`,
      });
    const settings = mod.check(ph, p, ctx);
    const name = (settings as { name?: string } | undefined)?.name;
    if (name !== undefined && named.has(name))
      ctx.issues.push({
        file,
        field: `${p}.name`,
        message: `phase name ${JSON.stringify(name)}${ph.name === undefined ? ` (the default name of a ${mod.kind} phase)` : ''} is already the name of phases[${named.get(name)}]: thresholds and results pick a phase by name, so give each its own (name: '…')`,
      });
    else if (name !== undefined) named.set(name, i);
    if (settings)
      phases.push({
        kind: mod.kind,
        name: (settings as { name: string }).name,
        settings: settings as Record<string, unknown>,
      });
  });

  const { payload, payloadFor } = checkPayload(o.payload, o.payloadSize, ctx);
  const thresholds =
    o.thresholds === undefined
      ? undefined
      : checkThresholds(o.thresholds, 'thresholds', ctx, {
          targets: targets.map((t) => t.name),
          phases: phases.map((p) => p.name),
        });
  const ab = checkAb(
    o.ab,
    targets.map((t) => t.name),
    ctx,
  );
  if (ctx.issues.length) return undefined;
  return {
    ...(ab ? { ab } : {}),
    file,
    name: o.name,
    description: o.description,
    targets,
    phases,
    payload,
    payloadFor,
    thresholds,
    outRoot: cfg.outRoot,
  };
}

/**
 * The scenario's own `functions` (paths relative to its folder) added to the
 * config's; a name declared in both is an error, so a target's function is
 * never ambiguous.
 */
function checkScenarioFunctions(
  raw: unknown,
  dir: string,
  cfg: CheckedConfig,
  ctx: CheckContext,
): Map<string, FunctionSpec> {
  const functions = new Map(cfg.functions);
  if (raw === undefined) return functions;
  if (!isPlainObject(raw)) {
    ctx.issues.push({
      file: ctx.file,
      field: 'functions',
      message: `expected an object of functions by name, got ${describeValue(raw)}`,
    });
    return functions;
  }
  for (const [name, fn] of Object.entries(raw)) {
    if (cfg.functions.has(name)) {
      ctx.issues.push({
        file: ctx.file,
        field: `functions.${name}`,
        message: `function ${JSON.stringify(name)} is also declared in ${CONFIG_FILE}; declare it in one place`,
      });
      continue;
    }
    const spec = checkFunction(name, fn, `functions.${name}`, dir, ctx);
    if (spec) functions.set(name, spec);
  }
  return functions;
}
