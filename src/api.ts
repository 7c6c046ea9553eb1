/**
 * fxbench's public API: what scenario files and programs import.
 *
 *   import { defineScenario, burst } from 'fxbench';
 */
export { defineScenario, defineConfig, burst } from './scenarios/types.ts';
export { steady, ramp } from './scenarios/types.ts';
export type { SteadyPhase, RampPhase } from './scenarios/types.ts';
export { warmup, keepalive, payload, memorySweep } from './scenarios/types.ts';
export type {
  WarmupPhase,
  KeepalivePhase,
  PayloadPhase,
  MemoryPhase,
  Thresholds,
  ThresholdRule,
} from './scenarios/types.ts';
export { evaluateThresholds } from './metrics/thresholds.ts';
export type { ThresholdOutcome } from './model/result.ts';
export type { ScenarioDefinition, BenchConfig, NamedTarget, Phase, BurstPhase } from './scenarios/types.ts';
export type { TargetConfig } from './drivers/targets.ts';
export type { FunctionConfig } from './model/function.ts';
export { loadScenario } from './scenarios/load.ts';
export { runPlan, type RunEvent, type RunOptions } from './scenarios/runner.ts';
export { writeReports } from './report/write.ts';
export type { Result, TargetResult, PhaseResult } from './model/result.ts';
export { LocalRuntime } from './runtime/runtime.ts';
export { ExitCode, FxError } from './model/errors.ts';
export { compareResults, type CompareVerdict, type MetricComparison } from './metrics/compare.ts';
export { parseRules, DEFAULT_ALLOWANCES } from './metrics/compare-metrics.ts';
export { readResultFile } from './metrics/compare-input.ts';
export { HistoryStore } from './history/store.ts';
export { lastRuns, metricTrend, type HistoryRun, type HistoryTargetFigures } from './history/trend.ts';
export { renderJUnit } from './report/junit.ts';
export { formatVerdictMarkdown, formatVerdictText } from './report/verdict.ts';
