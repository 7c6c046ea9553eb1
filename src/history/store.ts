/**
 * The history store: every run's figures in one SQLite file (through sqlite.ts:
 * Node's own node:sqlite, or better-sqlite3 on a Node without it), by default
 * `reports/history.sqlite` beside the run folders, so trends across runs can be
 * shown (`fxbench history`, the HTML report's trend chart).
 *
 * One `runs` row per run and one `phase_results` row per run × target × phase
 * (round), holding the summary figures and the encoded histograms, so any
 * percentile can be recomputed later. Safe with several writers at once (two
 * nightly jobs, parallel CI shards): WAL journal, a busy timeout, and each run
 * written in one IMMEDIATE transaction, so a reader never sees half a run and two
 * writers queue instead of failing. A run is keyed by a hash of its content:
 * recording the same results twice stores it once.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { FxError } from '../model/errors.ts';
import type { PhaseResult, Result } from '../model/result.ts';
import { immediate, openSqlite, pragma, type SqliteDatabase } from './sqlite.ts';

/**
 * Schema version, kept in SQLite's user_version. 2 added `runs.env` (the
 * environment label a baseline window matches on) and `runs.accepted` (1 when
 * the run passed its thresholds and gate, 0 when it failed, NULL when recorded
 * before runs were marked: such runs never enter a baseline window).
 */
export const HISTORY_SCHEMA_VERSION = 2;

/** The environment label of runs recorded without one (`--env-label`, FXBENCH_ENV). */
export const DEFAULT_ENV_LABEL = 'default';

/** How long a writer waits for another to finish before giving up, ms (default 15 s). */
export const DEFAULT_BUSY_TIMEOUT_MS = 15_000;

