/**
 * Positions in a run, [run, target, phase(, step)], as the workers of one run
 * (`--workers`) tell the parent where they are (runner.ts, workers/together.ts):
 * the markers for "past all of them".
 */

/** A phase index after every phase of a target: a worker whose target ended is there. */
export const PAST_TARGET = Number.MAX_SAFE_INTEGER;
/** A step index after every step of a phase: a worker without a share of the phase is there. */
export const PAST_STEPS = Number.MAX_SAFE_INTEGER;
