// The gcf driver against the REAL @google-cloud/functions-framework (npm 5.0.5)
// serving an example function (test/fixtures/gcf/function.mjs) on 127.0.0.1 in a
// child process, with fxbench's Node instance-id snippet. NO CLOUD: ID tokens
// come from google-auth-library talking to a local metadata server
// (test/helpers/fake-gce-metadata.ts). Cold detection must count exactly one
// instance per framework process.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GcfDriver, gcfErrorClass, parseGen1Url } from '../../../src/drivers/gcf/driver.ts';
import { LatencyColdHeuristic } from '../../../src/drivers/gcf/heuristic.ts';
import { jwtExpiryMs } from '../../../src/drivers/gcf/id-token.ts';
import { loadScenario } from '../../../src/scenarios/load.ts';
import { runPlan } from '../../../src/scenarios/runner.ts';
import { alive, isFxError, ROOT, scratch } from '../../helpers/cli.ts';
import { FakeGceMetadata } from '../../helpers/fake-gce-metadata.ts';
import { createHash } from 'node:crypto';
import type { ResolvedTarget } from '../../../src/model/target.ts';
import type { GcfOptions } from '../../../src/drivers/gcf/target.ts';

const FUNCTION = path.join(ROOT, 'test/fixtures/gcf/function.mjs');
const children: ChildProcess[] = [];
const drivers: GcfDriver[] = [];
delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
process.env.CLOUDSDK_CONFIG = '/nonexistent/fxbench-gcloud';
process.env.METADATA_SERVER_DETECTION = 'none';

