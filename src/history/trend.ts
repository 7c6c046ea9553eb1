/**
 * Reading the history store: the last N runs with each target's figures, and
 * one metric's trend. Figures are recomputed from the stored histograms with
 * the same definitions `compare` uses (compare-metrics.ts), so `history
 * --metric latency.p95` works for any quantile, not only the stored columns.
 */
import { existsSync } from 'node:fs';
import { metricSamples, metricValue, parseMetric, targetFigures, type MetricSpec } from '../metrics/compare-metrics.ts';
import type { PhaseResult, TargetResult } from '../model/result.ts';
import { HistoryStore } from './store.ts';

/** Filters for reading the history. */
export interface HistoryQuery {
  /** Only runs of this scenario (by name). */
  scenario?: string;
  /** Only this target. */
  target?: string;
  /** The last this many runs (default 20). */
  limit?: number;
}

/** One target's figures in one run (ms, fractions, USD per million). */
export interface HistoryTargetFigures {
  name: string;
  provider: string;
  requests: number;
  errorRate: number | null;
  coldStartRate: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  warmP50Ms: number | null;
  warmP99Ms: number | null;
  coldP50Ms: number | null;
  initP50Ms: number | null;
  costPerMillionUSD: number | null;
}

/** One run in the history, oldest first in lists. */
export interface HistoryRun {
  runId: number;
  scenario: string;
  startedAt: string;
  label: string | null;
  interrupted: boolean;
  targets: HistoryTargetFigures[];
}

interface RunRow {
  id: number;
  scenario: string;
  started_at: string;
  label: string | null;
  interrupted: number;
  env: string | null;
  accepted: number | null;
}

/** A run's status in the store: accepted (may enter a baseline window), failed, or not known (recorded before runs were marked). */
export type RunStatus = 'accepted' | 'failed' | 'unknown';

const statusOf = (accepted: number | null): RunStatus =>
  accepted === null ? 'unknown' : accepted ? 'accepted' : 'failed';

/** The scenario of the latest recorded run (by start time); undefined when the store is empty or missing. */
export function latestScenario(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  return withStore(file, (store) => {
    const row = store.db.prepare('SELECT scenario FROM runs ORDER BY started_at DESC, id DESC LIMIT 1').get() as
      | { scenario: string }
      | undefined;
    return row?.scenario;
  });
}

export interface PhaseRow {
  run_id: number;
  target: string;
  provider: string;
  function: string;
  memory_mb: number | null;
  phase: string;
  kind: string;
  requests: number;
  ok: number;
  errors_json: string;
  cold_starts: number;
  cost_per_invocation_usd: number | null;
  cost_total_usd: number | null;
  hist_all: string;
  hist_warm: string;
  hist_cold: string;
  hist_init: string;
}

/** Rebuilds the parts of a TargetResult that figures are computed from. */
export function targetOf(rows: PhaseRow[]): TargetResult {
  const first = rows[0]!;
  const phases = rows.map(
    (r) =>
      ({
        name: r.phase,
        kind: r.kind,
        requests: r.requests,
        ok: r.ok,
        errors: JSON.parse(r.errors_json),
        cost:
          r.cost_per_invocation_usd !== null && r.cost_total_usd !== null
            ? {
                perInvocationUSD: r.cost_per_invocation_usd,
                perMillionUSD: r.cost_per_invocation_usd * 1e6,
                totalUSD: r.cost_total_usd,
                priceSource: '',
              }
            : null,
        histograms: { all: r.hist_all, warm: r.hist_warm, cold: r.hist_cold, init: r.hist_init },
      }) as unknown as PhaseResult,
  );
  return {
    name: first.target,
    provider: first.provider,
    function: first.function,
    memoryMB: first.memory_mb,
    coldStartMethod: 'none',
    phases,
    summary: null,
  };
}

/** Reads runs and their targets' rows, oldest first. */
function readRuns(store: HistoryStore, q: HistoryQuery): { run: RunRow; targets: Map<string, PhaseRow[]> }[] {
  const limit = q.limit ?? 20;
  const where: string[] = [];
  const params: Record<string, unknown> = { limit };
  if (q.scenario) {
    where.push('scenario = @scenario');
    params.scenario = q.scenario;
  }
  if (q.target) {
    where.push('EXISTS (SELECT 1 FROM phase_results p WHERE p.run_id = runs.id AND p.target = @target)');
    params.target = q.target;
  }
  const runs = store.db
    .prepare(
      `SELECT id, scenario, started_at, label, interrupted, env, accepted FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT @limit`,
    )
    .all(params) as RunRow[];
  runs.reverse();
  const phaseStmt = store.db.prepare(
    `SELECT * FROM phase_results WHERE run_id = ? ${q.target ? 'AND target = ?' : ''} ORDER BY target, seq`,
  );
  return runs.map((run) => {
    const rows = (q.target ? phaseStmt.all(run.id, q.target) : phaseStmt.all(run.id)) as PhaseRow[];
    const targets = new Map<string, PhaseRow[]>();
    for (const r of rows) targets.set(r.target, [...(targets.get(r.target) ?? []), r]);
    return { run, targets };
  });
}

export function withStore<T>(file: string, fn: (s: HistoryStore) => T): T {
  const store = HistoryStore.open(file, { readonly: true });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

/**
 * The last `limit` runs (oldest first) with each target's figures; an empty
 * list when the store does not exist. For the HTML report's trend chart.
 */
export function lastRuns(file: string, q: HistoryQuery = {}): HistoryRun[] {
  if (!existsSync(file)) return [];
  return withStore(file, (store) =>
    readRuns(store, q).map(({ run, targets }) => ({
      runId: run.id,
      scenario: run.scenario,
      startedAt: run.started_at,
      label: run.label,
      interrupted: run.interrupted === 1,
      targets: [...targets.values()].map((rows) => {
        const f = targetFigures(targetOf(rows));
        const v = (name: string) => metricValue(f, parseMetric(name)!);
        return {
          name: rows[0]!.target,
          provider: rows[0]!.provider,
          requests: f.requests,
          errorRate: v('errors.rate'),
          coldStartRate: v('cold.rate'),
          p50Ms: v('latency.p50'),
          p99Ms: v('latency.p99'),
          warmP50Ms: v('latency.warm.p50'),
          warmP99Ms: v('latency.warm.p99'),
          coldP50Ms: v('latency.cold.p50'),
          initP50Ms: v('init.p50'),
          costPerMillionUSD: v('cost.perMillion'),
        };
      }),
    })),
  );
}

/** One point of a metric's trend. */
export interface TrendPoint {
  runId: number;
  scenario: string;
  startedAt: string;
  label: string | null;
  /** Environment label the run was recorded with. */
  env: string;
  status: RunStatus;
  target: string;
  value: number | null;
  samples: number;
}

/** A metric (compare's grammar, e.g. `latency.p99`) per target over the last runs, oldest first. */
export function metricTrend(file: string, metric: MetricSpec, q: HistoryQuery = {}): TrendPoint[] {
  return withStore(file, (store) =>
    readRuns(store, q).flatMap(({ run, targets }) =>
      [...targets.values()].map((rows) => {
        const f = targetFigures(targetOf(rows));
        return {
          runId: run.id,
          scenario: run.scenario,
          startedAt: run.started_at,
          label: run.label,
          env: run.env ?? 'default',
          status: statusOf(run.accepted),
          target: rows[0]!.target,
          value: metricValue(f, metric),
          samples: metricSamples(f, metric),
        };
      }),
    ),
  );
}
