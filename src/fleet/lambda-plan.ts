/**
 * How long a scenario is planned to run, known before the run: what a fleet
 * worker on Lambda (at most 15 minutes per invocation) must fit in. Phases that
 * declare their length (steady, ramp: `plannedMs`) give it; the others give
 * their fixed waits (a burst's gaps and idle windows, a keep-alive's idle gaps,
 * a warmup's intervals). Invocations themselves are not counted: the figure is a
 * lower bound.
 */
import { PHASES } from '../scenarios/phases/index.ts';
import type { Plan } from '../scenarios/plan.ts';

/** Planned wait or run time of one phase, ms (a lower bound). */
export function plannedPhaseMs(kind: string, s: Record<string, unknown>): number {
  const declared = PHASES[kind]?.plannedMs?.(s as never);
  if (declared !== undefined) return declared;
  const n = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : 0);
  const rounds = Math.max(1, n('rounds'));
  const gaps = Array.isArray(s.idleGapsMs) ? (s.idleGapsMs as number[]).reduce((a, g) => a + g, 0) : 0;
  return (
    (rounds - 1) * n('gapMs') + rounds * n('idleWindowMs') + gaps + Math.max(0, n('requests') - 1) * n('intervalMs')
  );
}

/** Planned length of the whole plan, ms: every phase of every target (targets run one after another). */
export function plannedRunMs(plan: Plan): number {
  const perTarget = plan.phases.reduce((a, p) => a + plannedPhaseMs(p.kind, p.settings), 0);
  return perTarget * Math.max(1, plan.targets.length);
}
