// The arrival loops with a fake send (no network) in virtual time (the clock and
// the sleep are injected, see test/helpers/virtual-time.ts): no real timer, so the
// counts are exact — the planned count, the in-flight cap, late and dropped
// sends, the abort, the closed loop's count and time bounds and think time.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runClosedLoop } from '../../../src/scenarios/engine/closed-loop.ts';
import { runOpenLoop } from '../../../src/scenarios/engine/open-loop.ts';
import { constantPacer, linearPacer } from '../../../src/scenarios/engine/pacer.ts';
import { VirtualClock } from '../../helpers/virtual-time.ts';

const MS = 1e6;
const open = suite('open loop');

/** 400/s for 500 ms (200 sends) in virtual time, every send instant: its intended time and when it left. */
async function constant400(startNs?: number) {
  const clock = new VirtualClock();
  const intended: number[] = [];
  const sentAt: number[] = [];
  const stats = await clock.run(
    runOpenLoop({
      pacer: constantPacer(400, 500),
      maxInFlight: 1000,
      signal: new AbortController().signal,
      now: clock.now,
      sleep: clock.sleep,
      startNs,
      send: async (seq, t) => {
        intended[seq] = t;
        sentAt[seq] = clock.now();
      },
    }),
  );
  return { stats, intended, sentAt };
}

open('sends exactly the planned count at the rate, each with its intended time, none early and none late', async () => {
  const { stats, intended, sentAt } = await constant400();
  assert.is(stats.planned, 200);
  assert.is(stats.sent, 200);
  assert.is(stats.dropped, 0);
  assert.is(stats.late, 0);
  assert.ok(stats.worstLateMs <= 1, `worst ${stats.worstLateMs} ms behind`);
  assert.is(intended.length, 200);
  for (let i = 1; i < 200; i++)
    assert.ok(Math.abs(intended[i]! - intended[i - 1]! - 2.5e6) < 1, `intended times 2.5 ms apart (send ${i})`);
  // Waits are slept in whole milliseconds (rounded), the last sliver exactly: a send leaves at its time or up to 1 ms after.
  for (let i = 0; i < 200; i++)
    assert.ok(
      sentAt[i]! >= intended[i]! && sentAt[i]! - intended[i]! <= 1 * MS,
      `send ${i} at ${sentAt[i]}, intended ${intended[i]}`,
    );
});

open(
  'a schedule that started before the loop (a --workers share woke late) keeps its times: what fell due leaves at once, late',
  async () => {
    // The agreed instant was 30 ms ago: the share's schedule is the agreed one, not shifted by 30 ms.
    const { stats, intended, sentAt } = await constant400(-30 * MS);
    assert.is(stats.sent, 200);
    assert.is(intended[0], -30 * MS, 'the first send is meant for the agreed instant');
    for (let i = 1; i < 200; i++) assert.ok(Math.abs(intended[i]! - intended[i - 1]! - 2.5e6) < 1, `send ${i}`);
    // Sends meant for -30 … -2.5 ms leave at 0; more than 10 ms late: those meant for -30 … -12.5 ms (8).
    assert.equal(sentAt.slice(0, 12), Array(12).fill(0));
    assert.is(stats.late, 8);
    assert.is(stats.worstLateMs, 30, 'the send meant for the agreed instant left 30 ms after it');
    for (let i = 12; i < 200; i++)
      assert.ok(sentAt[i]! >= intended[i]! && sentAt[i]! - intended[i]! <= 1 * MS, `send ${i} on time`);
  },
);

open('at the in-flight cap, due sends wait and count as late; what time leaves owed is dropped', async () => {
  // 100/s for 1 s, each send takes 100 ms, at most 5 in flight: the target absorbs
  // 50/s, so half the sends are made — all but the first 5 late — and the rest dropped.
  const clock = new VirtualClock();
  let inFlight = 0;
  let peak = 0;
  const stats = await clock.run(
    runOpenLoop({
      pacer: constantPacer(100, 1000),
      maxInFlight: 5,
      signal: new AbortController().signal,
      now: clock.now,
      sleep: clock.sleep,
      send: async () => {
        peak = Math.max(peak, ++inFlight);
        await clock.sleep(100);
        inFlight--;
      },
    }),
  );
  assert.is(peak, 5, 'never more than the cap in flight');
  assert.is(stats.maxInFlight, 5);
  assert.is(stats.sent + stats.dropped, 100, 'every planned send is either made or counted as dropped');
  assert.is(stats.sent, 50, 'five every 100 ms');
  assert.is(stats.late, 45, 'all but the first 5 wait for a slot');
  assert.is(stats.dropped, 50);
});

open('the last send, due just before the end, still leaves when a timer wakes the loop a little late', async () => {
  // Sends at 9, 19, … 999 ms of a 1 s schedule; every sleep ends 1.5 ms late (a timer
  // fires after its whole-millisecond wait, never early), so the loop reaches the last
  // send at ~1000.5 ms, past the end but on time (1.5 ms < the 10 ms late threshold).
  const clock = new VirtualClock();
  const sentAt: number[] = [];
  const stats = await clock.run(
    runOpenLoop({
      pacer: constantPacer(100, 1000, 9),
      maxInFlight: 100,
      signal: new AbortController().signal,
      now: clock.now,
      sleep: (ms, signal) => clock.sleep(ms + 1.5, signal),
      send: async (seq) => {
        sentAt[seq] = clock.now();
      },
    }),
  );
  assert.is(stats.planned, 100);
  assert.is(stats.sent, 100, 'the send due at 999 ms was made');
  assert.is(stats.dropped, 0);
  assert.is(stats.late, 0);
  assert.ok(sentAt[99]! > 1000 * MS && sentAt[99]! - 999 * MS <= 10 * MS, `last send at ${sentAt[99]! / MS} ms`);
});

