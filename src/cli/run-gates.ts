/**
 * What `fxbench run` does around a run for CI: `--baseline FILE` compares the
 * result with a baseline (checked before anything is sent), `--junit FILE` writes
 * JUnit XML (thresholds plus compared metrics), and every complete run (not
 * interrupted, not a `--shard` partial) is recorded in the history store. The exit code combines thresholds and
 * regressions: 1 when either failed. run.ts calls `checkRunGates` before the run
 * and `finishRunGates` after writing the reports.
 */
import path from 'node:path';
import type { Options } from 'yargs';
import { ExitCode, FxError, osReason } from '../model/errors.ts';
import { readResultFile } from '../metrics/compare-input.ts';
import { parseRules } from '../metrics/compare-metrics.ts';
import { compareResults, type CompareVerdict } from '../metrics/compare.ts';
import { compareAB } from '../metrics/compare-ab.ts';
import { defaultHistoryFile, HistoryStore } from '../history/store.ts';
import { runLabel } from '../history/label.ts';
import { lastRuns, type HistoryRun } from '../history/trend.ts';
import { renderJUnit } from '../report/junit.ts';
import { FileError, writeFileAtomic } from '../report/files.ts';
import type { WriteFailure } from '../report/write.ts';
import type { BaselineOutcome } from '../report/headline.ts';
import type { Result } from '../model/result.ts';
import {
  checkGateFlags,
  envLabelOf,
  FILE_BASELINE_NOTE,
  gateAgainstHistory,
  HISTORY_GATE_OPTIONS,
  historyGateFlags,
  publishVerdict,
  verdictExit,
  type GateFlags,
} from './compare.ts';
import { shownPath } from './run-outputs.ts';
import { formatVerdictMarkdown } from '../report/verdict.ts';

/** yargs options `run` adds for CI. */
export const RUN_GATE_OPTIONS: Record<string, Options> = {
  baseline: {
    type: 'string',
    describe:
      'After the run, judge it against "history" (the last accepted runs of this scenario and environment in the history store) or a results.json; exit 1 on a regression',
  },
  ...HISTORY_GATE_OPTIONS,
  'max-regression': {
    type: 'string',
    describe: "With --baseline: allowances, e.g. 'latency.p99=+10%,cold.rate=+0.05' (see fxbench compare --help)",
  },
  'min-requests': {
    type: 'number',
    describe: 'With --baseline: each target needs at least this many requests (default 1)',
  },
  junit: { type: 'string', describe: 'Write JUnit XML: one test case per threshold and per compared metric' },
  label: {
    type: 'string',
    describe:
      "Label of the run in the history store (default: FXBENCH_LABEL, GITHUB_SHA, or the git commit of the scenario's checkout)",
  },
  history: {
    type: 'string',
    describe:
      'Record the run in this history store (default: history.sqlite beside the default report folder; with --out, none unless given; --no-history to skip)',
  },
};

/** Parsed CI flags of `run`. */
export interface RunGateArgs extends GateFlags {
  /** A results file, or "history" for the history window. */
  baseline?: string;
  maxRegression?: string;
  minRequests?: number;
  junit?: string;
  /** A store file, or false for --no-history. */
  history?: string | false;
  /** The run's label in the history store (see history/label.ts for the default). */
  label?: string;
}

/** Picks the CI flags out of yargs' parsed arguments. */
export function runGateArgs(args: Record<string, unknown>): RunGateArgs {
  return {
    baseline: args.baseline as string | undefined,
    maxRegression: args['max-regression'] as string | undefined,
    minRequests: args['min-requests'] as number | undefined,
    junit: args.junit as string | undefined,
    history: args.history === false ? false : (args.history as string | undefined),
    label: args.label as string | undefined,
    ...historyGateFlags(args),
  };
}

/** `--baseline history`: the window of the history store, not a file. */
const isHistoryBaseline = (args: RunGateArgs) => args.baseline === 'history';

/** Where this run's history store is: --history FILE, else beside the report folder. */
function historyFileOf(args: RunGateArgs, outDir: string): string {
  return args.history ? path.resolve(args.history) : defaultHistoryFile(outDir);
}

