// The `azure` driver against a local stand-in for the Azure Functions host
// (test/helpers/fake-azure-functions.mjs): it follows the documented HTTP-trigger
// behaviour (routes /api/<name>, authLevel "function": a key in x-functions-key or
// ?code=, 401 without one, 500 on an unhandled exception) and runs the shipped
// snippet (snippets/node/azure-functions.mjs) through the REAL @azure/functions
// package's HttpRequest / InvocationContext / HttpResponse (Node programming model v4).
// One host process = one instance. Counts are checked against the host's truth log.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AzureDriver, azureErrorClass } from '../../../src/drivers/azure/driver.ts';
import {
  azureConsumptionBilledMs,
  azureConsumptionMemoryMB,
  azurePriceModel,
} from '../../../src/drivers/azure/price.ts';
import type { AzureOptions } from '../../../src/drivers/azure/target.ts';
import type { Result } from '../../../src/model/result.ts';
import type { ResolvedTarget } from '../../../src/model/target.ts';
import { alive, ROOT, runCli, scratch } from '../../helpers/cli.ts';
import { startServer } from '../../helpers/servers.ts';

const HOST = path.join(ROOT, 'test/helpers/fake-azure-functions.mjs');
const SNIPPET = path.join(ROOT, 'snippets/node/azure-functions.mjs');
const KEY = 'fxbenchSecretKey-3f9a1c7e-DO-NOT-LEAK==';
const children: ChildProcess[] = [];
const drivers: AzureDriver[] = [];

