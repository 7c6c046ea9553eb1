/**
 * What `fxbench run <scenario>` does once its flags are parsed: load and check
 * the scenario (exit 2 on bad input, nothing sent), run it, write results.json
 * and index.html, print the summary. First Ctrl-C: stop sending, let in-flight
 * invocations finish (5 s at most), write the partial result, exit 130. Second
 * Ctrl-C: kill instances, write what was recorded so far, exit 130
 * (run-interrupt.ts). run.ts (the flags and help) imports this only when a run
 * starts: the drivers, the engine and the reports are most of a start's CPU.
 */
import path from 'node:path';
import { ExitCode, FxError } from '../model/errors.ts';
import { writeReportsSync, defaultReportDir, type WriteFailure } from '../report/write.ts';
import { formatSummary } from '../report/text.ts';
import { formatRamps } from '../report/ramp-text.ts';
import { formatThresholds } from '../report/thresholds-table.ts';
import { loadScenario } from '../scenarios/load.ts';
import { checkCapabilities } from '../scenarios/capabilities.ts';
import { capabilitiesOf } from '../drivers/registry.ts';
import { PHASES } from '../scenarios/phases/index.ts';
import { localThrottleNotes } from '../scenarios/local-notes.ts';
import type { RunEvent } from '../scenarios/runner.ts';
import { createProgress } from './progress.ts';
import { planOptionsIfAsked } from './plan.ts';
import { formatPlan } from '../capacity/format.ts';
import { planCapacity } from '../capacity/capacity.ts';
import type { PlanOptions } from '../capacity/types.ts';
import { checkRunOutputs, historyFile, shownPath } from './run-outputs.ts';
import { handleInterrupts, type PartialSource } from './run-interrupt.ts';
import { checkScale, runScaled, scaleArgs, type ScaleArgs } from './run-scale.ts';
import {
  baselineOutcome,
  checkRunGates,
  finishRunGates,
  judgeRunGates,
  recordHistory,
  runGateArgs,
  type RunGateArgs,
} from './run-gates.ts';
import type { CompareVerdict } from '../metrics/compare.ts';
import { formatFleet } from '../report/fleet.ts';

/** Parsed flags of `run`. */
export interface RunArgs extends RunGateArgs, ScaleArgs {
  scenario: string;
  out?: string;
  targets?: string[];
  config?: string;
  samples?: string;
  quiet?: boolean;
  /** Capacity-plan flags (--rps …): plan from this run, print it, add it to the report. */
  planOptions?: PlanOptions;
}

/** `run`'s parsed yargs arguments as RunArgs, run; resolves to the exit code. */
export function runFromArgs(args: Record<string, unknown>): Promise<number> {
  return runCommand({
    scenario: args.scenario as string,
    out: args.out as string | undefined,
    targets: args.target as string[] | undefined,
    config: args.config as string | undefined,
    samples: args.samples as string | undefined,
    quiet: args.quiet as boolean | undefined,
    ...runGateArgs(args),
    ...scaleArgs(args),
    planOptions: planOptionsIfAsked(args),
  });
}

