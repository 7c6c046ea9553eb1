// compare on synthetic results (real Recorders fed seeded samples): a clean
// pass, a regression per metric kind, noise on few samples, improvements,
// shard-merged results, allowances, and inputs that cannot be compared (exit 2).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode } from '../../src/model/errors.ts';
import { checkResult } from '../../src/metrics/compare-input.ts';
import { parseAllowance, parseMetric, parseRules } from '../../src/metrics/compare-metrics.ts';
import { compareResults, type CompareVerdict } from '../../src/metrics/compare.ts';
import { isFxError } from '../helpers/cli.ts';
import { lognormalUs, phase, result, target } from '../helpers/results.ts';

const rules = parseRules(undefined).rules;
const verdictOf = (v: CompareVerdict, t: string, metric: string) =>
  v.targets.find((x) => x.target === t)!.metrics.find((m) => m.metric === metric)!;
const regressed = (v: CompareVerdict) =>
  v.targets.flatMap((t) => t.metrics.filter((m) => m.verdict === 'regression').map((m) => m.metric));

/** A target with 400 warm samples around `warmMs`, 20 cold around 200 ms. */
function run(
  seed: number,
  o: { warmMs?: number; cold?: number; errors?: number; cost?: (us: number) => number; warm?: number } = {},
) {
  return result([
    target('api', [
      phase({
        warmUs: lognormalUs(o.warm ?? 400, o.warmMs ?? 20, seed),
        coldUs: lognormalUs(o.cold ?? 20, 200, seed + 1),
        errors: o.errors,
        costUSD: o.cost,
      }),
    ]),
  ]);
}

const gate = suite('compare verdicts');

gate('two samples of the same distribution pass, every metric ok or noise', () => {
  const v = compareResults(run(1), run(101), { rules });
  assert.ok(v.ok);
  assert.is(v.regressions, 0);
  const m = v.targets[0]!.metrics;
  assert.equal(
    m.map((x) => x.metric),
    [
      'latency.p50',
      'latency.p99',
      'latency.warm.p50',
      'latency.warm.p99',
      'latency.cold.p50',
      'init.p50',
      'cold.rate',
      'errors.rate',
      'cost.perMillion',
    ],
  );
  for (const x of m) assert.ok(x.verdict === 'ok' || x.verdict === 'noise', `${x.metric}: ${x.verdict}`);
  assert.equal(verdictOf(v, 'api', 'latency.warm.p50').samples, { baseline: 400, current: 400 });
  assert.equal(verdictOf(v, 'api', 'cold.rate').samples, { baseline: 420, current: 420 });
});

gate('latency 30% slower is a regression of p50 and warm p50, with the change measured', () => {
  const v = compareResults(run(1), run(101, { warmMs: 26 }), { rules });
  assert.not.ok(v.ok);
  assert.ok(regressed(v).includes('latency.p50') && regressed(v).includes('latency.warm.p50'), regressed(v).join());
  const m = verdictOf(v, 'api', 'latency.warm.p50');
  assert.ok(m.change! > 0.25 && m.change! < 0.35, `change ${m.change}`);
  assert.ok(
    m.bounds!.current.lower > m.bounds!.baseline.upper * 1.1,
    'credible: bounds apart by more than the allowance',
  );
  assert.not.ok(regressed(v).includes('cold.rate'));
});

gate('a cold-start rate up by more than 0.05 is a regression', () => {
  // 20 of 420 cold (0.048) → 80 of 480 cold (0.167).
  // A flat cost per invocation, so more (slower) cold starts do not also move the cost.
  const flat = () => 2e-7;
  const v = compareResults(run(1, { cost: flat }), run(101, { cold: 80, cost: flat }), { rules });
  assert.equal(regressed(v), ['cold.rate']);
  const m = verdictOf(v, 'api', 'cold.rate');
  assert.is(m.baseline, 20 / 420);
  assert.is(m.current, 80 / 480);
  assert.is(m.change, 80 / 480 - 20 / 420);
});

gate('an error rate up by more than 0.01 is a regression', () => {
  // 0 of 420 → 30 of 420 failed (0.071).
  const v = compareResults(run(1), run(101, { errors: 30 }), { rules });
  assert.ok(regressed(v).includes('errors.rate'), regressed(v).join());
  assert.is(verdictOf(v, 'api', 'errors.rate').current, 30 / 420);
});

gate(
  'one error in 420 is beyond +0.01? no: 0.0024 is within it; 6 in 420 is beyond it but not credible (noise)',
  () => {
    assert.is(
      verdictOf(compareResults(run(1), run(101, { errors: 1 }), { rules }), 'api', 'errors.rate').verdict,
      'ok',
    );
    const m = verdictOf(compareResults(run(1), run(101, { errors: 6 }), { rules }), 'api', 'errors.rate');
    assert.is(m.verdict, 'noise');
    assert.match(m.note!, /not credible with 420 and 420 samples/);
  },
);

