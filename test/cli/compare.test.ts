// `fxbench compare` and `fxbench run --baseline` as a user runs them: the real
// CLI in its own process. Exit codes 0/1/2 with their messages, the tables,
// JUnit XML parsed back with fast-xml-parser, and the Markdown verdict appended
// to GITHUB_STEP_SUMMARY.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openSqlite } from '../../src/history/sqlite.ts';
import type { Result } from '../../src/model/result.ts';
import { runCli, scratch } from '../helpers/cli.ts';
import { lognormalUs, phase, result, target } from '../helpers/results.ts';

const tmp = scratch('fxbench-compare-');
const file = (name: string, r: unknown) => {
  const f = path.join(tmp.dir, name);
  writeFileSync(f, typeof r === 'string' ? r : JSON.stringify(r));
  return f;
};
const make = (seed: number, warmMs = 20) =>
  result([
    target('api', [phase({ warmUs: lognormalUs(400, warmMs, seed), coldUs: lognormalUs(10, 200, seed + 1) })]),
    target('db', [phase({ warmUs: lognormalUs(200, 5, seed + 2) })]),
  ]);
const base = file('base.json', make(1));
const same = file('same.json', make(101));
const slowerResult: Result = make(101, 26);
slowerResult.thresholds = [
  { target: 'api', metric: 'latency.p99', condition: '< 800ms', actual: 41.2, ok: true },
  { target: 'db', metric: 'errors.rate', condition: '< 0.01', actual: 0.02, ok: false },
];
const slower = file('slower.json', slowerResult);

const cli = suite('fxbench compare');

cli('passes two runs of the same build: exit 0, one table per target', async () => {
  const r = await runCli(['compare', base, same]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^api\n {2}metric\s+baseline\s+current\s+change\s+allowed\s+verdict\s+samples$/m);
  assert.match(r.stdout, /^db\n {2}metric/m);
  assert.match(
    r.stdout,
    /^ {2}latency\.warm\.p50\s+\d+\.\d+ ms\s+\d+\.\d+ ms\s+[+−±]\d+\.\d%\s+\+10%\s+ok\s+400\/400$/m,
  );
  assert.match(r.stdout, /^ {2}cold\.rate\s+0\.0244\s+0\.0244\s+±0\.0000\s+\+0\.05\s+ok\s+410\/410$/m);
  assert.match(r.stdout, /\ncompare: ok: no regression\n$/);
});

cli('fails a build 30% slower: exit 1, the regressed metrics named', async () => {
  const r = await runCli(['compare', base, slower]);
  assert.is(r.code, 1, r.stderr);
  assert.match(
    r.stdout,
    /^ {2}latency\.warm\.p50\s+\d+\.\d+ ms\s+\d+\.\d+ ms\s+\+(2\d|3[0-5])\.\d%\s+\+10%\s+REGRESSION\s+400\/400$/m,
  );
  assert.match(r.stdout, /\ncompare: FAILED: \d regressions \(api: latency\.p50, latency\.warm\.p50[^)]*\)\n$/);
  assert.not.match(r.stdout, /db: /, 'the db target did not regress');
});

cli('--max-regression loosens a metric: +50% lets the slower build pass', async () => {
  const r = await runCli([
    'compare',
    base,
    slower,
    '--max-regression',
    'latency.p50=+50%,latency.warm.p50=+50%,latency.warm.p99=+50%,latency.p99=+50%,cost.perMillion=+50%',
  ]);
  assert.is(r.code, 0, r.stdout);
});

cli('bad input exits 2 with one clear message each', async () => {
  const cases: [string[], RegExp][] = [
    [[base, path.join(tmp.dir, 'missing.json')], /^fxbench: .*missing\.json: results file not found\n$/],
    [[file('broken.json', '{"schemaVersion": 1,'), same], /^fxbench: .*broken\.json: not valid JSON: /],
    [
      [base, file('v2.json', { ...make(1), schemaVersion: 2 })],
      /^fxbench: .*v2\.json: schemaVersion: this fxbench reads schema version 1, got 2 \(written by a newer fxbench: upgrade\)\n$/,
    ],
    [
      [
        base,
        file(
          'other.json',
          result([target('api', [phase({ warmUs: [1000] })]), target('cache', [phase({ warmUs: [1000] })])]),
        ),
      ],
      /target "db" is in the baseline but not in the current run \(current has: api, cache\)\n.*target "cache" is in the current run but not in the baseline \(baseline has: api, db\); refresh the baseline\n$/,
    ],
    [
      [base, same, '--max-regression', 'latency.p99=+ten'],
      /^fxbench: --max-regression: latency\.p99: expected an allowance such as "\+10%", "\+5ms" or "\+0\.05" \(or "off"\), got "\+ten"\n$/,
    ],
    [[base, same, '--min-requests', '1000'], /target "api" has 410 requests, fewer than --min-requests 1000/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(['compare', ...args]);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message);
    assert.is(r.stdout, '', 'nothing compared');
  }
});

