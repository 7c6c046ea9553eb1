/**
 * Every CLI command, in --help order: its usage and one line of description here,
 * its options and handler in its own file, imported only when that command runs
 * (`fxbench --version` and `--help` load none of them). Add a command: one file in
 * src/cli, one entry here (test/cli/commands.test.ts checks both say the same).
 */
import type { CliCommand } from './command.ts';

/** A command as --help lists it, and how to load the whole of it. */
export interface CommandEntry {
  name: string;
  /** yargs usage, e.g. 'run <scenario>'. */
  command: string;
  describe: string;
  load(): Promise<CliCommand>;
}

export const COMMANDS: CommandEntry[] = [
  {
    name: 'run',
    command: 'run <scenario>',
    describe: 'Run a scenario file (TypeScript) against its targets and write reports',
    load: async () => (await import('./run.ts')).runCli,
  },
  {
    name: 'init',
    command: 'init [dir]',
    describe: 'Start a project: bench.config.ts, example scenarios, a local function, optionally a CI workflow',
    load: async () => (await import('./init.ts')).initCli,
  },
  {
    name: 'plan',
    command: 'plan <results>',
    describe: 'Capacity plan from a measured run: instances, cold starts and throttling at a peak, SLO, monthly cost',
    load: async () => (await import('./plan.ts')).planCli,
  },
  {
    name: 'compare',
    command: 'compare [baseline] [current]',
    describe: 'Compare a results.json against a baseline file or a window of runs; exit 1 on a regression',
    load: async () => (await import('./compare.ts')).compareCli,
  },
  {
    name: 'serve',
    command: 'serve',
    describe:
      'Serve the functions in bench.config.ts on the local runtime (Lambda Invoke API and OpenFaaS gateway paths)',
    load: async () => (await import('./serve.ts')).serveCli,
  },
  {
    name: 'history',
    command: 'history',
    describe: 'Show the trend of a metric over the runs recorded in the history store',
    load: async () => (await import('./history.ts')).historyCli,
  },
  {
    name: 'report',
    command: 'report <results..>',
    describe: 'Rebuild the reports (HTML, CSV, Markdown) from results.json; several files side by side',
    load: async () => (await import('./report.ts')).reportCli,
  },
  {
    name: 'merge',
    command: 'merge <files..>',
    describe: 'Combine shard results (run --shard i/N) into one results file',
    load: async () => (await import('./merge.ts')).mergeCli,
  },
  {
    name: 'fleet',
    command: 'fleet <action>',
    describe:
      'Load generators past one machine: deploy or remove the Lambda fleet worker, write a Kubernetes Indexed Job',
    load: async () => (await import('./fleet.ts')).fleetCli,
  },
];
