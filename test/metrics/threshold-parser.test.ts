// The threshold grammar (src/metrics/threshold-parser.ts) as tables, no timers:
// conditions per unit, keys and selectors, and the checker that turns a
// scenario's `thresholds` into specs or into issues naming the field (exit 2).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkThresholds,
  parseCondition,
  parseKey,
  parsePercentile,
  type MetricUnit,
} from '../../src/metrics/threshold-parser.ts';

const cond = suite('parseCondition');

// [condition, unit, expected op and value in the metric's unit, or an error matching]
const CONDITIONS: [string, MetricUnit, { op: string; value: number } | RegExp][] = [
  ['< 800ms', 'ms', { op: '<', value: 800 }], // milliseconds
  ['<800ms', 'ms', { op: '<', value: 800 }], // no space needed
  ['<= 1.5s', 'ms', { op: '<=', value: 1500 }], // seconds to ms
  ['< 250us', 'ms', { op: '<', value: 0.25 }], // microseconds to ms
  ['< 2m', 'ms', { op: '<', value: 120_000 }], // minutes to ms
  ['< 400', 'ms', { op: '<', value: 400 }], // a bare number is ms
  ['  >=  10ms  ', 'ms', { op: '>=', value: 10 }], // surrounding whitespace
  ['< 20%', 'ms', /latency metric takes a duration/], // a percentage is not a latency
  ['< 0.2', 'fraction', { op: '<', value: 0.2 }], // a fraction
  ['< 20%', 'fraction', { op: '<', value: 0.2 }], // a percentage
  ['== 0', 'fraction', { op: '==', value: 0 }],
  ['< 1.5', 'fraction', /fraction from 0 to 1/], // not a fraction
  ['< 120%', 'fraction', /percentage from 0% to 100%/],
  ['< 800ms', 'fraction', /a rate takes a fraction/], // a duration is not a rate
  ['< 4.50', 'usd', { op: '<', value: 4.5 }],
  ['< $4.50', 'usd', { op: '<', value: 4.5 }], // optional dollar sign
  ['< 4.50ms', 'usd', /a cost takes an amount in USD/],
  ['== 0', 'count', { op: '==', value: 0 }],
  ['!= 3', 'count', { op: '!=', value: 3 }],
  ['< 2.5', 'count', /a count takes a whole number/],
  ['> 100', 'rps', { op: '>', value: 100 }],
  ['800ms', 'ms', /expected a condition such as/], // no operator
  ['=< 800ms', 'ms', /expected a condition such as/], // no such operator
  ['< fast', 'ms', /expected a condition such as/], // no number
  ['< 800 ms extra', 'ms', /expected a condition such as/], // trailing garbage
  ['', 'ms', /expected a condition such as/],
  ['< -5ms', 'ms', /expected a condition such as/], // negative numbers are never meaningful here
];
for (const [text, unit, expected] of CONDITIONS) {
  cond(`${JSON.stringify(text)} for ${unit}`, () => {
    const got = parseCondition(text, unit);
    if (expected instanceof RegExp) {
      assert.type(got, 'string');
      assert.match(got as string, expected);
    } else assert.equal(got, expected);
  });
}

cond.run();

// ---

const key = suite('parseKey and parsePercentile');

key('percentiles: two digits whole percent, the rest decimals', () => {
  assert.equal(
    ['p50', 'p90', 'p95', 'p99', 'p999', 'p9999', 'p100', 'p5', 'p0', 'p101', 'pX', 'p'].map(parsePercentile),
    [50, 90, 95, 99, 99.9, 99.99, 100, 5, undefined, 10.1, undefined, undefined],
  );
});