/** Runs `fxbench run`; resolves to the exit code. */
export async function runCommand(args: RunArgs): Promise<number> {
  const plan = await loadScenario(args.scenario, { configFile: args.config });
  if (args.targets?.length) {
    const known = new Set(plan.targets.map((t) => t.name));
    const unknown = args.targets.filter((t) => !known.has(t));
    if (unknown.length)
      throw FxError.invalid(
        unknown.map((t) => ({
          field: '--target',
          message: `unknown target ${JSON.stringify(t)}; ${args.scenario} has: ${[...known].join(', ')}`,
        })),
      );
    plan.targets = plan.targets.filter((t) => args.targets!.includes(t.name));
  }
  // Phases against what each target's driver can do (a forced cold start, a memory change): exit 2 now, not midway.
  checkCapabilities(plan);
  const outDir = args.out ? path.resolve(args.out) : defaultReportDir(plan.outRoot, plan.name);
  // With --out the run records itself nowhere unless told (run-outputs.ts): the history gate must be told where too.
  if (args.baseline === 'history' && args.out !== undefined && args.history === undefined)
    throw FxError.invalid([
      {
        field: '--baseline history',
        message: 'with --out, name the history store to judge against: --history FILE (e.g. reports/history.sqlite)',
      },
    ]);
  checkRunGates(
    args,
    plan.targets.map((t) => t.name),
  );
  checkScale(args);
  checkRunOutputs(args, outDir);
  const progress = createProgress({ stream: process.stderr, quiet: args.quiet });
  const log = (line: string) => progress.line(line);

  log(`fxbench: ${plan.name} (${plan.file}), ${plan.configFile ? `config ${plan.configFile}` : 'no config file'}`);
  for (const t of plan.targets)
    log(
      `  target ${t.name}: ${t.provider}${t.function ? ` function ${t.function}` : ''}${capabilitiesOf(t).forceCold ? '' : ' (cold starts cannot be forced here: only an idle gap makes one)'}`,
    );
  for (const p of plan.phases) log(`  phase ${PHASES[p.kind]!.describe(p.settings)}`);
  for (const note of localThrottleNotes(plan)) log(`  note: ${note}`);

  const ac = new AbortController();
  let partial: PartialSource | undefined;
  const interrupts = handleInterrupts({ controller: ac, outDir, samples: args.samples, partial: () => partial });
  const started = performance.now();
  // Files that could not be written during or after the run: each named with the OS reason; exit 3.
  const failures: WriteFailure[] = [];
  try {
    const result = await runScaled(plan, args, {
      signal: ac.signal,
      samplesFile: args.samples,
      onPartial: (p) => {
        partial = p;
      },
      onEvent: (e) => {
        if (e.kind === 'tick') return progress.tick(e);
        if (e.kind === 'write-error') failures.push({ file: e.file, reason: e.message });
        log(describeEvent(e));
      },
    });
    progress.done();
    const capacity = args.planOptions && !result.interrupted ? planCapacity(result, args.planOptions) : undefined;
    const store = historyFile(args, outDir);
    const history = recordHistory({ ...args, history: store ?? false }, result, outDir, log);
    if (!store && args.history === undefined && !result.interrupted && !result.shard)
      log('not recorded in a history store: --out without --history FILE');
    // The baseline verdict is judged before the reports are written, so their headline carries it. A
    // verdict that cannot be judged here (e.g. the baseline file went away) is judged again, and its
    // error raised, after the reports are safe on disk.
    let judged: CompareVerdict | undefined;
    let judgedOk = false;
    if (!result.interrupted) {
      try {
        judged = judgeRunGates(args, result, outDir);
        judgedOk = true;
      } catch {
        judgedOk = false;
      }
    }
    const written = writeReportsSync(result, outDir, { plan: capacity, history, baseline: baselineOutcome(judged) });
    failures.push(...written.failures);
    process.stdout.write(`${formatSummary(result)}\n`);
    // --fleet (src/fleet): the generators, their start spread, missing shares, the fleet's own cost.
    if (result.fleet) process.stdout.write(`\n${formatFleet(result)}\n`);
    if (formatRamps(result)) process.stdout.write(`${formatRamps(result)}\n`);
    if (result.thresholds.length) process.stdout.write(`\n${formatThresholds(result.thresholds)}\n`);
    if (capacity) process.stdout.write(`\n${formatPlan(capacity)}\n`);
    if (result.abortedByThreshold)
      process.stdout.write(`stopped early: threshold crossed (abortOnFail): ${result.abortedByThreshold}\n`);
    const ok = (f: string) => !written.failures.some((x) => x.file === f);
    const rel = shownPath;
    if (ok(written.results)) log(`\nwrote ${rel(written.results)}`);
    if (ok(written.html)) log(`wrote ${rel(written.html)}`);
    const rest = [written.summaryCsv, written.percentilesCsv, written.markdown].filter(ok);
    if (rest.length)
      log(
        `wrote ${rest.map(rel).join(', ')}${written.stepSummary ? ` (summary.md appended to ${written.stepSummary})` : ''}`,
      );
    log(`took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const gateCode = result.interrupted
      ? ExitCode.ok
      : await finishRunGates(args, result, outDir, log, failures, judgedOk ? (judged ?? null) : undefined);
    // Shown even with --quiet: what was lost, and why.
    for (const f of failures) process.stderr.write(`fxbench: cannot write ${rel(f.file)}: ${f.reason}\n`);
    if (failures.length) return ExitCode.runFailed;
    if (result.interrupted) return ExitCode.interrupted;
    if (result.targets.some((t) => t.error)) return ExitCode.runFailed;
    // --fleet: a share that did not come back makes a partial result, however well the rest went.
    if (result.fleet?.missing.length) return ExitCode.runFailed;
    if (result.thresholds.some((t) => !t.ok)) return ExitCode.thresholds;
    return gateCode;
  } finally {
    interrupts.dispose();
  }
}

function describeEvent(e: Exclude<RunEvent, { kind: 'tick' }>): string {
  switch (e.kind) {
    case 'target':
      return `▶ ${e.target}`;
    case 'phase':
      return `  ${e.description}`;
    case 'progress':
      return `    ${e.message}`;
    case 'target-error':
      return `  ✗ ${e.target}: ${e.message}`;
    case 'write-error':
      return `  ✗ ${e.file}: ${e.message}; the run goes on without it`;
  }
}