/** The run recorded for each result (to mark it accepted or failed once the gate has spoken). */
const recorded = new WeakMap<Result, { file: string; runId: number }>();

/** Checks the CI flags and the baseline before anything is sent; throws FxError (exit 2). */
export function checkRunGates(args: RunGateArgs, targets: string[]): void {
  checkGateFlags(args);
  const windowFlag = (
    [
      ['--window', args.window],
      ['--min-runs', args.minRuns],
      ['--strict', args.strict],
    ] as const
  ).find(([, v]) => v !== undefined)?.[0];
  if (!args.baseline) {
    if (args.maxRegression !== undefined || args.minRequests !== undefined || windowFlag)
      throw FxError.invalid([
        {
          field:
            args.maxRegression !== undefined
              ? '--max-regression'
              : args.minRequests !== undefined
                ? '--min-requests'
                : windowFlag!,
          message: 'applies to a comparison: add --baseline history (or --baseline FILE)',
        },
      ]);
    return;
  }
  if (isHistoryBaseline(args)) {
    if (args.history === false)
      throw FxError.invalid([
        { field: '--baseline', message: '--baseline history reads the history store: drop --no-history' },
      ]);
    return;
  }
  if (windowFlag)
    throw FxError.invalid([
      { field: windowFlag, message: 'applies to the history window: use --baseline history, not a baseline file' },
    ]);
  const baseline = readResultFile(args.baseline);
  const names = baseline.targets.map((t) => t.name);
  const missing = targets.filter((t) => !names.includes(t));
  if (missing.length)
    throw FxError.invalid(
      missing.map((t) => ({
        file: args.baseline,
        field: 'targets',
        message: `target ${JSON.stringify(t)} is not in the baseline (it has: ${names.join(', ') || 'none'}); refresh the baseline or pick targets with --target`,
      })),
    );
}

/**
 * Records the run in the history store (unless --no-history, interrupted, or a
 * --shard partial) and returns the scenario's last runs, this one included, for
 * the report's trend chart. A locked or unreadable store never fails the run.
 */
export function recordHistory(
  args: RunGateArgs,
  result: Result,
  outDir: string,
  log: (line: string) => void,
): HistoryRun[] {
  // A shard's partial result would skew the trend: record the merged one (`fxbench history --add`).
  if (args.history !== false && !result.interrupted && !result.shard) {
    const file = historyFileOf(args, outDir);
    try {
      const store = HistoryStore.open(file);
      try {
        // Accepted for now when it ran cleanly; finishRunGates marks it failed if the gate finds a regression.
        const accepted = !result.targets.some((t) => t.error) && !(result.thresholds ?? []).some((t) => !t.ok);
        const { runId } = store.record(result, runLabel(args.label, result.scenario?.file), {
          env: envLabelOf(args),
          accepted,
        });
        recorded.set(result, { file, runId });
      } finally {
        store.close();
      }
      log(`recorded in ${shownPath(file)}`);
      return lastRuns(file, { scenario: result.scenario.name, limit: 20 });
    } catch (err) {
      // History is a convenience: a locked or unreadable store never fails the run.
      // Shown even with --quiet.
      process.stderr.write(`fxbench: warning: could not record the run in ${file}: ${(err as Error).message}\n`);
    }
  }
  return [];
}

/**
 * The baseline verdict of a finished run (`--baseline FILE`, `--baseline history`,
 * or an A/B scenario's paired blocks), judged before the reports are written so
 * their headline carries it; undefined when the run has no baseline.
 */
