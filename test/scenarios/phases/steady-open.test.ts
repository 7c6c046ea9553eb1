// test-serial: 200 sends a second must all go out on time; a file beside it made the pacer drop 2 (CI, Node 24 and 26)
// The steady phase's open model end to end over real HTTP on 127.0.0.1: exactly
// the planned count at a rate, none late or dropped against a trivial server,
// reported second by second.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runPlan } from '../../../src/scenarios/runner.ts';
import { httpTarget, phase, plan } from '../../helpers/plans.ts';
import { startServer, type TestServer } from '../../helpers/servers.ts';

const servers: TestServer[] = [];

const steady = suite('steady phase, open model');
steady.after(() => servers.forEach((s) => s.stop()));

steady('open model: 200/s for 1.5 s sends exactly 300, reported second by second', async () => {
  const s = await startServer('trivial');
  servers.push(s);
  const r = await runPlan(
    plan([httpTarget('t', { url: s.url, method: 'GET' })], [phase({ kind: 'steady', rate: 200, duration: '1.5s' })]),
  );
  const p = r.targets[0]!.phases[0]!;
  assert.is(p.kind, 'steady');
  assert.is(p.requests + p.dropped!, 300);
  assert.is(p.dropped, 0, 'a trivial local server keeps up');
  assert.is(p.ok, 300);
  assert.is(p.rateRps, 200);
  assert.is(r.targets[0]!.coldStartMethod, 'none', 'no instance-id headers: cold starts not measured');
  const tl = p.timeline!;
  assert.ok(tl.length >= 2 && tl.length <= 3, `${tl.length} seconds`);
  assert.is(
    tl.reduce((a, x) => a + x.requests, 0),
    300,
    'the seconds add up to the phase',
  );
  assert.ok(
    tl.every((x) => x.p50Ms !== null && x.histogram),
    'each second has percentiles and its histogram',
  );
  // Tolerance: ±10 responses per second for timer batching at the edges.
  assert.ok(
    tl.some((x) => Math.abs(x.requests - 200) <= 10),
    `a full second holds 200 ± 10: ${JSON.stringify(tl.map((x) => x.requests))}`,
  );
});

steady.run();
