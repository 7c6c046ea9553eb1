/**
 * Builds Plans in code for engine tests: http targets at URLs known only at test
 * time (servers on port 0), phases checked by their own modules as load.ts would.
 */
import os from 'node:os';
import type { CheckContext } from '../../src/config/check.ts';
import { httpProvider } from '../../src/drivers/http/provider.ts';
import { FxError } from '../../src/model/errors.ts';
import { PHASES } from '../../src/scenarios/phases/index.ts';
import type { PhasePlan, Plan } from '../../src/scenarios/plan.ts';
import type { ResolvedTarget } from '../../src/model/target.ts';
import { registered } from '../../src/drivers/provider.ts';
import type { HttpTargetOptions } from '../../src/drivers/http/driver.ts';

/** An http target resolved as load.ts resolves one (fields checked by the provider). */
export function httpTarget(name: string, fields: Record<string, unknown>): ResolvedTarget<HttpTargetOptions> {
  const ctx: CheckContext = { file: 'test', issues: [] };
  const checked: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(httpProvider.fields))
    if (fields[k] !== undefined) checked[k] = spec.check(fields[k], k, ctx);
  const resolved = registered(httpProvider).resolve({ provider: 'http', ...checked }, name, ctx, {
    functions: new Map(),
    configFile: 'bench.config.ts',
  });
  if (ctx.issues.length || !resolved?.options) throw FxError.invalid(ctx.issues);
  // resolve() of the http provider makes HttpTargetOptions (checked above: no issues).
  return {
    name,
    provider: 'http',
    function: '',
    arch: 'x86_64',
    ...resolved,
    options: resolved.options as unknown as HttpTargetOptions,
  };
}

/** A phase checked by its module, as load.ts checks it. */
export function phase(raw: Record<string, unknown>): PhasePlan {
  const ctx: CheckContext = { file: 'test', issues: [] };
  const mod = PHASES[String(raw.kind)]!;
  const settings = mod.check(raw, 'phases[0]', ctx);
  if (ctx.issues.length || !settings) throw FxError.invalid(ctx.issues);
  return { kind: mod.kind, name: (settings as { name: string }).name, settings: settings as Record<string, unknown> };
}

/** A plan of these phases against these targets. */
export function plan(targets: ResolvedTarget[], phases: PhasePlan[], payload = ''): Plan {
  return { file: 'test', name: 'engine-test', targets, phases, payload: Buffer.from(payload), outRoot: os.tmpdir() };
}
