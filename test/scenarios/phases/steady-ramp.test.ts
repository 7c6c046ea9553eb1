// The steady and ramp phases end to end over real HTTP on 127.0.0.1: exact
// counts under the closed model (the open model's rate and timeline are in
// steady-open.test.ts, run alone), the ramp's knee against a server
// built to break at a known rate, and validation that rejects unbounded or
// contradictory phases (exit 2 material: every issue with its field).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CheckContext } from '../../../src/config/check.ts';
import { rampPhase } from '../../../src/scenarios/phases/ramp.ts';
import { steadyPhase } from '../../../src/scenarios/phases/steady.ts';
import { runPlan } from '../../../src/scenarios/runner.ts';
import { httpTarget, phase, plan } from '../../helpers/plans.ts';
import { startServer, type TestServer } from '../../helpers/servers.ts';

const servers: TestServer[] = [];

const steady = suite('steady phase');
steady.after(() => servers.forEach((s) => s.stop()));

steady('closed model: users and a request bound give exactly that many invocations', async () => {
  const s = await startServer('trivial');
  servers.push(s);
  const r = await runPlan(
    plan(
      [httpTarget('t', { url: s.url, method: 'GET' })],
      [phase({ kind: 'steady', users: 4, requests: 777, duration: '20s' })],
    ),
  );
  const p = r.targets[0]!.phases[0]!;
  assert.is(p.requests, 777);
  assert.is(p.ok, 777);
  assert.is(p.rateRps, undefined);
});

// ---

const ramp = suite('ramp phase');
ramp.after(() => servers.forEach((s) => s.stop()));

ramp('finds the knee within one step of where a server built to break at 175/s breaks', async () => {
  const s = await startServer('capacity', [175]);
  servers.push(s);
  // 50, 100, 150, 200, 250 /s, 1.5 s each; the server answers 503 beyond 175/s.
  const r = await runPlan(
    plan(
      [httpTarget('cap', { url: s.url, method: 'GET' })],
      [phase({ kind: 'ramp', from: 50, to: 250, steps: 5, duration: '7.5s', slo: { p99: '300ms', errorRate: 0.01 } })],
    ),
  );
  const t = r.targets[0]!;
  const ramp = t.ramp!;
  assert.ok(ramp, 'the target has a ramp result');
  assert.equal(ramp.slo, { p99Ms: 300, errorRate: 0.01 });
  assert.ok(ramp.kneeRps === 150 || ramp.kneeRps === 100, `knee ${ramp.kneeRps}/s: within one step below 175/s`);
  assert.is(ramp.brokeAtRps, ramp.kneeRps! + 50, 'broke at the next step');
  assert.is(ramp.steps.length, ramp.brokeAtRps! / 50, 'stopped at the first broken step');
  assert.ok(ramp.steps.slice(0, -1).every((x) => x.ok && x.errorRate <= 0.01));
  const broken = ramp.steps.at(-1)!;
  assert.not.ok(broken.ok);
  assert.ok(broken.errorRate > 0.01, `error rate at the break ${broken.errorRate}`);
  // Each step is a round of the phase with its rate.
  assert.equal(
    t.phases.map((p) => [p.round, p.rateRps]),
    ramp.steps.map((x, i) => [i + 1, x.rateRps]),
  );
  assert.is(t.phases[0]!.requests, 75);
});

// ---

const valid = suite('steady and ramp validation');

function issues(
  mod: { check(raw: Record<string, unknown>, path: string, ctx: CheckContext): unknown },
  raw: Record<string, unknown>,
): string[] {
  const ctx: CheckContext = { file: 's.ts', issues: [] };
  mod.check(raw, 'phases[0]', ctx);
  return ctx.issues.map((i) => `${i.field}: ${i.message}`);
}