cli('--junit writes valid JUnit XML: one case per threshold and per compared metric', async () => {
  const junit = path.join(tmp.dir, 'junit.xml');
  const r = await runCli(['compare', base, slower, '--junit', junit]);
  assert.is(r.code, 1);
  const xml = readFileSync(junit, 'utf8');
  assert.is(XMLValidator.validate(xml), true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  }).parse(xml);
  const suites = doc.testsuites.testsuite as {
    name: string;
    tests: string;
    failures: string;
    testcase: { name: string; classname: string; failure?: { message: string; type: string } }[];
  }[];
  assert.equal(
    suites.map((s) => s.name),
    ['thresholds', 'compare: api', 'compare: db'],
  );
  assert.equal(
    suites[0]!.testcase.map((c) => c.name),
    ['api latency.p99 < 800ms', 'db errors.rate < 0.01'],
  );
  assert.is(suites[0]!.testcase[0]!.failure, undefined);
  assert.is(suites[0]!.testcase[1]!.failure!.message, 'errors.rate = 0.02, expected < 0.01');
  assert.is(suites[1]!.testcase.length, 9);
  assert.is(suites[2]!.testcase.length, 9);
  const failed = suites[1]!.testcase.filter((c) => c.failure).map((c) => c.name);
  assert.ok(failed.includes('latency.warm.p50'), failed.join());
  assert.is(suites[1]!.failures, String(failed.length));
  assert.is(doc.testsuites.tests, String(2 + 9 + 9));
  assert.is(doc.testsuites.failures, String(1 + failed.length));
  assert.match(
    suites[1]!.testcase.find((c) => c.name === 'latency.warm.p50')!.failure!.message,
    /^latency\.warm\.p50 regressed: \+\d+\.\d% \(allowed \+10%\)$/,
  );
  // Metrics with no figure on either side are skipped, not passed.
  const skipped = suites[2]!.testcase
    .filter((c) => (c as { skipped?: unknown }).skipped !== undefined)
    .map((c) => c.name);
  assert.equal(skipped, ['latency.cold.p50', 'init.p50']);
});

