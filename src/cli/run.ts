/**
 * `fxbench run <scenario>`: its flags, grouped for --help, and its examples. The
 * run itself is run-command.ts, imported when the command runs, so `run --help`
 * loads neither the drivers nor the engine.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand } from './command.ts';
import { EPILOGUE } from './epilogue.ts';
import { PLAN_OPTIONS } from './plan-options.ts';
import { SCALE_OPTIONS } from './run-scale.ts';
import { RUN_GATE_OPTIONS } from './run-gates.ts';

/** The flags `run --help` lists under "Output:" (the report folder and every other file a run writes). */
const OUTPUT_FLAGS = ['out', 'samples', 'junit', 'history', 'quiet'];

/**
 * `fxbench run` with no scenario: the scenarios in ./scenarios, as commands to
 * copy, or how to make some.
 */
export function missingScenario(cwd = process.cwd()): string {
  let found: string[] = [];
  try {
    found = readdirSync(path.join(cwd, 'scenarios'))
      .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts'))
      .sort();
  } catch {
    /* no scenarios folder */
  }
  const lines = ['name a scenario file to run: fxbench run <scenario>'];
  if (found.length) lines.push('Scenarios in scenarios/:', ...found.map((f) => `  fxbench run scenarios/${f}`));
  else lines.push('No scenarios/ here: "fxbench init" writes bench.config.ts and two scenarios to start from.');
  return lines.join('\n');
}

/** `fxbench run <scenario>` */
export const runCli: CliCommand = {
  name: 'run',
  missingArguments: () => missingScenario(),
  module: (exit) => ({
    command: 'run <scenario>',
    describe: 'Run a scenario file (TypeScript) against its targets and write reports',
    builder: (y) =>
      y
        .positional('scenario', {
          type: 'string',
          describe: 'Scenario file, e.g. scenarios/burst.ts',
          demandOption: true,
        })
        .option('out', {
          alias: 'o',
          type: 'string',
          describe: 'Report folder (default: reports/<timestamp>-<scenario>)',
        })
        .option('target', { alias: 't', type: 'string', array: true, describe: 'Run only these targets (repeatable)' })
        .option('config', {
          alias: 'c',
          type: 'string',
          describe: 'bench.config.ts to use (default: searched from the scenario folder upwards)',
        })
        .option('samples', { type: 'string', describe: 'Also stream every sample to this NDJSON file' })
        .option('quiet', {
          alias: 'q',
          type: 'boolean',
          default: false,
          describe: 'No plan or progress output; only the summary table',
        })
        .options(RUN_GATE_OPTIONS)
        .options(SCALE_OPTIONS)
        .options(PLAN_OPTIONS)
        .group(OUTPUT_FLAGS, 'Output:')
        .group(Object.keys(SCALE_OPTIONS), 'Scale:')
        .group(
          Object.keys(RUN_GATE_OPTIONS).filter((k) => !OUTPUT_FLAGS.includes(k)),
          'Gates (judged after the run):',
        )
        .group(Object.keys(PLAN_OPTIONS), 'Capacity plan:')
        .example('$0 run scenarios/burst.ts', 'a burst against the local runtime')
        .example('$0 run scenarios/burst.ts -t local-heavy -o /tmp/r', 'one target, the report in /tmp/r')
        .example('$0 run scenarios/steady.ts --baseline old/results.json', 'exit 1 on a regression')
        .example(
          '$0 run scenarios/api.ts --shard 2/4 --start-at 2026-12-01T02:00:00Z',
          'share 2 of 4, from one instant',
        )
        .example(
          '$0 run scenarios/api.ts --fleet lambda:fxbench-fleet --shards 10',
          'the load from 10 Lambda generators',
        )
        .epilogue(EPILOGUE),
    handler: async (args) => {
      const { runFromArgs } = await import('./run-command.ts');
      exit(await runFromArgs(args));
    },
  }),
};
