// --workers N start together (src/scenarios/workers/together.ts): the barrier's
// rules as pure functions, then real `fxbench run --workers 2` processes against
// the local runtime, on 127.0.0.1. The samples carry the platform's accept time
// (one clock for both workers), so the merged schedule is checked as the
// platform saw it: a phase that runs in worker 1 only (a burst) is over before
// the next phase's shares begin, and the shares interleave, send for send, in
// a steady phase and in each ramp step.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeHistogram, newHistogram, recordUs } from '../../../src/metrics/histogram.ts';
import type { Result } from '../../../src/model/result.ts';
import type { Sample } from '../../../src/model/sample.ts';
import { comparePositions, StartBarrier } from '../../../src/scenarios/workers/together.ts';
import { runCli, scratch } from '../../helpers/cli.ts';

const CONFIG = 'test/fixtures/local-platform/bench.config.ts';
const tmp = scratch();

const barrier = suite('StartBarrier');

barrier('positions order element by element, a prefix first', () => {
  assert.is(comparePositions([0, 0, 1], [0, 0, 1]), 0);
  assert.ok(comparePositions([0, 0], [0, 0, 0]) < 0, 'a phase starts before its first step');
  assert.ok(comparePositions([0, 0, 5], [0, 1]) < 0, 'any step of a phase before the next phase');
  assert.ok(comparePositions([0, 1, Number.MAX_SAFE_INTEGER], [0, 2]) < 0, 'past a target, before the next');
  assert.ok(comparePositions([1, 0, 0], [0, 9, 9]) > 0, 'an A/B block after the one before');
});

barrier('releases the waiting workers once every one is there or past it, not before', () => {
  const b = new StartBarrier(3);
  assert.equal(b.at(0, [0, 0, 0], true), []);
  assert.equal(b.at(1, [0, 0, 0], true), []);
  assert.equal(b.at(2, [0, 0, 0], true), [0, 1, 2], 'all three at once');
  // Worker 0 runs a phase alone (a burst): the others wait at the next one, released when it gets there.
  assert.equal(b.at(1, [0, 0, 1], true), []);
  assert.equal(b.at(2, [0, 0, 1], true), []);
  assert.equal(b.at(0, [0, 0, 1], true), [0, 1, 2]);
  // A ramp's steps: a worker already at the next phase holds no one back.
  assert.equal(b.at(0, [0, 0, 1, 0], true), []);
  assert.equal(b.at(1, [0, 0, 2], true), []);
  assert.equal(b.at(2, [0, 0, 1, 0], true), [0, 2]);
  // A worker whose target ended is past all its phases; a finished one past everything.
  assert.equal(b.at(0, [0, 0, Number.MAX_SAFE_INTEGER], false), [], 'worker 2 is still in the step');
  assert.equal(b.at(2, [0, 0, 2], true), [1, 2]);
  assert.equal(b.at(0, [0, 1, 0], true), []);
  assert.equal(b.done(2), [], 'worker 1 is not at [0, 1, 0] yet');
  assert.equal(b.at(1, [0, 1, 0], true), [0, 1]);
  assert.equal(b.done(0), []);
  assert.equal(b.at(1, [0, 1, 1], true), [1], 'alone now: goes at once');
});

barrier('a ramp step is judged once every worker in the phase sent its share, on the shares added', () => {
  /** A share of `n` invocations at 5 ms, `slow` of them at 500 ms instead, `failed` of them errors. */
  const share = (n: number, slow: number, failed = 0) => {
    const h = newHistogram();
    for (let k = 0; k < n; k++) recordUs(h, k < slow ? 500_000 : 5_000);
    return { requests: n, ok: n - failed, dropped: 0, histogram: encodeHistogram(h) };
  };
  const b = new StartBarrier(3);
  for (const i of [0, 1, 2]) b.at(i, [0, 0, 0, 0], true);
  // Worker 1's share alone has its p99 at 500 ms (1 of 50); the step's (1 of 150) is at 5 ms.
  b.share(0, [0, 0, 0], 1, share(50, 1));
  b.share(1, [0, 0, 0], 1, share(50, 0, 1));
  assert.equal(b.judged(), [], 'worker 3 has not sent its share');
  b.share(2, [0, 0, 0], 1, share(50, 0));
  const [step, ...more] = b.judged();
  assert.is(more.length, 0);
  assert.equal(step!.workers, [0, 1, 2]);
  assert.is(step!.round, 1);
  assert.equal(
    { ...step!.totals, p99Ms: Math.round(step!.totals.p99Ms!) },
    { requests: 150, errors: 1, dropped: 0, p99Ms: 5 },
  );
  assert.equal(b.judged(), [], 'judged once');
  // A worker that finished, or went past the phase, sends no share: the others' are the step.
  b.share(0, [0, 0, 0], 2, share(10, 10));
  b.at(1, [0, 1], true);
  assert.equal(b.judged(), [], 'worker 3 is still in the phase');
  b.done(2);
  const [alone] = b.judged();
  assert.equal(alone!.workers, [0]);
  assert.is(alone!.totals.requests, 10);
  assert.ok(alone!.totals.p99Ms! > 400, `p99 ${alone!.totals.p99Ms}`);
});