cli('appends the Markdown verdict to GITHUB_STEP_SUMMARY when it is set', async () => {
  const summary = file('step-summary.md', '# earlier step\n\n');
  const r = await runCli(['compare', base, slower], { env: { GITHUB_STEP_SUMMARY: summary } });
  assert.is(r.code, 1);
  const md = readFileSync(summary, 'utf8');
  assert.ok(md.startsWith('# earlier step\n\n## fxbench compare: ❌ '), md.slice(0, 80));
  assert.match(
    md,
    /\n### api\n\n\| metric \| baseline \| current \| change \| allowed \| verdict \|\n\|---\|---:\|---:\|---:\|---:\|---\|\n\| latency\.p50 \| /,
  );
  assert.match(
    md,
    /\n\| latency\.warm\.p50 \| \d+\.\d+ ms \| \d+\.\d+ ms \| \+\d+\.\d% \| \+10% \| ❌ \*\*regression\*\* \|\n/,
  );
  const again = await runCli(['compare', base, same], { env: { GITHUB_STEP_SUMMARY: summary } });
  assert.is(again.code, 0);
  assert.match(readFileSync(summary, 'utf8'), /\n## fxbench compare: ✅ no regression\n/);
});

cli.run();

// ---

const run = suite('fxbench run --baseline');
const F = 'test/fixtures/compare';
// The last suite of the file removes the scratch folder both use.
run.after(() => tmp.cleanup());

run('runs and compares in one step; writes compare.md, compare.json, JUnit and history', async () => {
  const a = path.join(tmp.dir, 'runs/a');
  const b = path.join(tmp.dir, 'runs/b');
  // With --out, a run records itself only in the store --history names (issue 17).
  const store = path.join(tmp.dir, 'runs/history.sqlite');
  const first = await runCli([
    'run',
    `${F}/delay-burst.ts`,
    '-c',
    `${F}/bench.config.ts`,
    '--out',
    a,
    '-q',
    '--history',
    store,
  ]);
  assert.is(first.code, 0, first.stderr);
  const junit = path.join(tmp.dir, 'run-junit.xml');
  const second = await runCli([
    'run',
    `${F}/delay-burst.ts`,
    '-c',
    `${F}/bench.config.ts`,
    '--out',
    b,
    '-q',
    '--baseline',
    path.join(a, 'results.json'),
    '--junit',
    junit,
    '--max-regression',
    'latency.p50=off,latency.warm.p50=off',
    '--history',
    store,
  ]);
  assert.is(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /\nlocal-delay\n {2}metric\s+baseline/);
  assert.match(second.stdout, /compare: ok: no regression/);
  assert.ok(existsSync(path.join(b, 'compare.md')) && existsSync(path.join(b, 'compare.json')));
  const verdict = JSON.parse(readFileSync(path.join(b, 'compare.json'), 'utf8'));
  assert.is(verdict.ok, true);
  assert.is(verdict.targets[0].target, 'local-delay');
  assert.ok(readFileSync(path.join(b, 'summary.md'), 'utf8').includes('no regression against the baseline'));
  assert.is(XMLValidator.validate(readFileSync(junit, 'utf8')), true);
  // Both runs were recorded in it.
  const h = await runCli(['history', '--db', store, '--metric', 'cold.rate']);
  assert.is(h.code, 0, h.stderr);
  assert.match(h.stdout, /^local-delay {2}cold\.rate {2}/m);
  // delay-burst: 2 at once × 60 rounds, the first round cold: 2 of 120.
  assert.is(h.stdout.match(/delay-burst\s+\S+\s+default\s+accepted\s+0\.0167\s/g)?.length, 2, h.stdout);
});

run('exits 1 when the run regressed against its baseline, with the table and JUnit failures', async () => {
  // A baseline no real run can match: 118 warm invocations at 2 ms, 2 cold at 50 ms
  // (the delay function sleeps 20 ms per call).
  const fast = result(
    [target('local-delay', [phase({ warmUs: Array(118).fill(2000), coldUs: [50_000, 50_000] })])],
    'delay-burst',
  );
  const baseline = file('fast-baseline.json', fast);
  const out = path.join(tmp.dir, 'runs/regressed');
  const junit = path.join(tmp.dir, 'regressed-junit.xml');
  const r = await runCli([
    'run',
    `${F}/delay-burst.ts`,
    '-c',
    `${F}/bench.config.ts`,
    '--out',
    out,
    '-q',
    '--baseline',
    baseline,
    '--junit',
    junit,
    '--no-history',
  ]);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /^ {2}latency\.warm\.p50\s+2\.000 ms\s+\d+\.\d+ ms\s+\+\d+\.\d%\s+\+10%\s+REGRESSION\s+118\/118$/m,
  );
  assert.match(r.stdout, /\ncompare: FAILED: \d regressions \(local-delay: latency\.p50, [^)]*latency\.warm\.p50/);
  assert.match(readFileSync(path.join(out, 'compare.md'), 'utf8'), /^## fxbench compare: ❌ \d regressions\n/);
  // The report's headline carries the baseline verdict (it is judged before the reports are written).
  const regressions = (JSON.parse(readFileSync(path.join(out, 'compare.json'), 'utf8')) as { regressions: number })
    .regressions;
  assert.ok(regressions >= 2);
  const against = `${regressions} regressions against the baseline`;
  assert.ok(readFileSync(path.join(out, 'summary.md'), 'utf8').includes(against), 'summary.md headline');
  assert.ok(readFileSync(path.join(out, 'index.html'), 'utf8').includes(against), 'index.html headline');
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8'));
  assert.ok(Number(doc.testsuites.failures) >= 2, `failures ${doc.testsuites.failures}`);
  // --no-history: the store still holds the first test's 2 runs only.
  const db = openSqlite(path.join(tmp.dir, 'runs/history.sqlite'), { readonly: true });
  assert.is((db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n, 2);
  db.close();
});

run("a baseline without the run's target stops before anything is sent (exit 2)", async () => {
  const out = path.join(tmp.dir, 'runs/never');
  const r = await runCli([
    'run',
    `${F}/delay-burst.ts`,
    '-c',
    `${F}/bench.config.ts`,
    '--out',
    out,
    '--baseline',
    base,
  ]);
  assert.is(r.code, 2);
  assert.match(
    r.stderr,
    /base\.json: targets: target "local-delay" is not in the baseline \(it has: api, db\); refresh the baseline or pick targets with --target\n$/,
    r.stderr,
  );
  assert.not.ok(existsSync(out), 'no report folder: nothing ran');
});

run('--max-regression without --baseline is bad input', async () => {
  const r = await runCli([
    'run',
    `${F}/delay-burst.ts`,
    '-c',
    `${F}/bench.config.ts`,
    '--max-regression',
    'latency.p99=+5%',
  ]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--max-regression: applies to a comparison: add --baseline history \(or --baseline FILE\)/);
});

run.run();