/** The history file beside the run folders: `<dir of the run folder>/history.sqlite`. */
export function defaultHistoryFile(runDir: string): string {
  return path.join(path.dirname(path.resolve(runDir)), 'history.sqlite');
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  run_key TEXT NOT NULL UNIQUE,
  scenario TEXT NOT NULL,
  scenario_file TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  interrupted INTEGER NOT NULL,
  tool_version TEXT,
  hostname TEXT,
  label TEXT,
  recorded_at TEXT NOT NULL,
  env TEXT,
  accepted INTEGER
);
CREATE INDEX IF NOT EXISTS runs_by_scenario ON runs (scenario, started_at);
CREATE TABLE IF NOT EXISTS phase_results (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  target TEXT NOT NULL,
  seq INTEGER NOT NULL,
  provider TEXT NOT NULL,
  function TEXT NOT NULL,
  memory_mb INTEGER,
  phase TEXT NOT NULL,
  kind TEXT NOT NULL,
  round INTEGER,
  requests INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  errors_json TEXT NOT NULL,
  cold_starts INTEGER NOT NULL,
  cold_start_rate REAL NOT NULL,
  p50_ms REAL, p90_ms REAL, p99_ms REAL, p999_ms REAL, max_ms REAL, mean_ms REAL,
  warm_p50_ms REAL, warm_p99_ms REAL, cold_p50_ms REAL, cold_p99_ms REAL, init_p50_ms REAL,
  throughput_rps REAL NOT NULL,
  cost_per_invocation_usd REAL, cost_per_million_usd REAL, cost_total_usd REAL, price_source TEXT,
  hist_all TEXT NOT NULL, hist_warm TEXT NOT NULL, hist_cold TEXT NOT NULL, hist_init TEXT NOT NULL,
  extra_json TEXT,
  PRIMARY KEY (run_id, target, seq)
);
CREATE INDEX IF NOT EXISTS phase_results_by_target ON phase_results (target, run_id);
`;

/** Options for openHistory. */
export interface OpenOptions {
  /** Wait this long for another writer, ms (default DEFAULT_BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
  /** Open an existing store for reading only (default false: create if missing). */
  readonly?: boolean;
}

/** A history store, open. Close it when done. */
export class HistoryStore {
  readonly file: string;
  readonly db: SqliteDatabase;

  private constructor(file: string, db: SqliteDatabase) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating it and its folder if needed) the store at `file`. Throws FxError (exit 2) when it is not a history store. */
  static open(file: string, opts: OpenOptions = {}): HistoryStore {
    const readonly = opts.readonly ?? false;
    if (readonly && !existsSync(file))
      throw FxError.invalid([
        { file, message: 'history store not found (runs record it beside their report folders; see --history)' },
      ]);
    if (!readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    let db: SqliteDatabase;
    try {
      db = openSqlite(file, { readonly, timeoutMs: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    } catch (err) {
      if (err instanceof FxError) throw err;
      throw FxError.invalid([{ file, message: `cannot open the history store: ${(err as Error).message}` }]);
    }
    try {
      if (!readonly) {
        // WAL lets readers run beside one writer; NORMAL sync is durable across
        // process crashes (a power cut may lose the last run, never corrupt).
        // Switching a new store to WAL takes an exclusive lock that SQLite does not
        // wait for (its busy timeout does not cover it): two runs creating the same
        // store at once see "database is locked" here, so it is retried (measured in
        // test/history/concurrent.test.ts, which races two writers from no store).
        retryWhileLocked(() => db.exec('PRAGMA journal_mode = WAL'), opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
        db.exec('PRAGMA synchronous = NORMAL');
        db.exec('PRAGMA foreign_keys = ON');
        immediate(db, () => {
          const version = Number(pragma(db, 'user_version'));
          if (version > HISTORY_SCHEMA_VERSION)
            throw FxError.invalid([
              {
                file,
                message: `history schema version ${version} is newer than this fxbench reads (${HISTORY_SCHEMA_VERSION}): upgrade fxbench`,
              },
            ]);
          db.exec(SCHEMA);
          // A version-1 store gains the two columns; its runs keep accepted = NULL (not known).
          const cols = (db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name);
          if (!cols.includes('env')) db.exec('ALTER TABLE runs ADD COLUMN env TEXT');
          if (!cols.includes('accepted')) db.exec('ALTER TABLE runs ADD COLUMN accepted INTEGER');
          if (version < HISTORY_SCHEMA_VERSION) db.exec(`PRAGMA user_version = ${HISTORY_SCHEMA_VERSION}`);
        });
      } else {
        const version = Number(pragma(db, 'user_version'));
        if (version >= 1 && version < HISTORY_SCHEMA_VERSION) {
          // An older store: upgrade it in place (adds columns only), then read it.
          db.close();
          HistoryStore.open(file, { busyTimeoutMs: opts.busyTimeoutMs }).close();
          return HistoryStore.open(file, opts);
        }
        if (version !== HISTORY_SCHEMA_VERSION)
          throw FxError.invalid([
            {
              file,
              message: `not an fxbench history store (schema version ${version}, expected ${HISTORY_SCHEMA_VERSION})`,
            },
          ]);
      }
    } catch (err) {
      db.close();
      if (err instanceof FxError) throw err;
      throw FxError.invalid([{ file, message: `cannot use the history store: ${(err as Error).message}` }]);
    }
    return new HistoryStore(file, db);
  }

  /**
   * Records a run: one row per target × phase (targets that failed to run are
   * left out). Returns the run id, and whether it was new (false when the same
   * results were recorded before). `label` tags the run (e.g. a commit); `env`
   * is its environment label (default DEFAULT_ENV_LABEL); `accepted` whether it
   * passed (unknown when not given: such a run never enters a baseline window).
   */
  record(
    result: Result,
    label?: string,
    meta: { env?: string; accepted?: boolean } = {},
  ): { runId: number; added: boolean } {
    const runKey = createHash('sha256').update(JSON.stringify(result)).digest('hex');
    const insertRun = this.db.prepare(
      `INSERT OR IGNORE INTO runs (run_key, scenario, scenario_file, started_at, finished_at, interrupted, tool_version, hostname, label, recorded_at, env, accepted)
       VALUES (@runKey, @scenario, @scenarioFile, @startedAt, @finishedAt, @interrupted, @toolVersion, @hostname, @label, @recordedAt, @env, @accepted)`,
    );
    const insertPhase = this.db.prepare(
      `INSERT INTO phase_results VALUES (@runId, @target, @seq, @provider, @function, @memoryMB, @phase, @kind, @round, @requests, @ok, @errors, @errorsJson,
        @coldStarts, @coldStartRate, @p50, @p90, @p99, @p999, @max, @mean, @warmP50, @warmP99, @coldP50, @coldP99, @initP50, @throughputRps,
        @costPerInvocation, @costPerMillion, @costTotal, @priceSource, @histAll, @histWarm, @histCold, @histInit, @extraJson)`,
    );
    return immediate(this.db, () => {
      const info = insertRun.run({
        runKey,
        scenario: result.scenario.name,
        scenarioFile: result.scenario.file ?? null,
        startedAt: result.startedAt,
        finishedAt: result.finishedAt,
        interrupted: result.interrupted ? 1 : 0,
        toolVersion: result.tool?.version ?? null,
        hostname: result.tool?.hostname ?? null,
        label: label ?? null,
        recordedAt: new Date().toISOString(),
        env: meta.env ?? DEFAULT_ENV_LABEL,
        accepted: meta.accepted === undefined ? null : meta.accepted ? 1 : 0,
      });
      if (info.changes === 0) {
        const row = this.db.prepare('SELECT id FROM runs WHERE run_key = ?').get(runKey) as { id: number };
        return { runId: row.id, added: false };
      }
      const runId = Number(info.lastInsertRowid);
      for (const t of result.targets) {
        if (t.error) continue;
        t.phases.forEach((p, seq) =>
          insertPhase.run(phaseRow(runId, t.name, seq, t.provider, t.function, t.memoryMB, p)),
        );
      }
      return { runId, added: true };
    });
  }

  /** Marks a recorded run accepted (it may enter baseline windows) or failed (it never does). */
  setAccepted(runId: number, accepted: boolean): void {
    this.db.prepare('UPDATE runs SET accepted = ? WHERE id = ?').run(accepted ? 1 : 0, runId);
  }

  close(): void {
    this.db.close();
  }
}

const KNOWN_PHASE_KEYS = new Set([
  'name',
  'kind',
  'round',
  'requests',
  'ok',
  'errors',
  'coldStarts',
  'coldStartRate',
  'latencyMs',
  'warmLatencyMs',
  'coldLatencyMs',
  'initDurationMs',
  'throughputRps',
  'cost',
  'histograms',
  'timeline',
]);

function phaseRow(
  runId: number,
  target: string,
  seq: number,
  provider: string,
  fn: string,
  memoryMB: number | null,
  p: PhaseResult,
): Record<string, unknown> {
  // Scalar fields other phase kinds add (payloadBytes, memoryMB, rateRps, …) are kept as JSON; big series (timeline) are not.
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p))
    if (!KNOWN_PHASE_KEYS.has(k) && v !== undefined && (typeof v !== 'object' || v === null)) extra[k] = v;
  return {
    runId,
    target,
    seq,
    provider,
    function: fn,
    memoryMB,
    phase: p.name,
    kind: p.kind,
    round: p.round ?? null,
    requests: p.requests,
    ok: p.ok,
    errors: Object.values(p.errors).reduce((a, b) => a + b, 0),
    errorsJson: JSON.stringify(p.errors),
    coldStarts: p.coldStarts,
    coldStartRate: p.coldStartRate,
    p50: p.latencyMs?.p50 ?? null,
    p90: p.latencyMs?.p90 ?? null,
    p99: p.latencyMs?.p99 ?? null,
    p999: p.latencyMs?.p999 ?? null,
    max: p.latencyMs?.max ?? null,
    mean: p.latencyMs?.mean ?? null,
    warmP50: p.warmLatencyMs?.p50 ?? null,
    warmP99: p.warmLatencyMs?.p99 ?? null,
    coldP50: p.coldLatencyMs?.p50 ?? null,
    coldP99: p.coldLatencyMs?.p99 ?? null,
    initP50: p.initDurationMs?.p50 ?? null,
    throughputRps: p.throughputRps,
    costPerInvocation: p.cost?.perInvocationUSD ?? null,
    costPerMillion: p.cost?.perMillionUSD ?? null,
    costTotal: p.cost?.totalUSD ?? null,
    priceSource: p.cost?.priceSource ?? null,
    histAll: p.histograms.all,
    histWarm: p.histograms.warm,
    histCold: p.histograms.cold,
    histInit: p.histograms.init,
    extraJson: Object.keys(extra).length ? JSON.stringify(extra) : null,
  };
}

/** Runs `fn`, retrying for up to `timeoutMs` while SQLite answers "database is locked" (SQLITE_BUSY). */
function retryWhileLocked<T>(fn: () => T, timeoutMs: number): T {
  const end = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!/^SQLITE_BUSY/.test(code) && !/database is locked/.test((err as Error).message)) throw err;
      if (Date.now() >= end) throw err;
      Atomics.wait(pause, 0, 0, Math.min(50, 5 * (attempt + 1)));
    }
  }
}
