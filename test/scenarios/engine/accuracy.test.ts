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
//
// What a loaded machine adds: a response reaches fxbench only once the kernel
// runs its thread, and the request reaches the server's handler (where the truth
// starts) only once the server's thread runs; neither wait is fxbench's error,
// and no client escapes them (a bare node:http client measured 2.3–3.7 ms over
// the truth beside 2 busy loops on this 2-core machine, fxbench 1.2–2.2). So the
// tolerance adds what the kernel measured of them in this run: the client's and
// the server's main threads' mean wait for a CPU per time slice
// (/proc/<pid>/schedstat: ns run, ns waited runnable, slices). Quiet, that is
// ~0.1–0.2 ms; beside 3 busy loops 0.80–0.87 ms, when the p50 gap was 1.15–1.50 ms
// (the CI failure this answers: p50 8.27 ms against a truth of 6.05, 2026-12-02).
// A delay fxbench itself adds is in neither wait and still fails the test.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runPlan } from '../../../src/scenarios/runner.ts';
import { httpTarget, phase, plan } from '../../helpers/plans.ts';
import { startServer, type TestServer } from '../../helpers/servers.ts';

const test = suite('latency accuracy');
let server: TestServer | undefined;
test.after(() => server?.stop());

/** A main thread's scheduler counters: ns on a CPU, ns waiting runnable, time slices; null without /proc. */
function schedstat(pid: number): [number, number, number] | null {
  try {
    const [ran, waited, slices] = readFileSync(`/proc/${pid}/schedstat`, 'latin1').split(' ').map(Number);
    return ran! >= 0 && waited! >= 0 && slices! >= 0 ? [ran!, waited!, slices!] : null;
  } catch {
    return null;
  }
}

/** Mean wait for a CPU per time slice between two reads, ms (0 where unknown). */
function waitPerSliceMs(before: ReturnType<typeof schedstat>, after: ReturnType<typeof schedstat>): number {
  if (!before || !after || after[2] <= before[2]) return 0;
  return (after[1] - before[1]) / (after[2] - before[2]) / 1e6;
}

/** The p-th percentile of sorted values as HdrHistogram defines it: the smallest value with at least p% at or below it. */
function quantile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

test('p50, p90 and p99 are within 5% + 1 ms of the server-side truth (closed model, 20 users, 3000 invocations)', async () => {
  server = await startServer('mix');
  const client0 = schedstat(process.pid);
  const server0 = schedstat(server.pid);
  const N = 3000;
  const result = await runPlan(
    plan(
      [httpTarget('mix', { url: server.url, method: 'GET' })],
      [phase({ kind: 'steady', users: 20, requests: N, duration: '30s' })],
    ),
  );
  const clientWaitMs = waitPerSliceMs(client0, schedstat(process.pid));
  const serverWaitMs = waitPerSliceMs(server0, schedstat(server.pid));
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
    const said = `p${pct}: fxbench ${got} ms, truth ${truthMs} ms (tolerance ±${tolerance.toFixed(2)} ms, + ${clientWaitMs.toFixed(2)} ms the client and ${serverWaitMs.toFixed(2)} ms the server waited for a CPU per slice)`;
    console.log(said);
    // Waiting only ever adds: fxbench may read more than the truth by the waits, never less.
    assert.ok(got - truthMs <= tolerance + clientWaitMs + serverWaitMs && truthMs - got <= tolerance, said);
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
