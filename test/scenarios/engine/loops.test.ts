// The arrival loops with a fake send (no network): exact counts, the in-flight
// cap, late and dropped sends. Timing tolerances are stated where they appear.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sleep } from '../../../src/clock.ts';
import { runClosedLoop } from '../../../src/scenarios/engine/closed-loop.ts';
import { runOpenLoop } from '../../../src/scenarios/engine/open-loop.ts';
import { constantPacer } from '../../../src/scenarios/engine/pacer.ts';

const open = suite('open loop');

open('sends exactly the planned count at the rate, each with its intended time', async () => {
  const intended: number[] = [];
  const stats = await runOpenLoop({
    pacer: constantPacer(400, 500),
    maxInFlight: 1000,
    signal: new AbortController().signal,
    send: async (seq, t) => void (intended[seq] = t),
  });
  assert.is(stats.planned, 200);
  assert.is(stats.sent, 200);
  assert.is(stats.dropped, 0);
  assert.is(intended.length, 200);
  for (let i = 1; i < 200; i++) assert.ok(Math.abs(intended[i]! - intended[i - 1]! - 2.5e6) < 1, `intended times 2.5 ms apart (send ${i})`);
});

open('at the in-flight cap, due sends wait and count as late; what time leaves owed is dropped', async () => {
  // 100/s for 1 s, each send takes 100 ms, at most 5 in flight: the target absorbs
  // 50/s, so about half the sends leave late and the rest are dropped.
  let inFlight = 0;
  let peak = 0;
  const stats = await runOpenLoop({
    pacer: constantPacer(100, 1000),
    maxInFlight: 5,
    signal: new AbortController().signal,
    send: async () => {
      peak = Math.max(peak, ++inFlight);
      await sleep(100);
      inFlight--;
    },
  });
  assert.is(peak, 5, 'never more than the cap in flight');
  assert.is(stats.maxInFlight, 5);
  assert.is(stats.sent + stats.dropped, 100, 'every planned send is either made or counted as dropped');
  // Tolerance: timers on a busy 2-core machine; the physics gives 50 sent, 45 of them late.
  assert.ok(stats.sent >= 40 && stats.sent <= 60, `sent ${stats.sent}`);
  assert.ok(stats.late >= stats.sent - 10, `late ${stats.late} of ${stats.sent} (all but the first 5 wait for a slot)`);
});

open('an abort stops scheduling at once and drops nothing (the sends were never owed)', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const started = performance.now();
  const stats = await runOpenLoop({ pacer: constantPacer(100, 10_000), maxInFlight: 100, signal: ac.signal, send: async () => undefined });
  assert.ok(performance.now() - started < 1000, 'stopped well before the 10 s schedule');
  assert.ok(stats.sent >= 5 && stats.sent <= 30, `sent ${stats.sent} in ~100 ms at 100/s`);
  assert.is(stats.dropped, 0);
});

// ---

const closed = suite('closed loop');

closed('N users never have more than N in flight and stop at the count bound exactly', async () => {
  let inFlight = 0;
  let peak = 0;
  const stats = await runClosedLoop({
    users: 3,
    durationMs: 10_000,
    maxRequests: 100,
    signal: new AbortController().signal,
    send: async () => {
      peak = Math.max(peak, ++inFlight);
      await sleep(1);
      inFlight--;
    },
  });
  assert.is(stats.sent, 100);
  assert.is(peak, 3);
});

closed('stops at the time bound; think time spaces each user’s sends', async () => {
  const times: number[] = [];
  const started = performance.now();
  const stats = await runClosedLoop({ users: 1, durationMs: 300, thinkMs: 50, signal: new AbortController().signal, send: async () => void times.push(performance.now()) });
  const took = performance.now() - started;
  assert.ok(took >= 300 && took < 600, `took ${took} ms for a 300 ms bound`);
  // 300 ms / 50 ms think ≈ 6 sends; timers only ever fire late, so at most 6, and at least 4 on a busy machine.
  assert.ok(stats.sent >= 4 && stats.sent <= 6, `sent ${stats.sent}`);
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 49, 'at least the think time apart');
});

open.run();
closed.run();
