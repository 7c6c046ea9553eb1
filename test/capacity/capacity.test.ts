// Capacity planning arithmetic on hand-computed cases: Little's law, throttling
// under a burst against Lambda's documented limits, monthly cost to the cent,
// memory sweeps, self-hosted nodes, and the "not measured" paths.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { emptyErrorCounts } from '../../src/metrics/recorder.ts';
import { encodeHistogram, newHistogram, recordUs } from '../../src/metrics/histogram.ts';
import { planningFor } from '../../src/drivers/registry.ts';
import { planCapacity, planTarget } from '../../src/capacity/capacity.ts';
import { throttling } from '../../src/capacity/throttling.ts';
import { planRows } from '../../src/capacity/format.ts';
import type { PlanOptions } from '../../src/capacity/types.ts';
import type { PhaseResult, Result, TargetResult } from '../../src/model/result.ts';
import { planOptionsFromFlags, parseCount } from '../../src/cli/plan.ts';
import { FxError } from '../../src/model/errors.ts';

const lat = (mean: number, p99: number) => ({ min: mean / 2, mean, p50: mean, p90: p99, p99, p999: p99, max: p99 });

function encoded(valuesMs: number[]): string {
  const h = newHistogram();
  for (const v of valuesMs) recordUs(h, v * 1000);
  return encodeHistogram(h);
}

function phase(over: Partial<PhaseResult> = {}): PhaseResult {
  const empty = encoded([]);
  return {
    name: 'p',
    kind: 'burst',
    requests: 100,
    ok: 100,
    errors: emptyErrorCounts(),
    coldStarts: 0,
    coldStartRate: 0,
    latencyMs: lat(120, 250),
    warmLatencyMs: lat(120, 250),
    coldLatencyMs: null,
    initDurationMs: null,
    throughputRps: 50,
    bytesOut: 0,
    bytesIn: 0,
    cost: null,
    histograms: { all: empty, warm: empty, cold: empty, init: empty },
    ...over,
  };
}

function target(over: Partial<TargetResult> = {}, summary: Partial<PhaseResult> = {}): TargetResult {
  const {
    name: _n,
    kind: _k,
    round: _r,
    ...s
  } = phase({ coldStarts: 10, coldLatencyMs: lat(900, 1200), initDurationMs: lat(300, 400), ...summary });
  return {
    name: 't',
    provider: 'openfaas',
    function: 'f',
    memoryMB: 512,
    coldStartMethod: 'provider',
    phases: [phase()],
    summary: s,
    ...over,
  };
}

const lambda = planningFor('lambda').limits;

// ---

const little = suite("Little's law: concurrency and instances");

little('500 req/s at 120 ms mean and 250 ms p99 needs 60 (mean) and 125 (p99) concurrent, 125 instances', () => {
  const p = planTarget(target(), 'lambda', lambda, { rps: 500 });
  assert.is(p.concurrencyMean.value, 60);
  assert.is(p.concurrencyP99.value, 125);
  assert.is(p.instances.value, 125);
  assert.match(p.concurrencyMean.from, "Little's law: 500 req/s × 120 ms mean warm latency");
});

little('10 invocations per instance (Cloud Run style) divides and rounds up', () => {
  const p = planTarget(target(), 'gcf', planningFor('gcf').limits, { rps: 500, instanceConcurrency: 10 });
  assert.is(p.instances.value, 13);
});

little.run();

// ---

const peak = suite('peaks: cold starts and throttling');

peak('2000 req/s peak: 500 instances, 375 of them new (cold), within Lambda limits', () => {
  const p = planTarget(target(), 'lambda', lambda, { rps: 500, peakRps: 2000 });
  assert.is(p.peak!.instances.value, 500);
  assert.is(p.peak!.coldStarts.value, 375);
  assert.is(p.peak!.throttled.value, false);
  assert.is(p.peak!.throttledRequests.value, 0);
  assert.is(p.peak!.coldStartMs.value, 900);
});

peak(
  '6000 req/s needs 1500 concurrent: over the 1,000 default, 500 short × 4 req/s × 300 s = 600,000 throttled',
  () => {
    const p = planTarget(target(), 'lambda', lambda, { rps: 500, peakRps: 6000 });
    assert.is(p.peak!.instances.value, 1500);
    assert.is(p.peak!.throttled.value, true);
    assert.is(p.peak!.throttledRequests.value, 600_000);
    assert.match(p.peak!.throttled.from, 'peak needs 1500 concurrent; limit 1000');
  },
);

peak('with the quota raised, the scaling rate (1,000 per 10 s) throttles the first 20 s', () => {
  // baseline 125 → peak 3000: +1000 at once (1125, 1875 short for 10 s), +1000 (2125, 875 short for 10 s), then enough.
  const r = throttling(125, 3000, { ...lambda, maxConcurrency: 10_000 }, 300, 4);
  assert.is(r.requests.value, 1875 * 4 * 10 + 875 * 4 * 10);
  assert.is(r.scaleUpS.value, 20);
  assert.is(r.throttled.value, true);
});

