/** Every phase kind by name. The runner looks phases up here, never by `if`. */
import { burstPhase } from './burst.ts';
import type { PhaseModule } from './phase.ts';

export const PHASES: Record<string, PhaseModule<object>> = {
  burst: burstPhase as unknown as PhaseModule<object>,
};