barrier(
  "a worker without a share of a phase is past its steps, not its end (a memory sweep's ramp in worker 1)",
  () => {
    const b = new StartBarrier(2);
    const phase = [0, 0, 1];
    b.at(0, [...phase, 0], true);
    // Worker 2 has no share: past every step of the phase, and waiting for the phase's end to be judged.
    b.at(1, [...phase, Number.MAX_SAFE_INTEGER], false);
    b.share(0, phase, 1, { requests: 1, ok: 1, dropped: 0, histogram: null });
    assert.equal(
      b.judged().map((j) => j.workers),
      [[0]],
      "the step is worker 1's alone",
    );
    // Before, worker 1 waited for worker 2's share of the step while worker 2 waited for the phase's end.
    const target = { name: 'x', phases: [], summary: null } as unknown as Parameters<typeof b.phaseEnd>[2];
    b.phaseEnd(0, phase, target);
    assert.equal(b.phaseEnds(), [], 'the phase end waits for worker 2');
    b.phaseEnd(1, phase, target);
    assert.equal(
      b.phaseEnds().map((j) => j.workers),
      [[0, 1]],
    );
  },
);

barrier.run();

const runs = suite('fxbench run --workers 2: phases and steps start together');

/** `fxbench run <fixture> --workers 2 --samples …`; its samples and results.json. */
async function runTwoWorkers(
  fixture: string,
  exitCode = 0,
): Promise<{ samples: Sample[]; result: Result; stderr: string }> {
  const out = path.join(tmp.dir, fixture);
  const samples = path.join(tmp.dir, `${fixture}.ndjson`);
  const r = await runCli([
    'run',
    `test/fixtures/local-platform/${fixture}.ts`,
    '--config',
    CONFIG,
    '--out',
    out,
    '--no-history',
    '--samples',
    samples,
    '--workers',
    '2',
  ]);
  assert.is(r.code, exitCode, r.stderr);
  return {
    samples: readFileSync(samples, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Sample),
    result: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result,
    stderr: r.stderr,
  };
}

runs('a burst in worker 1, then an open model: its shares start after the burst and interleave', async () => {
  const { samples: all, result } = await runTwoWorkers('interleave');
  const hold = all.filter((s) => s.phase === 'hold');
  const open = all.filter((s) => s.phase === 'open-20');
  assert.is(hold.length, 4);
  assert.is(open.length, 20);
  assert.ok(
    all.every((s) => typeof s.acceptedAtMs === 'number'),
    'every sample has the platform accept time',
  );
  const lastHold = Math.max(...hold.map((s) => s.acceptedAtMs!));
  const accepted = open.map((s) => s.acceptedAtMs!).sort((a, b) => a - b);
  // Before: worker 2's share ran while worker 1 was still bursting (its first send ~950 ms before the last burst).
  assert.ok(accepted[0]! > lastHold, `the open model began ${(accepted[0]! - lastHold).toFixed(1)} ms after the burst`);
  // One invocation every 50 ms, as from one generator (measured 47.5–53.9 ms; before: 100 ms, two 10/s windows).
  const gaps = accepted.slice(1).map((t, i) => t - accepted[i]!);
  assert.ok(
    gaps.every((g) => g >= 20 && g <= 80),
    `gaps between accepted invocations: ${gaps.map((g) => g.toFixed(1)).join(' ')}`,
  );
  const phase = result.targets[0]!.phases.find((p) => p.name === 'open-20')!;
  assert.is(phase.requests, 20);
  assert.is(phase.dropped ?? 0, 0);
});

