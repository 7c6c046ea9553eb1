/**
 * The baseline window: the last N accepted runs of one scenario in one
 * environment, read from the history store, for the history gate
 * (metrics/compare-history.ts). Only runs marked accepted (thresholds passed,
 * gate passed) enter; failed runs and runs recorded before runs were marked
 * (accepted unknown) never do. Runs that started at or after `before` are left
 * out, so a run is never judged against itself or a later one.
 */
import { existsSync } from 'node:fs';
import type { WindowRun } from '../metrics/compare-history.ts';
import { targetOf, withStore, type PhaseRow } from './trend.ts';

/** Which runs form a window. */
export interface WindowQuery {
  scenario: string;
  env: string;
  /** Targets to read (the current run's). */
  targets: string[];
  /** How many accepted runs (default 10). */
  size: number;
  /** Only runs that started before this ISO time. */
  before?: string;
  /** Leave out this run (the current one, once recorded). */
  excludeRunId?: number;
}

/** The window, oldest first; empty when the store does not exist. */
export function baselineWindow(file: string, q: WindowQuery): WindowRun[] {
  if (!existsSync(file)) return [];
  return withStore(file, (store) => {
    const runs = store.db
      .prepare(
        `SELECT id, started_at, label FROM runs
         WHERE scenario = @scenario AND COALESCE(env, 'default') = @env AND accepted = 1 AND interrupted = 0
           AND (@before IS NULL OR started_at < @before) AND id != @exclude
         ORDER BY started_at DESC, id DESC LIMIT @size`,
      )
      .all({
        scenario: q.scenario,
        env: q.env,
        before: q.before ?? null,
        exclude: q.excludeRunId ?? -1,
        size: q.size,
      }) as { id: number; started_at: string; label: string | null }[];
    runs.reverse();
    const stmt = store.db.prepare('SELECT * FROM phase_results WHERE run_id = ? ORDER BY target, seq');
    return runs.map((r) => {
      const rows = (stmt.all(r.id) as PhaseRow[]).filter((x) => q.targets.includes(x.target));
      const byTarget = new Map<string, PhaseRow[]>();
      for (const x of rows) byTarget.set(x.target, [...(byTarget.get(x.target) ?? []), x]);
      return {
        runId: r.id,
        startedAt: r.started_at,
        label: r.label,
        targets: [...byTarget.values()].map((t) => targetOf(t)),
      };
    });
  });
}