gate('cost per million up 6% is a regression on steady latencies, and noise where cold starts make them spread', () => {
  // Same latencies, dearer invocations (as when memory or the price goes up).
  const dearer = (factor: number) => (us: number) => factor * (2e-7 + 1e-9 * (us / 1000));
  const v = compareResults(run(1, { cold: 0 }), run(1, { cold: 0, cost: dearer(1.06) }), { rules });
  assert.equal(regressed(v), ['cost.perMillion']);
  const m = verdictOf(v, 'api', 'cost.perMillion');
  assert.ok(Math.abs(m.change! - 0.06) < 1e-9, `change ${m.change}`);
  // Bounds: mean ± 1.96 · CV(latency) / √400 around each figure; CV ≈ 0.2 here.
  const half = m.bounds!.baseline.upper / m.baseline! - 1;
  assert.ok(half > 0.015 && half < 0.025, `half-width ${half} of the baseline's bound`);
  // 20 cold starts at ~200 ms among 400 warm at ~20 ms: CV ≈ 1.3, bounds ≈ ±12%.
  const spread = verdictOf(compareResults(run(1), run(1, { cost: dearer(1.06) }), { rules }), 'api', 'cost.perMillion');
  assert.is(spread.verdict, 'noise');
});

gate('a big change on few samples is noise, not a regression', () => {
  // 6 warm samples each: +40% median, but with 6 samples the 97.5% bounds on a median are the min and the max.
  const v = compareResults(run(1, { warm: 6, cold: 0 }), run(101, { warm: 6, cold: 0, warmMs: 28 }), { rules });
  const m = verdictOf(v, 'api', 'latency.warm.p50');
  assert.ok(m.change! > 0.1, `change ${m.change}`);
  assert.is(m.verdict, 'noise');
  assert.ok(v.ok);
});

gate('a credible improvement beyond the allowance is "improved", and passes', () => {
  const v = compareResults(run(1, { warmMs: 26 }), run(101), { rules });
  assert.is(verdictOf(v, 'api', 'latency.warm.p50').verdict, 'improved');
  assert.ok(v.ok);
});

gate('metrics with no samples on a side are n/a (no cold starts at all)', () => {
  const v = compareResults(run(1, { cold: 0 }), run(101, { cold: 0 }), { rules });
  const m = verdictOf(v, 'api', 'latency.cold.p50');
  assert.is(m.verdict, 'n/a');
  assert.is(m.note, 'no samples on either side');
  assert.ok(v.ok);
});

