/**
 * `fxbench compare <baseline.json> <current.json>`: compares two results files
 * target by target and prints one table per target (metric, baseline, current,
 * change, allowed, verdict). Exit 1 on any credible regression beyond its
 * allowance, 0 otherwise, 2 on input that cannot be compared (missing file,
 * invalid JSON, unreadable schema version, targets that do not match).
 * `--junit FILE` writes JUnit XML (the current run's thresholds plus every
 * compared metric); the Markdown verdict is appended to GITHUB_STEP_SUMMARY when
 * it is set. `fxbench run --baseline` uses the same gate (`gateAgainstBaseline`).
 *
 * `fxbench compare --history STORE <current.json>` judges the run against the
 * last N accepted runs of its scenario and environment in the history store
 * (`gateAgainstHistory`): each metric against the band of their per-run values
 * (metrics/compare-history.ts), so run-to-run noise is measured, not assumed.
 * A single baseline file cannot see that noise, and its verdict says so.
 */
import { existsSync } from 'node:fs';
import type { CliCommand } from './command.ts';
import { EPILOGUE } from './epilogue.ts';
import { ExitCode, FxError } from '../model/errors.ts';
import { readResultFile } from '../metrics/compare-input.ts';
import { DEFAULT_ALLOWANCES, parseRules } from '../metrics/compare-metrics.ts';
import { compareResults, type CompareVerdict } from '../metrics/compare.ts';
import { compareWithWindow, DEFAULT_MIN_RUNS, DEFAULT_WINDOW } from '../metrics/compare-history.ts';
import { compareAB } from '../metrics/compare-ab.ts';
import { baselineWindow } from '../history/window.ts';
import { DEFAULT_ENV_LABEL } from '../history/store.ts';
import { writeJUnit } from '../report/junit.ts';
import type { Result } from '../model/result.ts';
import { appendStepSummary, formatVerdictMarkdown, formatVerdictText } from '../report/verdict.ts';
import { checkOutputFile } from './run-outputs.ts';

/** Flags shared by `compare` and `run --baseline`. */
export interface GateFlags {
  /** `'latency.p99=+10%,cold.rate=+0.05'`: overrides and additions to DEFAULT_ALLOWANCES. */
  maxRegression?: string;
  /** Each target needs at least this many requests on both sides (default 1). */
  minRequests?: number;
  /** History gate: accepted runs in the window (default 10). */
  window?: number;
  /** History gate: runs needed before the gate can fail (default 5). */
  minRuns?: number;
  /** History gate: the environment label runs must share (default FXBENCH_ENV or "default"). */
  envLabel?: string;
  /** History gate: fail (exit 1) when the window is too short instead of an advisory verdict. */
  strict?: boolean;
}

/** The note a single-file baseline carries. */
export const FILE_BASELINE_NOTE =
  'one baseline file shows the sampling noise inside each run, not the noise between runs (another tenant, a slower host): gate nightly runs against a history window (--baseline history) or an A/B run';

/** The environment label: the flag, else FXBENCH_ENV, else "default". */
export function envLabelOf(flags: GateFlags): string {
  return flags.envLabel ?? (process.env.FXBENCH_ENV || DEFAULT_ENV_LABEL);
}

/** Checks the gate flags before anything runs; throws FxError (exit 2) on a bad one. */
export function checkGateFlags(flags: GateFlags): void {
  const { issues } = parseRules(flags.maxRegression);
  if (flags.minRequests !== undefined && (!Number.isInteger(flags.minRequests) || flags.minRequests < 0))
    issues.push({ field: '--min-requests', message: `expected an integer >= 0, got ${flags.minRequests}` });
  if (flags.window !== undefined && (!Number.isInteger(flags.window) || flags.window < 2))
    issues.push({ field: '--window', message: `expected an integer >= 2, got ${flags.window}` });
  if (flags.minRuns !== undefined && (!Number.isInteger(flags.minRuns) || flags.minRuns < 2))
    issues.push({ field: '--min-runs', message: `expected an integer >= 2, got ${flags.minRuns}` });
  if (flags.envLabel !== undefined && !/^[\w.:/@+-]{1,100}$/.test(flags.envLabel))
    issues.push({
      field: '--env-label',
      message: `expected a short label (letters, digits, . _ : / @ + -), got ${JSON.stringify(flags.envLabel)}`,
    });
  if (issues.length) throw FxError.invalid(issues);
}

