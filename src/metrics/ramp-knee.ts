/**
 * A ramp's verdict from its steps' figures: whether each step met the SLO, and
 * the knee (last good rate) and break (first bad rate). Used by the ramp phase
 * as it runs and by `merge` to re-judge merged shards.
 */
import type { PhaseResult, RampResult } from '../model/result.ts';
import { errorTotal } from './figures.ts';

/** The SLO a ramp's steps are held to: p99 latency, ms, and error rate (0–1). */
export type RampSlo = { p99Ms: number; errorRate: number };

/** Whether a step's figures met the SLO: p99 within bounds and errors (sends not made included) at most the rate. */
export function judgeStep(
  p: Pick<PhaseResult, 'requests' | 'errors' | 'latencyMs' | 'dropped'>,
  slo: RampSlo,
): { p99Ms: number | null; errorRate: number; ok: boolean } {
  const dropped = p.dropped ?? 0;
  const total = p.requests + dropped;
  const errorRate = total ? (errorTotal(p) + dropped) / total : 0;
  const p99Ms = p.latencyMs?.p99 ?? null;
  return { p99Ms, errorRate, ok: total > 0 && p99Ms !== null && p99Ms <= slo.p99Ms && errorRate <= slo.errorRate };
}

/** The knee and the break from steps in rate order: the last good step before the first bad one. */
export function findKnee(steps: RampResult['steps']): Pick<RampResult, 'kneeRps' | 'brokeAtRps'> {
  let kneeRps: number | null = null;
  for (const s of steps) {
    if (!s.ok) return { kneeRps, brokeAtRps: s.rateRps };
    kneeRps = s.rateRps;
  }
  return { kneeRps, brokeAtRps: null };
}
