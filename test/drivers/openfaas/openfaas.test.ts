// The openfaas driver against a local gateway that implements the routes of
// ../shared/providers.md §2.1–2.3 (test/helpers/fake-openfaas.ts). NO CLOUD and
// no cluster: each replica is a real python3 process (a minimal watchdog around a
// function with fxbench's Python instance-id snippet), started by the gateway
// when it scales from zero while it HOLDS the request, and killed by PID.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OpenFaasDriver } from '../../../src/drivers/openfaas/driver.ts';
import { loadScenario } from '../../../src/scenarios/load.ts';
import { runPlan } from '../../../src/scenarios/runner.ts';
import { alive, isFxError, scratch } from '../../helpers/cli.ts';
import { FakeOpenFaas } from '../../helpers/fake-openfaas.ts';
import type { ResolvedTarget } from '../../../src/model/target.ts';
import type { OpenFaasOptions } from '../../../src/drivers/openfaas/target.ts';

const STARTUP_MS = 400;
const fake = new FakeOpenFaas([
  { name: 'cold', startupMs: STARTUP_MS },
  { name: 'warm' },
  { name: 'stuck', stuckOnScaleDown: true, startupMs: 50 },
  { name: 'burst', startupMs: 200 },
  { name: 'busy', startupMs: 100, scaleOnBusy: true },
  { name: 'busy-h', startupMs: 100, scaleOnBusy: true, coldHeader: true },
]);
let gateway = '';
const drivers: OpenFaasDriver[] = [];
process.env.OPENFAAS_PASSWORD = fake.password;

function target(fn: string, options: Partial<OpenFaasOptions> = {}): ResolvedTarget<OpenFaasOptions> {
  return {
    name: `of-${fn}`,
    provider: 'openfaas',
    function: fn,
    arch: 'x86_64',
    options: { gateway, scalePoll: 50, ...options },
  };
}
async function driverFor(fn: string, options: Partial<OpenFaasOptions> = {}): Promise<OpenFaasDriver> {
  const d = new OpenFaasDriver(target(fn, options));
  drivers.push(d);
  await d.prepare();
  return d;
}
const payload = (o: unknown) => ({ seq: 0, payload: Buffer.from(JSON.stringify(o)) });

const setup = async () => {
  if (!gateway) gateway = await fake.start({ warm: 1, stuck: 1, busy: 1, 'busy-h': 1 });
  // The pre-scaled replicas must be listening before tests rely on them.
  const end = Date.now() + 10_000;
  while ((fake.available('warm') < 1 || fake.available('stuck') < 1) && Date.now() < end)
    await new Promise((r) => setTimeout(r, 20));
};
const teardown = async () => {
  for (const d of drivers.splice(0)) await d.close();
};

// ---
const prep = suite('openfaas prepare');
prep.before(setup);
prep.after(teardown);

prep('an unknown function: "function X not found on gateway G"', async () => {
  const e = await isFxError(() => driverFor('nope'), { exitCode: 3 });
  assert.is(e.message, `target of-nope: function nope not found on gateway ${gateway}`);
});

prep('no password: says to set OPENFAAS_PASSWORD; a wrong one is refused the same way and never echoed', async () => {
  delete process.env.OPENFAAS_PASSWORD;
  try {
    const e = await isFxError(() => driverFor('warm'), { exitCode: 3 });
    assert.match(
      e.message,
      /credentials missing or wrong for the gateway's \/system API: set OPENFAAS_PASSWORD \(user "admin"\)/,
    );
    const w = await isFxError(() => driverFor('warm', { password: 'guess-123' }), { exitCode: 3 });
    assert.not.match(w.message, /guess-123/);
  } finally {
    process.env.OPENFAAS_PASSWORD = fake.password;
  }
  assert.is(
    fake.systemAuth.at(-1),
    `Basic ${Buffer.from('admin:guess-123').toString('base64')}`,
    'basic auth, user admin',
  );
});

