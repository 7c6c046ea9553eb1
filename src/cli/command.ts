/**
 * The shape of a CLI command: a yargs command module whose handler reports its
 * exit code through `exit`. One file per command, listed in commands.ts.
 */
import type { CommandModule } from 'yargs';

/** Builds a command's yargs module; the handler calls `exit(code)` once done. */
export interface CliCommand {
  name: string;
  module(exit: (code: number) => void): CommandModule;
  /** What to say instead of yargs' "Not enough non-option arguments" (e.g. `run` lists the scenarios it finds). */
  missingArguments?(): string;
}
