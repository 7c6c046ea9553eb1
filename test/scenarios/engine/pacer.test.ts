// Pacers are pure schedules (after vegeta's pacer_test.go): tables of elapsed
// time and sends made, no clock.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { constantPacer, linearPacer } from '../../../src/scenarios/engine/pacer.ts';

const MS = 1e6;

const constant = suite('constantPacer');

constant('plans rate × duration sends, one every 1/rate', () => {
  const p = constantPacer(100, 1000);
  assert.is(p.plannedHits, 100);
  assert.is(p.durationNs, 1000 * MS);
  assert.is(p.hitAtNs(0), 0);
  assert.is(p.hitAtNs(1), 10 * MS);
  assert.is(p.hitAtNs(99), 990 * MS);
  assert.is(constantPacer(2.5, 1000).plannedHits, 3, 'sends due strictly before the end: at 0, 400, 800 ms');
  assert.is(constantPacer(1, 1000).plannedHits, 1);
});

constant('pace: wait for the next send, none when due or overdue, stop at the end', () => {
  const p = constantPacer(100, 1000);
  const rows: [number, number, number, boolean, string][] = [
    [0, 0, 0, false, 'the first send is due at once'],
    [1 * MS, 1, 9 * MS, false, 'one sent at 1 ms: the next is due at 10 ms'],
    [25 * MS, 1, 0, false, 'behind schedule: due now (catch up)'],
    [500 * MS, 100, 0, true, 'every planned send made: stop'],
    [1000 * MS, 40, 0, true, 'time is up, sends owed: stop (the loop sends them late or drops them)'],
    [999 * MS, 99, 0, false, 'the last send is overdue but time is not up'],
  ];
  for (const [elapsed, hits, waitNs, stop, why] of rows) {
    const got = p.pace(elapsed, hits);
    assert.is(got.stop, stop, why);
    if (!stop) assert.is(Math.round(got.waitNs), waitNs, why);
  }
});

constant('shares of a rate split over workers interleave into the whole schedule, send for send', () => {
  for (const [rate, ms, n] of [
    [4, 3000, 2],
    [50, 5000, 3],
    [7, 1000, 4],
    [1000, 2000, 3],
    [2.5, 1000, 2],
  ] as const) {
    const whole = constantPacer(rate, ms);
    const want = Array.from({ length: whole.plannedHits }, (_, i) => whole.hitAtNs(i));
    const got: number[] = [];
    for (let k = 0; k < n; k++) {
      // steady's share k of n: rate / n, first send after k intervals of the whole rate.
      const share = constantPacer(rate / n, ms, (k * 1000) / rate);
      for (let i = 0; i < share.plannedHits; i++) got.push(share.hitAtNs(i));
      for (let i = 0; i < share.plannedHits; i++) assert.ok(share.hitAtNs(i) < share.durationNs);
    }
    got.sort((a, b) => a - b);
    assert.is(got.length, want.length, `${rate}/s for ${ms} ms over ${n}: as many sends as one generator`);
    got.forEach((t, i) =>
      assert.ok(Math.abs(t - want[i]!) < 1, `${rate}/s over ${n}: send ${i} at ${t} ns, want ${want[i]}`),
    );
  }
  assert.is(constantPacer(1, 500, 1000).plannedHits, 0, 'a share whose first send falls after the end sends nothing');
  assert.throws(() => constantPacer(1, 1000, -1), /offset must be ≥ 0/);
});

constant('rejects a rate or duration that is not positive', () => {
  assert.throws(() => constantPacer(0, 1000), /rate and duration must be > 0/);
  assert.throws(() => constantPacer(10, 0), /rate and duration must be > 0/);
});

// ---

const linear = suite('linearPacer');

linear('0 → 200/s over 1 s plans the integral, 100 sends, denser towards the end', () => {
  const p = linearPacer(0, 200, 1000);
  assert.is(p.plannedHits, 100);
  // hits(t) = 100·t² → send i at √(i/100) s
  assert.is(p.hitAtNs(0), 0);
  assert.ok(Math.abs(p.hitAtNs(25) - 0.5e9) < 1, `send 25 at 500 ms, got ${p.hitAtNs(25)}`);
  assert.ok(Math.abs(p.hitAtNs(64) - 0.8e9) < 1);
  assert.is(p.rateAt(0), 0);
  assert.ok(Math.abs(p.rateAt(500 * MS) - 100) < 1e-9);
  assert.ok(p.hitAtNs(99) < 1e9);
});

linear('a falling rate 300 → 100/s over 2 s plans 400 sends, sparser towards the end', () => {
  const p = linearPacer(300, 100, 2000);
  assert.is(p.plannedHits, 400);
  const first = p.hitAtNs(1) - p.hitAtNs(0);
  const last = p.hitAtNs(399) - p.hitAtNs(398);
  assert.ok(Math.abs(first - 1e9 / 300) < 0.01e6, `first gap ≈ 3.33 ms, got ${first / MS}`);
  assert.ok(last > 9e6 && last < 1e7, `last gap ≈ 1/100.x s, got ${last / MS} ms`);
  assert.ok(p.hitAtNs(399) < 2e9);
});

linear('equal rates are a constant pacer', () => {
  const p = linearPacer(50, 50, 1000);
  assert.is(p.plannedHits, 50);
  assert.is(p.hitAtNs(10), 200 * MS);
});

linear('sends are in order and every one is due before the end', () => {
  for (const [a, b, d] of [
    [1, 1000, 3000],
    [1000, 1, 3000],
    [7, 13, 1500],
  ] as const) {
    const p = linearPacer(a, b, d);
    let prev = -1;
    for (let i = 0; i < p.plannedHits; i++) {
      const t = p.hitAtNs(i);
      assert.ok(t > prev && t < p.durationNs, `${a}→${b}: send ${i} at ${t}`);
      prev = t;
    }
  }
});

constant.run();
linear.run();