valid('a phase without a duration is rejected: every phase is bounded', () => {
  assert.equal(issues(steadyPhase, { kind: 'steady', rate: 10 }), ['phases[0].duration: is required']);
  assert.equal(issues(rampPhase, { kind: 'ramp', from: 1, to: 2, slo: { p99: '1s' } }), [
    'phases[0].duration: is required',
  ]);
  assert.match(
    issues(steadyPhase, { kind: 'steady', rate: 10, duration: 0 })[0]!,
    /duration: expected a duration above 0 and at most 24h/,
  );
  assert.match(issues(steadyPhase, { kind: 'steady', rate: 10, duration: '25h' })[0]!, /at most 24h/);
});

valid('exactly one arrival model; options of the other model are rejected', () => {
  assert.match(
    issues(steadyPhase, { kind: 'steady', rate: 10, users: 2, duration: '1s' })[0]!,
    /exactly one of "rate".*and "users"/,
  );
  assert.match(issues(steadyPhase, { kind: 'steady', duration: '1s' })[0]!, /exactly one of/);
  assert.match(
    issues(steadyPhase, { kind: 'steady', rate: 10, think: '1s', duration: '1s' })[0]!,
    /belong to the closed model/,
  );
  assert.match(
    issues(steadyPhase, { kind: 'steady', users: 1, maxInFlight: 3, duration: '1s' })[0]!,
    /maxInFlight: belongs to the open model/,
  );
  assert.equal(issues(steadyPhase, { kind: 'steady', rate: '10', duration: '1s', bogus: 1 }), [
    'phases[0].rate: expected a number from 0.001 to 1000000, got "10"',
    'phases[0].bogus: unknown field; expected one of kind, name, rate, users, duration, maxInFlight, think, requests',
  ]);
});

valid('a ramp needs to ≥ from, an SLO with a p99, and steps long enough to judge', () => {
  assert.match(
    issues(rampPhase, { kind: 'ramp', from: 10, to: 5, duration: '5s', slo: { p99: '1s' } })[0]!,
    /to: expected a rate at least "from"/,
  );
  assert.equal(issues(rampPhase, { kind: 'ramp', from: 1, to: 5, duration: '5s', slo: {} }), [
    'phases[0].slo.p99: is required',
  ]);
  assert.match(
    issues(rampPhase, { kind: 'ramp', from: 1, to: 5, duration: '1s', steps: 20, slo: { p99: '1s' } })[0]!,
    /steps: expected steps of at least 100 ms each/,
  );
});

valid('the share of a worker divides rates and users so the shares add up', () => {
  const s = steadyPhase.check({ kind: 'steady', users: 5, duration: '1s' }, 'p', { issues: [] })!;
  assert.equal(
    [0, 1, 2].map((i) => steadyPhase.share!(s, i, 3)?.users),
    [2, 2, 1],
  );
  assert.is(steadyPhase.share!(s, 5, 6), undefined, 'a worker with no user runs nothing');
  const o = steadyPhase.check({ kind: 'steady', rate: 300, duration: '1s', maxInFlight: 10 }, 'p', { issues: [] })!;
  assert.equal([steadyPhase.share!(o, 0, 4)!.rateRps, steadyPhase.share!(o, 0, 4)!.maxInFlight], [75, 3]);
  // Share k's first send waits k intervals of the whole rate, so the shares' sends interleave (pacer.test.ts).
  assert.equal(
    [0, 1, 2, 3].map((i) => +steadyPhase.share!(o, i, 4)!.offsetMs!.toFixed(3)),
    [0, 3.333, 6.667, 10],
  );
  const r = rampPhase.check({ kind: 'ramp', from: 10, to: 50, duration: '4s', steps: 4, slo: { p99: '1s' } }, 'p', {
    issues: [],
  })!;
  assert.equal(rampPhase.share!(r, 1, 2)!.share, { index: 1, count: 2 });
  assert.equal([rampPhase.share!(r, 1, 2)!.fromRps, rampPhase.share!(r, 1, 2)!.toRps], [5, 25]);
});

steady.run();
ramp.run();
valid.run();