/** Compares `current` with the baseline file; throws FxError (exit 2) when they cannot be compared. */
export function gateAgainstBaseline(
  baselineFile: string,
  current: Result,
  flags: GateFlags & { currentFile?: string },
): CompareVerdict {
  checkGateFlags(flags);
  const baseline = readResultFile(baselineFile);
  const v = compareResults(baseline, current, {
    rules: parseRules(flags.maxRegression).rules,
    minRequests: flags.minRequests,
    baselineFile,
    currentFile: flags.currentFile,
  });
  v.mode = 'file';
  v.notes.push(FILE_BASELINE_NOTE);
  return v;
}

/**
 * Judges `current` against the window of accepted runs in the history store
 * `file` (same scenario and environment label, started before it; `excludeRunId`
 * leaves out the current run once recorded).
 */
export function gateAgainstHistory(
  file: string,
  current: Result,
  flags: GateFlags & { currentFile?: string; excludeRunId?: number; shownFile?: string },
): CompareVerdict {
  checkGateFlags(flags);
  const env = envLabelOf(flags);
  const scenario = current.scenario?.name ?? '';
  const window = baselineWindow(file, {
    scenario,
    env,
    targets: current.targets.map((t) => t.name),
    size: flags.window ?? DEFAULT_WINDOW,
    before: current.startedAt,
    excludeRunId: flags.excludeRunId,
  });
  return compareWithWindow(window, current, {
    rules: parseRules(flags.maxRegression).rules,
    minRuns: flags.minRuns ?? DEFAULT_MIN_RUNS,
    source: { file: flags.shownFile ?? file, scenario, env },
    currentFile: flags.currentFile,
  });
}

/** The exit code of a verdict: an advisory one passes unless --strict, where a too-short window fails. */
export function verdictExit(v: CompareVerdict, strict = false): number {
  if (v.advisory) return strict ? ExitCode.thresholds : ExitCode.ok;
  return v.ok ? ExitCode.ok : ExitCode.thresholds;
}

/** Prints a verdict, appends its Markdown to GITHUB_STEP_SUMMARY (when set); returns the Markdown. */
export function publishVerdict(v: CompareVerdict, write: (s: string) => void = (s) => process.stdout.write(s)): string {
  write(`${formatVerdictText(v)}\n`);
  const markdown = formatVerdictMarkdown(v);
  appendStepSummary(markdown);
  return markdown;
}

/** Parsed flags of `compare`. */
export interface CompareArgs extends GateFlags {
  /** The baseline file; absent with --history. */
  baseline?: string;
  current: string;
  /** Judge against this history store's window instead of a baseline file. */
  history?: string;
  junit?: string;
}

/** Runs `fxbench compare`; resolves to the exit code. */
export async function compareCommand(args: CompareArgs): Promise<number> {
  checkGateFlags(args);
  if (args.junit) checkOutputFile('--junit', args.junit);
  if (process.env.GITHUB_STEP_SUMMARY) checkOutputFile('GITHUB_STEP_SUMMARY', process.env.GITHUB_STEP_SUMMARY);
  if (args.history && !existsSync(args.history))
    throw FxError.invalid([
      { file: args.history, field: '--history', message: 'history store not found (every fxbench run records one)' },
    ]);
  const current = readResultFile(args.current);
  if (!args.history && !args.baseline && !current.ab)
    throw FxError.invalid([
      {
        file: args.current,
        field: 'baseline',
        message:
          'not an A/B run: give <baseline> <current> results files, --history STORE <current>, or one A/B results.json',
      },
    ]);
  const verdict = args.history
    ? gateAgainstHistory(args.history, current, { ...args, currentFile: args.current })
    : args.baseline
      ? gateAgainstBaseline(args.baseline, current, { ...args, currentFile: args.current })
      : compareAB(current, parseRules(args.maxRegression).rules);
  publishVerdict(verdict);
  if (verdict.advisory && args.strict) process.stdout.write('compare: --strict: a window this short fails the gate\n');
  if (args.junit) writeJUnit(args.junit, { thresholds: current.thresholds ?? [], verdict });
  return verdictExit(verdict, args.strict);
}

