/**
 * Every chart of the report, in page order. Each module returns null when the
 * run has no data for it, and the report leaves it out.
 */
import type { Result } from '../result.ts';
import type { Chart } from './chart.ts';
import { coldStartsChart } from './cold-starts.ts';
import { costChart } from './cost.ts';
import { keepaliveChart } from './keepalive.ts';
import { latencyOverTimeChart } from './latency-over-time.ts';
import { spectrumChart } from './latency-spectrum.ts';
import { payloadChart } from './payload.ts';
import { rampChart } from './ramp.ts';
import { throughputChart } from './throughput.ts';

/** Chart builders in page order. */
export const CHART_BUILDERS: ((result: Result) => Chart | null)[] = [
  spectrumChart,
  latencyOverTimeChart,
  coldStartsChart,
  keepaliveChart,
  payloadChart,
  costChart,
  throughputChart,
  rampChart,
];

/** The charts a result has data for. */
export function buildCharts(result: Result): Chart[] {
  return CHART_BUILDERS.map((build) => build(result)).filter((c): c is Chart => c !== null);
}
