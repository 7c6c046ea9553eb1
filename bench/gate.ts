/**
 * Measured error rates of the two CI gates on this machine (`npm run bench:gate`),
 * against the local runtime (real processes, HTTP on 127.0.0.1 only, 2 calls at
 * once at most per scenario, 20/s steady at most).
 *
 * History gate (bench/gate-history.ts: a cold burst then steady load):
 * - false alarms: HISTORY_RUNS runs of the unchanged function (functions/delay,
 *   DELAY_MS 20), each judged against the history of the runs before it (window
 *   10, min 5 runs: the first 5 are advisory and not counted), and recorded
 *   accepted or failed as `fxbench run --baseline history` does;
 * - power: POWER_RUNS runs of the function 30% slower on its warm path
 *   (DELAY_MS 26) and POWER_RUNS with +100 ms init (INIT_DELAY_MS 100), each
 *   judged against the window the unchanged runs left (not recorded).
 *   Detected = the gate fails on latency.warm.p50 (slower) or on init.p50 /
 *   latency.cold.p50 (init).
 *
 * A/B gate (bench/gate-ab.ts: ABBA blocks, 5 pairs): AB_RUNS A/B runs with the
 * candidate unchanged (false alarms), and AB_RUNS each with it slower / with
 * +100 ms init (power), each judged from its own paired blocks.
 *
 * The two series run one after the other, the history series alone: run side by
 * side (as the first version did), the A/B series' cold bursts landed on random
 * history runs and were themselves the run-to-run noise the history gate then
 * flagged (4 to 6 false alarms in 20 runs, in streaks while both overlapped). A
 * nightly runner runs one scenario at a time. Goals (issue 18): false alarms
 * ≤ 5%; detection ≥ 90% (A/B) and ≥ 80% (history). Prints one table with the run
 * counts behind every rate; exit 0 when every goal is met, 1 otherwise.
 *
 * Environment: BENCH_QUICK=1 for a smoke run (6 history runs, 1 of each other kind, A/B runs of
 * 3 pairs);
 * GATE_HISTORY_RUNS, GATE_POWER_RUNS, GATE_AB_RUNS change the counts (25, 10, 10);
 * GATE_SERIES=history or ab runs one series only (its rows; the other's are n/a).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baselineWindow } from '../src/history/window.ts';
import { HistoryStore } from '../src/history/store.ts';
import { compareAB } from '../src/metrics/compare-ab.ts';
import { compareWithWindow } from '../src/metrics/compare-history.ts';
import { parseRules } from '../src/metrics/compare-metrics.ts';
import type { CompareVerdict } from '../src/metrics/compare.ts';
import type { Result } from '../src/model/result.ts';
import { loadScenario } from '../src/scenarios/load.ts';
import type { Plan } from '../src/scenarios/plan.ts';
import { runPlan } from '../src/scenarios/runner.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const HISTORY_RUNS = QUICK ? 6 : Number(process.env.GATE_HISTORY_RUNS ?? 25);
const POWER_RUNS = QUICK ? 1 : Number(process.env.GATE_POWER_RUNS ?? 10);
const AB_RUNS = QUICK ? 1 : Number(process.env.GATE_AB_RUNS ?? 10);
const WINDOW = 10;
const MIN_RUNS = 5;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const rules = parseRules(undefined).rules;

type Case = 'unchanged' | 'slower' | 'init';
const ENV: Record<Case, Record<string, string>> = {
  unchanged: { DELAY_MS: '20' },
  slower: { DELAY_MS: '26' },
  init: { DELAY_MS: '20', INIT_DELAY_MS: '100' },
};
/** The metrics a case must be caught on. */
const CAUGHT_BY: Record<Case, string[]> = {
  unchanged: [],
  slower: ['latency.warm.p50'],
  init: ['init.p50', 'latency.cold.p50'],
};

/** The plan with `target`'s function env set to the case's knobs. */
function withCase(plan: Plan, target: string, c: Case): Plan {
  return {
    ...plan,
    targets: plan.targets.map((t) =>
      t.name === target ? { ...t, localFunction: { ...t.localFunction!, env: { ...ENV[c] } } } : t,
    ),
  };
}

