// arrivalSpread: the figures of a burst round from the platform's stamps, and the
// one line that says why a round was not all cold.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { arrivalSpread } from '../../../src/model/arrival.ts';

test('all cold: spreads of acceptance and cold-start begins, shortest busy time, no note', () => {
  const a = arrivalSpread([
    { acceptedAtMs: 1000, initStartMs: 999.5, cold: true, initMs: 80, durationMs: 2 },
    { acceptedAtMs: 1003.25, initStartMs: 1003, cold: true, initMs: 70, durationMs: 1 },
    { acceptedAtMs: 1001, initStartMs: 1000.5, cold: true, initMs: 90, durationMs: 1 },
  ])!;
  assert.equal(a, {
    stamped: 3,
    firstAcceptedMs: 1000,
    lastAcceptedMs: 1003.25,
    spreadMs: 3.25,
    coldBeginSpreadMs: 3.5,
    shortestColdBusyMs: 71,
    // What shards' rounds on one platform need to be combined (mergeArrival).
    cold: 3,
    warm: 0,
    firstColdBeginMs: 999.5,
    lastColdBeginMs: 1003,
  });
});

test('spread longer than an instance was busy: the round says so, with both figures', () => {
  const a = arrivalSpread([
    { acceptedAtMs: 0, initStartMs: 0, cold: true, initMs: 50, durationMs: 1 },
    { acceptedAtMs: 10, initStartMs: 10, cold: true, initMs: 60, durationMs: 1 },
    { acceptedAtMs: 300, cold: false, durationMs: 1 },
  ])!;
  assert.is(a.spreadMs, 300);
  assert.is(a.shortestColdBusyMs, 51);
  assert.is(
    a.notAllCold,
    '2 cold of 3, not all cold: arrivals spread over 300 ms, longer than the 51.0 ms the first instance started in the round was busy (init + run), so later arrivals found it free',
  );
});

test('no stamps (a provider that does not stamp): undefined, never zeros', () => {
  assert.is(arrivalSpread([{ cold: true }, { cold: false }]), undefined);
});

test.run();