peak('a provider without documented limits says so instead of guessing', () => {
  const r = throttling(10, 5000, planningFor('gcf').limits, 300, 4);
  assert.is(r.throttled.value, null);
  assert.match(r.throttled.from, 'no documented limit');
});

peak.run();

// ---

const cost = suite('monthly cost');

cost('Lambda projection of 250M invocations at 512 MB, 120.4 ms → billed 121 ms: $302.08 plus cold starts', () => {
  const t = target({}, { warmLatencyMs: lat(120.4, 250) });
  const p = planTarget(t, 'lambda', lambda, { rps: 500, peakRps: 2000, monthlyRequests: 250e6 });
  // 0.0000002 + 0.5 GB × 0.121 s × 0.0000166667 = 0.00000120833535 per invocation
  assert.ok(Math.abs(p.perInvocationUSD.value! - 0.00000120833535) < 1e-15, String(p.perInvocationUSD.value));
  // cold: 375 per peak × 30 peaks = 11,250; each bills ceil(120.4+300)=421 ms instead of 121 ms: 0.5 × 0.300 × 0.0000166667
  assert.is(p.coldStartsPerMonth.value, 11_250);
  const coldUSD = 11_250 * 0.5 * 0.3 * 0.0000166667;
  const expected = 250e6 * 0.00000120833535 + coldUSD;
  assert.is(Math.round(p.monthlyUSD.value! * 100) / 100, Math.round(expected * 100) / 100);
  assert.is(Math.round(p.monthlyUSD.value! * 100) / 100, 302.11);
  assert.ok(Math.abs(p.coldShare.value! - coldUSD / expected) < 1e-12);
});

cost("the cold starts' cost says when the measured inits waited for a CPU (local runtime), and not otherwise", () => {
  const opts = { rps: 500, peakRps: 2000, monthlyRequests: 250e6 };
  const waited = target({}, { initSplit: { observed: 20, initMs: 508.7, cpuMs: 51.5, waitMs: 362.8 } });
  assert.match(
    planTarget(waited, 'lambda', lambda, opts).coldShare.from,
    'ms init p50 billed (of the measured inits, mean 508.7 ms, 362.8 ms waited for a CPU on the runtime machine and 51.5 ms ran on one',
  );
  const quiet = target({}, { initSplit: { observed: 1, initMs: 60, cpuMs: 52, waitMs: 3 } });
  assert.not.match(planTarget(quiet, 'lambda', lambda, opts).coldShare.from, 'waited');
  assert.not.match(planTarget(target(), 'lambda', lambda, opts).coldShare.from, 'waited');
});

cost('monthly volume defaults to the rate sustained for 30 days, and says so', () => {
  const p = planTarget(target(), 'lambda', lambda, { rps: 10 });
  assert.is(p.monthlyRequests.value, 10 * 30 * 24 * 3600);
  assert.match(p.monthlyRequests.from, '10 req/s sustained for 30 days');
});

cost('a local target projected to Lambda uses the measured billed cost of warm invocations', () => {
  const warm = phase({
    cost: {
      perInvocationUSD: 0.00000025,
      perMillionUSD: 0.25,
      totalUSD: 0.000025,
      priceSource: 'aws-lambda us-east-1 x86_64 (price catalog 2026-08-21)',
    },
  });
  const cold = phase({
    coldStarts: 100,
    cost: { perInvocationUSD: 0.000002, perMillionUSD: 2, totalUSD: 0.0002, priceSource: 'x' },
  });
  const p = planTarget(target({ provider: 'local', phases: [cold, warm] }), 'lambda', lambda, {
    rps: 1,
    monthlyRequests: 1e6,
  });
  assert.is(p.perInvocationUSD.value, 0.00000025);
  assert.match(p.perInvocationUSD.from, 'measured billed cost of 100 warm invocations');
});

cost.run();

// ---

const slo = suite('SLO: measured from the ramp, or named as not measured');

const ramp = {
  kneeRps: 200,
  brokeAtRps: 400,
  steps: [
    { rateRps: 100, p99Ms: 50, errorRate: 0, ok: true },
    { rateRps: 200, p99Ms: 120, errorRate: 0, ok: true },
    { rateRps: 400, p99Ms: 900, errorRate: 0.02, ok: false },
  ],
};

