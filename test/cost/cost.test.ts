// Price models recomputed by hand from published examples (pure arithmetic, no
// servers, NO CLOUD). Every expected figure is written out as the sum it comes
// from, so a reader can check it against ../shared/providers.md §1.5 and §3.5.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  billed,
  gcfGen1CpuGHz,
  gcfGen1PriceModel,
  gcfGen2DefaultVcpu,
  gcfGen2PriceModel,
  lambdaPriceModel,
  selfHostedPriceModel,
  withPhaseCost,
} from '../../src/cost/cost.ts';
import { roundUp } from '../../src/cost/billing.ts';

/** Equal to well below a cent fraction: 1e-15 USD. */
const near = (actual: number | undefined, expected: number, what: string) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-15, `${what}: ${actual} ≠ ${expected}`);

// ---
const lambda = suite('Lambda cost');

lambda('512 MB x86 billed 662 ms (Oct 2025 REPORT, INIT billed): $0.0000002 + 0.5 GB × 0.662 s × $0.0000166667', () => {
  const m = lambdaPriceModel('x86_64');
  near(
    m.price({ billedMs: 662, latencyMs: 700, memoryMB: 512 }),
    0.0000002 + 0.5 * 0.662 * 0.0000166667,
    'per invocation',
  );
  near(m.price({ billedMs: 662, latencyMs: 700, memoryMB: 512 }), 0.0000057166777, 'written out');
  assert.is(
    (m.price({ billedMs: 662, latencyMs: 700, memoryMB: 512 })! * 1e6 * 100).toFixed(4),
    '571.6678',
    'cents per million',
  );
  assert.is(m.source, 'aws-lambda us-east-1 x86_64 (price catalog 2026-08-21)');
});

lambda('without a Billed Duration: Duration + Init rounded up to 1 ms (395.99 + 265.72 → 662)', () => {
  near(
    lambdaPriceModel().price({ durationMs: 395.99, initMs: 265.72, latencyMs: 900, memoryMB: 512 }),
    0.0000057166777,
    'same as billed 662',
  );
});

lambda('the documented 128 MB line billed 200 ms: $0.0000002 + 0.125 × 0.2 × $0.0000166667', () => {
  near(lambdaPriceModel().price({ billedMs: 200, latencyMs: 250, memoryMB: 128 }), 0.0000006166675, '128 MB');
});

lambda('arm64 1024 MB billed 100 ms at $0.0000133334/GB-s', () => {
  near(
    lambdaPriceModel('arm64').price({ billedMs: 100, latencyMs: 120, memoryMB: 1024 }),
    0.0000002 + 1 * 0.1 * 0.0000133334,
    'arm',
  );
});

lambda('ephemeral storage above 512 MB adds $0.0000000309 per GB-s', () => {
  const m = lambdaPriceModel('x86_64', {}, '', { ephemeralMB: 1024 });
  near(
    m.price({ billedMs: 1000, latencyMs: 1000, memoryMB: 1024 }),
    0.0000002 + 1 * 1 * 0.0000166667 + 0.5 * 1 * 0.0000000309,
    'with 1 GB /tmp',
  );
});

lambda('overrides replace table figures and the note is appended to the source', () => {
  const m = lambdaPriceModel('x86_64', { perGBSecondUSD: 0.00001 }, '; test');
  near(m.price({ billedMs: 1000, latencyMs: 1, memoryMB: 1024 }), 0.0000102, 'override');
  assert.match(m.source, /; test$/);
});

lambda.run();

// ---
const gen1 = suite('Cloud Functions gen1 cost');

gen1('128 MB for 260 ms bills 300 ms: $0.0000004 + 0.125 GB × 0.3 s × $0.0000025 + 0.2 GHz × 0.3 s × $0.00001', () => {
  const m = gcfGen1PriceModel();
  near(m.price({ latencyMs: 260, memoryMB: 128 }), 0.0000004 + 0.00000009375 + 0.0000006, '128 MB 260 ms');
  near(m.price({ latencyMs: 260, memoryMB: 128 }), 0.00000109375, 'written out');
  near(m.price({ latencyMs: 300, memoryMB: 128 }), 0.00000109375, 'exactly 300 ms is 300 ms');
  near(m.price({ latencyMs: 300.01, memoryMB: 128 }), 0.0000004 + 4 * 0.00000023125, '300.01 ms bills 400 ms');
});

