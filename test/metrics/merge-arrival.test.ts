// A burst round split over shards (or fleet workers) against one platform: the
// merged phase's arrival is the union of what the platform stamped for each part
// (src/model/arrival.ts mergeArrival, used by src/metrics/merge.ts), not the
// first shard's round: counts add, first and last accepted are the extremes,
// cold-start begins combine, and "not all cold" is judged on the whole round.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { arrivalSpread, mergeArrival, type ArrivalStamp } from '../../src/model/arrival.ts';
import { mergeFigures } from '../../src/metrics/merge.ts';
import { phase } from '../helpers/results.ts';

const test = suite('merge arrival');
const T0 = 1_790_000_000_000;
const cold = (at: number, busy = 300): ArrivalStamp => ({
  acceptedAtMs: T0 + at,
  initStartMs: T0 + at + 1,
  cold: true,
  initMs: busy - 20,
  durationMs: 20,
});
const warm = (at: number): ArrivalStamp => ({ acceptedAtMs: T0 + at, cold: false, durationMs: 20 });

test('two shards of one all-cold round: the union, exactly as if one generator had sent it', () => {
  const a = arrivalSpread([cold(0), cold(3), cold(5)])!;
  const b = arrivalSpread([cold(2), cold(9), cold(12)])!;
  const whole = arrivalSpread([cold(0), cold(3), cold(5), cold(2), cold(9), cold(12)])!;
  const m = mergeArrival([a, b])!;
  assert.equal(m, whole);
  assert.is(m.stamped, 6);
  assert.is(m.spreadMs, 12);
  assert.is(m.coldBeginSpreadMs, 12);
  assert.is(m.notAllCold, undefined);
});

test('not all cold is judged on the merged round: each shard alone was all cold or all warm', () => {
  const a = arrivalSpread([cold(0, 50), cold(1, 50)])!;
  const b = arrivalSpread([warm(400), warm(410)])!;
  assert.is(a.notAllCold, undefined);
  assert.is(b.notAllCold, undefined);
  const m = mergeArrival([a, b])!;
  assert.is(m.stamped, 4);
  assert.is(m.spreadMs, 410);
  assert.match(m.notAllCold!, /^2 cold of 4, not all cold: arrivals spread over 410 ms, longer than the 50\.0 ms/);
});

test("mergeFigures carries the merged round, not the first shard's", () => {
  const p1 = phase({ name: 'burst', coldUs: [300_000, 301_000] });
  const p2 = phase({ name: 'burst', coldUs: [302_000, 303_000] });
  p1.arrival = arrivalSpread([cold(0), cold(4)]);
  p2.arrival = arrivalSpread([cold(1), cold(30)]);
  const m = mergeFigures([p1, p2]);
  assert.is(m.arrival!.stamped, 4);
  assert.is(m.arrival!.spreadMs, 30);
  assert.is(m.arrival!.coldBeginSpreadMs, 30);
  // A result written before parts carried their begins: the widest part's spread, a lower bound.
  const old = (x: NonNullable<typeof p1.arrival>) => {
    const { firstColdBeginMs: _f, lastColdBeginMs: _l, cold: _c, warm: _w, ...rest } = x;
    return rest;
  };
  const lb = mergeArrival([old(p1.arrival!), old(p2.arrival!)])!;
  assert.is(lb.coldBeginSpreadMs, 29);
});

test.run();
