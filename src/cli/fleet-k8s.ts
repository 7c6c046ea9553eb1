/**
 * `fxbench fleet k8s <scenario> --shards N --image IMAGE`: writes a Kubernetes
 * Indexed Job (and the ConfigMap with the scenario) whose pod i runs
 * `fxbench run --shard i/N` and prints its partial result as one log line;
 * `fxbench merge` reads the saved `kubectl logs` back (README, "More than one
 * machine"). The work is src/fleet/k8s-job.ts; this file holds the flags.
 */
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { ExitCode, FxError } from '../model/errors.ts';
import { EPILOGUE } from './epilogue.ts';
import { parseDurationMs } from '../units.ts';
import { checkOutputFile } from './run-outputs.ts';

/** How the manifest is run and its shards collected, for --help. */
const K8S_STEPS = [
  'Run the Job and merge its shards (each pod prints one FXBENCH-RESULT line):',
  '  kubectl apply -f job.yaml',
  '  kubectl wait --for=condition=complete job/fxbench-api --timeout=15m',
  '  for p in $(kubectl get pods -l job-name=fxbench-api -o name); do',
  '    kubectl logs "$p" > "$(basename "$p").log"',
  '  done',
  '  fxbench merge fxbench-api-*.log -o merged.json',
].join('\n');

/** `fxbench fleet k8s <scenario>` */
export function fleetK8sCommand(exit: (code: number) => void): CommandModule {
  return {
    command: 'k8s <scenario>',
    describe: 'Write a Kubernetes Indexed Job (and ConfigMap) that runs the scenario in N shards',
    builder: (y) =>
      y
        .positional('scenario', {
          type: 'string',
          demandOption: true,
          describe: 'Scenario file whose targets the pods reach over the network, e.g. scenarios/api.ts',
        })
        .option('shards', {
          type: 'number',
          demandOption: true,
          describe: 'Number of shards: pods, completions and parallelism of the Job',
        })
        .option('image', {
          type: 'string',
          demandOption: true,
          describe: 'Image with fxbench installed (docker/Dockerfile), e.g. ghcr.io/you/fxbench:0.1.0',
        })
        .option('out', { alias: 'o', type: 'string', describe: 'Manifest file to write (default: standard output)' })
        .option('name', { type: 'string', describe: 'Job name (default: fxbench-<scenario name>)' })
        .option('namespace', {
          alias: 'n',
          type: 'string',
          describe: "Namespace of the Job and ConfigMap (default: kubectl's)",
        })
        .option('config', {
          alias: 'c',
          type: 'string',
          describe: 'bench.config.ts to ship (default: searched from the scenario folder upwards)',
        })
        .option('target', { alias: 't', type: 'string', array: true, describe: 'Run only these targets (repeatable)' })
        .option('start-delay', {
          type: 'string',
          default: '60s',
          describe:
            'Every pod starts its shard at now + this delay (written into the manifest), so the shards overlap; "0": each starts when it is ready',
        })
        .option('cpu', {
          type: 'string',
          default: '1',
          describe: 'CPU per pod (request = limit): one core drives one shard',
        })
        .option('memory', { type: 'string', default: '512Mi', describe: 'Memory per pod (request = limit)' })
        .option('secret', {
          type: 'string',
          array: true,
          describe: "Secret whose keys become the pods' environment (credentials bench.config.ts reads), repeatable",
        })
        .example('$0 fleet k8s scenarios/api.ts --shards 8 --image ghcr.io/you/fxbench:0.1.0 -o job.yaml', '8 pods')
        .example('$0 merge fxbench-api-*.log -o merged.json', "the pods' saved logs, merged (see below)")
        .epilogue(`${K8S_STEPS}\n\n${EPILOGUE}`),
    handler: async (args) => {
      const delay = parseDurationMs(args['start-delay'] === '0' ? '0s' : args['start-delay']);
      if (delay === undefined || delay < 0)
        throw FxError.invalid([
          {
            field: '--start-delay',
            message: `expected a duration such as "60s" or "0", got ${JSON.stringify(args['start-delay'])}`,
          },
        ]);
      const out = args.out === undefined || args.out === '-' ? undefined : path.resolve(args.out as string);
      if (out) checkOutputFile('--out', out);
      const { buildK8sJob } = await import('../fleet/k8s-job.ts');
      const job = await buildK8sJob({
        scenario: args.scenario as string,
        config: args.config as string | undefined,
        shards: args.shards as number,
        image: args.image as string,
        name: args.name as string | undefined,
        namespace: args.namespace as string | undefined,
        targets: args.target as string[] | undefined,
        startDelayMs: delay,
        cpu: String(args.cpu),
        memory: String(args.memory),
        secrets: args.secret as string[] | undefined,
      });
      const log = (s: string) => process.stderr.write(`${s}\n`);
      if (out) {
        const { writeFileAtomic } = await import('../report/files.ts');
        writeFileAtomic(out, job.yaml);
        log(
          `wrote ${path.relative(process.cwd(), out) || out}: ConfigMap ${job.name}-scenario and Indexed Job ${job.name} (${args.shards} pods), checked against the Kubernetes API schemas`,
        );
      } else process.stdout.write(job.yaml);
      for (const f of job.files) log(`  ${f.key}: ${f.from}`);
      if (job.startAt) log(`pods start their shards at ${job.startAt}: apply the manifest before then`);
      exit(ExitCode.ok);
    },
  };
}
