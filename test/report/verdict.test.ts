// The words of a compare verdict: the Markdown summary and the terminal table
// (exact text for a fixed verdict), and JUnit XML that stays valid whatever the
// target names hold (parsed back with fast-xml-parser).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CompareVerdict, MetricComparison } from '../../src/metrics/compare.ts';
import { renderJUnit } from '../../src/report/junit.ts';
import { appendStepSummary, formatVerdictMarkdown, formatVerdictText } from '../../src/report/verdict.ts';
import { scratch } from '../helpers/cli.ts';

const metric = (o: Partial<MetricComparison> & Pick<MetricComparison, 'metric' | 'verdict'>): MetricComparison => ({
  kind: 'latency',
  unit: 'ms',
  baseline: 20,
  current: 20,
  change: 0,
  allowance: { kind: 'relative', fraction: 0.1 },
  allowanceText: '+10%',
  samples: { baseline: 400, current: 400 },
  ...o,
});

const verdict: CompareVerdict = {
  baseline: { file: 'baseline/results.json', scenario: 'nightly', startedAt: '2026-01-01T02:00:00.000Z' },
  current: { file: 'reports/nightly/results.json', scenario: 'nightly', startedAt: '2026-01-02T02:00:00.000Z' },
  targets: [
    {
      target: 'api',
      regressions: 2,
      metrics: [
        metric({ metric: 'latency.p50', verdict: 'regression', baseline: 20, current: 26, change: 0.3 }),
        metric({
          metric: 'latency.p99',
          verdict: 'noise',
          baseline: 40,
          current: 52,
          change: 0.3,
          note: 'beyond the allowance, but not credible with 60 and 60 samples',
        }),
        metric({
          metric: 'latency.cold.p50',
          verdict: 'n/a',
          baseline: null,
          current: null,
          change: null,
          samples: { baseline: 0, current: 0 },
          note: 'no samples on either side',
        }),
        metric({
          metric: 'cold.rate',
          kind: 'rate',
          unit: 'fraction',
          verdict: 'regression',
          baseline: 0.05,
          current: 0.2,
          change: 0.15,
          allowance: { kind: 'absolute', amount: 0.05 },
          allowanceText: '+0.05',
        }),
        metric({
          metric: 'cost.perMillion',
          kind: 'cost',
          unit: 'USD/1M',
          verdict: 'improved',
          baseline: 0.25,
          current: 0.2,
          change: -0.2,
          allowanceText: '+5%',
          allowance: { kind: 'relative', fraction: 0.05 },
        }),
      ],
    },
    { target: 'db|<main>', regressions: 1, metrics: [], error: 'prepare failed: "connect" & <refused>' },
  ],
  regressions: 3,
  ok: false,
  notes: ['the current run was interrupted: its figures are partial'],
  alpha: 0.025,
};

const words = suite('verdict as text and Markdown');

words('Markdown: headline, one table per target, notes, the method', () => {
  assert.fixture(
    formatVerdictMarkdown(verdict),
    [
      '## fxbench compare: ❌ 3 regressions',
      '',
      'Baseline: `baseline/results.json` (2026-01-01T02:00:00.000Z) · current: `reports/nightly/results.json` (2026-01-02T02:00:00.000Z)',
      '',
      '### api',
      '',
      '| metric | baseline | current | change | allowed | verdict |',
      '|---|---:|---:|---:|---:|---|',
      '| latency.p50 | 20.00 ms | 26.00 ms | +30.0% | +10% | ❌ **regression** |',
      '| latency.p99 | 40.00 ms | 52.00 ms | +30.0% | +10% | 〰️ noise |',
      '| latency.cold.p50 | - | - | - | +10% | ➖ n/a |',
      '| cold.rate | 0.0500 | 0.2000 | +0.1500 | +0.05 | ❌ **regression** |',
      '| cost.perMillion | $0.2500 | $0.2000 | −20.0% | +5% | 🟢 improved |',
      '',
      '- latency.p99: beyond the allowance, but not credible with 60 and 60 samples',
      '',
      '### db\\|\\<main\\>',
      '',
      '❌ **regression**: the target failed in the current run: prepare failed: "connect" & \\<refused\\>',
      '',
      '> the current run was interrupted: its figures are partial',
      '',
      'A change beyond its allowance is a regression only when 95% confidence bounds on both runs agree (order-statistic bounds for latency, Clopper–Pearson for rates, a normal approximation for cost); otherwise it is noise.',
      '',
    ].join('\n'),
  );
});