const regressedOn = (v: CompareVerdict) =>
  v.targets.flatMap((t) =>
    t.error ? ['(target failed)'] : t.metrics.filter((m) => m.verdict === 'regression').map((m) => m.metric),
  );

/** `metric current vs band lower…upper (n runs)`, for the log: what each verdict rested on. */
function bandNote(v: CompareVerdict, metric: string): string {
  const m = v.targets[0]?.metrics.find((x) => x.metric === metric);
  if (!m || m.current === null) return `${metric} n/a`;
  const b = m.band;
  return `${metric} ${m.current.toFixed(1)}${b ? ` vs ${b.lower.toFixed(1)}…${b.upper.toFixed(1)} (${b.runs} runs)` : ''}`;
}

interface Tally {
  runs: number;
  hits: number;
  detail: string[];
}
const tally = (): Tally => ({ runs: 0, hits: 0, detail: [] });

async function historySeries(plan: Plan, log: (s: string) => void) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fxbench-gate-'));
  const file = path.join(dir, 'history.sqlite');
  const fa = tally();
  const power = { slower: tally(), init: tally() };
  const judge = (r: Result) => {
    const window = baselineWindow(file, {
      scenario: r.scenario.name,
      env: 'default',
      targets: r.targets.map((t) => t.name),
      size: WINDOW,
      before: r.startedAt,
    });
    return compareWithWindow(window, r, {
      rules,
      minRuns: MIN_RUNS,
      source: { scenario: r.scenario.name, env: 'default' },
    });
  };
  try {
    for (let i = 0; i < HISTORY_RUNS; i++) {
      const r = await runPlan(withCase(plan, 'local-delay-h', 'unchanged'));
      const v = judge(r);
      const flagged = regressedOn(v);
      if (!v.advisory) {
        fa.runs++;
        if (flagged.length) {
          fa.hits++;
          fa.detail.push(`run ${i + 1}: ${flagged.join(', ')}`);
        }
      }
      const clean = !r.targets.some((t) => t.error);
      const s = HistoryStore.open(file);
      try {
        // As `run --baseline history` does: an advisory verdict cannot fail a run, nor keep it out.
        s.record(r, `run-${i + 1}`, { accepted: clean && (!!v.advisory || !flagged.length) });
      } finally {
        s.close();
      }
      log(
        `history unchanged ${i + 1}/${HISTORY_RUNS}: ${v.advisory ? 'advisory' : flagged.length ? `FLAGGED ${flagged.join(', ')}` : 'pass'} (${bandNote(v, 'latency.warm.p50')}; ${bandNote(v, 'init.p50')})`,
      );
    }
    for (const c of ['slower', 'init'] as const)
      for (let i = 0; i < POWER_RUNS; i++) {
        const r = await runPlan(withCase(plan, 'local-delay-h', c));
        const v = judge(r);
        const flagged = regressedOn(v);
        power[c].runs++;
        if (flagged.some((m) => CAUGHT_BY[c].includes(m))) power[c].hits++;
        else power[c].detail.push(`run ${i + 1}: ${flagged.join(', ') || 'passed'}`);
        log(`history ${c} ${i + 1}/${POWER_RUNS}: ${flagged.join(', ') || 'pass'} (${bandNote(v, CAUGHT_BY[c][0]!)})`);
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { fa, power };
}

async function abSeries(plan: Plan, log: (s: string) => void) {
  const fa = tally();
  const power = { slower: tally(), init: tally() };
  for (const c of ['unchanged', 'slower', 'init'] as const)
    for (let i = 0; i < AB_RUNS; i++) {
      const r = await runPlan(withCase(withCase(plan, 'local-delay', 'unchanged'), 'local-delay-b', c));
      const v = compareAB(r, rules);
      const flagged = regressedOn(v);
      const t = c === 'unchanged' ? fa : power[c];
      t.runs++;
      const hit = c === 'unchanged' ? flagged.length > 0 : flagged.some((m) => CAUGHT_BY[c].includes(m));
      if (hit) t.hits++;
      if (hit === (c === 'unchanged')) t.detail.push(`run ${i + 1}: ${flagged.join(', ') || 'passed'}`);
      log(`A/B ${c} ${i + 1}/${AB_RUNS} (${v.abPairs} pairs): ${flagged.join(', ') || 'pass'}`);
    }
  return { fa, power };
}

const pct = (t: Tally) => (t.runs ? `${((100 * t.hits) / t.runs).toFixed(0)}%` : 'n/a');

async function main(): Promise<number> {
  const started = Date.now();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const opts = { cwd: ROOT, configFile: 'bench/gate.config.ts' };
  const [hPlan, abPlan] = await Promise.all([
    loadScenario('bench/gate-history.ts', opts),
    loadScenario('bench/gate-ab.ts', opts),
  ]);
  // The smoke run keeps the fewest blocks an A/B verdict rests on (3 pairs): it checks the table, not the rates.
  if (QUICK && abPlan.ab) abPlan.ab = { ...abPlan.ab, blocks: 6 };
  const series = process.env.GATE_SERIES ?? 'both';
  const none = { fa: tally(), power: { slower: tally(), init: tally() } };
  const h = series === 'ab' ? none : await historySeries(hPlan, log);
  const ab = series === 'history' ? none : await abSeries(abPlan, log);
  const goal = (t: Tally, min: number | null, max: number | null) =>
    !t.runs
      ? 'not run'
      : (min === null || t.hits / t.runs >= min) && (max === null || t.hits / t.runs <= max)
        ? 'met'
        : 'MISSED';
  const rows: string[][] = [
    [
      'history window',
      'false alarms (unchanged)',
      `${h.fa.hits}/${h.fa.runs}`,
      pct(h.fa),
      '≤ 5%',
      goal(h.fa, null, 0.05),
    ],
    [
      'history window',
      'detected: warm path 30% slower',
      `${h.power.slower.hits}/${h.power.slower.runs}`,
      pct(h.power.slower),
      '≥ 80%',
      goal(h.power.slower, 0.8, null),
    ],
    [
      'history window',
      'detected: init +100 ms',
      `${h.power.init.hits}/${h.power.init.runs}`,
      pct(h.power.init),
      '≥ 80%',
      goal(h.power.init, 0.8, null),
    ],
    [
      'A/B in one run',
      'false alarms (unchanged)',
      `${ab.fa.hits}/${ab.fa.runs}`,
      pct(ab.fa),
      '≤ 5%',
      goal(ab.fa, null, 0.05),
    ],
    [
      'A/B in one run',
      'detected: warm path 30% slower',
      `${ab.power.slower.hits}/${ab.power.slower.runs}`,
      pct(ab.power.slower),
      '≥ 90%',
      goal(ab.power.slower, 0.9, null),
    ],
    [
      'A/B in one run',
      'detected: init +100 ms',
      `${ab.power.init.hits}/${ab.power.init.runs}`,
      pct(ab.power.init),
      '≥ 90%',
      goal(ab.power.init, 0.9, null),
    ],
  ];
  const header = ['gate', 'measure', 'runs', 'rate', 'goal', ''];
  const widths = header.map((x, i) => Math.max(x.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    `fxbench gate error rates, ${new Date().toISOString().slice(0, 10)}${QUICK ? ' (BENCH_QUICK: too few runs for rates)' : ''}`,
    `history: ${HISTORY_RUNS} unchanged runs (the first ${MIN_RUNS} advisory), window ${WINDOW}, band: one-sided 98.5% prediction interval (band.ts); A/B: ${abPlan.ab!.blocks} blocks (ABBA) per run`,
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} at the end`,
    '',
    line(header),
    line(widths.map((w) => '─'.repeat(w))),
    ...rows.map(line),
  ];
  const misses = [
    ...h.fa.detail.map((d) => `history false alarm ${d}`),
    ...h.power.slower.detail.map((d) => `history missed slower ${d}`),
    ...h.power.init.detail.map((d) => `history missed init ${d}`),
    ...ab.fa.detail.map((d) => `A/B false alarm ${d}`),
    ...ab.power.slower.detail.map((d) => `A/B missed slower ${d}`),
    ...ab.power.init.detail.map((d) => `A/B missed init ${d}`),
  ];
  if (misses.length) out.push('', ...misses);
  out.push('', `took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
  return rows.every((r) => r[5] !== 'MISSED') ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(2);
  },
);
