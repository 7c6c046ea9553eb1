/**
 * `fxbench fleet deploy` and `fxbench fleet remove`: the Lambda fleet worker
 * (issue 14, part 1) that `fxbench run --fleet lambda:<function> --shards N`
 * invokes. The work is src/fleet/lambda-deploy.ts, imported when a command runs.
 */
import type { CommandModule } from 'yargs';
import { ExitCode } from '../model/errors.ts';

const DEFAULT_FUNCTION = 'fxbench-fleet';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** `fxbench fleet deploy` */
export function fleetDeployCommand(exit: (code: number) => void): CommandModule {
  return {
    command: 'deploy',
    describe: 'Package fxbench as a Lambda function (the fleet worker) and create or update it',
    builder: (y) =>
      y
        .option('function', {
          alias: 'f',
          type: 'string',
          default: DEFAULT_FUNCTION,
          describe: 'Function name',
        })
        .option('role', {
          type: 'string',
          describe: 'ARN of the IAM role the function runs as (needed to create it; nothing else is created)',
        })
        .option('region', { type: 'string', describe: 'AWS region (default AWS_REGION)' })
        .option('arch', {
          type: 'string',
          choices: ['arm64', 'x86_64'],
          default: 'arm64',
          describe: 'Architecture',
        })
        .option('memory', {
          type: 'number',
          default: 1769,
          describe: 'Memory, MB, when creating (1769 MB is one full vCPU)',
        })
        .option('runtime', { type: 'string', default: 'nodejs24.x', describe: 'Lambda Node runtime, when creating' })
        .option('zip-out', { type: 'string', describe: 'Also write the deployment zip to this file' })
        .example(
          '$0 fleet deploy --role arn:aws:iam::123456789012:role/fxbench-fleet',
          'create fxbench-fleet (arm64, 1769 MB, 15 min timeout), or update its code',
        )
        .example('$0 fleet deploy -f bench-gen --region eu-west-1', 'update the code of an existing function')
        .example(
          '$0 run scenarios/steady.ts --fleet lambda:fxbench-fleet --shards 10',
          'then: the load from 10 generators',
        )
        .epilogue(
          'Credentials and region come from the AWS SDK (AWS_PROFILE, AWS_ACCESS_KEY_ID…, AWS_REGION); AWS_ENDPOINT_URL_LAMBDA points it elsewhere. The caller needs lambda:GetFunction, lambda:CreateFunction (with iam:PassRole on the role) or lambda:UpdateFunctionCode, and lambda:InvokeFunction to run. The role needs only AWSLambdaBasicExecutionRole plus whatever the targets need (lambda:InvokeFunction for Lambda targets). Nothing else is created.',
        ),
    handler: async (args) => {
      const { deployFleet } = await import('../fleet/lambda-deploy.ts');
      await deployFleet({
        functionName: args.function as string,
        role: args.role as string | undefined,
        region: args.region as string | undefined,
        arch: args.arch as 'arm64' | 'x86_64',
        memoryMB: args.memory as number,
        runtime: args.runtime as string,
        zipOut: args['zip-out'] as string | undefined,
        log,
      });
      exit(ExitCode.ok);
    },
  };
}

/** `fxbench fleet remove` */
export function fleetRemoveCommand(exit: (code: number) => void): CommandModule {
  return {
    command: 'remove',
    describe: 'Delete the Lambda fleet worker',
    builder: (y) =>
      y
        .option('function', { alias: 'f', type: 'string', default: DEFAULT_FUNCTION, describe: 'Function name' })
        .option('region', { type: 'string', describe: 'AWS region (default AWS_REGION)' })
        .example('$0 fleet remove', 'delete fxbench-fleet in AWS_REGION')
        .example('$0 fleet remove -f bench-gen --region eu-west-1', 'delete another one'),
    handler: async (args) => {
      const { removeFleet } = await import('../fleet/lambda-deploy.ts');
      await removeFleet({ functionName: args.function as string, region: args.region as string | undefined, log });
      exit(ExitCode.ok);
    },
  };
}
