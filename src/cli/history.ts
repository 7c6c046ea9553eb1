/**
 * `fxbench history`: prints the trend of one metric per target over the last
 * runs recorded in the history store (reports/history.sqlite by default; every
 * `fxbench run` records itself there), with the change from run to run and a
 * sparkline. `--add results.json` records results files (e.g. merged shards or
 * a downloaded CI artifact) first.
 *
 * It shows one scenario: `--scenario`, else the scenario of the latest recorded
 * run (runs of different scenarios are not comparable), and says which. Each run
 * shows its label (a commit, see history/label.ts) and its status: accepted
 * (enters baseline windows), failed (a threshold or the gate failed), or `?`
 * (recorded before runs were marked).
 */
import type { CliCommand } from './command.ts';
import { EPILOGUE } from './epilogue.ts';
import { ExitCode, FxError } from '../model/errors.ts';
import { readResultFile } from '../metrics/compare-input.ts';
import { parseMetric, type MetricSpec } from '../metrics/compare-metrics.ts';
import { HistoryStore } from '../history/store.ts';
import { latestScenario, metricTrend, type TrendPoint } from '../history/trend.ts';
import { runLabel } from '../history/label.ts';
import { formatMs, formatUSD } from '../units.ts';

/** Parsed flags of `history`. */
export interface HistoryArgs {
  db: string;
  target?: string;
  scenario?: string;
  metric: string;
  last: number;
  add?: string[];
  label?: string;
  /** Environment label for runs recorded with --add. */
  envLabel?: string;
}

/** Default store, relative to the current folder. */
export const DEFAULT_HISTORY_DB = 'reports/history.sqlite';

const BARS = '▁▂▃▄▅▆▇█';

/** A sparkline of values (nulls as spaces). */
export function sparkline(values: (number | null)[]): string {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!xs.length) return '';
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return values
    .map((v) =>
      v === null || !Number.isFinite(v)
        ? ' '
        : BARS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))],
    )
    .join('');
}

function formatFigure(m: MetricSpec, v: number | null): string {
  if (v === null) return '-';
  if (m.kind === 'latency') return `${formatMs(v)} ms`;
  if (m.kind === 'cost') return formatUSD(v);
  return v.toFixed(4);
}

function formatStep(m: MetricSpec, prev: number | null, v: number | null): string {
  if (prev === null || v === null) return '';
  if (m.kind === 'rate') return `${v - prev >= 0 ? '+' : '−'}${Math.abs(v - prev).toFixed(4)}`;
  if (prev === 0) return '';
  const pct = ((v - prev) / prev) * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%`;
}

/** Renders a trend: one block per target, oldest run first. */
export function formatTrend(metric: MetricSpec, points: TrendPoint[]): string {
  if (!points.length) return 'no runs recorded yet';
  const byTarget = new Map<string, TrendPoint[]>();
  for (const p of points) byTarget.set(p.target, [...(byTarget.get(p.target) ?? []), p]);
  const blocks: string[] = [];
  for (const [target, list] of byTarget) {
    const header = ['started', 'scenario', 'label', 'env', 'status', metric.name, 'change', 'samples'];
    const rows = list.map((p, i) => [
      p.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      p.scenario,
      p.label ?? '-',
      p.env,
      p.status === 'unknown' ? '?' : p.status,
      formatFigure(metric, p.value),
      formatStep(metric, i ? list[i - 1]!.value : null, p.value),
      String(p.samples),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (i < 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('  ')
        .trimEnd();
    blocks.push(
      [
        `${target}  ${metric.name}  ${sparkline(list.map((p) => p.value))}`,
        line(header),
        line(widths.map((w) => '─'.repeat(w))),
        ...rows.map(line),
      ].join('\n'),
    );
  }
  return blocks.join('\n\n');
}

/** Runs `fxbench history`; resolves to the exit code. */
export async function historyCommand(args: HistoryArgs): Promise<number> {
  const metric = parseMetric(args.metric);
  if (!metric)
    throw FxError.invalid([
      {
        field: '--metric',
        message: `unknown metric ${JSON.stringify(args.metric)}; expected latency[.warm|.cold].pNN, init.pNN, cold.rate, errors.rate or cost.perMillion`,
      },
    ]);
  if (!Number.isInteger(args.last) || args.last < 1)
    throw FxError.invalid([{ field: '--last', message: `expected a positive integer, got ${args.last}` }]);
  if (args.add?.length) {
    const results = args.add.map((f) => ({ file: f, result: readResultFile(f) }));
    const store = HistoryStore.open(args.db);
    try {
      for (const { file, result } of results) {
        // A results file is accepted when it ran cleanly; its gate verdict, if any, is not known here.
        const accepted =
          !result.interrupted && !result.targets.some((t) => t.error) && !(result.thresholds ?? []).some((t) => !t.ok);
        const { added } = store.record(result, runLabel(args.label, undefined), {
          env: args.envLabel ?? (process.env.FXBENCH_ENV || undefined),
          accepted,
        });
        process.stderr.write(`${added ? 'recorded' : 'already recorded'}: ${file}\n`);
      }
    } finally {
      store.close();
    }
  }
  const scenario = args.scenario ?? latestScenario(args.db);
  const points = metricTrend(args.db, metric, { target: args.target, scenario, limit: args.last });
  if (scenario)
    process.stdout.write(
      `scenario ${scenario}${args.scenario ? '' : ' (of the latest run; --scenario NAME for another)'}\n`,
    );
  process.stdout.write(`${formatTrend(metric, points)}\n`);
  return ExitCode.ok;
}

/** `fxbench history` */
export const historyCli: CliCommand = {
  name: 'history',
  module: (exit) => ({
    command: 'history',
    describe: 'Show the trend of a metric over the runs recorded in the history store',
    builder: (y) =>
      y
        .option('db', { type: 'string', default: DEFAULT_HISTORY_DB, describe: 'History store (SQLite)' })
        .option('target', { alias: 't', type: 'string', describe: 'Only this target' })
        .option('scenario', {
          type: 'string',
          describe: 'Runs of this scenario (by name; default: the scenario of the latest run)',
        })
        .option('metric', {
          alias: 'm',
          type: 'string',
          default: 'latency.p99',
          describe: 'latency[.warm|.cold].pNN, init.pNN, cold.rate, errors.rate or cost.perMillion',
        })
        .option('last', { alias: 'n', type: 'number', default: 20, describe: 'How many of the latest runs' })
        .option('add', { type: 'string', array: true, describe: 'Record these results.json files first (repeatable)' })
        .option('label', {
          type: 'string',
          describe: 'Label for runs recorded with --add (default FXBENCH_LABEL or GITHUB_SHA; e.g. a commit)',
        })
        .option('env-label', {
          type: 'string',
          describe: 'Environment label for runs recorded with --add (default FXBENCH_ENV or "default")',
        })
        .example('$0 history --metric latency.warm.p99 --target local-hello', 'warm p99 of one target, last 20 runs')
        .epilogue(EPILOGUE),
    handler: async (args) => {
      exit(
        await historyCommand({
          db: args.db as string,
          target: args.target as string | undefined,
          scenario: args.scenario as string | undefined,
          metric: args.metric as string,
          last: args.last as number,
          add: args.add as string[] | undefined,
          label: args.label as string | undefined,
          envLabel: args['env-label'] as string | undefined,
        }),
      );
    },
  }),
};