slo('the ramp step at or above the planned rate decides', () => {
  const a = planTarget(target({ ramp }), 'lambda', lambda, { rps: 150, p99SloMs: 300 });
  assert.equal([a.slo!.holds.value, a.slo!.basis], [true, 'measured']);
  assert.match(a.slo!.holds.from, 'ramp step at 200 req/s: p99 120 ms');
  const b = planTarget(target({ ramp }), 'lambda', lambda, { rps: 300, p99SloMs: 300 });
  assert.equal([b.slo!.holds.value, b.slo!.basis], [false, 'measured']);
  const c = planTarget(target({ ramp }), 'lambda', lambda, { rps: 500, p99SloMs: 300 });
  assert.equal([c.slo!.holds.value, c.slo!.basis], [false, 'extrapolated']);
  assert.ok(c.missing.includes('ramp went to 400 req/s: SLO at 500 req/s not measured'));
});

slo('from a burst: no verdict ("not measured"), and the phase that would measure it named', () => {
  const p = planTarget(target(), 'lambda', lambda, { rps: 500, p99SloMs: 300 });
  assert.is(p.slo!.basis, 'not measured');
  assert.is(p.slo!.holds.value, null);
  assert.is(
    p.slo!.holds.from,
    'not measured: no phase of this run ran at 500 req/s or more (phases: burst); a steady phase at 500 req/s for at least 1 s (100 invocations), or a ramp phase through 500 req/s, would measure it',
  );
  assert.ok(p.missing.includes('no ramp phase: SLO at 500 req/s not measured'), p.missing.join('; '));
});

slo('a steady phase at the rate with enough invocations decides; one with too few does not', () => {
  const at = (requests: number) =>
    target({ phases: [phase({ kind: 'steady', rateRps: 20, requests, latencyMs: lat(100, 280) })] });
  const p = planTarget(at(100), 'lambda', lambda, { rps: 20, p99SloMs: 300 });
  assert.equal([p.slo!.holds.value, p.slo!.basis], [true, 'measured']);
  assert.is(p.slo!.holds.from, 'steady phase at 20 req/s: p99 280 ms');
  const q = planTarget(at(99), 'lambda', lambda, { rps: 20, p99SloMs: 300 });
  assert.equal([q.slo!.holds.value, q.slo!.basis], [null, 'not measured']);
  assert.match(
    q.slo!.holds.from,
    /^not measured: the steady phase at 20 req\/s had 99 invocations, fewer than the 100 a p99 needs; a steady phase at 20 req\/s for at least 5 s/,
  );
});

slo('a ramp step with too few invocations gives no verdict', () => {
  const steps = ramp.steps.map((x) => phase({ kind: 'ramp', rateRps: x.rateRps, requests: x.rateRps / 5 }));
  const p = planTarget(target({ ramp, phases: steps }), 'lambda', lambda, { rps: 150, p99SloMs: 300 });
  assert.equal([p.slo!.holds.value, p.slo!.basis], [null, 'not measured']);
  assert.match(p.slo!.holds.from, /^not measured: the ramp step at 200 req\/s had 40 invocations, fewer than the 100/);
  const q = planTarget(target({ ramp, phases: steps }), 'lambda', lambda, { rps: 450, p99SloMs: 300 });
  assert.is(q.slo!.basis, 'extrapolated', 'above the ramp: as before');
});

slo('no cold start measured: the peak cold-start latency is named as missing, not invented', () => {
  const p = planTarget(target({}, { coldStarts: 0, coldLatencyMs: null, initDurationMs: null }), 'lambda', lambda, {
    rps: 500,
    peakRps: 2000,
  });
  assert.is(p.peak!.coldStartMs.value, null);
  assert.is(p.coldShare.value, null);
  assert.ok(p.missing.some((m) => m.startsWith('no cold start measured')));
});

slo.run();

// ---

const sweep = suite('memory sweep and self-hosted nodes');

sweep('the cheapest memory size that meets the p99 SLO', () => {
  const mk = (memoryMB: number, ms: number, per: number) =>
    phase({
      memoryMB,
      histograms: { all: encoded(Array(100).fill(ms)), warm: encoded([]), cold: encoded([]), init: encoded([]) },
      cost: { perInvocationUSD: per, perMillionUSD: per * 1e6, totalUSD: per * 100, priceSource: 's' },
    });
  const t = target({
    provider: 'local',
    phases: [mk(128, 400, 0.0000009), mk(256, 200, 0.0000011), mk(512, 100, 0.0000012)],
  });
  const p = planTarget(t, 'lambda', lambda, { rps: 10, p99SloMs: 300, monthlyRequests: 1e6 });
  assert.equal(
    p.memory!.map((m) => [m.memoryMB, m.meetsSlo]),
    [
      [128, false],
      [256, true],
      [512, true],
    ],
  );
  assert.ok(Math.abs(p.memory![1]!.p99Ms! - 200) < 0.2);
  assert.is(p.cheapestMemoryMB!.value, 256);
  assert.ok(Math.abs(p.memory![1]!.monthlyUSD! - 1.1) < 1e-9);
});

