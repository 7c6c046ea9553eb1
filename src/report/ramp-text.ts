/** The lines printed under the summary table for targets that ran a ramp: knee, break, SLO. */
import type { Result } from '../model/result.ts';

const rate = (r: number) => `${+r.toFixed(2)}/s`;

/** One line per target with a ramp; '' when none ran one. */
export function formatRamps(result: Result): string {
  return result.targets
    .filter((t) => t.ramp)
    .map((t) => {
      const r = t.ramp!;
      const slo = r.slo ? ` (SLO p99 ≤ ${r.slo.p99Ms} ms, errors ≤ ${+(r.slo.errorRate * 100).toFixed(3)}%)` : '';
      const knee = r.kneeRps === null ? 'no step met the SLO' : `knee ${rate(r.kneeRps)}`;
      const broke =
        r.brokeAtRps === null
          ? `never broke up to ${rate(r.steps.at(-1)?.rateRps ?? 0)}`
          : `broke at ${rate(r.brokeAtRps)}`;
      return `ramp ${t.name}: ${knee}, ${broke}${slo}`;
    })
    .join('\n');
}
