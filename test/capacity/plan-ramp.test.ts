// test-serial: needs all 5 ramp steps; the ramp stops at the first over p99 300 ms, which a busy machine breaks
// A capacity plan from a real local-runtime run of scenarios/ramp.ts (the real
// CLI, real processes, HTTP on 127.0.0.1): `fxbench run … --rps …` prints the
// plan, writes plan.json and adds the section to index.html; `fxbench plan`
// recomputes the same plan from results.json alone.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CapacityPlan as Plan } from '../../src/capacity/types.ts';
import type { Result } from '../../src/model/result.ts';
import { runCli, scratch } from '../helpers/cli.ts';

const tmp = scratch();
const test = suite('plan from a real ramp run');
test.after(() => tmp.cleanup());

const FLAGS = [
  '--rps',
  '50',
  '--peak-rps',
  '400',
  '--p99',
  '300ms',
  '--monthly-requests',
  '100M',
  '--provider',
  'local,lambda',
  '--node-price-hour',
  '0.05',
];

test('run --rps … plans from the measured ramp: SLO measured, nodes from the knee, Lambda cost from billed duration', async () => {
  const out = path.join(tmp.dir, 'ramp');
  const r = await runCli(['run', 'scenarios/ramp.ts', '--out', out, '--quiet', '--no-history', ...FLAGS], {
    timeoutMs: 90_000,
  });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /capacity plan for 50 req\/s, peak 400 req\/s for 300 s, p99 ≤ 300 ms/);
  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')) as Plan;
  const t = result.targets[0]!;
  assert.ok(t.ramp && t.ramp.steps.length === 5, 'the run has a ramp');
  assert.equal(
    plan.targets.map((p) => p.provider),
    ['local', 'lambda'],
  );
  const [local, lambda] = plan.targets as [Plan['targets'][0], Plan['targets'][0]];

  // Little's law on the measured warm latency, exactly.
  const w = t.summary!.warmLatencyMs!;
  assert.ok(Math.abs(lambda.concurrencyMean.value! - 50 * (w.mean / 1000)) < 1e-9);
  assert.is(lambda.instances.value, Math.max(1, Math.ceil(50 * (w.p99 / 1000))));
  assert.is(lambda.peak!.instances.value, Math.max(1, Math.ceil(400 * (w.p99 / 1000))));
  // 50 req/s is inside the ramp (20 → 200 req/s): the SLO verdict is measured, not extrapolated.
  assert.is(lambda.slo!.basis, 'measured');
  assert.match(lambda.slo!.holds.from, /^ramp step at \d+ req\/s/);
  assert.not.ok(lambda.missing.some((m) => m.startsWith('no ramp phase')));
  // Lambda cost: the local runtime's billed duration, priced with the dated table.
  assert.match(lambda.perInvocationUSD.from, /measured billed cost of \d+ warm invocations/);
  assert.ok(
    Math.abs(
      lambda.monthlyUSD.value! -
        (lambda.perInvocationUSD.value! * 100e6 + lambda.monthlyUSD.value! * lambda.coldShare.value!),
    ) < 1e-6,
  );
  // Self-hosted: nodes at the ramp knee, priced per node-hour.
  if (t.ramp!.kneeRps) {
    assert.is(local.nodes!.perNodeRps.value, t.ramp!.kneeRps);
    assert.is(local.nodes!.nodes.value, Math.ceil(50 / t.ramp!.kneeRps));
    assert.ok(Math.abs(local.nodes!.monthlyUSD.value! - local.nodes!.nodes.value! * 730 * 0.05) < 1e-9);
  }

  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.match(html, /<section class="capacity-plan scroll" id="capacity-plan"><h2>Capacity plan<\/h2>/);
  assert.match(html, /<a href="#capacity-plan">Capacity plan<\/a>/);

  // The same plan from the results file alone.
  const again = await runCli([
    'plan',
    path.join(out, 'results.json'),
    ...FLAGS,
    '--out',
    path.join(tmp.dir, 'plan2.json'),
    '--json',
  ]);
  assert.is(again.code, 0, again.stderr);
  const plan2 = JSON.parse(readFileSync(path.join(tmp.dir, 'plan2.json'), 'utf8')) as Plan;
  assert.equal(plan2.targets, plan.targets);
});

test('bad plan flags exit 2 before anything runs', async () => {
  const out = path.join(tmp.dir, 'bad');
  const r = await runCli(['run', 'scenarios/ramp.ts', '--out', out, '--rps', '50', '--p99', 'soon']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--p99: expected a latency such as "300ms", got "soon"/);
  assert.not.ok(existsSync(out));
  const p = await runCli(['plan', path.join(tmp.dir, 'missing.json'), '--rps', '5']);
  assert.is(p.code, 2);
  assert.match(p.stderr, /missing\.json: results file not found/);
});

test.run();
