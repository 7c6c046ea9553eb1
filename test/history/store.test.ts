// The history store (src/history/store.ts, trend.ts): one row per run × target
// × phase with figures and histograms; the same results recorded twice are
// stored once; trends recompute any metric from the stored histograms; stores it
// cannot use are bad input (exit 2).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode } from '../../src/model/errors.ts';
import { defaultHistoryFile, HistoryStore } from '../../src/history/store.ts';
import { openSqlite, pragma } from '../../src/history/sqlite.ts';
import { lastRuns, metricTrend } from '../../src/history/trend.ts';
import { parseMetric } from '../../src/metrics/compare-metrics.ts';
import { compareResults } from '../../src/metrics/compare.ts';
import { parseRules } from '../../src/metrics/compare-metrics.ts';
import { isFxError, scratch } from '../helpers/cli.ts';
import { lognormalUs, phase, result, target } from '../helpers/results.ts';

const tmp = scratch('fxbench-history-');
const run = (i: number, warmMs: number) => {
  const r = result(
    [
      target('api', [
        phase({ round: 1, warmUs: lognormalUs(100, warmMs, i), coldUs: lognormalUs(4, 150, i + 50) }),
        phase({ round: 2, warmUs: lognormalUs(100, warmMs, i + 100) }),
      ]),
      target('db', [phase({ warmUs: lognormalUs(50, 3, i + 200), errors: 5 })]),
    ],
    'nightly',
  );
  r.startedAt = `2026-01-0${i}T02:00:00.000Z`;
  return r;
};

const store = suite('history store');
store.after(() => tmp.cleanup());

store('records one row per run × target × phase, with WAL and the schema version', () => {
  const file = path.join(tmp.dir, 'a/history.sqlite');
  const s = HistoryStore.open(file);
  const first = s.record(run(1, 20), 'abc123');
  assert.equal(first, { runId: 1, added: true });
  assert.is(pragma(s.db, 'journal_mode'), 'wal');
  assert.is(pragma(s.db, 'user_version'), 2);
  const rows = s.db
    .prepare('SELECT target, seq, phase, round, requests, errors, cold_starts FROM phase_results ORDER BY target, seq')
    .all();
  assert.equal(rows, [
    { target: 'api', seq: 0, phase: 'burst', round: 1, requests: 104, errors: 0, cold_starts: 4 },
    { target: 'api', seq: 1, phase: 'burst', round: 2, requests: 100, errors: 0, cold_starts: 0 },
    { target: 'db', seq: 0, phase: 'burst', round: null, requests: 50, errors: 5, cold_starts: 0 },
  ]);
  const runRow = s.db.prepare('SELECT scenario, started_at, label, interrupted FROM runs').get();
  assert.equal(runRow, {
    scenario: 'nightly',
    started_at: '2026-01-01T02:00:00.000Z',
    label: 'abc123',
    interrupted: 0,
  });
  s.close();
});

store('stores the same results once', () => {
  const s = HistoryStore.open(path.join(tmp.dir, 'dedupe.sqlite'));
  const r = run(2, 20);
  assert.equal(s.record(r), { runId: 1, added: true });
  assert.equal(s.record(r), { runId: 1, added: false });
  assert.is((s.db.prepare('SELECT COUNT(*) AS n FROM phase_results').get() as { n: number }).n, 3);
  s.close();
});

store("gives the last runs, oldest first, with figures equal to compare's", () => {
  const file = path.join(tmp.dir, 'trend.sqlite');
  const s = HistoryStore.open(file);
  const runs = [run(1, 20), run(2, 22), run(3, 30)];
  for (const r of runs) s.record(r);
  s.close();
  const last = lastRuns(file, { limit: 2 });
  assert.equal(
    last.map((r) => r.startedAt),
    ['2026-01-02T02:00:00.000Z', '2026-01-03T02:00:00.000Z'],
  );
  const api = last[1]!.targets.find((t) => t.name === 'api')!;
  // The same figures compare computes from the results file itself.
  const v = compareResults(runs[2]!, runs[2]!, { rules: parseRules('latency.p90=+1%').rules });
  const figure = (m: string) => v.targets[0]!.metrics.find((x) => x.metric === m)!.current;
  assert.is(api.p50Ms, figure('latency.p50'));
  assert.is(api.warmP99Ms, figure('latency.warm.p99'));
  assert.is(api.coldStartRate, 4 / 204);
  assert.is(api.requests, 204);
  assert.is(last[1]!.targets.find((t) => t.name === 'db')!.errorRate, 0.1);
  // Any quantile, recomputed from the stored histograms.
  const trend = metricTrend(file, parseMetric('latency.p90')!, { target: 'api' });
  assert.equal(
    trend.map((p) => p.target),
    ['api', 'api', 'api'],
  );
  assert.is(trend[2]!.value, figure('latency.p90'));
  assert.is(trend[2]!.samples, 204);
  assert.ok(trend[0]!.value! < trend[2]!.value!, 'the trend shows the slowdown');
  assert.equal(lastRuns(path.join(tmp.dir, 'none.sqlite')), [], 'no store: no runs, and none created');
});

store('filters by scenario and target', () => {
  const file = path.join(tmp.dir, 'filters.sqlite');
  const s = HistoryStore.open(file);
  s.record(run(1, 20));
  const other = run(2, 20);
  other.scenario.name = 'burst';
  s.record(other);
  s.close();
  assert.equal(
    lastRuns(file, { scenario: 'burst' }).map((r) => r.scenario),
    ['burst'],
  );
  assert.equal(
    lastRuns(file, { target: 'db' }).flatMap((r) => r.targets.map((t) => t.name)),
    ['db', 'db'],
  );
});

store('lives beside the run folders by default', () => {
  assert.is(defaultHistoryFile('/x/reports/20260101-020000-nightly'), '/x/reports/history.sqlite');
});

store('stores it cannot use are bad input (exit 2)', async () => {
  const notDb = path.join(tmp.dir, 'not-a-db.sqlite');
  writeFileSync(notDb, 'hello, this is not SQLite at all, just some text long enough');
  await isFxError(async () => HistoryStore.open(notDb), {
    exitCode: ExitCode.badInput,
    file: notDb,
    message: /cannot use the history store: file is not a database/,
  });
  const newer = path.join(tmp.dir, 'newer.sqlite');
  const db = openSqlite(newer);
  db.exec('PRAGMA user_version = 9');
  db.close();
  await isFxError(async () => HistoryStore.open(newer), {
    exitCode: 2,
    file: newer,
    message: /history schema version 9 is newer than this fxbench reads \(2\): upgrade fxbench/,
  });
  await isFxError(async () => metricTrend(path.join(tmp.dir, 'missing.sqlite'), parseMetric('latency.p99')!), {
    exitCode: 2,
    message: /history store not found/,
  });
});

store.run();
