/**
 * Ctrl-C (SIGINT) and SIGTERM during `fxbench run`. The first stops sending:
 * in-flight invocations get their grace (5 s) and the run ends as usual with the
 * partial result (exit 130). The second quits at once: every local instance is
 * killed, what was recorded so far is written (synchronously in one process;
 * with --workers each worker sends its share, 2 s at most), the summary is
 * printed, and fxbench exits 130 (3 when results.json could not be written or
 * no worker answered).
 * Invocations still in flight at the second signal are left out. A third signal
 * during the workers' wait exits at once.
 */
import { killAllLocalInstancesSync } from '../drivers/local/driver.ts';
import { ExitCode } from '../model/errors.ts';
import type { Result } from '../model/result.ts';
import { formatSummary } from '../report/text.ts';
import { writeReportsSync } from '../report/write.ts';
import { trimToLastLine } from '../scenarios/runner.ts';
import { shownPath } from './run-outputs.ts';

/** The result so far: built at once (one process) or gathered from the workers. */
export type PartialSource = () => Result | undefined | Promise<Result | undefined>;

/** Installs the handlers; `dispose()` removes them once the run is over. */
export function handleInterrupts(o: {
  controller: AbortController;
  outDir: string;
  /** --samples: cut to its last whole line on the way out (lines still buffered are lost). */
  samples?: string;
  /** The partial result's source, once the run has started (undefined before). */
  partial: () => PartialSource | undefined;
}): { dispose(): void } {
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      process.stderr.write(`\nfxbench: ${sig}: stopping; waiting for in-flight invocations (again to quit at once)\n`);
      o.controller.abort();
      return;
    }
    killAllLocalInstancesSync();
    if (o.samples) trimToLastLine(o.samples);
    if (count > 2) process.exit(ExitCode.interrupted);
    process.stderr.write(`\nfxbench: ${sig} again: quitting; writing what was recorded so far\n`);
    const got = o.partial()?.();
    if (got instanceof Promise)
      got.then(
        (r) => process.exit(writePartial(r, o.outDir)),
        () => process.exit(writePartial(undefined, o.outDir)),
      );
    else process.exit(writePartial(got, o.outDir));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Writes the partial result's reports synchronously and prints its summary; returns the exit code. */
function writePartial(result: Result | undefined, outDir: string): number {
  if (!result) {
    process.stderr.write('fxbench: no partial result could be gathered (no worker answered): nothing written\n');
    return ExitCode.runFailed;
  }
  const partial: Result = { ...result, interrupted: true };
  const written = writeReportsSync(partial, outDir, { history: [] });
  process.stdout.write(`${formatSummary(partial)}\n`);
  for (const f of written.failures) process.stderr.write(`fxbench: cannot write ${shownPath(f.file)}: ${f.reason}\n`);
  if (written.failures.some((f) => f.file === written.results || f.file === outDir)) return ExitCode.runFailed;
  process.stderr.write(
    `wrote ${shownPath(written.results)} (interrupted: invocations in flight at the second signal are left out)\n`,
  );
  return written.failures.length ? ExitCode.runFailed : ExitCode.interrupted;
}