runs('a ramp: each step starts in both workers at one instant', async () => {
  const { samples: all } = await runTwoWorkers('ramp');
  for (const [round, intervalMs] of [
    [1, 100],
    [2, 50],
  ] as const) {
    // Each worker's share numbers its sends from 0: send k of worker 2 leaves one interval of the whole
    // rate after send k of worker 1, for every k, when the step started in both at one instant.
    const bySeq = new Map<number, number[]>();
    for (const s of all.filter((s) => s.round === round)) {
      const pair = bySeq.get(s.seq) ?? [];
      pair.push(s.acceptedAtMs!);
      bySeq.set(s.seq, pair);
    }
    assert.is(bySeq.get(0)?.length, 2, `step ${round}: one first send per worker`);
    const apart = [...bySeq.values()]
      .filter((p) => p.length === 2)
      .map(([a, b]) => Math.abs(a! - b!))
      .sort((a, b) => a - b);
    // The median pair, not the first one alone: on a loaded runner one accept can be late by tens of ms
    // (CI 2026-12-01: the first pair of step 1 137.7 ms apart, the other four not seen; here, with three
    // busy loops on the 2 cores, pairs 86–105.5 ms apart, medians 98.7–103.0). Without a start per step, worker 2 began step 2 when its own step 1 ended, one step-1
    // interval after worker 1: every pair of step 2 ~150 ms apart, the median with them.
    const median = apart[Math.floor(apart.length / 2)]!;
    assert.ok(
      Math.abs(median - intervalMs) <= 20,
      `step ${round}: the workers' sends ${apart.map((a) => a.toFixed(1)).join(' ')} ms apart (median ${median.toFixed(1)}), expected ${intervalMs}`,
    );
    const steps = all.filter((s) => s.round === round).length;
    assert.is(steps, round === 1 ? 10 : 20, `step ${round}: its sends`);
  }
});

runs("a ramp step broken in one worker's share stops the ramp in both (judged on the whole step)", async () => {
  const { samples: all, result, stderr } = await runTwoWorkers('ramp-stop');
  // Step 1: worker 1's send met the cold start (over the SLO), worker 2's a warm instance. Before,
  // worker 2 judged its share alone and ran step 2 by itself, at half the step's rate.
  assert.equal(
    all.map((s) => s.round ?? 1).sort(),
    [1, 1],
    `rounds of the samples: ${all.map((s) => `${s.round}/${s.seq} ${(s.latencyUs / 1000).toFixed(0)} ms`).join(', ')}`,
  );
  const phases = result.targets[0]!.phases;
  assert.is(phases.length, 1, `phases: ${phases.map((p) => `${p.name} ${p.round} ${p.rateRps}/s`).join(', ')}`);
  assert.is(phases[0]!.requests, 2);
  assert.is(phases[0]!.rateRps, 1, 'the step at its whole rate, not one share of it');
  // Worker 1's progress lines are the run's: the whole phase's rates (they were its share's, 0.5/s → 1/s),
  // and the verdict on the whole step (2 requests, its p99 the cold one).
  assert.match(stderr, /\n {2}ramp: 1\/s → 2\/s in 2 steps of 2 s/);
  assert.match(stderr, /step 1\/2: 1\/s\n/);
  assert.match(stderr, /step 1: p99 [\d.]+ ms, errors 0\.00%: broke the SLO/);
  assert.not.match(stderr, /step 2\//);
});

runs("a threshold crossed by the whole target, not by one worker's share, stops the run in both", async () => {
  // Exit 1: a threshold failed.
  const { samples: all, result, stderr } = await runTwoWorkers('threshold-stop', 1);
  // Before, worker 2 checked its share alone (one warm invocation, within) and ran the second phase by itself.
  assert.equal(
    all.map((s) => s.phase),
    ['first', 'first'],
    `samples: ${all.map((s) => `${s.phase} ${(s.latencyUs / 1000).toFixed(0)} ms`).join(', ')}`,
  );
  assert.equal(
    result.targets[0]!.phases.map((p) => [p.name, p.requests]),
    [['first', 2]],
  );
  assert.match(result.abortedByThreshold ?? '', /^local-slow-init latency\.p99 < 200ms \(actual [\d.]+ms\)$/);
  assert.is(stderr.match(/threshold crossed, stopping the run/g)?.length, 1, stderr);
});

runs('a threshold crossed in a phase worker 1 ran alone (a burst) stops worker 2 too', async () => {
  const { samples: all, result } = await runTwoWorkers('threshold-burst', 1);
  // Before, worker 2 had no share of the burst, checked nothing, and ran the steady phase alone.
  assert.equal(
    all.map((s) => s.phase),
    ['cold', 'cold'],
  );
  assert.equal(
    result.targets[0]!.phases.map((p) => [p.name, p.requests, p.coldStarts]),
    [['cold', 2, 2]],
  );
  assert.match(result.abortedByThreshold ?? '', /^local-quick cold\.rate < 0\.1 \(actual 1\)$/);
});

runs.run();
