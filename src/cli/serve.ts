/**
 * `fxbench serve`: the local runtime standalone, so other tools (and fxbench's
 * own Lambda and OpenFaaS drivers) can hit it. Serves the functions declared in
 * bench.config.ts at the Lambda Invoke API path and the OpenFaaS gateway paths
 * until SIGINT or SIGTERM, then stops every instance and exits 0.
 */
import type { CliCommand } from './command.ts';
import { EPILOGUE } from './epilogue.ts';
import { FxError } from '../model/errors.ts';
import { LocalRuntime } from '../runtime/runtime.ts';
import { loadConfig } from '../scenarios/load.ts';

/** Parsed flags of `serve`. */
export interface ServeArgs {
  /** Port to listen on (default 8080, the OpenFaaS gateway's; 0 picks a free one). */
  port: number;
  /** Interface (default 127.0.0.1). */
  host: string;
  /** bench.config.ts (default: the one in the current folder). */
  config?: string;
  /** Serve only these functions. */
  functions?: string[];
}

/** `fxbench serve` */
export const serveCli: CliCommand = {
  name: 'serve',
  module: (exit) => ({
    command: 'serve',
    describe:
      'Serve the functions in bench.config.ts on the local runtime (Lambda Invoke API and OpenFaaS gateway paths)',
    builder: (y) =>
      y
        .option('port', {
          alias: 'p',
          type: 'number',
          default: 8080,
          describe: 'Port to listen on (0: any free port, printed on start)',
        })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on' })
        .option('config', {
          alias: 'c',
          type: 'string',
          describe: 'bench.config.ts to use (default: ./bench.config.ts)',
        })
        .option('function', {
          alias: 'f',
          type: 'string',
          array: true,
          describe: 'Serve only this function (repeatable)',
        })
        .example('$0 serve', 'every function on http://127.0.0.1:8080')
        .example("curl -s -XPOST localhost:8080/2015-03-31/functions/hello/invocations -d '{}'", 'invoke as Lambda')
        .example('curl -s localhost:8080/function/hello -d {}', 'invoke as OpenFaaS')
        .epilogue(EPILOGUE),
    handler: async (args) => {
      exit(
        await serveCommand({
          port: args.port as number,
          host: args.host as string,
          config: args.config as string | undefined,
          functions: args.function as string[] | undefined,
        }),
      );
    },
  }),
};

/** Runs `fxbench serve` until SIGINT/SIGTERM; resolves to the exit code. */
export async function serveCommand(args: ServeArgs): Promise<number> {
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw FxError.invalid([{ field: '--port', message: `expected a port from 0 to 65535, got ${args.port}` }]);
  const { configFile, functions } = await loadConfig({ configFile: args.config });
  let specs = [...functions.values()];
  if (args.functions?.length) {
    const unknown = args.functions.filter((f) => !functions.has(f));
    if (unknown.length)
      throw FxError.invalid(
        unknown.map((f) => ({
          field: '--function',
          message: `unknown function ${JSON.stringify(f)}; ${configFile} declares: ${[...functions.keys()].join(', ') || 'none'}`,
        })),
      );
    specs = specs.filter((s) => args.functions!.includes(s.name));
  }
  if (!specs.length)
    throw FxError.invalid([
      { file: configFile, field: 'functions', message: 'no functions to serve; declare some under "functions"' },
    ]);

  const rt = new LocalRuntime(specs, { host: args.host, port: args.port });
  const lastResort = () => rt.killAllSync();
  process.on('exit', lastResort);
  let url: string;
  try {
    url = await rt.start();
  } catch (err) {
    throw FxError.runFailed(`cannot listen on ${args.host}:${args.port}: ${(err as Error).message}`, err);
  }
  process.stdout.write(`fxbench serve: listening on ${url}\n`);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`functions from ${configFile}:`);
  for (const s of specs)
    log(
      `  ${s.name.padEnd(16)} ${s.kind.padEnd(9)} ${s.memoryMB} MB, timeout ${s.timeoutMs} ms, max ${s.maxInstances} instances × ${s.concurrency}`,
    );
  log(`Lambda:   POST ${url}/2015-03-31/functions/{name}/invocations   (X-Amz-Log-Type: Tail for the REPORT line)`);
  log(`OpenFaaS: ${url}/function/{name}   GET /system/functions   POST /system/scale-function/{name} {"replicas":0}`);
  log('Ctrl-C stops every instance and exits.');

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  log(`fxbench serve: ${signal}: stopping ${rt.pids().length} instance(s)`);
  await rt.stop();
  process.off('exit', lastResort);
  return 0;
}
