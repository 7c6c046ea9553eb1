/**
 * `fxbench fleet <action>`: load generators past one machine (README, "More than
 * one machine"). `deploy` and `remove` manage the Lambda fleet worker
 * (fleet-lambda.ts; `run --fleet lambda:<function>` uses it), `k8s` writes a
 * Kubernetes Indexed Job (fleet-k8s.ts). This file only assembles the subcommands.
 */
import type { CliCommand } from './command.ts';
import { EPILOGUE } from './epilogue.ts';
import { fleetK8sCommand } from './fleet-k8s.ts';
import { fleetDeployCommand, fleetRemoveCommand } from './fleet-lambda.ts';

/** `fxbench fleet <action>` */
export const fleetCli: CliCommand = {
  name: 'fleet',
  module: (exit) => ({
    command: 'fleet <action>',
    describe:
      'Load generators past one machine: deploy or remove the Lambda fleet worker, write a Kubernetes Indexed Job',
    builder: (y) =>
      y
        .command(fleetDeployCommand(exit))
        .command(fleetRemoveCommand(exit))
        .command(fleetK8sCommand(exit))
        .demandCommand(1, 'name an action: deploy, remove or k8s')
        .example('$0 fleet deploy --help', 'the Lambda fleet worker: its flags')
        .example(
          '$0 fleet k8s scenarios/api.ts --shards 8 --image ghcr.io/you/fxbench:0.1.0',
          'a Kubernetes Job of 8 shards',
        )
        .epilogue(EPILOGUE),
    handler: () => undefined,
  }),
};
