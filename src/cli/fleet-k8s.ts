/**
 * `fxbench fleet k8s <scenario>`: a Kubernetes Indexed Job running the shards
 * (issue 14, part 2). To be written.
 */
import type { CommandModule } from 'yargs';

/** `fxbench fleet k8s <scenario>` */
export function fleetK8sCommand(exit: (code: number) => void): CommandModule {
  return {
    command: 'k8s <scenario>',
    describe: 'Write a Kubernetes Indexed Job (and ConfigMap) that runs the scenario in N shards',
    handler: () => exit(2),
  };
}