prep('a function with a ready replica is not scaling from zero; its invocations are warm after the first', async () => {
  const d = await driverFor('warm');
  assert.is(d.scalingFromZero, false);
  // The replica's first invocation (snippet count 1) counts cold by instance id: the snippet cannot tell
  // that this replica's init was paid before the request; the second is warm.
  const first = await d.invoke(payload({}));
  assert.equal([first.status, first.errorClass, first.cold, first.coldMethod], [200, null, true, 'instance-id']);
  const o = await d.invoke(payload({ sleepMs: 20 }));
  assert.equal([o.status, o.errorClass, o.cold, o.coldMethod], [200, null, false, 'instance-id']);
  assert.ok(
    o.durationMs! >= 19 && o.durationMs! < 1000,
    `X-Duration-Seconds as duration: ${o.durationMs} ms (sleep 20 ms, -1 ms timer tolerance)`,
  );
  assert.match(o.requestId!, /^[0-9a-f-]{36}$/, 'X-Call-Id kept');
  assert.ok(o.instanceId, 'the Python snippet sent an instance id');
});

prep.run();

// ---
const zero = suite('openfaas scale from zero');
zero.before(setup);
zero.after(teardown);

zero(
  `a wave of 3 against 0 replicas: held while one real replica starts (${STARTUP_MS} ms), all 3 cold; then warm`,
  async () => {
    const d = await driverFor('cold');
    assert.is(d.scalingFromZero, true, 'availableReplicas absent ⇒ 0');
    const pidsBefore = fake.pids.length;
    const t0 = performance.now();
    const wave = await Promise.all([0, 1, 2].map(() => d.invoke(payload({}))));
    const waveMs = performance.now() - t0;
    assert.equal(
      wave.map((o) => [o.status, o.cold]),
      [
        [200, true],
        [200, true],
        [200, true],
      ],
    );
    assert.ok(
      waveMs >= STARTUP_MS,
      `the gateway held the wave ${waveMs.toFixed(0)} ms ≥ the replica's ${STARTUP_MS} ms start-up`,
    );
    assert.is(fake.pids.length - pidsBefore, 1, 'one replica process started');
    assert.ok(alive(fake.pids.at(-1)!), 'it is a live process');
    assert.is(new Set(wave.map((o) => o.instanceId)).size, 1, 'all served by that one instance');
    assert.ok(fake.log.some((l) => l === '[Scale 1/20] function=cold 0 => 1 requested'));
    assert.ok(fake.log.some((l) => /^\[Ready\] function=cold waited for - \d+\.\d{4}s$/.test(l)));
    const next = await d.invoke(payload({}));
    assert.equal([next.cold, next.instanceId], [false, wave[0]!.instanceId]);
  },
);

zero(
  'forceCold scales to 0, waits until the replica is gone (by PID), and the next invocation is cold on a new instance',
  async () => {
    const d = await driverFor('cold');
    const before = await d.invoke(payload({}));
    const pid = fake.pids.at(-1)!;
    await d.forceCold();
    assert.is(fake.available('cold'), 0);
    assert.is((await d.functionStatus()).availableReplicas, undefined, 'omitted when 0');
    assert.not.ok(alive(pid), `replica ${pid} stopped`);
    assert.is(d.scalingFromZero, true);
    const after = await d.invoke(payload({}));
    assert.is(after.cold, true);
    assert.is.not(after.instanceId, before.instanceId);
  },
);

zero('forceCold gives up after scaleTimeout when replicas stay available', async () => {
  const d = await driverFor('stuck', { scaleTimeout: 300 });
  const t0 = performance.now();
  const e = await isFxError(() => d.forceCold(), { exitCode: 3 });
  assert.match(e.message, /forceCold: 1 replica\(s\) of stuck still available after 300 ms/);
  assert.ok(performance.now() - t0 < 2000);
});

zero('status codes: 500 function-error, 429 throttled, 504 timeout, 413 payload-too-large', async () => {
  const d = await driverFor('warm');
  const classes = [];
  for (const status of [500, 429, 504, 413, 404]) classes.push((await d.invoke(payload({ status }))).errorClass);
  assert.equal(classes, ['function-error', 'throttled', 'timeout', 'payload-too-large', 'http-4xx']);
});