open('past the end, a send the loop fell behind on still leaves, late; nothing is dropped', async () => {
  // Sends at 95, 195, … 995 ms; every sleep ends 15 ms late (a generator that keeps
  // stalling), so each send leaves 15 ms after its time (late: over 10 ms) and the
  // last is reached at ~1010 ms, past the end: it leaves then, late, as mid-schedule.
  // (It used to be dropped: a stall at a phase's very end cost sends, and a ramp
  // counts dropped sends as errors.)
  const clock = new VirtualClock();
  const sentAt: number[] = [];
  const stats = await clock.run(
    runOpenLoop({
      pacer: constantPacer(10, 1000, 95),
      maxInFlight: 100,
      signal: new AbortController().signal,
      now: clock.now,
      sleep: (ms, signal) => clock.sleep(ms + 15, signal),
      send: async (seq) => {
        sentAt[seq] = clock.now();
      },
    }),
  );
  assert.is(stats.planned, 10);
  assert.is(stats.sent, 10);
  assert.is(stats.late, 10);
  assert.is(stats.worstLateMs, 15);
  assert.is(stats.dropped, 0);
  assert.is(sentAt[9], 1010 * MS, 'the send due at 995 ms left when the loop got there, at 1010 ms');
});

open('a long stall over the end: every owed send leaves at once when the loop wakes, counted late', async () => {
  // 100/s for 1 s; the loop is stalled from 700 ms to 1300 ms (one sleep that ends 600 ms
  // late). The 30 sends due at 700–990 ms leave together at 1300 ms, late.
  const clock = new VirtualClock();
  const sentAt: number[] = [];
  let stalled = false;
  const stats = await clock.run(
    runOpenLoop({
      pacer: constantPacer(100, 1000),
      maxInFlight: 1000,
      signal: new AbortController().signal,
      now: clock.now,
      sleep: (ms, signal) => {
        if (stalled || clock.now() < 690 * MS) return clock.sleep(ms, signal);
        stalled = true;
        return clock.sleep(ms + 600, signal);
      },
      send: async (seq) => {
        sentAt[seq] = clock.now();
      },
    }),
  );
  assert.is(stats.sent, 100);
  assert.is(stats.dropped, 0);
  assert.is(stats.late, 30);
  assert.equal(
    sentAt.slice(70).map((t) => t / MS),
    Array(30).fill(1300),
  );
});

open('an abort stops scheduling at once and drops nothing (the sends were never owed)', async () => {
  const clock = new VirtualClock();
  const ac = new AbortController();
  void clock.sleep(100).then(() => ac.abort());
  const stats = await clock.run(
    runOpenLoop({
      pacer: constantPacer(100, 10_000),
      maxInFlight: 100,
      signal: ac.signal,
      now: clock.now,
      sleep: clock.sleep,
      send: async () => undefined,
    }),
  );
  assert.is(clock.now(), 100 * MS, 'stopped at the abort, not at the end of the 10 s schedule');
  assert.is(stats.sent, 10, 'the sends due at 0, 10, … 90 ms');
  assert.is(stats.dropped, 0);
});

open('a linear ramp 0 → 200/s over 2 s: sends leave on the schedule, second by second', async () => {
  const clock = new VirtualClock();
  const pacer = linearPacer(0, 200, 2000);
  const at: number[] = [];
  const stats = await clock.run(
    runOpenLoop({
      pacer,
      maxInFlight: 1000,
      signal: new AbortController().signal,
      now: clock.now,
      sleep: clock.sleep,
      send: async () => void at.push(clock.now()),
    }),
  );
  assert.is(stats.sent, pacer.plannedHits);
  assert.is(stats.sent, 200);
  assert.is(stats.late, 0);
  // The integral of the rate: 50 sends in the first second, 150 in the second.
  assert.is(at.filter((t) => t < 1000 * MS).length, 50);
  assert.is(at.filter((t) => t >= 1000 * MS).length, 150);
  for (let i = 0; i < at.length; i++)
    assert.ok(at[i]! >= pacer.hitAtNs(i) && at[i]! - pacer.hitAtNs(i) <= 1 * MS, `send ${i} on time`);
});

// ---

const closed = suite('closed loop');

closed('N users never have more than N in flight and stop at the count bound exactly', async () => {
  const clock = new VirtualClock();
  let inFlight = 0;
  let peak = 0;
  const stats = await clock.run(
    runClosedLoop({
      users: 3,
      durationMs: 10_000,
      maxRequests: 100,
      signal: new AbortController().signal,
      now: clock.now,
      sleep: clock.sleep,
      send: async () => {
        peak = Math.max(peak, ++inFlight);
        await clock.sleep(1);
        inFlight--;
      },
    }),
  );
  assert.is(stats.sent, 100);
  assert.is(peak, 3);
});

closed('stops at the time bound; think time spaces each user’s sends', async () => {
  const clock = new VirtualClock();
  const times: number[] = [];
  const stats = await clock.run(
    runClosedLoop({
      users: 1,
      durationMs: 300,
      thinkMs: 50,
      signal: new AbortController().signal,
      now: clock.now,
      sleep: clock.sleep,
      send: async () => void times.push(clock.now()),
    }),
  );
  assert.is(clock.now(), 300 * MS, 'took the 300 ms bound: the last think time is waited out');
  // 300 ms / 50 ms think: sends at 0, 50, … 250 ms.
  assert.is(stats.sent, 6);
  for (let i = 1; i < times.length; i++) assert.is(times[i]! - times[i - 1]!, 50 * MS, 'the think time apart');
});

open.run();
closed.run();