/** Starts one host process (one instance) serving the snippet's `hello` at /api/hello. */
function host(truthLog: string, authLevel = 'function'): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [HOST, SNIPPET, 'hello', 'hello', KEY, truthLog, authLevel], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  // Kept for failure messages, not printed: @azure/functions warns that it runs outside the Functions host ("test mode").
  let err = '';
  child.stderr!.on('data', (c) => (err = (err + c).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fake Azure Functions host did not start within 15 s')), 15_000);
    let out = '';
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake Azure Functions host exited (${code}) before listening:\n${err}`));
    });
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[1]}/api/hello`, child });
      }
    });
  });
}
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid!, 'SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  }
  assert.not.ok(alive(child.pid!), `host ${child.pid} stopped`);
}
function truth(log: string) {
  const lines = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
  const count = (w: string) => lines.filter((l) => l.startsWith(`${w} `)).length;
  return {
    processes: count('process'),
    invocations: count('invoke'),
    errors: count('error'),
    unauthorized: count('unauthorized'),
  };
}
function target(url: string, options: Partial<AzureOptions> = {}): ResolvedTarget<AzureOptions> {
  return { name: 'az', provider: 'azure', function: '', arch: 'x86_64', options: { url, ...options } };
}
async function driverFor(url: string, options: Partial<AzureOptions> = {}): Promise<AzureDriver> {
  const d = new AzureDriver(target(url, options));
  drivers.push(d);
  await d.prepare();
  return d;
}
const inv = (o: unknown) => ({ seq: 0, payload: Buffer.from(JSON.stringify(o)) });
/** Every file under `dir`, as text. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

const az = suite('azure driver (local host following the documented HTTP trigger; real @azure/functions)');
az.after.each(async () => {
  for (const d of drivers.splice(0)) await d.close();
  for (const c of children.splice(0)) await stop(c);
});

az('error classes by status', () => {
  assert.equal([200, 401, 404, 408, 413, 429, 500, 502, 503, 504].map(azureErrorClass), [
    null,
    'http-4xx',
    'http-4xx',
    'timeout',
    'payload-too-large',
    'throttled',
    'function-error',
    'http-5xx',
    'http-5xx',
    'timeout',
  ]);
});

az('billing rules: Consumption rounds memory up to 128 MB (128–1,536) and time to 1 ms, at least 100 ms', () => {
  assert.equal([1, 128, 129, 200, 1536, 4000].map(azureConsumptionMemoryMB), [128, 128, 256, 256, 1536, 1536]);
  assert.equal([0.2, 12.3, 99.9, 100, 100.1, 2500.4].map(azureConsumptionBilledMs), [100, 100, 100, 100, 101, 2501]);
  const c = azurePriceModel('consumption', { mb: 200, source: 'configured' });
  // 256 MB × 0.1 s × $0.000016 + $0.20/M
  assert.ok(Math.abs(c.price({ latencyMs: 3, memoryMB: 200 })! - (0.0000002 + 0.25 * 0.1 * 0.000016)) < 1e-15);
  // 256 MB × 1.2345 s → 1.235 s
  assert.ok(Math.abs(c.price({ latencyMs: 1234.5, memoryMB: 200 })! - (0.0000002 + 0.25 * 1.235 * 0.000016)) < 1e-15);
  assert.match(
    c.source,
    /read 2026-11-30\); memory 256 MB \(configured, rounded up to 128 MB\); time from client-observed latency/,
  );
  const f = azurePriceModel('flex', { mb: 2048, source: 'assumed: the Flex Consumption default' });
  // 2 GB × 0.013 s × $0.000026 + $0.40/M
  assert.ok(Math.abs(f.price({ latencyMs: 12.2, memoryMB: 2048 })! - (0.0000004 + 2 * 0.013 * 0.000026)) < 1e-15);
  assert.match(
    f.source,
    /flex consumption on demand .*instance memory 2048 MB \(assumed: the Flex Consumption default\)/,
  );
});

az(
  'key by header or by ?code=; 401 without it (http-4xx, named); snippet: cold on the first invocation, instance counted',
  async () => {
    const tmp = scratch('fxbench-az-');
    try {
      const log = path.join(tmp.dir, 'truth.log');
      writeFileSync(log, '');
      const { url } = await host(log);
      const header = await driverFor(url, { key: KEY });
      const query = await driverFor(url, { key: KEY, keyIn: 'query' });
      const wrong = await driverFor(url, { key: 'not-the-key' });
      const a = [await header.invoke(inv({})), await query.invoke(inv({})), await header.invoke(inv({}))];
      assert.equal(
        a.map((o) => [o.status, o.errorClass, o.cold, o.coldMethod]),
        [
          [200, null, true, 'instance-id'],
          [200, null, false, 'instance-id'],
          [200, null, false, 'instance-id'],
        ],
      );
      assert.ok(
        a.every((o) => o.instanceId === a[0]!.instanceId && /^fake-\d+-/.test(o.instanceId!)),
        'WEBSITE_INSTANCE_ID in the id',
      );
      const denied = await wrong.invoke(inv({}));
      assert.equal([denied.status, denied.errorClass, denied.cold], [401, 'http-4xx', null]);
      assert.match(denied.errorMessage!, /function key missing or wrong/);
      const failed = await header.invoke(inv({ fail: true }));
      assert.equal([failed.status, failed.errorClass], [500, 'function-error']);
      assert.equal(truth(log), { processes: 1, invocations: 4, errors: 1, unauthorized: 1 });
    } finally {
      tmp.cleanup();
    }
  },
);

az('no snippet headers: cold unknown (null), never guessed; the target says method none', async () => {
  // A plain HTTP server as the "function" (the engine's trivial test server): no fxbench headers.
  const srv = await startServer('trivial');
  try {
    const d = await driverFor(`${srv.url}/api/x`, { authLevel: 'anonymous' });
    const o = await d.invoke(inv({}));
    assert.equal([o.status, o.cold, o.coldMethod], [200, null, null]);
    assert.is(d.info().coldStartMethod, 'none');
  } finally {
    srv.stop();
  }
});

az(
  'through the CLI: a host restarted between 2 rounds, keys by header then query: cold starts = processes, requests = invocations; the key in no output',
  async () => {
    const tmp = scratch('fxbench-az-');
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
      for (const [round, keyIn] of [
        [1, 'header'],
        [2, 'query'],
      ] as const) {
        const log = path.join(tmp.dir, `truth-${round}.log`);
        writeFileSync(log, '');
        const { url, child } = await host(log);
        const file = path.join(tmp.dir, `az-${round}.ts`);
        writeFileSync(
          file,
          `export default { name: 'az-${round}', targets: [{ name: 'az', provider: 'azure', url: '${url}', keyIn: '${keyIn}', plan: 'consumption', memoryMB: 200 }], phases: [{ kind: 'burst', concurrency: 3, rounds: 2, gap: 50 }] };\n`,
        );
        const out = path.join(tmp.dir, `out-${round}`);
        const samples = path.join(tmp.dir, `samples-${round}.ndjson`);
        const run = await runCli(['run', file, '-o', out, '--samples', samples, '--no-history'], {
          cwd: tmp.dir,
          timeoutMs: 60_000,
          env: { AZURE_FUNCTIONS_KEY: KEY },
        });
        assert.is(run.code, 0, `exit code (stderr: ${run.stderr})`);
        // The plan says that forced cold starts are not offered.
        assert.match(
          run.stderr,
          /target az: azure.* \(cold starts cannot be forced here: only an idle gap makes one\)/,
        );
        await stop(child);
        const tr = truth(log);
        const t = (JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result).targets[0]!;
        const s = t.summary!;
        assert.equal([tr.processes, tr.invocations, tr.unauthorized], [1, 6, 0], `round ${round}: truth`);
        assert.equal([s.requests, s.ok, s.coldStarts], [tr.invocations, 6, tr.processes], `round ${round}`);
        assert.is(t.coldStartMethod, 'instance-id');
        assert.equal(
          t.phases.map((p) => p.coldStarts),
          [1, 0],
        );
        assert.equal([t.provider, t.function, t.memoryMB], ['azure', 'hello', 200]);
        // Consumption: 200 MB → 256 MB; each invocation's latency rounded up to 1 ms, at least 100 ms.
        const sampled = readFileSync(samples, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { latencyUs: number; costUSD: number });
        assert.is(sampled.length, 6);
        let expected = 0;
        for (const x of sampled) {
          const usd = 0.0000002 + 0.25 * (Math.max(100, Math.ceil(x.latencyUs / 1000)) / 1000) * 0.000016;
          assert.ok(Math.abs(x.costUSD - usd) < 1e-15, `sample ${x.latencyUs} µs: ${x.costUSD} vs ${usd}`);
          expected += usd;
        }
        console.log(
          `azure (local host) round ${round}, truth vs fxbench: invocations ${tr.invocations} vs ${s.requests}, cold starts ${tr.processes} vs ${s.coldStarts} (instances ${s.instances}), errors ${tr.errors} vs ${s.errors['function-error']}, cost $${expected.toPrecision(6)} (Consumption rules) vs $${s.cost!.totalUSD.toPrecision(6)}`,
        );
        assert.ok(Math.abs(s.cost!.totalUSD - expected) < 1e-14, `total ${s.cost!.totalUSD} vs ${expected}`);
        assert.ok(s.cost!.perInvocationUSD >= 0.0000002 + 0.25 * 0.1 * 0.000016 - 1e-15, 'at least the 100 ms minimum');
        assert.match(
          s.cost!.priceSource,
          /^azure functions consumption \(azure\.microsoft\.com\/en-us\/pricing\/details\/functions, read 2026-11-30\)/,
        );
        // The key is in no output: results.json, index.html, CSV, summary.md, samples, the terminal.
        const outputs = allText(out) + readFileSync(samples, 'utf8') + run.stdout + run.stderr;
        assert.ok(
          readdirSync(out).some((f) => f.endsWith('.csv')),
          'CSV written',
        );
        assert.ok(readdirSync(out).includes('index.html'), 'HTML written');
        assert.not.ok(outputs.includes(KEY), 'the key appears in no output');
        assert.not.ok(outputs.includes(encodeURIComponent(KEY)), 'nor URL-encoded');
        // Distinct instances across the run: the one process.
        assert.is(s.instances, tr.processes, `round ${round}: instances = processes`);
      }
    } finally {
      tmp.cleanup();
    }
  },
);

az(
  'before the first request: a missing key, a key in the URL, a bad URL, a bad instance size name their field; coldFirst refused',
  async () => {
    const tmp = scratch('fxbench-az-');
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
      const log = path.join(tmp.dir, 'truth.log');
      writeFileSync(log, '');
      const { url } = await host(log);
      const cases: [string, string, RegExp][] = [
        [
          `{ url: '${url}' }`,
          '',
          /\.key: missing: authLevel "function" \(the default\) needs a function key: set the AZURE_FUNCTIONS_KEY environment variable/,
        ],
        [`{ url: '${url}?code=${KEY}' }`, KEY, /\.url: contains the function key \(\?code=…\): remove it from the URL/],
        [`{ url: 'not a url' }`, KEY, /\.url: expected an absolute URL/],
        [`{ url: '${url}', instanceMemoryMB: 1024 }`, KEY, /\.instanceMemoryMB: expected one of 512, 2048, 4096/],
        [`{ url: '${url}', memoryMB: 256 }`, KEY, /\.memoryMB: applies to plan "consumption"/],
      ];
      for (const [fields, key, message] of cases) {
        const file = path.join(tmp.dir, 'bad.ts');
        writeFileSync(
          file,
          `export default { name: 'bad', targets: [{ name: 'az', provider: 'azure', ...${fields} }], phases: [{ kind: 'burst', concurrency: 1 }] };\n`,
        );
        const env: Record<string, string> = { AZURE_FUNCTIONS_KEY: key };
        const run = await runCli(['run', file, '-o', path.join(tmp.dir, 'o'), '--no-history'], { cwd: tmp.dir, env });
        assert.is(run.code, 2, `${fields}: exit 2 (${run.stderr})`);
        assert.match(run.stderr, message, fields);
        assert.not.ok(run.stderr.includes(KEY) || run.stdout.includes(KEY), `${fields}: the key is not echoed`);
      }
      // forceCold is not offered: a coldFirst burst without an idle window is refused up front.
      const file = path.join(tmp.dir, 'cold.ts');
      writeFileSync(
        file,
        `export default { name: 'cold', targets: [{ name: 'az', provider: 'azure', url: '${url}' }], phases: [{ kind: 'burst', concurrency: 1, coldFirst: true }] };\n`,
      );
      const run = await runCli(['run', file, '-o', path.join(tmp.dir, 'o'), '--no-history'], {
        cwd: tmp.dir,
        env: { AZURE_FUNCTIONS_KEY: KEY },
      });
      assert.is(run.code, 2, run.stderr);
      assert.match(run.stderr, /provider azure\) cannot force cold starts \(no capability forceCold\)/);
      assert.equal(truth(log).invocations, 0, 'nothing was sent');
    } finally {
      tmp.cleanup();
    }
  },
);

az.run();
