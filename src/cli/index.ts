/**
 * The CLI: yargs parses, each command lives in its own thin file, loaded only
 * when it runs (commands.ts). Every command resolves to an exit code (errors.ts);
 * FxErrors print their message alone, other errors print a stack because they are bugs.
 */
import type { Argv, CommandModule } from 'yargs';
import { ExitCode, FxError } from '../model/errors.ts';
import { VERSION } from '../version.ts';
import { COMMANDS } from './commands.ts';
import { EPILOGUE } from './epilogue.ts';
import { helpWidth, MIN_FAST_WIDTH, topLevelHelp } from './help.ts';

/** Parses `argv` (without node and script) and runs the command; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // `fxbench --version` and `fxbench --help` answer without loading yargs (a third of a start).
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return ExitCode.ok;
  }
  const width = helpWidth();
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h') && width >= MIN_FAST_WIDTH) {
    process.stdout.write(`${topLevelHelp(width)}\n`);
    return ExitCode.ok;
  }
  let code: number = ExitCode.ok;
  try {
    const parser = await createParser(argv, width, (exit) => (code = exit));
    await parser.parseAsync();
  } catch (err) {
    return report(err);
  }
  return code;
}

/**
 * fxbench's yargs parser for `argv`, wrapping help at `width`. Only the command
 * named on the line is loaded (the first word that is not a flag: fxbench has no
 * global flags taking a value); the others are listed for --help by their usage
 * and description alone. Its handler reports the exit code through `setExit`.
 */
export async function createParser(argv: string[], width: number, setExit: (code: number) => void): Promise<Argv> {
  const { default: yargs } = await import('yargs');
  const word = argv.find((a) => !a.startsWith('-'));
  const chosen = COMMANDS.find((c) => c.name === word);
  const loaded = chosen ? (await chosen.load()).module(setExit) : undefined;
  return yargs(argv)
    .scriptName('fxbench')
    .usage('$0 <command> [options]')
    .command(
      COMMANDS.map(
        (c): CommandModule =>
          c === chosen && loaded ? loaded : { command: c.command, describe: c.describe, handler: () => undefined },
      ),
    )
    .demandCommand(1, 'Name a command, e.g. fxbench run scenarios/burst.ts')
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .epilogue(EPILOGUE)
    .wrap(width)
    .fail((msg, err) => {
      // Throwing (rather than printing and returning) stops yargs from running
      // the command's handler after a failed parse.
      if (err) throw err;
      throw new FxError(ExitCode.badInput, `${msg}\nRun "fxbench --help" for usage.`);
    });
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
