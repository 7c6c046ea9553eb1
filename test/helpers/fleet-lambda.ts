/**
 * A Lambda fleet without AWS: the very worker bundle `fxbench fleet deploy`
 * zips (buildWorkerBundle), built into a scratch folder and served as local
 * functions by a real `fxbench serve` (its own process, speaking the Invoke
 * API), beside two wrappers of it: `fleet-failing` (share 2 throws) and
 * `fleet-slow` (the last share outlives the function's timeout), and the worker
 * as `fleet-one`, one instance at most (a second invocation is throttled). Every instance
 * is a real process. Stopped by PID.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import { buildWorkerBundle } from '../../src/fleet/lambda-bundle.ts';
import type { Result } from '../../src/model/result.ts';
import { finished, runCli, scratch, startCli } from './cli.ts';
import { startServer, type TestServer } from './servers.ts';

/** A served fleet. */
export interface LocalFleet {
  /** The Invoke API origin (AWS_ENDPOINT_URL_LAMBDA). */
  url: string;
  dir: string;
  /** Environment for `fxbench run --fleet` against it (fake credentials; nothing leaves 127.0.0.1). */
  env: Record<string, string>;
  /** Bytes of index.mjs. */
  bundleBytes: number;
  stop(): Promise<void>;
}

/** Fake credentials and region: signed requests that only the local runtime sees. */
export const FAKE_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDFLEETTEST',
  AWS_SECRET_ACCESS_KEY: 'fleet-test-secret',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
};

/** Builds the worker, writes the wrappers and a bench.config.ts, starts `fxbench serve` on port 0. */
export async function startLocalFleet(opts: { slowTimeout?: string } = {}): Promise<LocalFleet> {
  const tmp = scratch('fxbench-fleet-');
  const bundle = await buildWorkerBundle(path.join(tmp.dir, 'worker'));
  const wrapper = (name: string, body: string) => {
    mkdirSync(path.join(tmp.dir, name));
    writeFileSync(
      path.join(tmp.dir, name, 'index.mjs'),
      `import { handler as worker } from '../worker/index.mjs';\nexport const handler = async (event) => {\n${body}\n  return worker(event);\n};\n`,
    );
  };
  wrapper('failing', "  if (event.shard.index === 1) throw new Error('generator 2 broke on purpose');");
  wrapper(
    'slow',
    '  if (event.shard.index === event.shard.count - 1) await new Promise((r) => setTimeout(r, 120_000));',
  );
  // The generators' scratch folders (left behind by a killed one) go inside this test's folder.
  mkdirSync(path.join(tmp.dir, 'tmp'));
  const fn = (code: string, timeout: string) =>
    `{ kind: 'node', code: './${code}', handler: 'index.handler', memoryMB: 512, timeout: '${timeout}', env: { TMPDIR: ${JSON.stringify(path.join(tmp.dir, 'tmp'))} } }`;
  writeFileSync(
    path.join(tmp.dir, 'bench.config.ts'),
    `export default {\n  functions: {\n    'fleet-worker': ${fn('worker', '60s')},\n    'fleet-failing': ${fn('failing', '60s')},\n    'fleet-slow': ${fn('slow', opts.slowTimeout ?? '14s')},\n    'fleet-one': { ...${fn('worker', '60s')}, maxInstances: 1 },\n  },\n};\n`,
  );
  const child = startCli(['serve', '--config', path.join(tmp.dir, 'bench.config.ts'), '--port', '0'], {
    cwd: tmp.dir,
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`fxbench serve did not listen in 20 s: ${child.out.stderr}`)),
      20_000,
    );
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(child.out.stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`fxbench serve exited ${code}: ${child.out.stderr}`)));
  });
  return {
    url,
    dir: tmp.dir,
    bundleBytes: bundle.bytes,
    env: { ...FAKE_AWS_ENV, AWS_ENDPOINT_URL_LAMBDA: url },
    async stop() {
      const done = finished(child, 15_000);
      child.kill('SIGTERM');
      await done;
      tmp.cleanup();
    },
  };
}

// The lead covers each generator's cold start (a process loading the 3 MB worker): 4 at once on a shared
// 2-core machine took up to 4.3 s here. Tests that do not check when the generators started take a 2 s lead
// (FAST_LEAD) instead of waiting 8 s each: a generator not ready by then starts as soon as it is.
export const LEAD = '8s';
export const FAST_LEAD = '2s';

/**
 * A suite whose hooks start a served fleet and a target server on 127.0.0.1 (and stop them by PID),
 * and what its tests do against them.
 */
export function fleetSuite(name: string) {
  const test = suite(name);
  let fleet: LocalFleet;
  let server: TestServer;
  test.before(async () => {
    server = await startServer('trivial');
    fleet = await startLocalFleet();
  });
  test.after(async () => {
    await fleet?.stop();
    server?.stop();
  });
  const kit = {
    /** The fleet's scratch folder. */
    get dir(): string {
      return fleet.dir;
    },
    /** Environment for `fxbench run --fleet` against it. */
    get env(): Record<string, string> {
      return fleet.env;
    },
    /** Requests the target server has counted so far. */
    count: async () => Number(await (await fetch(`${server.url}/count`)).text()),
    /** A scenario file with the server's URL written in (it runs on the generators, not here). */
    scenario(name: string, phases: string): string {
      const file = path.join(fleet.dir, `${name}.ts`);
      writeFileSync(
        file,
        `import { defineScenario, steady, warmup } from 'fxbench';\nexport default defineScenario({\n  name: '${name}',\n  targets: [{ name: 'srv', provider: 'http', url: '${server.url}/', method: 'GET' }],\n  phases: [${phases}],\n});\n`,
      );
      return file;
    },
    /** `fxbench run <file> --fleet lambda:<fn> --shards N`. */
    run: (file: string, fn: string, shards: number, out: string, lead = LEAD) =>
      runCli(['run', file, '--fleet', `lambda:${fn}`, '--shards', String(shards), '--fleet-lead', lead, '--out', out], {
        cwd: fleet.dir,
        env: fleet.env,
        timeoutMs: 120_000,
      }),
    results: (out: string) => JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result,
  };
  return { test, kit };
}