gen1('the per-100 ms tier-1 table (published to 3 figures) follows from the unit prices', () => {
  const table: [number, number][] = [
    [128, 0.000000231],
    [256, 0.000000463],
    [512, 0.000000925],
    [1024, 0.00000165],
    [2048, 0.0000029],
    [4096, 0.0000058],
    [8192, 0.0000068],
  ];
  const m = gcfGen1PriceModel();
  for (const [mb, per100] of table) {
    const compute = m.price({ latencyMs: 100, memoryMB: mb })! - 0.0000004;
    assert.ok(Math.abs(compute - per100) < 0.0000000005 + per100 * 0.002, `${mb} MB: ${compute} vs table ${per100}`);
  }
  assert.is(gcfGen1CpuGHz(128), 0.2);
  assert.is(gcfGen1CpuGHz(1000), 1.4, 'between sizes: the next size up');
});

gen1('tier 2 prices $0.0000035/GB-s and $0.000014/GHz-s', () => {
  near(
    gcfGen1PriceModel('tier2').price({ latencyMs: 100, memoryMB: 1024 }),
    0.0000004 + 1 * 0.1 * 0.0000035 + 1.4 * 0.1 * 0.000014,
    'tier 2 1 GB',
  );
});

gen1.run();

// ---
const gen2 = suite('Cloud Run functions (gen2) cost');

gen2('512 MiB, 1 vCPU, 260 ms → 300 ms: $0.0000004 + 1 × 0.3 × $0.000024 + 0.5 × 0.3 × $0.0000025', () => {
  const m = gcfGen2PriceModel(1);
  near(m.price({ latencyMs: 260, memoryMB: 512 }), 0.0000004 + 0.0000072 + 0.000000375, '1 vCPU');
  near(m.price({ latencyMs: 260, memoryMB: 512 }), 0.000007975, 'written out');
  assert.match(m.source, /1 vCPU$/);
});

gen2('without cpu, the memory default: 256 MiB → 0.167 vCPU', () => {
  assert.is(gcfGen2DefaultVcpu(256), 0.167);
  near(
    gcfGen2PriceModel().price({ latencyMs: 260, memoryMB: 256 }),
    0.0000004 + 0.167 * 0.3 * 0.000024 + 0.25 * 0.3 * 0.0000025,
    '256 MiB default',
  );
});

gen2.run();

// ---
const self = suite('self-hosted cost (OpenFaaS)');

self('$0.10 per node-hour at 20 req/s: $0.10 / 3600 / 20 per invocation; total = node time of the phase', () => {
  const m = selfHostedPriceModel(0.1);
  assert.is(m.price({ latencyMs: 5, memoryMB: 128 }), undefined, 'no per-invocation price');
  const f = withPhaseCost({ requests: 40, throughputRps: 20, cost: null }, m);
  near(f.cost!.perInvocationUSD, 0.1 / 3600 / 20, 'per invocation');
  near(f.cost!.totalUSD, (0.1 / 3600) * 2, 'two seconds of one node');
  assert.match(
    f.cost!.priceSource,
    /^self-hosted: 1 node × \$0\.1\/h \(configured\) ÷ measured throughput; assumes the node serves only this function$/,
  );
  assert.is(withPhaseCost({ requests: 0, throughputRps: 0, cost: null }, m).cost, null);
  const per = withPhaseCost({ requests: 1, throughputRps: 1, cost: null }, lambdaPriceModel());
  assert.is(per.cost, null, 'per-invocation models are left alone');
});

self('roundUp: at least one step, exact multiples stay', () => {
  assert.equal(
    [roundUp(0, 100), roundUp(1, 100), roundUp(100, 100), roundUp(100.5, 100), roundUp(661.71, 1)],
    [100, 100, 100, 200, 662],
  );
});

self.run();

// ---
const failures = suite('which failed invocations are billed');

failures('Cloud Functions bill every request that reached the function; Lambda-style models only successes', () => {
  const statuses = [200, 204, 500, 502, 504, 408, 400, 401, 403, 404, 413, 429, 0];
  const gen2 = gcfGen2PriceModel();
  const gen1 = gcfGen1PriceModel();
  const lambda = lambdaPriceModel('x86_64');
  const expectGcf = [true, true, true, true, true, true, true, false, false, false, false, false, false];
  assert.equal(
    statuses.map((status) => billed({ status }, gen2)),
    expectGcf,
  );
  assert.equal(
    statuses.map((status) => billed({ status }, gen1)),
    expectGcf,
  );
  assert.equal(
    statuses.map((status) => billed({ status }, lambda)),
    [true, true, false, false, false, false, false, false, false, false, false, false, false],
  );
  // A failed gen2 request at 256 MB, 120 ms: $0.40/M + 0.167 vCPU × 0.2 s × $0.000024 + 0.25 GiB × 0.2 s × $0.0000025.
  assert.ok(
    Math.abs(
      gen2.price({ latencyMs: 120, memoryMB: 256 })! - (0.0000004 + 0.167 * 0.2 * 0.000024 + 0.25 * 0.2 * 0.0000025),
    ) < 1e-15,
  );
});

failures.run();
