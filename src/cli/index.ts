/**
 * The CLI: yargs parses, each command lives in its own thin file. Every command
 * resolves to an exit code (errors.ts); FxErrors print their message alone, other
 * errors print a stack because they are bugs.
 */
import yargs from 'yargs';
import { ExitCode, FxError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { runCommand } from './run.ts';

const EPILOGUE = `Exit codes: 0 ok · 1 thresholds crossed or regression · 2 bad input (scenario, config, flag) · 3 the run failed · 130 interrupted (partial result written)`;

/** Parses `argv` (without node and script) and runs the command; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  let parseFailed = false;
  const parser = yargs(argv)
    .scriptName('fxbench')
    .usage('$0 <command> [options]')
    .command(
      'run <scenario>',
      'Run a scenario file (TypeScript) against its targets and write reports',
      (y) =>
        y
          .positional('scenario', { type: 'string', describe: 'Scenario file, e.g. scenarios/burst.ts', demandOption: true })
          .option('out', { alias: 'o', type: 'string', describe: 'Report folder (default: reports/<timestamp>-<scenario>)' })
          .option('target', { alias: 't', type: 'string', array: true, describe: 'Run only these targets (repeatable)' })
          .option('config', { alias: 'c', type: 'string', describe: 'bench.config.ts to use (default: searched from the scenario folder upwards)' })
          .option('samples', { type: 'string', describe: 'Also stream every sample to this NDJSON file' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No plan or progress output; only the summary table' })
          .example('$0 run scenarios/burst.ts', 'burst against the local runtime')
          .example('$0 run scenarios/burst.ts --target local-heavy --out /tmp/r', 'one target, chosen folder')
          .epilogue(EPILOGUE),
      async (args) => {
        code = await runCommand({
          scenario: args.scenario as string,
          out: args.out,
          targets: args.target as string[] | undefined,
          config: args.config,
          samples: args.samples,
          quiet: args.quiet,
        });
      },
    )
    .demandCommand(1, 'Name a command, e.g. fxbench run scenarios/burst.ts')
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      parseFailed = true;
      process.stderr.write(`fxbench: ${msg}\nRun "fxbench --help" for usage.\n`);
    });
  try {
    await parser.parseAsync();
  } catch (err) {
    return report(err);
  }
  return parseFailed ? ExitCode.badInput : code;
}

function report(err: unknown): number {
  if (err instanceof FxError) {
    process.stderr.write(`fxbench: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`fxbench: unexpected error (a bug; please report it):\n${(err as Error)?.stack ?? String(err)}\n`);
  return ExitCode.runFailed;
}
