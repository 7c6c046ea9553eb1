/**
 * What `fxbench run` announces before the run about local targets: a burst
 * larger than the function's maxInstances is throttled beyond it (the runtime
 * answers 429, as Lambda does past its concurrency), said up front rather than
 * found in the error counts afterwards.
 */
import type { Plan } from './plan.ts';
import type { BurstSettings } from './phases/burst.ts';

/** One line per local target and burst phase that will be throttled. */
export function localThrottleNotes(plan: Plan): string[] {
  const out: string[] = [];
  for (const t of plan.targets) {
    const spec = t.localFunction;
    if (t.provider !== 'local' || !spec) continue;
    for (const p of plan.phases) {
      if (p.kind !== 'burst') continue;
      const s = p.settings as unknown as BurstSettings;
      if (s.concurrency <= spec.maxInstances || spec.queueTimeoutMs > 0) continue;
      out.push(
        `${t.name}: burst "${s.name}" of ${s.concurrency} exceeds maxInstances ${spec.maxInstances} of function ${spec.name}: ${s.concurrency - spec.maxInstances} per round will be throttled (429); raise maxInstances to run them all`,
      );
    }
  }
  return out;
}
