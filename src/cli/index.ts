/**
 * The CLI: yargs parses, each command lives in its own thin file. Every command
 * resolves to an exit code (errors.ts); FxErrors print their message alone, other
 * errors print a stack because they are bugs.
 */
import yargs from 'yargs';
import { ExitCode, FxError } from '../model/errors.ts';
import { VERSION } from '../version.ts';
import { COMMANDS } from './commands.ts';
import { EPILOGUE } from './epilogue.ts';

/** Parses `argv` (without node and script) and runs the command; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  const parser = yargs(argv)
    .scriptName('fxbench')
    .usage('$0 <command> [options]')
    .command(COMMANDS.map((c) => c.module((exit) => (code = exit))))
    .demandCommand(1, 'Name a command, e.g. fxbench run scenarios/burst.ts')
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      // Throwing (rather than printing and returning) stops yargs from running
      // the command's handler after a failed parse.
      if (err) throw err;
      throw new FxError(ExitCode.badInput, `${msg}\nRun "fxbench --help" for usage.`);
    });
  try {
    await parser.parseAsync();
  } catch (err) {
    return report(err);
  }
  return code;
}

function report(err: unknown): number {
  if (err instanceof FxError) {
    process.stderr.write(`fxbench: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(
    `fxbench: unexpected error (a bug; please report it):\n${(err as Error)?.stack ?? String(err)}\n`,
  );
  return ExitCode.runFailed;
}
