// Threshold evaluation on results built from known samples (no timers, no
// processes): exact figures from the encoded histograms and counters, scopes
// (target, phase, round), pass and fail, "no data" failing, and abortOnFail.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Recorder } from '../../src/metrics/recorder.ts';
import type { Sample } from '../../src/model/sample.ts';
import { checkThresholds } from '../../src/metrics/threshold-parser.ts';
import { abortingThreshold, evaluateThresholds } from '../../src/metrics/thresholds.ts';
import type { PhaseResult, TargetResult } from '../../src/model/result.ts';
import { formatThresholds } from '../../src/report/thresholds-table.ts';
import type { ErrorClass } from '../../src/model/invocation.ts';
import { phaseFigures } from '../../src/metrics/figures.ts';

/** One invocation: latency ms, cold?, error class, init ms, cost USD. */
type Inv = { ms: number; cold?: boolean; err?: ErrorClass; initMs?: number; usd?: number };

function phase(name: string, round: number | undefined, invs: Inv[]): PhaseResult {
  const rec = new Recorder();
  invs.forEach((v, seq) => {
    const s: Sample = {
      target: 't',
      phase: name,
      round: round ?? 1,
      seq,
      intendedNs: seq * 1e9,
      startNs: seq * 1e9,
      latencyUs: v.ms * 1000,
      status: v.err ? 500 : 200,
      errorClass: v.err ?? null,
      bytesOut: 2,
      bytesIn: 2,
      cold: v.cold ?? false,
      coldMethod: 'provider',
      initMs: v.initMs,
      instanceId: v.cold ? `i${seq}` : 'i0',
      costUSD: v.usd,
    };
    rec.add(s);
  });
  return { name, kind: 'burst', ...(round ? { round } : {}), ...phaseFigures(rec.recorded, 'test prices') };
}

function target(name: string, phases: PhaseResult[]): TargetResult {
  return { name, provider: 'local', function: 'f', memoryMB: 128, coldStartMethod: 'provider', phases, summary: null };
}

// Round 1: 4 cold starts (100–400 ms, init 50–80 ms); round 2: 4 warm (10 ms), one of them a throttle.
const burst1 = phase(
  'burst',
  1,
  [100, 200, 300, 400].map((ms, i) => ({ ms, cold: true, initMs: 50 + 10 * i, usd: 0.000002 })),
);
const burst2 = phase(
  'burst',
  2,
  [10, 10, 10, 10].map((ms, i) => ({
    ms,
    err: i === 3 ? ('throttled' as const) : undefined,
    usd: i === 3 ? undefined : 0.000001,
  })),
);
const a = target('a', [burst1, burst2]);
const b = target('b', [phase('burst', 1, [{ ms: 5 }, { ms: 5 }]), phase('burst', 2, [{ ms: 5 }, { ms: 5 }])]);

function specs(raw: Record<string, unknown>) {
  const ctx = { file: 's.ts', issues: [] };
  const out = checkThresholds(raw, 'thresholds', ctx, { targets: ['a', 'b'], phases: ['burst'] });
  assert.equal(ctx.issues, []);
  return out;
}

const evaluate = suite('evaluateThresholds');

evaluate('exact figures over all phases of each target; pass and fail', () => {
  const out = evaluateThresholds(
    specs({
      'latency.max': '< 450ms',
      'cold.rate': '< 0.6',
      'cold.count': '== 4',
      'errors.rate': '< 0.1',
      'errors.throttled': '== 0',
      'init.p50{target:a}': '< 60ms',
      'requests.count': '== 8',
      'cost.perMillion{target:a}': '< $1.60',
    }),
    [a, b],
  );
  const rows = out.map((o) => [o.target, o.metric, o.actual === null ? null : +o.actual.toPrecision(6), o.ok]);
  assert.equal(rows, [
    ['a', 'latency.max', 400.127, true], // HdrHistogram's 3 significant digits: 400 ms reads back as 400.127
    ['b', 'latency.max', 5.003, true],
    ['a', 'cold.rate', 0.5, true],
    ['b', 'cold.rate', 0, true],
    ['a', 'cold.count', 4, true],
    ['b', 'cold.count', 0, false],
    ['a', 'errors.rate', 0.125, false],
    ['b', 'errors.rate', 0, true],
    ['a', 'errors.throttled', 1, false],
    ['b', 'errors.throttled', 0, true],
    ['a', 'init.p50', 60.031, false], // 50, 60, 70, 80: the median is 60 (not below 60)
    ['a', 'requests.count', 8, true],
    ['b', 'requests.count', 4, false],
    // 4 × $2/M + 3 × $1/M over 7 billed invocations = $1.571/M
    ['a', 'cost.perMillion', 1.57143, true],
  ]);
});