words('text: a table per target and a last line naming what regressed', () => {
  assert.fixture(
    formatVerdictText(verdict),
    [
      'baseline: baseline/results.json (2026-01-01T02:00:00.000Z)',
      'current:  reports/nightly/results.json (2026-01-02T02:00:00.000Z)',
      '',
      'api',
      '  metric            baseline   current   change  allowed  verdict     samples',
      '  ────────────────  ────────  ────────  ───────  ───────  ──────────  ───────',
      '  latency.p50       20.00 ms  26.00 ms   +30.0%     +10%  REGRESSION  400/400',
      '  latency.p99       40.00 ms  52.00 ms   +30.0%     +10%  noise       400/400',
      '  latency.cold.p50         -         -        -     +10%  n/a             0/0',
      '  cold.rate           0.0500    0.2000  +0.1500    +0.05  REGRESSION  400/400',
      '  cost.perMillion    $0.2500   $0.2000   −20.0%      +5%  improved    400/400',
      '  latency.p99: beyond the allowance, but not credible with 60 and 60 samples',
      '',
      'db|<main>',
      '  REGRESSION: the target failed in the current run: prepare failed: "connect" & <refused>',
      'note: the current run was interrupted: its figures are partial',
      '',
      'compare: FAILED: 3 regressions (api: latency.p50, cold.rate; db|<main>: failed)',
    ].join('\n'),
  );
});

words('appendStepSummary appends to GITHUB_STEP_SUMMARY, and does nothing without it', () => {
  const tmp = scratch();
  try {
    const f = path.join(tmp.dir, 'summary.md');
    writeFileSync(f, 'before\n');
    assert.is(appendStepSummary('## one\n', { GITHUB_STEP_SUMMARY: f }), true);
    assert.is(appendStepSummary('## two', { GITHUB_STEP_SUMMARY: f }), true);
    assert.is(readFileSync(f, 'utf8'), 'before\n## one\n\n## two\n\n');
    assert.is(appendStepSummary('## three', {}), false);
  } finally {
    tmp.cleanup();
  }
});

words.run();

// ---

const junit = suite('JUnit XML');

junit('is valid XML with every name escaped, and reads back to the same names and counts', () => {
  const xml = renderJUnit({
    verdict,
    thresholds: [{ target: 'api', metric: 'latency.p99', condition: '< 800ms & > 0', actual: 812.5, ok: false }],
  });
  assert.is(XMLValidator.validate(xml), true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (n) => n === 'testsuite' || n === 'testcase',
  }).parse(xml);
  const root = doc.testsuites;
  assert.equal([root.name, root.tests, root.failures, root.skipped, root.errors], ['fxbench', '7', '4', '1', '0']);
  const suites = root.testsuite as {
    name: string;
    tests: string;
    failures: string;
    skipped: string;
    testcase: Record<string, unknown>[];
  }[];
  assert.equal(
    suites.map((s) => [s.name, s.tests, s.failures, s.skipped]),
    [
      ['thresholds', '1', '1', '0'],
      ['compare: api', '5', '2', '1'],
      ['compare: db|<main>', '1', '1', '0'],
    ],
  );
  const t = suites[0]!.testcase[0]! as {
    name: string;
    classname: string;
    failure: { message: string; type: string; '#text': string };
  };
  assert.is(t.name, 'api latency.p99 < 800ms & > 0');
  assert.is(t.classname, 'fxbench.thresholds.api');
  assert.is(t.failure.message, 'latency.p99 = 812.5, expected < 800ms & > 0');
  assert.is(t.failure.type, 'threshold');
  const cases = suites[1]!.testcase as {
    name: string;
    failure?: { message: string };
    skipped?: { message: string };
    'system-out'?: string;
  }[];
  assert.equal(
    cases.map((c) => c.name),
    ['latency.p50', 'latency.p99', 'latency.cold.p50', 'cold.rate', 'cost.perMillion'],
  );
  assert.is(cases[0]!.failure!.message, 'latency.p50 regressed: +30.0% (allowed +10%)');
  assert.is(
    cases[1]!['system-out'],
    'noise: baseline 40.00 ms, current 52.00 ms, change +30.0%, allowed +10% (samples 400/400); beyond the allowance, but not credible with 60 and 60 samples',
  );
  assert.is(cases[2]!.skipped!.message, 'no samples on either side');
  assert.is(cases[3]!.failure!.message, 'cold.rate regressed: +0.1500 (allowed +0.05)');
  const failedTarget = suites[2]!.testcase[0] as { name: string; failure: { message: string } };
  assert.is(failedTarget.name, 'target ran');
  assert.is(failedTarget.failure.message, 'the target failed: prepare failed: "connect" & <refused>');
});

junit('drops characters XML cannot hold', () => {
  const xml = renderJUnit({
    thresholds: [{ target: 'a\u0001b', metric: 'errors.rate', condition: '< 0.01', actual: 0, ok: true }],
  });
  assert.is(XMLValidator.validate(xml), true);
  assert.match(xml, /name="ab errors\.rate &lt; 0\.01"/);
});

junit('with nothing to report is an empty, valid document', () => {
  const xml = renderJUnit({});
  assert.is(XMLValidator.validate(xml), true);
  assert.match(
    xml,
    /<testsuites name="fxbench" tests="0" failures="0" errors="0" skipped="0" time="0">\n<\/testsuites>/,
  );
});

junit.run();
