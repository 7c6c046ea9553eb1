// test-serial: percentiles within 5% + 1 ms of the server's own timings; a busy machine delays the client only
// Accuracy against a server with a known, deterministic latency mix (88% 5 ms,
// 10% 50 ms, 2% 500 ms by request number). The truth is the server's own
// measurement of each request (so its timer slop is part of the truth, not an
// error of fxbench); fxbench's p50, p90 and p99 must each be within 5% + 1 ms of
// the truth's. Real HTTP on 127.0.0.1, the server in its own process.
//
// Why 88/10/2 rather than 90/9/1: with exactly 90% at 5 ms, p90 is the *largest*
// 5 ms response, i.e. the worst timer slop of that class on a busy machine (we
// saw a 50 ms class member take 107 ms server-side); putting each percentile
// inside a class makes the test measure the recorder, not the scheduler's tail.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runPlan } from '../../../src/scenarios/runner.ts';
import { httpTarget, phase, plan } from '../../helpers/plans.ts';
import { startServer, type TestServer } from '../../helpers/servers.ts';

const test = suite('latency accuracy');
let server: TestServer | undefined;
test.after(() => server?.stop());

/** The p-th percentile of sorted values as HdrHistogram defines it: the smallest value with at least p% at or below it. */
function quantile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

test('p50, p90 and p99 are within 5% + 1 ms of the server-side truth (closed model, 20 users, 3000 invocations)', async () => {
  server = await startServer('mix');
  const N = 3000;
  const result = await runPlan(
    plan(
      [httpTarget('mix', { url: server.url, method: 'GET' })],
      [phase({ kind: 'steady', users: 20, requests: N, duration: '30s' })],
    ),
  );
  const p = result.targets[0]!.phases[0]!;
  assert.is(p.requests, N);
  assert.is(p.ok, N);
  const truthUs = (await (await fetch(`${server.url}/stats`)).json()) as number[];
  assert.is(truthUs.length, N, 'the server saw every invocation');
  for (const [pct, got] of [
    [50, p.latencyMs!.p50],
    [90, p.latencyMs!.p90],
    [99, p.latencyMs!.p99],
  ] as const) {
    const truthMs = quantile(truthUs, pct) / 1000;
    const tolerance = truthMs * 0.05 + 1;
    assert.ok(
      Math.abs(got - truthMs) <= tolerance,
      `p${pct}: fxbench ${got} ms, truth ${truthMs} ms (tolerance ±${tolerance.toFixed(2)} ms)`,
    );
  }
  // And the mix is what the server was built to give (libuv timers count from the
  // loop's cached time, so a "5 ms" timer may end a little before 5 ms of hrtime).
  const [t50, t90, t99] = [50, 90, 99].map((q) => quantile(truthUs, q) / 1000);
  assert.ok(
    t50! >= 4 && t50! < 20 && t90! >= 45 && t90! < 200 && t99! >= 450,
    `server-side p50 ${t50} ms, p90 ${t90} ms, p99 ${t99} ms`,
  );
});

test.run();
