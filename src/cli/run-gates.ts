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
import { compareResults } from '../metrics/compare.ts';
import { defaultHistoryFile, HistoryStore } from '../history/store.ts';
import { lastRuns, type HistoryRun } from '../history/trend.ts';
import { renderJUnit } from '../report/junit.ts';
import { FileError, writeFileAtomic } from '../report/files.ts';
import type { WriteFailure } from '../report/write.ts';
import type { Result } from '../model/result.ts';
import { checkGateFlags, publishVerdict } from './compare.ts';
import { shownPath } from './run-outputs.ts';
import { formatVerdictMarkdown } from '../report/verdict.ts';

/** yargs options `run` adds for CI. */
export const RUN_GATE_OPTIONS: Record<string, Options> = {
  baseline: { type: 'string', describe: 'Compare with this results.json after the run; exit 1 on a regression' },
  'max-regression': {
    type: 'string',
    describe: "With --baseline: allowances, e.g. 'latency.p99=+10%,cold.rate=+0.05' (see fxbench compare --help)",
  },
  'min-requests': {
    type: 'number',
    describe: 'With --baseline: each target needs at least this many requests (default 1)',
  },
  junit: { type: 'string', describe: 'Write JUnit XML: one test case per threshold and per compared metric' },
  history: {
    type: 'string',
    describe:
      'Record the run in this history store (default: history.sqlite beside the default report folder; with --out, none unless given; --no-history to skip)',
  },
};

/** Parsed CI flags of `run`. */
export interface RunGateArgs {
  baseline?: string;
  maxRegression?: string;
  minRequests?: number;
  junit?: string;
  /** A store file, or false for --no-history. */
  history?: string | false;
}

/** Picks the CI flags out of yargs' parsed arguments. */
export function runGateArgs(args: Record<string, unknown>): RunGateArgs {
  return {
    baseline: args.baseline as string | undefined,
    maxRegression: args['max-regression'] as string | undefined,
    minRequests: args['min-requests'] as number | undefined,
    junit: args.junit as string | undefined,
    history: args.history === false ? false : (args.history as string | undefined),
  };
}

/** Checks the CI flags and the baseline before anything is sent; throws FxError (exit 2). */
export function checkRunGates(args: RunGateArgs, targets: string[]): void {
  checkGateFlags(args);
  if (!args.baseline) {
    if (args.maxRegression !== undefined || args.minRequests !== undefined)
      throw FxError.invalid([
        {
          field: args.maxRegression !== undefined ? '--max-regression' : '--min-requests',
          message: 'applies to a comparison: add --baseline FILE',
        },
      ]);
    return;
  }
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
    const file = args.history ? path.resolve(args.history) : defaultHistoryFile(outDir);
    try {
      const store = HistoryStore.open(file);
      try {
        store.record(result, process.env.FXBENCH_LABEL ?? process.env.GITHUB_SHA?.slice(0, 12));
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
  let verdict: ReturnType<typeof compareResults> | undefined;
  if (args.baseline) {
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
  }
  const thresholds = result.thresholds ?? [];
  if (args.junit) {
    if (put(args.junit, renderJUnit({ thresholds, verdict }))) log(`wrote ${args.junit}`);
  }
  return regressed || thresholds.some((t) => !t.ok) ? ExitCode.thresholds : ExitCode.ok;
}
