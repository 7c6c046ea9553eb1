/**
 * `fxbench fleet deploy` and `fxbench fleet remove`: the Lambda fleet worker
 * (issue 14, part 1). To be written.
 */
import type { CommandModule } from 'yargs';

/** `fxbench fleet deploy` */
export function fleetDeployCommand(exit: (code: number) => void): CommandModule {
  return {
    command: 'deploy',
    describe: 'Package fxbench as a Lambda function (the fleet worker) and create or update it',
    handler: () => exit(2),
  };
}

/** `fxbench fleet remove` */
export function fleetRemoveCommand(exit: (code: number) => void): CommandModule {
  return {
    command: 'remove',
    describe: 'Delete the Lambda fleet worker',
    handler: () => exit(2),
  };
}