zero.run();

// ---
const run = suite('openfaas through the runner');
run.before(setup);
run.after(teardown);
run.after(async () => {
  await fake.stop();
  for (const pid of fake.pids) assert.not.ok(alive(pid), `replica ${pid} stopped`);
});

run(
  'burst 3 × 2 from zero: round 1 all cold, round 2 warm; self-hosted cost from node price ÷ throughput; no password in the result',
  async () => {
    const tmp = scratch();
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
      const file = path.join(tmp.dir, 'of-burst.ts');
      writeFileSync(
        file,
        `export default { name: 'of-burst', targets: [{ name: 'of', provider: 'openfaas', function: 'burst', gateway: '${gateway}', nodePricePerHourUSD: 0.1 }], phases: [{ kind: 'burst', concurrency: 3, rounds: 2, gap: 50 }] };\n`,
      );
      const plan = await loadScenario(file, { cwd: tmp.dir });
      const result = await runPlan(plan);
      const t = result.targets[0]!;
      assert.is(t.error, undefined);
      const [r1, r2] = t.phases;
      assert.equal([r1!.requests, r1!.ok, r1!.coldStarts, r1!.instances], [3, 3, 3, 1]);
      assert.equal([r2!.requests, r2!.ok, r2!.coldStarts], [3, 3, 0]);
      const c = r2!.cost!;
      assert.match(
        c.priceSource,
        /^openfaas self-hosted: 1 node × \$0\.1\/h \(configured\) ÷ measured throughput; assumes the node serves only this function$/,
      );
      assert.ok(
        Math.abs(c.perInvocationUSD - 0.1 / 3600 / r2!.throughputRps) < 1e-18,
        `${c.perInvocationUSD} = 0.1/3600/${r2!.throughputRps}`,
      );
      assert.ok(Math.abs(c.totalUSD - c.perInvocationUSD * 3) < 1e-18);
      assert.not.match(JSON.stringify(result), new RegExp(fake.password));
    } finally {
      tmp.cleanup();
    }
  },
);

run(
  'a burst beyond the warm replicas: the new replicas are counted cold from the responses (instance ids; x-fxbench-cold), against the processes the gateway started',
  async () => {
    const end = Date.now() + 10_000;
    while ((fake.available('busy') < 1 || fake.available('busy-h') < 1) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    const tmp = scratch();
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
      for (const [fn, method] of [
        ['busy', 'instance-id'],
        ['busy-h', 'provider'],
      ] as const) {
        // Warm the one replica first (its first invocation, the cold one, is not part of the run). Each
        // invocation then holds its replica 300 ms, so the three of a round overlap.
        const d = await driverFor(fn);
        assert.is((await d.invoke(payload({}))).status, 200);
        const pidsBefore = fake.pids.length;
        const file = path.join(tmp.dir, `${fn}.ts`);
        writeFileSync(
          file,
          `export default { name: 'of-busy', targets: [{ name: 'of', provider: 'openfaas', function: '${fn}', gateway: '${gateway}' }], payload: { sleepMs: 300 }, phases: [{ kind: 'burst', concurrency: 3, rounds: 2, gap: 50 }] };\n`,
        );
        const result = await runPlan(await loadScenario(file, { cwd: tmp.dir }));
        const t = result.targets[0]!;
        assert.is(t.error, undefined);
        // Server-side truth: the gateway started 2 processes for round 1 (1 replica was warm), none for round 2.
        const started = fake.pids.length - pidsBefore;
        assert.is(started, 2, fn);
        const [r1, r2] = t.phases;
        assert.equal([r1!.requests, r1!.ok, r1!.coldStarts], [3, 3, started], fn);
        assert.equal([r2!.requests, r2!.ok, r2!.coldStarts], [3, 3, 0], fn);
        assert.is(t.coldStartMethod, method, fn);
        assert.equal(t.summary!.coldMethods, { [method]: 6 }, fn);
      }
    } finally {
      tmp.cleanup();
    }
  },
);

run.run();
