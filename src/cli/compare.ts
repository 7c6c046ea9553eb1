/**
 * `fxbench compare <baseline.json> <current.json>`: compares two results files
 * target by target and prints one table per target (metric, baseline, current,
 * change, allowed, verdict). Exit 1 on any credible regression beyond its
 * allowance, 0 otherwise, 2 on input that cannot be compared (missing file,
 * invalid JSON, unreadable schema version, targets that do not match).
 * `--junit FILE` writes JUnit XML (the current run's thresholds plus every
 * compared metric); the Markdown verdict is appended to GITHUB_STEP_SUMMARY when
 * it is set. `fxbench run --baseline` uses the same gate (`gateAgainstBaseline`).
 */
import type { CliCommand } from './command.ts';
import { EPILOGUE } from './epilogue.ts';
import { ExitCode, FxError } from '../model/errors.ts';
import { readResultFile } from '../metrics/compare-input.ts';
import { DEFAULT_ALLOWANCES, parseRules } from '../metrics/compare-metrics.ts';
import { compareResults, type CompareVerdict } from '../metrics/compare.ts';
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
}

/** Checks the gate flags before anything runs; throws FxError (exit 2) on a bad one. */
export function checkGateFlags(flags: GateFlags): void {
  const { issues } = parseRules(flags.maxRegression);
  if (flags.minRequests !== undefined && (!Number.isInteger(flags.minRequests) || flags.minRequests < 0))
    issues.push({ field: '--min-requests', message: `expected an integer >= 0, got ${flags.minRequests}` });
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
  return compareResults(baseline, current, {
    rules: parseRules(flags.maxRegression).rules,
    minRequests: flags.minRequests,
    baselineFile,
    currentFile: flags.currentFile,
  });
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
  baseline: string;
  current: string;
  junit?: string;
}

/** Runs `fxbench compare`; resolves to the exit code. */
export async function compareCommand(args: CompareArgs): Promise<number> {
  checkGateFlags(args);
  if (args.junit) checkOutputFile('--junit', args.junit);
  if (process.env.GITHUB_STEP_SUMMARY) checkOutputFile('GITHUB_STEP_SUMMARY', process.env.GITHUB_STEP_SUMMARY);
  const current = readResultFile(args.current);
  const verdict = gateAgainstBaseline(args.baseline, current, { ...args, currentFile: args.current });
  publishVerdict(verdict);
  if (args.junit) writeJUnit(args.junit, { thresholds: current.thresholds ?? [], verdict });
  return verdict.ok ? ExitCode.ok : ExitCode.thresholds;
}

/** `fxbench compare <baseline> <current>` */
export const compareCli: CliCommand = {
  name: 'compare',
  module: (exit) => ({
    command: 'compare <baseline> <current>',
    describe: 'Compare a results.json against a baseline; exit 1 on a regression',
    builder: (y) =>
      y
        .positional('baseline', { type: 'string', describe: 'Baseline results.json', demandOption: true })
        .positional('current', { type: 'string', describe: 'Current results.json', demandOption: true })
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
          "$0 compare a.json b.json --max-regression 'latency.p99=+20%,cost.perMillion=off'",
          'looser p99, ignore cost',
        )
        .epilogue(
          `${EPILOGUE}\nA change beyond its allowance is a regression only when it is statistically credible given the sample counts (see docs/ci.md).`,
        ),
    handler: async (args) => {
      exit(
        await compareCommand({
          baseline: args.baseline as string,
          current: args.current as string,
          maxRegression: args['max-regression'] as string | undefined,
          minRequests: args['min-requests'] as number | undefined,
          junit: args.junit as string | undefined,
        }),
      );
    },
  }),
};
