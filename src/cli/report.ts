/**
 * `fxbench report <results.json…> [--out dir]`: rebuild every output
 * (index.html, summary.csv, percentiles.csv, summary.md) from results files,
 * so reports can be restyled later; with several files, their targets side by
 * side, labelled by run. A missing file, invalid JSON or an unknown schema
 * version exits 2 naming the file (and field).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultHistoryFile } from '../history/store.ts';
import { lastRuns, type HistoryRun } from '../history/trend.ts';
import type { Result } from '../model/result.ts';
import type { CliCommand } from './command.ts';
import { EPILOGUE } from './epilogue.ts';
import { ExitCode, FxError, type Issue } from '../model/errors.ts';
import { readResultFile } from '../metrics/compare-input.ts';
import { combineResults, type LabelledRun } from '../report/combine.ts';
import { formatSummary } from '../report/text.ts';
import { formatPlan } from '../capacity/format.ts';
import { planCapacity } from '../capacity/capacity.ts';
import type { CapacityPlan, PlanOptions } from '../capacity/types.ts';
import { planOptionsIfAsked } from './plan.ts';
import { PLAN_OPTIONS } from './plan-options.ts';
import { defaultReportDir, writeReportsSync } from '../report/write.ts';
import { checkOutputDir, checkOutputFile, shownPath } from './run-outputs.ts';

/** Parsed flags of `report`. */
export interface ReportArgs {
  results: string[];
  out?: string;
  quiet?: boolean;
  /** Capacity-plan flags (--rps …): add a capacity plan to the report. */
  planOptions?: PlanOptions;
}

/** `fxbench report` */
export const reportCli: CliCommand = {
  name: 'report',
  module: (exit) => ({
    command: 'report <results..>',
    describe: 'Rebuild the reports (HTML, CSV, Markdown) from results.json; several files side by side',
    builder: (y) =>
      y
        .positional('results', {
          type: 'string',
          array: true,
          describe: 'results.json files written by fxbench run',
          demandOption: true,
        })
        .option('out', {
          alias: 'o',
          type: 'string',
          describe:
            "Output folder (default: the results file's folder; with several files reports/<timestamp>-side-by-side)",
        })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only the summary table' })
        .options(PLAN_OPTIONS)
        .example('$0 report reports/20260301-100000-burst/results.json', "rebuild that run's reports in place")
        .example('$0 report before/results.json after/results.json --out /tmp/side', 'two runs side by side')
        .epilogue(EPILOGUE),
    handler: async (args) => {
      exit(
        await reportCommand({
          results: args.results as string[],
          out: args.out as string | undefined,
          quiet: args.quiet as boolean | undefined,
          planOptions: planOptionsIfAsked(args),
        }),
      );
    },
  }),
};

/**
 * The scenario's runs up to and including this one from the history store beside
 * the run's folder (where `fxbench run` records them), for the trend chart; none
 * when there is no store.
 */
function historyUpTo(result: Result, runDir: string): HistoryRun[] {
  const file = defaultHistoryFile(runDir);
  if (!existsSync(file)) return [];
  try {
    return lastRuns(file, { scenario: result.scenario.name, limit: 1000 })
      .filter((r) => r.startedAt <= result.startedAt)
      .slice(-20);
  } catch {
    return [];
  }
}

/** plan.json beside a run's results, when `fxbench run --rps …` wrote one. */
function savedPlan(runDir: string): CapacityPlan | undefined {
  const file = path.join(runDir, 'plan.json');
  if (!existsSync(file)) return undefined;
  try {
    const plan = JSON.parse(readFileSync(file, 'utf8')) as CapacityPlan;
    return plan.planVersion === 1 && Array.isArray(plan.targets) ? plan : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `fxbench report`; resolves to the exit code. */
export async function reportCommand(args: ReportArgs): Promise<number> {
  // yargs reports a missing positional itself, but still calls the handler.
  if (!args.results?.length)
    throw FxError.invalid([
      { field: 'results', message: 'name at least one results.json, e.g. fxbench report reports/<run>/results.json' },
    ]);
  const runs: LabelledRun[] = [];
  const issues: Issue[] = [];
  for (const file of args.results) {
    try {
      runs.push({ file, result: readResultFile(file) });
    } catch (err) {
      if (!(err instanceof FxError)) throw err;
      issues.push(...(err.issues.length ? err.issues : [{ file, message: err.message }]));
    }
  }
  if (issues.length) throw FxError.invalid(issues);
  const result = combineResults(runs);
  const single = runs.length === 1 ? path.resolve(runs[0]!.file) : null;
  const outDir = args.out
    ? path.resolve(args.out)
    : single
      ? path.dirname(single)
      : path.resolve(defaultReportDir('reports', 'side-by-side'));
  checkOutputDir(args.out !== undefined ? '--out' : 'report folder', outDir);
  if (process.env.GITHUB_STEP_SUMMARY) checkOutputFile('GITHUB_STEP_SUMMARY', process.env.GITHUB_STEP_SUMMARY);
  // Rebuilding in place: the results file is the source, leave it as it is.
  const inPlace = single !== null && single === path.join(outDir, 'results.json');
  // A plan written by `run --rps …` (plan.json beside the results) stays in the rebuilt report.
  const capacity = args.planOptions
    ? planCapacity(result, args.planOptions)
    : single
      ? savedPlan(path.dirname(single))
      : undefined;
  const written = writeReportsSync(result, outDir, {
    results: !inPlace,
    plan: capacity,
    history: single ? historyUpTo(result, path.dirname(single)) : undefined,
  });
  process.stdout.write(`${formatSummary(result)}\n`);
  if (capacity) process.stdout.write(`\n${formatPlan(capacity)}\n`);
  const rel = shownPath;
  if (!args.quiet) {
    const files = [
      ...(inPlace ? [] : [written.results]),
      written.html,
      written.summaryCsv,
      written.percentilesCsv,
      written.markdown,
    ].filter((f) => !written.failures.some((x) => x.file === f));
    if (files.length) process.stderr.write(`\nwrote ${files.map(rel).join(', ')}\n`);
    if (written.stepSummary) process.stderr.write(`appended summary.md to ${written.stepSummary}\n`);
  }
  for (const f of written.failures) process.stderr.write(`fxbench: cannot write ${rel(f.file)}: ${f.reason}\n`);
  return written.failures.length ? ExitCode.runFailed : ExitCode.ok;
}
