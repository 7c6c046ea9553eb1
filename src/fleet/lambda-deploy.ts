/**
 * `fxbench fleet deploy` and `fxbench fleet remove` (issue 14): the fleet worker
 * as a Lambda function, made with the AWS SDK (@aws-sdk/client-lambda): the
 * worker bundle (lambda-bundle.ts) zipped, then UpdateFunctionCode when
 * GetFunction finds the function, else CreateFunction with the role given;
 * DeleteFunction to remove it. Nothing else is created (no role, no log group,
 * no alias). The endpoint is AWS's unless AWS_ENDPOINT_URL_LAMBDA says otherwise
 * (tests point it at a local server).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  LambdaClient,
  ResourceNotFoundException,
  UpdateFunctionCodeCommand,
  type Architecture,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { FxError } from '../model/errors.ts';
import { LAMBDA_MAX_TIMEOUT_MS } from './lambda-protocol.ts';
import { buildWorkerBundle, WORKER_HANDLER, writeFileMkdir, zip } from './lambda-bundle.ts';

/** Default name of the fleet function. */
export const DEFAULT_FLEET_FUNCTION = 'fxbench-fleet';
/** Default Lambda runtime of the worker (Node 24; the bundle targets Node 20 and later). */
export const DEFAULT_FLEET_RUNTIME = 'nodejs24.x';
/** Default memory, MB: 1769 MB is one full vCPU on Lambda (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html, read 2026-11). */
export const DEFAULT_FLEET_MEMORY_MB = 1769;

/** What `fleet deploy` is asked. */
export interface DeployOptions {
  functionName: string;
  region?: string;
  /** IAM role ARN the function runs as; needed only to create it. */
  role?: string;
  arch: 'arm64' | 'x86_64';
  memoryMB: number;
  runtime: string;
  /** Also write the zip here. */
  zipOut?: string;
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/** The region and the client (SDK credential chain; endpoint from AWS_ENDPOINT_URL_LAMBDA when set). */
function client(region: string | undefined, env: NodeJS.ProcessEnv): { lambda: LambdaClient; region: string } {
  const r = region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!r) throw FxError.invalid([{ field: '--region', message: 'no AWS region: pass --region or set AWS_REGION' }]);
  const endpoint = env.AWS_ENDPOINT_URL_LAMBDA ?? env.AWS_ENDPOINT_URL;
  return { lambda: new LambdaClient({ region: r, ...(endpoint ? { endpoint } : {}), maxAttempts: 2 }), region: r };
}

function failed(call: string, name: string, err: unknown): FxError {
  const e = err as Error & { $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return FxError.runFailed(
    `${call} ${name}: ${e.name}${status ? ` (HTTP ${status})` : ''}: ${e.message.split('\n')[0]}`,
    err,
  );
}

/** Builds the worker, zips it, creates or updates the function; prints what it did. */
export async function deployFleet(o: DeployOptions): Promise<FunctionConfiguration> {
  const env = o.env ?? process.env;
  const { lambda, region } = client(o.region, env);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fxbench-fleet-bundle-'));
  try {
    const bundle = await buildWorkerBundle(dir);
    const ZipFile = zip([{ name: 'index.mjs', data: readFileSync(bundle.file) }]);
    const sha = createHash('sha256').update(ZipFile).digest('base64');
    o.log(
      `bundled the fleet worker: index.mjs ${(bundle.bytes / 1024 / 1024).toFixed(1)} MB, zipped ${(ZipFile.length / 1024 / 1024).toFixed(1)} MB (sha256 ${sha})`,
    );
    if (o.zipOut) {
      writeFileMkdir(o.zipOut, ZipFile);
      o.log(`wrote ${o.zipOut}`);
    }
    let existing: FunctionConfiguration | undefined;
    try {
      existing = (await lambda.send(new GetFunctionCommand({ FunctionName: o.functionName }))).Configuration;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw failed('GetFunction', o.functionName, err);
    }
    const Architectures: Architecture[] = [o.arch];
    if (existing) {
      let c: FunctionConfiguration;
      try {
        c = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: o.functionName, ZipFile, Architectures }));
      } catch (err) {
        throw failed('UpdateFunctionCode', o.functionName, err);
      }
      o.log(
        `updated the code of ${c.FunctionArn ?? o.functionName} in ${region} (${c.Runtime ?? '?'}, ${c.Architectures?.join(',') ?? o.arch}, ${c.MemorySize ?? '?'} MB, timeout ${c.Timeout ?? '?'} s; its configuration is left as it was)`,
      );
      return c;
    }
    if (!o.role)
      throw FxError.invalid([
        {
          field: '--role',
          message: `function ${o.functionName} does not exist in ${region}: give the ARN of the IAM role it runs as to create it (e.g. arn:aws:iam::123456789012:role/fxbench-fleet, with AWSLambdaBasicExecutionRole)`,
        },
      ]);
    let c: FunctionConfiguration;
    try {
      c = await lambda.send(
        new CreateFunctionCommand({
          FunctionName: o.functionName,
          Role: o.role,
          Runtime: o.runtime as never,
          Handler: WORKER_HANDLER,
          Code: { ZipFile },
          Architectures,
          MemorySize: o.memoryMB,
          Timeout: LAMBDA_MAX_TIMEOUT_MS / 1000,
          Description: 'fxbench fleet worker: runs one share of a scenario per invocation (fxbench run --fleet)',
        }),
      );
    } catch (err) {
      throw failed('CreateFunction', o.functionName, err);
    }
    o.log(
      `created ${c.FunctionArn ?? o.functionName} in ${region} (${o.runtime}, ${o.arch}, ${o.memoryMB} MB, timeout 900 s, role ${o.role})${c.State && c.State !== 'Active' ? `; state ${c.State}: Lambda makes it Active within seconds` : ''}`,
    );
    return c;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deletes the function; says so when there was none (exit 0 either way). */
export async function removeFleet(o: {
  functionName: string;
  region?: string;
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
}): Promise<boolean> {
  const { lambda, region } = client(o.region, o.env ?? process.env);
  try {
    await lambda.send(new DeleteFunctionCommand({ FunctionName: o.functionName }));
  } catch (err) {
    if (err instanceof ResourceNotFoundException) {
      o.log(`no function ${o.functionName} in ${region}: nothing removed`);
      return false;
    }
    throw failed('DeleteFunction', o.functionName, err);
  }
  o.log(`deleted function ${o.functionName} in ${region} (its log group, if any, is left to CloudWatch's retention)`);
  return true;
}
