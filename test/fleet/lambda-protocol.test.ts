// The fleet's pure parts (issue 14 part 1): an answer is gzipped when large and
// reads back equal; the fleet's cost from billed or measured durations at the
// dated Lambda prices; a scenario's planned length (Lambda's 15-minute cap is
// judged on it); the --fleet, --shards and --fleet-lead checks.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LAMBDA_PRICES } from '../../src/cost/prices.ts';
import { checkFleetArgs, fleetLeadMs, parseFleet } from '../../src/fleet/lambda-args.ts';
import { fleetCost } from '../../src/fleet/lambda-client.ts';
import { plannedPhaseMs } from '../../src/fleet/lambda-plan.ts';
import { COMPRESS_ABOVE_BYTES, packAnswer, unpackAnswer } from '../../src/fleet/lambda-protocol.ts';
import { FxError } from '../../src/model/errors.ts';
import type { Result } from '../../src/model/result.ts';
import { FIXTURES_DIR } from '../helpers/results.ts';

const whole = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'results-burst-a.json'), 'utf8')) as Result;

const answers = suite('fleet answers');

answers('a small result travels plain; it reads back equal', () => {
  const { answer, bytes } = packAnswer(whole, 1234.5, 1000.25);
  assert.ok(bytes < COMPRESS_ABOVE_BYTES);
  assert.equal(answer.result, whole);
  assert.is(answer.gzip, undefined);
  assert.equal(unpackAnswer(JSON.stringify(answer)), { result: whole, actualStartMs: 1234.5, readyAtMs: 1000.25 });
});

answers('a large result is gzipped (base64) and reads back equal', () => {
  // 100 copies of the fixture's targets: well over the plain limit, as a long run's timelines are.
  const big: Result = {
    ...whole,
    targets: Array.from({ length: 100 }, (_, i) => ({ ...whole.targets[0]!, name: `t${i}` })),
  };
  assert.ok(Buffer.byteLength(JSON.stringify(big)) > COMPRESS_ABOVE_BYTES);
  const { answer, bytes } = packAnswer(big, undefined);
  assert.is(answer.result, undefined);
  assert.type(answer.gzip, 'string');
  assert.ok(bytes < Buffer.byteLength(JSON.stringify(big)) / 3, `${bytes} bytes`);
  assert.equal(unpackAnswer(JSON.stringify(answer))!.result, big);
});

answers('a body that is not an answer reads as none', () => {
  assert.is(unpackAnswer('{"hello":"world"}'), undefined);
  assert.is(unpackAnswer('not json'), undefined);
});

answers.run();

// ---

const cost = suite('fleet cost');

cost('billed durations from REPORT at the REPORT memory, arm64 assumed', () => {
  const c = fleetCost(
    [
      { billedMs: 2000, memoryMB: 1024, measuredMs: 2100 },
      { billedMs: 3000, memoryMB: 1024, measuredMs: 3100 },
    ],
    {},
  );
  // 1 GB × 5 s = 5 GB-s; 2 requests.
  assert.is(c.gbSeconds, 5);
  assert.is(c.requests, 2);
  const p = LAMBDA_PRICES.arm64;
  assert.ok(Math.abs(c.totalUSD - (5 * p.perGBSecondUSD + 2 * p.perRequestUSD)) < 1e-12);
  assert.is(c.priceSource, p.source);
  assert.equal(c.basis, [
    'memory 1024 MB (REPORT)',
    'billed duration (REPORT)',
    "arm64 (assumed: fleet deploy's default)",
  ]);
});

cost('no REPORT: the measured duration (rounded up to 1 ms) at the configured memory and architecture', () => {
  const c = fleetCost([{ measuredMs: 999.2 }], { memoryMB: 2048, arch: 'x86_64' });
  assert.is(c.gbSeconds, 2);
  assert.ok(
    Math.abs(c.totalUSD - (2 * LAMBDA_PRICES.x86_64.perGBSecondUSD + LAMBDA_PRICES.x86_64.perRequestUSD)) < 1e-12,
  );
  assert.equal(c.basis, [
    'memory 2048 MB (configuration)',
    'duration measured by the client',
    'x86_64 (configuration)',
  ]);
  assert.match(c.priceSource, /2026-08-21/);
});

cost.run();

// ---

const planned = suite('planned length');

planned('each phase kind, a lower bound from its schedule', () => {
  const cases: [string, string, Record<string, unknown>, number][] = [
    ['steady declares its duration', 'steady', { durationMs: 60_000, rateRps: 10 }, 60_000],
    ['burst: the gaps between rounds', 'burst', { concurrency: 5, rounds: 3, gapMs: 2000 }, 4000],
    ['burst with an idle window before each round', 'burst', { rounds: 2, gapMs: 0, idleWindowMs: 60_000 }, 120_000],
    ['keepalive: the idle gaps', 'keepalive', { idleGapsMs: [60_000, 300_000] }, 360_000],
    ['warmup: the intervals between its requests', 'warmup', { requests: 11, intervalMs: 100 }, 1000],
  ];
  for (const [why, kind, s, ms] of cases) assert.is(plannedPhaseMs(kind, s), ms, why);
});

planned.run();

// ---

const args = suite('fleet flags');

const invalid = (fn: () => unknown, field: string, message: RegExp) => {
  try {
    fn();
  } catch (err) {
    assert.instance(err, FxError);
    assert.is((err as FxError).exitCode, 2);
    assert.match((err as FxError).message, field);
    assert.match((err as FxError).message, message);
    return;
  }
  assert.unreachable(`expected an FxError on ${field}`);
};

args('lambda:<function>, shards from 1, a lead up to 60 s', () => {
  assert.equal(parseFleet('lambda:fxbench-fleet'), { provider: 'lambda', functionName: 'fxbench-fleet' });
  assert.is(fleetLeadMs(undefined), 5000);
  assert.is(fleetLeadMs('10s'), 10_000);
  checkFleetArgs({ fleet: 'lambda:f', shards: 4 });
  invalid(() => parseFleet('k8s:x'), '--fleet', /expected lambda:<function>/);
  invalid(() => checkFleetArgs({ fleet: 'lambda:f' }), '--shards', /got nothing/);
  invalid(() => checkFleetArgs({ fleet: 'lambda:f', shards: 0 }), '--shards', /from 1 to 1000, got 0/);
  invalid(() => checkFleetArgs({ shards: 3 }), '--shards', /only with --fleet/);
  invalid(() => checkFleetArgs({ fleet: 'lambda:f', shards: 2, workers: 2 }), '--workers', /cannot be combined/);
  invalid(() => checkFleetArgs({ fleet: 'lambda:f', shards: 2, fleetLead: '2m' }), '--fleet-lead', /0 to 60s/);
  invalid(
    () => checkFleetArgs({ fleet: 'lambda:f', shards: 2, samples: 's.ndjson' }),
    '--samples',
    /stay on the generators/,
  );
  invalid(
    () => checkFleetArgs({ fleet: 'lambda:f', shards: 2, runtime: 'http://127.0.0.1:1' }),
    '--runtime',
    /local runtime/,
  );
});

args.run();