sweep('self-hosted: nodes at the ramp knee, node-hours priced', () => {
  const p = planTarget(target({ ramp }), 'openfaas', planningFor('openfaas').limits, {
    rps: 1000,
    peakRps: 2000,
    nodePriceHourUSD: 0.1,
  });
  assert.is(p.nodes!.perNodeRps.value, 200);
  assert.is(p.nodes!.nodes.value, 5);
  assert.is(p.nodes!.peakNodes!.value, 10);
  assert.ok(Math.abs(p.nodes!.monthlyUSD.value! - 5 * 730 * 0.1) < 1e-9);
  const q = planTarget(target(), 'openfaas', planningFor('openfaas').limits, { rps: 1000 });
  assert.is(q.nodes!.monthlyUSD.value, null);
  assert.ok(q.missing.some((m) => m.includes('--node-price-hour')));
  assert.ok(q.missing.includes('no ramp phase: per-node capacity not measured'));
});

sweep('self-hosted from a burst: per-node throughput "not measured", never a burst\'s drain rate', () => {
  const q = planTarget(target(), 'openfaas', planningFor('openfaas').limits, { rps: 1000, nodePriceHourUSD: 0.1 });
  assert.is(q.nodes!.perNodeRps.value, null);
  assert.is(
    q.nodes!.perNodeRps.from,
    'not measured: no steady or ramp phase with at least 100 invocations (phases: burst); a ramp phase (its knee is the per-node capacity) would measure it',
  );
  assert.is(q.nodes!.nodes.value, null);
  const rows = planRows(q);
  assert.equal(rows.find((r) => r[0] === 'per-node throughput')!.slice(0, 2), ['per-node throughput', 'not measured']);
  // A steady phase held for 150 invocations: its throughput, as a lower bound.
  const s = planTarget(
    target({ phases: [phase(), phase({ kind: 'steady', rateRps: 40, requests: 150, throughputRps: 40 })] }),
    'openfaas',
    planningFor('openfaas').limits,
    { rps: 1000, p99SloMs: 300 },
  );
  assert.is(s.nodes!.perNodeRps.value, 40);
  assert.match(s.nodes!.perNodeRps.from, /a lower bound/);
  assert.equal(
    planRows(s)
      .find((r) => r[0].startsWith('p99'))!
      .slice(0, 2),
    ['p99 ≤ 300 ms', 'not measured'],
  );
});

sweep('planCapacity plans a local target for local and Lambda by default', () => {
  const result = {
    schemaVersion: 1,
    scenario: { name: 's', file: 'f' },
    startedAt: 'x',
    targets: [target({ provider: 'local' })],
  } as unknown as Result;
  const plan = planCapacity(result, { rps: 5 });
  assert.equal(
    plan.targets.map((t) => t.provider),
    ['local', 'lambda'],
  );
});

sweep.run();

// ---

const flags = suite('plan flags');

flags('parse counts, durations and limits', () => {
  assert.is(parseCount('250M'), 250e6);
  assert.is(parseCount('1.5k'), 1500);
  const o: PlanOptions = planOptionsFromFlags({
    rps: 500,
    'peak-rps': 2000,
    'peak-duration': '5m',
    p99: '300ms',
    'monthly-requests': '250M',
    provider: 'lambda,gcf',
    limit: ['lambda.maxConcurrency=3000'],
  });
  assert.equal(o, {
    rps: 500,
    peakRps: 2000,
    peakDurationS: 300,
    p99SloMs: 300,
    monthlyRequests: 250e6,
    providers: ['lambda', 'gcf'],
    limits: { lambda: { maxConcurrency: 3000 } },
  });
});

flags('bad flags: every problem at once, exit 2', () => {
  try {
    planOptionsFromFlags({ p99: 'fast', provider: 'azure', limit: ['lambda.max=1'] });
    assert.unreachable();
  } catch (err) {
    assert.ok(err instanceof FxError);
    assert.is(err.exitCode, 2);
    assert.equal(
      err.issues.map((i) => i.field),
      ['--rps', '--p99', '--provider', '--limit'],
    );
  }
});

flags.run();

// ---

const gcf = suite('GCF projection');

gcf('gen2 request-based: 512 MB at 120 ms bills as 200 ms (100 ms steps), priced from the dated table', async () => {
  const { gcfGen2PriceModel } = await import('../../src/cost/cost.ts');
  const model = gcfGen2PriceModel();
  const p = planTarget(target(), 'gcf', planningFor('gcf').limits, { rps: 1, monthlyRequests: 1e6 });
  assert.is(p.perInvocationUSD.value, model.price({ durationMs: 120, latencyMs: 120, memoryMB: 512 }));
  assert.is(p.perInvocationUSD.value, model.price({ durationMs: 200, latencyMs: 200, memoryMB: 512 }), '100 ms steps');
  assert.match(p.perInvocationUSD.from, model.source);
});

gcf.run();
