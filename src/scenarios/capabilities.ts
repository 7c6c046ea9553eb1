/**
 * Phases against drivers, before the first request: a phase whose settings
 * need a capability (a forced cold start, a memory change; PhaseModule.requires)
 * is refused for a target whose driver lacks it, naming the target, the phase
 * setting and the way out. `fxbench run` checks the capabilities the provider
 * declares for the target's options (exit 2, nothing sent); the runner checks
 * again against what prepare() learned, before the target's first invocation.
 */
import { capabilitiesOf } from '../drivers/registry.ts';
import { FxError, type Issue } from '../model/errors.ts';
import type { Capabilities } from '../model/invocation.ts';
import type { ResolvedTarget } from '../model/target.ts';
import { PHASES } from './phases/index.ts';
import type { PhasePlan, Plan } from './plan.ts';

const CANNOT: Record<'forceCold' | 'setMemory', string> = {
  forceCold: 'cannot force cold starts (no capability forceCold)',
  setMemory: 'cannot change the memory size (no capability setMemory)',
};

/** Each unmet need of `phases` on a driver with `caps`, as `{ index, field, message }` (index into `phases`). */
export function unmetNeeds(
  target: Pick<ResolvedTarget, 'name' | 'provider'>,
  phases: PhasePlan[],
  caps: Capabilities,
): { index: number; field: string; message: string }[] {
  const out: { index: number; field: string; message: string }[] = [];
  phases.forEach((phase, index) => {
    for (const need of PHASES[phase.kind]?.requires?.(phase.settings) ?? []) {
      if (caps[need.capability]) continue;
      out.push({
        index,
        field: need.field,
        message: `target ${JSON.stringify(target.name)} (provider ${target.provider}) ${CANNOT[need.capability]}: ${need.message}`,
      });
    }
  });
  return out;
}

/**
 * Checks every phase of `plan` against every target's declared capabilities;
 * throws FxError (exit 2) listing each mismatch at its phase setting.
 */
export function checkCapabilities(plan: Pick<Plan, 'file' | 'targets' | 'phases'>): void {
  const issues: Issue[] = plan.targets.flatMap((t) =>
    unmetNeeds(t, plan.phases, capabilitiesOf(t)).map((u) => ({
      file: plan.file,
      field: `phases[${u.index}].${u.field}`,
      message: u.message,
    })),
  );
  if (issues.length) throw FxError.invalid(issues);
}
