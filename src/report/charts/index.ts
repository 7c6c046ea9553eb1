/**
 * Every chart of the report, in page order. Each module returns null when the
 * run has no data for it, and the report leaves it out.
 */
import type { Result } from '../../model/result.ts';
import type { Chart } from './chart.ts';
import { burstChart } from './burst.ts';
import { coldStartsChart } from './cold-starts.ts';
import { costChart } from './cost.ts';
import { keepaliveChart } from './keepalive.ts';
import { latencyOverTimeChart } from './latency-over-time.ts';
import { spectrumChart } from './latency-spectrum.ts';
import { memoryChart } from './memory.ts';
import { payloadChart } from './payload.ts';
import { rampChart } from './ramp.ts';
import { throughputChart } from './throughput.ts';
import { trendChart } from './trend.ts';
import { warmupChart } from './warmup.ts';
import type { HistoryRun } from '../../history/trend.ts';

/** Chart builders in page order. */
export const CHART_BUILDERS: ((result: Result) => Chart | null)[] = [
  spectrumChart,
  burstChart,
  warmupChart,
  latencyOverTimeChart,
  coldStartsChart,
  keepaliveChart,
  payloadChart,
  memoryChart,
  costChart,
  throughputChart,
  rampChart,
];

/** Data a report may have besides the result. */
export interface ChartExtras {
  /** The last runs of this scenario from the history store, oldest first (this run last). */
  history?: HistoryRun[];
}

/** The charts a result (and its extras) has data for. */
export function buildCharts(result: Result, extras: ChartExtras = {}): Chart[] {
  const charts = CHART_BUILDERS.map((build) => build(result));
  charts.push(trendChart(result, extras.history));
  return charts.filter((c): c is Chart => c !== null);
}
