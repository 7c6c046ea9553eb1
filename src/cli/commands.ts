/** Every CLI command, in --help order. Add a command: one file in src/cli, one line here. */
import type { CliCommand } from './command.ts';
import { compareCli } from './compare.ts';
import { historyCli } from './history.ts';
import { mergeCli } from './merge.ts';
import { planCli } from './plan.ts';
import { reportCli } from './report.ts';
import { runCli } from './run.ts';
import { serveCli } from './serve.ts';

export const COMMANDS: CliCommand[] = [runCli, planCli, compareCli, serveCli, historyCli, reportCli, mergeCli];
