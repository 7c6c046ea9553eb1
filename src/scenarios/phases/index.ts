/** Every phase kind by name. The runner looks phases up here, never by `if`. */
import { burstPhase } from './burst.ts';
import { keepalivePhase } from './keepalive.ts';
import { memoryPhase } from './memory.ts';
import { payloadPhase } from './payload.ts';
import { warmupPhase } from './warmup.ts';
import type { PhaseModule } from './phase.ts';
import { rampPhase } from './ramp.ts';
import { steadyPhase } from './steady.ts';

export const PHASES: Record<string, PhaseModule<object>> = {
  burst: burstPhase as unknown as PhaseModule<object>,
  warmup: warmupPhase as unknown as PhaseModule<object>,
  keepalive: keepalivePhase as unknown as PhaseModule<object>,
  payload: payloadPhase as unknown as PhaseModule<object>,
  memory: memoryPhase as unknown as PhaseModule<object>,
  steady: steadyPhase as unknown as PhaseModule<object>,
  ramp: rampPhase as unknown as PhaseModule<object>,
};