/** Reads `compare`'s positionals: `<baseline> <current>`, or `<current>` alone with --history. */
export function comparePositionals(
  a: string | undefined,
  b: string | undefined,
  history: string | undefined,
): { baseline?: string; current: string } {
  if (history) {
    if (b !== undefined)
      throw FxError.invalid([
        { field: '--history', message: 'with --history give only the current results.json, not a baseline file' },
      ]);
    if (a === undefined) throw FxError.invalid([{ field: 'current', message: 'expected the current results.json' }]);
    return { current: a };
  }
  if (a === undefined)
    throw FxError.invalid([
      {
        field: 'baseline',
        message: 'expected <baseline> <current> results files, --history STORE <current>, or one A/B results.json',
      },
    ]);
  // One file: an A/B run, judged from its own paired blocks.
  if (b === undefined) return { current: a };
  return { baseline: a, current: b };
}

/** yargs options of the history gate, shared by `compare` and `run`. */
export const HISTORY_GATE_OPTIONS = {
  window: {
    type: 'number',
    describe: `History gate: how many accepted runs form the baseline window (default ${DEFAULT_WINDOW})`,
  },
  'min-runs': {
    type: 'number',
    describe: `History gate: runs needed before the gate can fail; fewer give an advisory verdict (default ${DEFAULT_MIN_RUNS})`,
  },
  'env-label': {
    type: 'string',
    describe: 'History gate: only runs recorded with this environment label (default FXBENCH_ENV or "default")',
  },
  strict: { type: 'boolean', describe: 'History gate: a window shorter than --min-runs fails (exit 1)' },
} as const;

/** Picks the history-gate flags out of yargs' parsed arguments. */
export function historyGateFlags(args: Record<string, unknown>): GateFlags {
  return {
    window: args.window as number | undefined,
    minRuns: args['min-runs'] as number | undefined,
    envLabel: args['env-label'] as string | undefined,
    strict: args.strict as boolean | undefined,
  };
}

/** `fxbench compare <baseline> <current>` */
export const compareCli: CliCommand = {
  name: 'compare',
  module: (exit) => ({
    command: 'compare [baseline] [current]',
    describe: 'Compare a results.json against a baseline file or a window of runs; exit 1 on a regression',
    builder: (y) =>
      y
        .positional('baseline', { type: 'string', describe: 'Baseline results.json (omit with --history)' })
        .positional('current', { type: 'string', describe: 'Current results.json' })
        .option('history', {
          type: 'string',
          describe:
            'Judge against the last accepted runs of the same scenario and environment in this history store (e.g. reports/history.sqlite)',
        })
        .options(HISTORY_GATE_OPTIONS)
        .option('max-regression', {
          type: 'string',
          describe: `Allowances, e.g. 'latency.p99=+10%,cold.rate=+0.05,cost.perMillion=+5%' (defaults: ${Object.entries(
            DEFAULT_ALLOWANCES,
          )
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}; "off" drops one)`,
        })
        .option('min-requests', {
          type: 'number',
          describe: 'Each target needs at least this many requests on both sides (default 1)',
        })
        .option('junit', {
          type: 'string',
          describe: 'Also write JUnit XML (one test case per threshold and per compared metric) to this file',
        })
        .example('$0 compare baseline/results.json reports/nightly/results.json', 'default allowances')
        .example(
          '$0 compare --history reports/history.sqlite reports/nightly/results.json',
          'against the last 10 good runs',
        )
        .example('$0 compare reports/pr-gate/results.json', 'an A/B run: candidate against baseline, paired blocks')
        .example(
          "$0 compare a.json b.json --max-regression 'latency.p99=+20%,cost.perMillion=off'",
          'looser p99, ignore cost',
        )
        .epilogue(
          `${EPILOGUE}\nA change beyond its allowance is a regression only when it is statistically credible given the sample counts (see docs/ci.md).`,
        ),
    handler: async (args) => {
      const pos = comparePositionals(
        args.baseline as string | undefined,
        args.current as string | undefined,
        args.history as string | undefined,
      );
      exit(
        await compareCommand({
          ...historyGateFlags(args),
          ...pos,
          history: args.history as string | undefined,
          maxRegression: args['max-regression'] as string | undefined,
          minRequests: args['min-requests'] as number | undefined,
          junit: args.junit as string | undefined,
        }),
      );
    },
  }),
};
