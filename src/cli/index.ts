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
import type { ParseContext } from './suggest.ts';

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
  const cli = chosen ? await chosen.load() : undefined;
  // Long option names the chosen command knows, for "did you mean" on a typo.
  const options: string[] = ['help', 'version'];
  const loaded = cli ? helpLayout(cli.module(setExit), options) : undefined;
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
    .recommendCommands()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .epilogue(EPILOGUE)
    .wrap(width)
    .fail((msg, err) => {
      // Throwing (rather than printing and returning) stops yargs from running
      // the command's handler after a failed parse.
      if (err) throw err;
      throw new ParseFailure(msg, {
        argv,
        commands: COMMANDS.map((c) => c.name),
        command: chosen?.name,
        options,
        missingArguments: cli?.missingArguments,
      });
    });
}

/** A command line yargs refused; explained (suggest.ts, loaded only then) before it is shown. */
class ParseFailure extends Error {
  constructor(
    message: string,
    readonly context: ParseContext,
  ) {
    super(message);
  }
}

/**
 * The chosen command's module, with help laid out for reading: each example on a
 * line of its own under its description as a shell comment (yargs' two columns
 * cut a long command mid-word). Collects the command's option names into `options`.
 */
function helpLayout(module: CommandModule, options: string[]): CommandModule {
  const builder = module.builder;
  if (typeof builder !== 'function') return module;
  return {
    ...module,
    builder: (y) => {
      const example = y.example.bind(y) as (command: string, description: string) => Argv;
      y.example = ((command: string, description?: string) => {
        if (description) example(`# ${description}`, '');
        return example(command, '');
      }) as Argv['example'];
      const built = (builder(y) ?? y) as Argv;
      // getOptions() is yargs' own record of what was declared (not in its type definitions).
      const declared = (
        built as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } }
      ).getOptions();
      options.push(...Object.keys(declared.key), ...Object.values(declared.alias).flat());
      return built;
    },
  };
}

async function report(err: unknown): Promise<number> {
  if (err instanceof ParseFailure) {
    const { explainParseFailure } = await import('./suggest.ts');
    const command = err.context.command ? `${err.context.command} ` : '';
    process.stderr.write(
      `fxbench: ${explainParseFailure(err.message, err.context)}\nRun "fxbench ${command}--help" for usage.\n`,
    );
    return ExitCode.badInput;
  }
  if (err instanceof FxError) {
    process.stderr.write(`fxbench: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(
    `fxbench: unexpected error (a bug; please report it):\n${(err as Error)?.stack ?? String(err)}\n`,
  );
  return ExitCode.runFailed;
}
