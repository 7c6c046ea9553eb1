/** Whether a provider's scaling limits throttle a step up in load, and for how long. */
import type { ScalingLimits } from '../model/planning.ts';
import { fmt } from './format.ts';
import type { Figure } from './types.ts';

/**
 * Throttling when load goes from `baseline` to `peak` instances: the provider
 * adds `scaleStep` instances per `scaleWindowS` up to `maxConcurrency`; while
 * short, the missing instances' share of the rate is throttled.
 */
export function throttling(
  baseline: number,
  peak: number,
  limits: ScalingLimits,
  durationS: number,
  rpsPerInstance: number,
): { throttled: Figure<boolean>; requests: Figure; scaleUpS: Figure } {
  const max = limits.maxConcurrency;
  if (max === null && limits.scaleStep === null) {
    const why = `${limits.source}: no documented limit, throttling not assessed`;
    return {
      throttled: { value: null, from: why },
      requests: { value: null, from: why },
      scaleUpS: { value: null, from: why },
    };
  }
  const cap = max ?? Infinity;
  let available = Math.min(baseline, cap);
  let throttledReq = 0;
  let t = 0;
  let scaleUp = 0;
  const step = limits.scaleStep ?? Infinity;
  const window = limits.scaleWindowS ?? durationS;
  // The provider grants up to one step at once, then one step per window.
  while (t < durationS) {
    available = Math.min(available + step, cap, peak);
    const span = Math.min(window, durationS - t);
    const short = peak - available;
    if (short > 0) {
      throttledReq += short * rpsPerInstance * span;
      if (available < Math.min(peak, cap)) scaleUp += span;
    }
    if (available >= Math.min(peak, cap) && short <= 0) break;
    if (available >= cap) {
      // Capped: the shortfall lasts the whole peak.
      throttledReq += short * rpsPerInstance * (durationS - t - span);
      break;
    }
    t += span;
  }
  const overCap = peak > cap;
  const rate =
    limits.scaleStep === null ? 'no scaling-rate limit' : `+${limits.scaleStep} instances per ${limits.scaleWindowS} s`;
  return {
    throttled: {
      value: throttledReq > 0,
      from: overCap
        ? `peak needs ${peak} concurrent; limit ${cap} (${limits.source})`
        : `scale-up of ${Math.max(0, peak - baseline)} instances within ${max === null ? 'no concurrency limit' : `a limit of ${max}`}, ${rate} (${limits.source})`,
    },
    requests: {
      value: Math.round(throttledReq),
      from: overCap
        ? `${peak - cap} instances short × ${fmt(rpsPerInstance, 1)} req/s each for the peak's duration`
        : 'requests arriving while instances were still being added',
    },
    scaleUpS: { value: scaleUp, from: rate },
  };
}