gate('percentiles come from the histograms: results split into shards compare like one run', () => {
  const warm = lognormalUs(400, 20, 7);
  const whole = result([target('api', [phase({ warmUs: warm })])]);
  const shards = result([target('api', [phase({ warmUs: warm.slice(0, 150) }), phase({ warmUs: warm.slice(150) })])]);
  // Corrupt the summaries: compare must not read them.
  for (const p of shards.targets[0]!.phases) p.latencyMs = { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const a = compareResults(whole, whole, { rules });
  const b = compareResults(whole, shards, { rules });
  const figures = (v: CompareVerdict) =>
    v.targets[0]!.metrics.filter((m) => m.kind !== 'cost').map((m) => [m.metric, m.current]);
  assert.equal(figures(b), figures(a));
  // Cost is summed per phase: equal up to floating-point rounding.
  const cost = (v: CompareVerdict) => verdictOf(v, 'api', 'cost.perMillion').current!;
  assert.ok(Math.abs(cost(b) - cost(a)) < 1e-12 * cost(a), `${cost(b)} vs ${cost(a)}`);
  assert.is(verdictOf(b, 'api', 'latency.p50').change, 0);
});

gate('--max-regression overrides, adds and switches off metrics', () => {
  const { rules: r, issues } = parseRules('latency.p99=+20%,latency.p90=+5ms,cost.perMillion=off,cold.rate=+0.1');
  assert.equal(issues, []);
  const by = Object.fromEntries(r.map((x) => [x.metric.name, x]));
  assert.equal(by['latency.p99']!.allowance, { kind: 'relative', fraction: 0.2 });
  assert.equal(by['latency.p90']!.allowance, { kind: 'absolute', amount: 5 });
  assert.equal(by['cold.rate']!.allowance, { kind: 'absolute', amount: 0.1 });
  assert.is(by['cost.perMillion'], undefined);
  const v = compareResults(run(1), run(101, { warmMs: 26 }), {
    rules: parseRules('latency.p50=+50%,latency.warm.p50=+50%,latency.warm.p99=off').rules,
  });
  assert.ok(v.ok, `nothing beyond +50%: ${regressed(v).join()}`);
});

gate('bad allowances and metrics are reported together', () => {
  const { issues } = parseRules('latency.p99=10,nope=+1%,cold.rate=+2ms,latency.p50');
  assert.equal(
    issues.map((i) => i.message),
    [
      'unknown metric "nope"; expected latency[.warm|.cold].pNN, init.pNN, cold.rate, errors.rate or cost.perMillion',
      'expected metric=allowance such as "latency.p99=+10%", got "latency.p50"',
      'latency.p99: a latency allowance needs a unit: "10%" or "10ms", got "10"',
      'cold.rate: "ms" applies to latency metrics only, got "+2ms" for cold.rate',
    ],
  );
  assert.ok(issues.every((i) => i.field === '--max-regression'));
});

gate('metric names follow the grammar', () => {
  assert.equal(parseMetric('latency.p999'), { name: 'latency.p999', kind: 'latency', set: 'all', quantile: 0.999 });
  assert.equal(parseMetric('latency.warm.p99.5'), {
    name: 'latency.warm.p99.5',
    kind: 'latency',
    set: 'warm',
    quantile: 0.995,
  });
  assert.equal(parseMetric('init.p50'), { name: 'init.p50', kind: 'latency', set: 'init', quantile: 0.5 });
  assert.is(parseMetric('latency.p100'), undefined);
  assert.is(parseMetric('latency.hot.p50'), undefined);
  assert.equal(parseAllowance('off', parseMetric('cold.rate')!), null);
});

gate.run();

// ---

const bad = suite('inputs that cannot be compared');

bad('targets that do not match are named, both ways (exit 2)', async () => {
  const a = result([target('api', [phase({ warmUs: [1000] })]), target('db', [phase({ warmUs: [1000] })])]);
  const b = result([target('api', [phase({ warmUs: [1000] })]), target('queue', [phase({ warmUs: [1000] })])]);
  const err = await isFxError(
    async () => compareResults(a, b, { rules, baselineFile: 'base.json', currentFile: 'cur.json' }),
    {
      exitCode: ExitCode.badInput,
      file: 'cur.json',
      field: 'targets',
      message: /target "db" is in the baseline but not in the current run \(current has: api, queue\)/,
    },
  );
  assert.match(
    err.message,
    /base\.json: targets: target "queue" is in the current run but not in the baseline \(baseline has: api, db\); refresh the baseline/,
  );
});

bad('different phases are a mismatch, not a comparison', async () => {
  const a = result([target('api', [phase({ name: 'burst', warmUs: [1000] })])]);
  const b = result([target('api', [phase({ name: 'steady', warmUs: [1000] })])]);
  await isFxError(async () => compareResults(a, b, { rules, currentFile: 'cur.json' }), {
    exitCode: 2,
    file: 'cur.json',
    field: 'targets[0].phases',
    message: /ran phases steady but the baseline ran burst/,
  });
});

bad('too few requests for --min-requests is bad input', async () => {
  await isFxError(
    async () =>
      compareResults(run(1), run(2, { warm: 10, cold: 0 }), { rules, minRequests: 100, currentFile: 'cur.json' }),
    { exitCode: 2, file: 'cur.json', field: 'targets[0]', message: /has 10 requests, fewer than --min-requests 100/ },
  );
});

bad('a baseline target that failed cannot be compared against; a current one that failed is a regression', async () => {
  const failed = result([{ ...target('api', []), error: 'prepare failed: ECONNREFUSED' }]);
  await isFxError(async () => compareResults(failed, run(1), { rules, baselineFile: 'b.json' }), {
    exitCode: 2,
    file: 'b.json',
    message: /failed in the baseline \(prepare failed: ECONNREFUSED\)/,
  });
  const v = compareResults(run(1), failed, { rules });
  assert.not.ok(v.ok);
  assert.is(v.regressions, 1);
  assert.is(v.targets[0]!.error, 'prepare failed: ECONNREFUSED');
});

bad('a result file is checked field by field', () => {
  assert.equal(
    checkResult({ schemaVersion: 2, targets: [] }, 'f.json').map((i) => [i.field, i.message]),
    [['schemaVersion', 'this fxbench reads schema version 1, got 2 (written by a newer fxbench: upgrade)']],
  );
  assert.equal(
    checkResult([], 'f.json').map((i) => i.message),
    ['expected a results object (results.json written by fxbench run)'],
  );
  const r = run(1) as unknown as { targets: { phases: Record<string, unknown>[] }[] };
  r.targets[0]!.phases[0]!.requests = 'many';
  (r.targets[0]!.phases[0]!.histograms as Record<string, string>).warm = 'not a histogram';
  assert.equal(
    checkResult(r, 'f.json').map((i) => i.field),
    ['targets[0].phases[0].requests', 'targets[0].phases[0].histograms.warm'],
  );
});

bad.run();
