// test-timeout: 300 s
// `fxbench run --fleet lambda:<function> --shards N` (issue 14 part 1) without
// AWS: the worker bundle `fleet deploy` would zip, served by a real `fxbench
// serve` (each generator its own process), invoked through the Invoke API with
// SigV4-signed requests. The generators' target is an HTTP server on 127.0.0.1.
// Checked here: a burst split among generators; a failing, a timed-out and a
// throttled generator are named, their shares missing, exit 3 with the partial
// result written; a scenario over Lambda's 15 minutes is refused with exit 2.
// (The merged sum and the generators' start instant: lambda-fleet-start.test.ts.)
import path from 'node:path';
import * as assert from 'uvu/assert';
import { finished, startCli, waitFor } from '../helpers/cli.ts';
import { FAST_LEAD, fleetSuite } from '../helpers/fleet-lambda.ts';

const { test, kit } = fleetSuite('run --fleet on local Lambda functions');

test('a burst is split among the generators (they start at one instant): 9 on 3 is 3 + 3 + 3, merged into one round of 9', async () => {
  const before = await kit.count();
  const file = kit.scenario('fleet-burst', "{ kind: 'burst', concurrency: 9, rounds: 1 }");
  const out = path.join(kit.dir, 'out-burst');
  const r = await kit.run(file, 'fleet-worker', 3, out);
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.not.match(r.stderr, /burst.*is not split between generators/);
  const res = kit.results(out);
  assert.equal(
    res.fleet!.workers.map((w) => w.requests),
    [3, 3, 3],
  );
  const phases = res.targets[0]!.phases;
  assert.is(phases.length, 1, 'one merged round');
  assert.is(phases[0]!.requests, 9);
  assert.is((await kit.count()) - before, 9);
});

test('a phase with no split of its own (a warmup) runs whole on generator 1, and the run says so', async () => {
  const before = await kit.count();
  const file = kit.scenario('fleet-warmup', "warmup({ requests: 3, interval: '10ms', coldFirst: false })");
  const out = path.join(kit.dir, 'out-warmup');
  const r = await kit.run(file, 'fleet-worker', 2, out, FAST_LEAD);
  assert.is(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stderr, /note: phase warmup \(warmup\) is not split between generators: it runs whole on generator 1/);
  assert.equal(
    kit.results(out).fleet!.workers.map((w) => w.requests),
    [3, 0],
  );
  assert.is((await kit.count()) - before, 3);
});

test('a failing generator is named, its share missing; exit 3 with the partial result written', async () => {
  const file = kit.scenario('fleet-fail', "steady({ rate: 30, duration: '1s' })");
  const out = path.join(kit.dir, 'out-fail');
  const r = await kit.run(file, 'fleet-failing', 3, out, FAST_LEAD);
  assert.is(r.code, 3, r.stderr + r.stdout);
  const f = kit.results(out).fleet!;
  assert.is(f.generators, 2);
  assert.equal(f.missing, ['2/3']);
  assert.match(f.workers[1]!.error!, /^failed: Error: generator 2 broke on purpose/);
  assert.is(kit.results(out).targets[0]!.summary!.requests, 20);
  assert.match(r.stdout, /✗ shard 2\/3 missing: failed: Error: generator 2 broke on purpose/);
  assert.match(r.stdout, /partial result: shards 2\/3 are missing; the figures cover 2 of 3/);
});

test('a generator that outlives its timeout is named as timed out; exit 3', async () => {
  const file = kit.scenario('fleet-slow', "steady({ rate: 30, duration: '1s' })");
  const out = path.join(kit.dir, 'out-slow');
  const r = await kit.run(file, 'fleet-slow', 3, out);
  assert.is(r.code, 3, r.stderr + r.stdout);
  const f = kit.results(out).fleet!;
  assert.equal(f.missing, ['3/3']);
  assert.match(f.workers[2]!.error!, /^timed out after \d+\.\d s/);
  assert.is(kit.results(out).targets[0]!.summary!.requests, 20);
});

test('a throttled generator is named (HTTP 429), its share missing; exit 3', async () => {
  const file = kit.scenario('fleet-throttled', "steady({ rate: 20, duration: '1s' })");
  const out = path.join(kit.dir, 'out-throttled');
  const r = await kit.run(file, 'fleet-one', 2, out, FAST_LEAD);
  assert.is(r.code, 3, r.stderr + r.stdout);
  const f = kit.results(out).fleet!;
  assert.is(f.generators, 1);
  assert.is(f.missing.length, 1);
  const w = f.workers.find((x) => x.error)!;
  assert.match(w.error!, /^throttled \(HTTP 429 TooManyRequestsException/);
  assert.match(r.stdout, new RegExp(`✗ shard ${w.shard.replace('/', '\\/')} missing: throttled`));
  assert.is(kit.results(out).targets[0]!.summary!.requests, 10);
});

test('a scenario planned past Lambda’s 15 minutes is refused up front: exit 2, nothing sent', async () => {
  const before = await kit.count();
  const file = kit.scenario('fleet-long', "steady({ rate: 1, duration: '16m' })");
  const r = await kit.run(file, 'fleet-worker', 2, path.join(kit.dir, 'out-long'));
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /planned to run 16\.0 min .*over Lambda's 15-minute limit/);
  assert.is((await kit.count()) - before, 0);
});

test('Ctrl-C stops the local side, says the workers run to their end, writes the partial result: exit 130', async () => {
  const file = kit.scenario('fleet-interrupt', "steady({ rate: 10, duration: '8s' })");
  const out = path.join(kit.dir, 'out-interrupt');
  const child = startCli(
    ['run', file, '--fleet', 'lambda:fleet-worker', '--shards', '2', '--fleet-lead', '1s', '--out', out],
    { cwd: kit.dir, env: kit.env },
  );
  const done = finished(child, 60_000);
  await waitFor(() => /told to start at/.test(child.out.stderr), 30_000, 'the fleet to be invoked');
  await new Promise((r) => setTimeout(r, 2500));
  child.kill('SIGINT');
  const r = await done;
  assert.is(r.code, 130, r.stderr);
  assert.match(r.stderr, /stopped waiting for the fleet: its workers run to their end on Lambda/);
  const res = kit.results(out);
  assert.is(res.interrupted, true);
  assert.equal(res.fleet!.missing, ['1/2', '2/2']);
  assert.match(res.fleet!.workers[0]!.error!, /still running when the client stopped waiting/);
});

test.run();