/** Starts the Functions Framework with the example function; resolves with its URL. */
function serve(mode: 'snippet' | 'plain'): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [FUNCTION, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('functions framework did not start within 15 s')), 15_000);
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[1]}/hello`, child });
      }
    });
  });
}
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
}
function target(url: string, options: Partial<GcfOptions> = {}): ResolvedTarget<GcfOptions> {
  return {
    name: 'gcf-hello',
    provider: 'gcf',
    function: '',
    arch: 'x86_64',
    options: { url, auth: 'none', ...options },
  };
}
async function driverFor(url: string, options: Partial<GcfOptions> = {}): Promise<GcfDriver> {
  const d = new GcfDriver(target(url, options));
  drivers.push(d);
  await d.prepare();
  return d;
}
const payload = (o: unknown) => ({ seq: 0, payload: Buffer.from(JSON.stringify(o)) });
const cleanup = async () => {
  for (const d of drivers.splice(0)) await d.close();
  for (const c of children.splice(0)) {
    await stopChild(c);
    assert.not.ok(alive(c.pid!), `functions framework ${c.pid} stopped`);
  }
};

// ---
const inst = suite('gcf cold starts by instance id on the real Functions Framework');
inst.after(cleanup);

inst(
  '15 invocations (10 one by one, 5 at once) on one framework process: exactly 1 instance, exactly 1 cold start',
  async () => {
    const { url } = await serve('snippet');
    const d = await driverFor(url);
    const outs = [];
    for (let i = 0; i < 10; i++) outs.push(await d.invoke(payload({})));
    outs.push(...(await Promise.all([0, 1, 2, 3, 4].map(() => d.invoke(payload({ sleepMs: 20 }))))));
    assert.is(outs.length, 15);
    assert.ok(outs.every((o) => o.status === 200 && o.errorClass === null && o.coldMethod === 'instance-id'));
    assert.is(outs.filter((o) => o.cold).length, 1);
    assert.is(outs[0]!.cold, true);
    assert.is(new Set(outs.map((o) => o.instanceId)).size, 1);
    assert.is(d.info().coldStartMethod, 'instance-id');
  },
);

inst('a second framework process is a second instance: its first invocation is cold', async () => {
  const a = await serve('snippet');
  const b = await serve('snippet');
  const da = await driverFor(a.url);
  const db = await driverFor(b.url);
  const first = [await da.invoke(payload({})), await da.invoke(payload({}))];
  const second = [await db.invoke(payload({})), await db.invoke(payload({}))];
  assert.equal(
    [...first, ...second].map((o) => o.cold),
    [true, false, true, false],
  );
  assert.is.not(first[0]!.instanceId, second[0]!.instanceId);
});

inst('a function that throws is a 500 from the framework: function-error', async () => {
  const { url } = await serve('snippet');
  const d = await driverFor(url);
  const o = await d.invoke(payload({ fail: true }));
  assert.equal([o.status, o.errorClass], [500, 'function-error']);
});

inst('through the runner: gen2 failed invocations are costed (every request is billed)', async () => {
  const { url } = await serve('snippet');
  // Its first invocation pays the lazy init (a longer billed step): done before the run.
  assert.is((await (await driverFor(url)).invoke(payload({}))).status, 200);
  const tmp = scratch();
  try {
    writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
    const file = path.join(tmp.dir, 'gcf-fail.ts');
    writeFileSync(
      file,
      `export default { name: 'gcf-fail', targets: [{ name: 'gcf', provider: 'gcf', url: '${url}', auth: 'none', memoryMB: 256 }], payload: { fail: true }, phases: [{ kind: 'burst', concurrency: 3, rounds: 1 }] };\n`,
    );
    const samples = path.join(tmp.dir, 'samples.ndjson');
    const result = await runPlan(await loadScenario(file, { cwd: tmp.dir }), { samplesFile: samples });
    const p = result.targets[0]!.phases[0]!;
    assert.equal([p.requests, p.ok, p.errors['function-error']], [3, 0, 3]);
    // Each 500 billed by its latency in 100 ms steps at 256 MB: $0.40/M + 0.167 vCPU-s × $0.000024 + 0.25 GiB-s × $0.0000025.
    const lines = readFileSync(samples, 'utf8').trim().split('\n');
    const expected = lines
      .map((l) => JSON.parse(l) as { latencyUs: number; status: number })
      .reduce((sum, x) => {
        assert.is(x.status, 500);
        const s = Math.ceil(x.latencyUs / 1000 / 100) / 10;
        return sum + 0.0000004 + 0.167 * s * 0.000024 + 0.25 * s * 0.0000025;
      }, 0);
    assert.is(lines.length, 3);
    assert.ok(p.cost, 'failed requests are priced');
    assert.ok(Math.abs(p.cost!.totalUSD - expected) < 1e-15, `total ${p.cost!.totalUSD} vs ${expected}`);
  } finally {
    tmp.cleanup();
  }
});

inst(
  'through the runner: burst 5 × 2 → round 1 one cold start, round 2 none, 1 instance; gen2 cost labelled',
  async () => {
    const { url } = await serve('snippet');
    const tmp = scratch();
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
      const file = path.join(tmp.dir, 'gcf-burst.ts');
      writeFileSync(
        file,
        `export default { name: 'gcf-burst', targets: [{ name: 'gcf', provider: 'gcf', url: '${url}', auth: 'none', memoryMB: 256 }], phases: [{ kind: 'burst', concurrency: 5, rounds: 2, gap: 50 }] };\n`,
      );
      const result = await runPlan(await loadScenario(file, { cwd: tmp.dir }));
      const t = result.targets[0]!;
      assert.is(t.error, undefined);
      assert.is(t.coldStartMethod, 'instance-id');
      assert.equal([t.phases[0]!.requests, t.phases[0]!.coldStarts, t.phases[0]!.instances], [5, 1, 1]);
      assert.equal([t.phases[1]!.requests, t.phases[1]!.coldStarts, t.phases[1]!.instances], [5, 0, 1]);
      assert.equal([t.summary!.coldStarts, t.function], [1, 'hello']);
      // One process served both rounds: 1 distinct instance across the target, not 1 + 1.
      assert.is(t.summary!.instances, 1);
      const c = t.phases[1]!.cost!;
      assert.match(
        c.priceSource,
        /^gcf gen2 \/ cloud run request-based tier 1 \(cloud\.google\.com\/run\/pricing, 2025-07\); vCPU from the memory default; from client-observed latency/,
      );
      // Loopback latency < 100 ms → one 100 ms step: $0.0000004 + 0.167 vCPU × 0.1 s × $0.000024 + 0.25 GiB × 0.1 s × $0.0000025.
      assert.ok(
        Math.abs(c.perInvocationUSD - (0.0000004 + 0.167 * 0.1 * 0.000024 + 0.25 * 0.1 * 0.0000025)) < 1e-15,
        `per invocation ${c.perInvocationUSD}`,
      );
    } finally {
      tmp.cleanup();
    }
  },
);

inst.run();

// ---
const heur = suite('gcf without the snippet: the latency heuristic, labelled');
heur.after(cleanup);

heur('the first invocation pays a 400 ms lazy init and is guessed cold (heuristic); the rest warm', async () => {
  const { url } = await serve('plain');
  const d = await driverFor(url, { heuristicCold: 300 });
  const outs = [];
  for (let i = 0; i < 5; i++) outs.push(await d.invoke(payload({})));
  assert.equal(
    outs.map((o) => [o.cold, o.coldMethod]),
    [
      [true, 'heuristic'],
      [false, 'heuristic'],
      [false, 'heuristic'],
      [false, 'heuristic'],
      [false, 'heuristic'],
    ],
  );
  assert.is(outs[0]!.instanceId, undefined);
  assert.is(d.info().coldStartMethod, 'heuristic');
});

heur('the rule: at least the threshold and at least 3× the fastest seen before', () => {
  const h = new LatencyColdHeuristic(1000);
  assert.equal(
    [1200, 50, 900, 1100, 160, 2000].map((ms) => h.observe(ms)),
    [true, false, false, true, false, true],
  );
  const slow = new LatencyColdHeuristic(1000);
  assert.equal(
    [1500, 1600, 1400].map((ms) => slow.observe(ms)),
    [true, false, false],
    'a function that is always slow is not always cold',
  );
});

heur.run();

// ---
const auth = suite('gcf ID tokens through google-auth-library');
const metadata = new FakeGceMetadata();
auth.after(async () => {
  await cleanup();
  await metadata.stop();
  process.env.METADATA_SERVER_DETECTION = 'none';
});

auth('no credentials anywhere: "credentials missing: set GOOGLE_APPLICATION_CREDENTIALS …"', async () => {
  const e = await isFxError(
    () => driverFor('https://us-central1-fx-proj.cloudfunctions.net/hello', { auth: 'id-token', generation: 1 }),
    { exitCode: 3 },
  );
  assert.match(
    e.message,
    /^target gcf-hello: credentials missing: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run on GCP; for a public function set auth: 'none'/,
  );
});

auth(
  'a private function gets "Authorization: Bearer <ID token>" for its URL; one token serves many calls; none reaches the result',
  async () => {
    process.env.GCE_METADATA_HOST = await metadata.start();
    process.env.METADATA_SERVER_DETECTION = 'assume-present';
    const { url } = await serve('snippet');
    const tmp = scratch();
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
      const file = path.join(tmp.dir, 'gcf-private.ts');
      writeFileSync(
        file,
        `export default { name: 'gcf-private', targets: [{ name: 'gcf', provider: 'gcf', url: '${url}' }], phases: [{ kind: 'burst', concurrency: 4, rounds: 2, gap: 10 }] };\n`,
      );
      const samples = path.join(tmp.dir, 'samples.ndjson');
      const result = await runPlan(await loadScenario(file, { cwd: tmp.dir }), { samplesFile: samples });
      assert.is(result.targets[0]!.error, undefined);
      assert.is(result.targets[0]!.summary!.ok, 8);
      assert.equal(metadata.issued, [url], 'one token, audience = the function URL');
      const token = metadata.tokens[0]!;
      assert.ok(jwtExpiryMs(token)! > Date.now() + 3_000_000);
      // The function saw the header (it answers its hash, never the token).
      const d = await driverFor(url, { auth: 'id-token' });
      const body = await new Promise<string>((resolve) => {
        void fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: '{}',
        })
          .then((r) => r.text())
          .then(resolve);
      });
      assert.is(JSON.parse(body).auth, createHash('sha256').update(`Bearer ${token}`).digest('hex'));
      assert.is((await d.invoke(payload({}))).status, 200);
      assert.not.match(JSON.stringify(result), new RegExp(token.split('.')[1]!));
      const { readFileSync } = await import('node:fs');
      assert.not.match(readFileSync(samples, 'utf8'), new RegExp(token.split('.')[1]!));
    } finally {
      tmp.cleanup();
    }
  },
);

auth.run();

// ---
const units = suite('gcf URLs, status classes and price models');

units('gen1 URLs give region, project and name; status codes map to classes', () => {
  assert.equal(parseGen1Url('https://us-central1-my-proj-123.cloudfunctions.net/hello'), {
    region: 'us-central1',
    project: 'my-proj-123',
    name: 'hello',
  });
  assert.is(parseGen1Url('https://hello-abc123-uc.a.run.app/'), undefined);
  assert.equal([200, 429, 413, 500, 503, 504, 403].map(gcfErrorClass), [
    null,
    'throttled',
    'payload-too-large',
    'function-error',
    'http-5xx',
    'timeout',
    'http-4xx',
  ]);
});

units('a gen1 target prices by GB-s + GHz-s in 100 ms steps; a run.app target is gen2', () => {
  const g1 = new GcfDriver(target('https://us-central1-p.cloudfunctions.net/hello', { generation: 1 }));
  const m1 = g1.priceModel();
  assert.match(m1.source, /^gcf gen1 tier 1/);
  assert.ok(Math.abs(m1.price({ latencyMs: 260, memoryMB: 128 })! - 0.00000109375) < 1e-15);
  assert.equal([g1.info().region, g1.info().function, g1.info().memoryMB], ['us-central1', 'hello', 256]);
  const g2 = new GcfDriver(target('https://hello-abc123-uc.a.run.app/', { generation: 1 }));
  assert.match(g2.priceModel().source, /^gcf gen2/);
});

units.run();