export function judgeRunGates(args: RunGateArgs, result: Result, outDir: string): CompareVerdict | undefined {
  let verdict: CompareVerdict | undefined;
  const rec = recorded.get(result);
  if (isHistoryBaseline(args)) {
    const file = historyFileOf(args, outDir);
    verdict = gateAgainstHistory(file, result, {
      ...args,
      excludeRunId: rec?.runId,
      shownFile: shownPath(file),
      currentFile: shownPath(path.join(outDir, 'results.json')),
    });
  } else if (!args.baseline && result.ab) {
    verdict = compareAB(result, parseRules(args.maxRegression).rules);
  } else if (args.baseline) {
    const baseline = readResultFile(args.baseline);
    const ran = new Set(result.targets.map((t) => t.name));
    // Targets this run did not select (--target) are not compared.
    baseline.targets = baseline.targets.filter((t) => ran.has(t.name));
    verdict = compareResults(baseline, result, {
      rules: parseRules(args.maxRegression).rules,
      minRequests: args.minRequests,
      baselineFile: args.baseline,
      currentFile: shownPath(path.join(outDir, 'results.json')),
    });
    verdict.mode = 'file';
    verdict.notes.push(FILE_BASELINE_NOTE);
  }
  return verdict;
}

/** What the report headline says of a verdict. */
export function baselineOutcome(verdict: CompareVerdict | undefined): BaselineOutcome | undefined {
  if (!verdict) return undefined;
  return {
    ok: verdict.ok,
    regressions: verdict.regressions,
    ...(verdict.baseline.file ? { file: verdict.baseline.file } : {}),
    ...(verdict.advisory ? { advisory: verdict.advisory } : {}),
  };
}

/**
 * After the run: compares with the baseline (printing the
 * verdict, writing compare.md and compare.json beside the results, appending to
 * GITHUB_STEP_SUMMARY), writes JUnit. Resolves to 1 when a threshold failed or a
 * metric regressed, else 0.
 */
export async function finishRunGates(
  args: RunGateArgs,
  result: Result,
  outDir: string,
  log: (line: string) => void,
  failures: WriteFailure[] = [],
  /** The verdict judgeRunGates already made (null: no baseline); judged here when absent. */
  judged?: CompareVerdict | null,
): Promise<number> {
  // A file that cannot be written is listed in `failures` (exit 3 in run.ts); the others are still written.
  const put = (file: string, text: string): boolean => {
    try {
      writeFileAtomic(file, text);
      return true;
    } catch (err) {
      if (!(err instanceof FileError)) throw err;
      failures.push({ file, reason: err.reason });
      return false;
    }
  };
  let regressed = false;
  let gateExit: number = ExitCode.ok;
  const rec = recorded.get(result);
  const verdict = judged === undefined ? judgeRunGates(args, result, outDir) : (judged ?? undefined);
  if (verdict) {
    process.stdout.write('\n');
    let markdown = '';
    try {
      markdown = publishVerdict(verdict);
    } catch (err) {
      if (!(err instanceof FxError)) throw err;
      const reason = err.cause ? osReason(err.cause) : err.message;
      failures.push({ file: process.env.GITHUB_STEP_SUMMARY ?? 'GITHUB_STEP_SUMMARY', reason });
      markdown = formatVerdictMarkdown(verdict);
    }
    put(path.join(outDir, 'compare.md'), markdown);
    put(path.join(outDir, 'compare.json'), `${JSON.stringify(verdict, null, 2)}\n`);
    regressed = !verdict.ok;
    gateExit = verdictExit(verdict, args.strict);
    if (verdict.advisory && args.strict)
      process.stdout.write('compare: --strict: a window this short fails the gate\n');
    // A run the gate found worse never enters a later baseline window (an advisory
    // verdict cannot fail a run, so it does not keep it out either).
    if (regressed && !verdict.advisory && rec) {
      try {
        const store = HistoryStore.open(rec.file);
        try {
          store.setAccepted(rec.runId, false);
        } finally {
          store.close();
        }
      } catch (err) {
        process.stderr.write(
          `fxbench: warning: could not mark the run failed in ${rec.file}: ${(err as Error).message}\n`,
        );
      }
    }
  }
  const thresholds = result.thresholds ?? [];
  if (args.junit) {
    if (put(args.junit, renderJUnit({ thresholds, verdict }))) log(`wrote ${args.junit}`);
  }
  return gateExit !== ExitCode.ok || thresholds.some((t) => !t.ok) ? ExitCode.thresholds : ExitCode.ok;
}