evaluate('scopes: one phase round; a phase or data that is missing fails with actual null', () => {
  const out = evaluateThresholds(
    specs({
      'cold.count{phase:burst,round:2}': '== 0',
      'cold.p50{phase:burst,round:2}': '< 1s',
      'cost.total{target:b}': '< 1',
    }),
    [a, b],
  );
  assert.equal(
    out.map((o) => [o.target, o.metric, o.phase, o.round, o.actual, o.ok]),
    [
      ['a', 'cold.count', 'burst', 2, 0, true],
      ['b', 'cold.count', 'burst', 2, 0, true],
      ['a', 'cold.p50', 'burst', 2, null, false], // no cold start in round 2: no data is never a pass
      ['b', 'cold.p50', 'burst', 2, null, false],
      ['b', 'cost.total', undefined, undefined, null, false], // no cost recorded
    ],
  );
  const failed = target('c', []);
  failed.error = 'prepare failed';
  assert.equal(
    evaluateThresholds(specs({ 'latency.p99': '< 1s' }), [failed]).map((o) => [o.actual, o.ok]),
    [[null, false]],
  );
});

evaluate('percentiles and rates merge rounds exactly (histograms add)', () => {
  const [p] = evaluateThresholds(specs({ 'latency.p50': '< 1s' }), [a]);
  // 8 values: 10, 10, 10, 10, 100, 200, 300, 400: the 50th percentile is the 4th,
  // 10 ms (10.007 as HdrHistogram reads back a 3-significant-digit bucket).
  assert.is(+p!.actual!.toPrecision(5), 10.007);
});

evaluate('abortOnFail: the first crossed rule with data, described; phases still to come do not abort', () => {
  assert.is(abortingThreshold(specs({ 'errors.rate': { threshold: '< 0.5', abortOnFail: true } }), a), undefined);
  assert.is(abortingThreshold(specs({ 'errors.rate': { threshold: '< 0.1', abortOnFail: false } }), a), undefined);
  assert.is(
    abortingThreshold(specs({ 'errors.rate': { threshold: '< 0.1', abortOnFail: true } }), a),
    'a errors.rate < 0.1 (actual 0.125)',
  );
  const early = target('a', [burst1]);
  assert.is(
    abortingThreshold(specs({ 'cold.count{phase:burst,round:2}': { threshold: '== 0', abortOnFail: true } }), early),
    undefined,
  );
  assert.is(
    abortingThreshold(specs({ 'latency.p99{target:b}': { threshold: '< 1ms', abortOnFail: true } }), a),
    undefined,
    'scoped to another target',
  );
});

evaluate.run();

// ---

const tableSuite = suite('formatThresholds');

tableSuite('a table with actual figures, by how much, and the verdict', () => {
  const out = evaluateThresholds(
    specs({ 'latency.max': '< 300ms', 'cold.count{phase:burst,round:2}': '== 0', 'errors.rate{target:a}': '< 10%' }),
    [a, b],
  );
  const text = formatThresholds(out);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^target\s+metric\s+condition\s+actual\s+by\s+result$/);
  assert.match(text, /a\s+latency\.max\s+< 300ms\s+400\.1ms\s+\+100\.1ms \(\+33\.4%\)\s+✗ crossed/);
  assert.match(text, /b\s+latency\.max\s+< 300ms\s+5\.003ms\s+✓/);
  assert.match(text, /a\s+cold\.count\{phase:burst,round:2\}\s+== 0\s+0\s+✓/);
  assert.match(text, /a\s+errors\.rate\s+< 10%\s+0\.125\s+\+0\.025 \(\+25\.0%\)\s+✗ crossed/);
  assert.is(lines[lines.length - 1], 'thresholds: 2 of 5 crossed');
  assert.is(formatThresholds([]), '');
});

tableSuite.run();
