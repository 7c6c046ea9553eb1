/** Every phase kind by name. The runner looks phases up here, never by `if`. */
import { burstPhase } from './burst.ts';
import { keepalivePhase } from './keepalive.ts';
import { memoryPhaseOver } from './memory.ts';
import { payloadPhase } from './payload.ts';
import { warmupPhase } from './warmup.ts';
import type { PhaseModule } from './phase.ts';
import { rampPhase } from './ramp.ts';
import { steadyPhase } from './steady.ts';

// A module's run() takes its own settings type; the registry holds them under one
// type, so each is erased to PhaseModule<object> once, here (settings only ever
// come from the same module's check()).
const erase = <S extends object>(m: PhaseModule<S>) => m as unknown as PhaseModule<object>;

const SINGLE: Record<string, PhaseModule<object>> = {
  burst: erase(burstPhase),
  warmup: erase(warmupPhase),
  keepalive: erase(keepalivePhase),
  payload: erase(payloadPhase),
};
const LOAD: Record<string, PhaseModule<object>> = { steady: erase(steadyPhase), ramp: erase(rampPhase) };

export const PHASES: Record<string, PhaseModule<object>> = {
  ...SINGLE,
  memory: erase(memoryPhaseOver({ ...SINGLE, ...LOAD })),
  ...LOAD,
};