const KEYS: [string, Record<string, unknown> | RegExp][] = [
  ['latency.p99', { metric: 'latency.p99', unit: 'ms', scope: {} }],
  ['warm.p50', { metric: 'warm.p50', unit: 'ms', scope: {} }],
  ['cold.max', { metric: 'cold.max', unit: 'ms', scope: {} }],
  ['init.mean', { metric: 'init.mean', unit: 'ms', scope: {} }],
  ['cold.rate', { metric: 'cold.rate', unit: 'fraction', scope: {} }],
  ['errors.throttled', { metric: 'errors.throttled', unit: 'count', scope: {} }],
  ['cost.perMillion', { metric: 'cost.perMillion', unit: 'usd', scope: {} }],
  ['latency.p99{target:local-hello}', { metric: 'latency.p99', unit: 'ms', scope: { target: 'local-hello' } }],
  ['cold.count{phase:burst,round:2}', { metric: 'cold.count', unit: 'count', scope: { phase: 'burst', round: 2 } }],
  [
    'cold.count{ phase : burst , target : a }',
    { metric: 'cold.count', unit: 'count', scope: { phase: 'burst', target: 'a' } },
  ],
  ['latency.p42x', /unknown metric "latency.p42x"/],
  ['latency.median', /unknown metric/],
  ['coldStartRate', /unknown metric "coldStartRate"; expected one of latency.min/],
  ['errors.teapot', /unknown metric/],
  ['latency.p99{region:eu}', /bad selector "region:eu"/],
  ['latency.p99{phase:a,phase:b}', /selector phase given twice/],
  ['cold.count{round:2}', /round:2 needs a phase:name/],
  ['cold.count{phase:burst,round:0}', /round must be a whole number from 1/],
  ['latency.p99{phase:burst', /expected "metric" or "metric\{target:name/],
];
for (const [k, expected] of KEYS) {
  key(JSON.stringify(k), () => {
    const got = parseKey(k);
    if (expected instanceof RegExp) {
      assert.type(got, 'string');
      assert.match(got as string, expected);
    } else {
      assert.type(got, 'object');
      const g = got as Exclude<typeof got, string>;
      assert.equal(
        {
          metric: g.metric.name,
          unit: g.metric.unit,
          scope: Object.fromEntries(
            Object.entries({ target: g.target, phase: g.phase, round: g.round }).filter(([, v]) => v !== undefined),
          ),
        },
        expected,
      );
    }
  });
}

key.run();

// ---

const checker = suite('checkThresholds');

const scope = { targets: ['local-hello', 'local-heavy'], phases: ['burst', 'warm'] };
const check = (raw: unknown) => {
  const ctx = { file: 'scenarios/x.ts', issues: [] as { file?: string; field?: string; message: string }[] };
  const specs = checkThresholds(raw, 'thresholds', ctx, scope);
  return { specs, issues: ctx.issues };
};

checker('valid: strings, arrays and { threshold, abortOnFail }, with scopes', () => {
  const { specs, issues } = check({
    'latency.p99': '< 800ms',
    'cold.rate': ['< 0.2', { threshold: '< 0.5', abortOnFail: true }],
    'init.p50{target:local-heavy}': { threshold: '< 400ms' },
    'cold.count{phase:burst,round:2}': '== 0',
    'cost.perMillion': '< $4.50',
  });
  assert.equal(issues, []);
  assert.equal(
    specs.map((s) => [s.key, s.metric.name, s.target, s.phase, s.round, s.condition, s.op, s.value, s.abortOnFail]),
    [
      ['latency.p99', 'latency.p99', undefined, undefined, undefined, '< 800ms', '<', 800, false],
      ['cold.rate', 'cold.rate', undefined, undefined, undefined, '< 0.2', '<', 0.2, false],
      ['cold.rate', 'cold.rate', undefined, undefined, undefined, '< 0.5', '<', 0.5, true],
      ['init.p50{target:local-heavy}', 'init.p50', 'local-heavy', undefined, undefined, '< 400ms', '<', 400, false],
      ['cold.count{phase:burst,round:2}', 'cold.count', undefined, 'burst', 2, '== 0', '==', 0, false],
      ['cost.perMillion', 'cost.perMillion', undefined, undefined, undefined, '< $4.50', '<', 4.5, false],
    ],
  );
});

checker('invalid: every problem at once, each naming file and field; never a silent pass', () => {
  const { issues } = check({
    'latency.p99': '800ms',
    coldStartRate: '< 0.1',
    'cold.rate': '< 20ms',
    'errors.rate{target:nope}': '< 0.01',
    'latency.p50{phase:steady}': '< 10ms',
    'init.p50': { threshold: '< 400ms', abortOnFail: 'yes', stop: true },
    'cost.total': { abortOnFail: true },
    'requests.count': [],
    'cold.count': 0,
  });
  assert.equal(
    issues.map((i) => [i.file, i.field, i.message.split(';')[0]]),
    [
      [
        'scenarios/x.ts',
        'thresholds["latency.p99"]',
        'latency.p99: expected a condition such as "< 800ms", "<= 0.2" or "< $4.50" (operator <, <=, >, >=, ==, != then a number), got "800ms"',
      ],
      ['scenarios/x.ts', 'thresholds["coldStartRate"]', 'unknown metric "coldStartRate"'],
      [
        'scenarios/x.ts',
        'thresholds["cold.rate"]',
        'cold.rate: a rate takes a fraction from 0 to 1 (e.g. "< 0.2") or a percentage (e.g. "< 20%"), got "< 20ms"',
      ],
      ['scenarios/x.ts', 'thresholds["errors.rate{target:nope}"]', 'unknown target "nope"'],
      ['scenarios/x.ts', 'thresholds["latency.p50{phase:steady}"]', 'unknown phase "steady"'],
      ['scenarios/x.ts', 'thresholds["init.p50"].stop', 'unknown field'],
      ['scenarios/x.ts', 'thresholds["init.p50"].abortOnFail', 'expected true or false, got "yes"'],
      ['scenarios/x.ts', 'thresholds["cost.total"].threshold', 'is required'],
      ['scenarios/x.ts', 'thresholds["requests.count"]', 'expected at least one condition, got an empty array'],
      [
        'scenarios/x.ts',
        'thresholds["cold.count"]',
        'expected a condition string such as "< 800ms" or { threshold, abortOnFail }, got 0',
      ],
    ],
  );
});

checker('not an object', () => {
  assert.equal(
    check(['latency.p99 < 800ms']).issues.map((i) => i.field),
    ['thresholds'],
  );
});

checker.run();
