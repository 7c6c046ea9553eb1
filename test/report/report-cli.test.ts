// `fxbench report` as a user runs it (the real CLI in its own process): rebuild
// every output from a results file, in place or elsewhere; several runs side by
// side; exit 2 with a clear message for a missing file, invalid JSON or an
// unknown schema version; summary.md appended to GITHUB_STEP_SUMMARY.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { percentilesCsv, summaryCsv } from '../../src/report/csv.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import type { Result } from '../../src/model/result.ts';
import { runCli, scratch } from '../helpers/cli.ts';
import { FIXTURES_DIR } from '../helpers/results.ts';

const tmp = scratch('fxbench-report-');
const fixture = (name: string) => path.join(FIXTURES_DIR, name);
const NO_CI = { GITHUB_STEP_SUMMARY: '' };

const cli = suite('fxbench report');
cli.after(() => tmp.cleanup());

cli('rebuilds every output in the results file folder and leaves results.json as it was', async () => {
  const dir = path.join(tmp.dir, 'in-place');
  mkdirSync(dir);
  const results = path.join(dir, 'results.json');
  copyFileSync(fixture('results-full.json'), results);
  const before = statSync(results).mtimeMs;
  const r = await runCli(['report', results], { env: NO_CI });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /aws-hello\s+steady · 50 req\/s\s+1500\s+29\s+10\s/);
  for (const f of ['index.html', 'summary.csv', 'percentiles.csv', 'summary.md'])
    assert.ok(existsSync(path.join(dir, f)), f);
  assert.is(statSync(results).mtimeMs, before);
  const result = JSON.parse(readFileSync(results, 'utf8')) as Result;
  assert.is(readFileSync(path.join(dir, 'summary.csv'), 'utf8'), summaryCsv(result));
  assert.is(readFileSync(path.join(dir, 'percentiles.csv'), 'utf8'), percentilesCsv(result));
  assert.is(readFileSync(path.join(dir, 'summary.md'), 'utf8'), renderMarkdown(result));
  assert.match(r.stderr, /wrote .*index\.html, .*summary\.csv, .*percentiles\.csv, .*summary\.md/);
  assert.not.match(r.stderr, /results\.json/);
});

cli('--out writes every output, results.json included, to another folder', async () => {
  const out = path.join(tmp.dir, 'out');
  const r = await runCli(['report', fixture('results-burst-a.json'), '--out', out], { env: NO_CI });
  assert.is(r.code, 0, r.stderr);
  assert.equal(
    JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')),
    JSON.parse(readFileSync(fixture('results-burst-a.json'), 'utf8')),
  );
  assert.ok(readFileSync(path.join(out, 'index.html'), 'utf8').includes('id="view-latency-spectrum"'));
});

cli('several results files go side by side, targets labelled by run', async () => {
  const out = path.join(tmp.dir, 'side');
  const r = await runCli(['report', fixture('results-burst-a.json'), fixture('results-burst-b.json'), '--out', out], {
    env: NO_CI,
  });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /results-burst-a · local-hello\s+burst #1\s+20\s+0\s+20/);
  assert.match(r.stdout, /results-burst-b · local-hello\s+burst #2\s+20\s+0\s+0/);
  const combined = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  assert.equal(
    combined.targets.map((t) => t.name),
    ['results-burst-a · local-hello', 'results-burst-b · local-hello'],
  );
  assert.equal(
    combined.runs!.map((x) => [x.label, x.startedAt]),
    [
      ['results-burst-a', '2026-03-02T08:00:00.000Z'],
      ['results-burst-b', '2026-03-03T08:00:00.000Z'],
    ],
  );
  assert.is(combined.scenario.name, 'burst (2 runs)');
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.match(html, /<table class="runs">/);
  // The combined file is a valid results file: it renders again on its own.
  const again = await runCli(['report', path.join(out, 'results.json'), '--out', path.join(tmp.dir, 'again')], {
    env: NO_CI,
  });
  assert.is(again.code, 0, again.stderr);
  assert.is(
    readFileSync(path.join(tmp.dir, 'again', 'summary.md'), 'utf8'),
    readFileSync(path.join(out, 'summary.md'), 'utf8'),
  );
});

cli('a missing file, invalid JSON and an unknown schema version exit 2, each named, and write nothing', async () => {
  const bad = path.join(tmp.dir, 'bad');
  mkdirSync(bad);
  writeFileSync(path.join(bad, 'broken.json'), '{"schemaVersion": 1, "targets": [');
  writeFileSync(path.join(bad, 'v9.json'), JSON.stringify({ schemaVersion: 9, targets: [] }));
  const out = path.join(tmp.dir, 'bad-out');
  const cases: [string, RegExp][] = [
    [path.join(bad, 'missing.json'), /missing\.json: results file not found/],
    [path.join(bad, 'broken.json'), /broken\.json: not valid JSON/],
    [path.join(bad, 'v9.json'), /v9\.json: schemaVersion: this fxbench reads schema version 1, got 9/],
  ];
  for (const [file, message] of cases) {
    const r = await runCli(['report', file, '--out', out], { env: NO_CI });
    assert.is(r.code, 2, `${file}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.not.match(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
    assert.not.ok(existsSync(out), 'nothing written');
  }
  // All problems of several files at once.
  const r = await runCli(['report', fixture('results-burst-a.json'), ...cases.map((c) => c[0]), '--out', out], {
    env: NO_CI,
  });
  assert.is(r.code, 2);
  for (const [, message] of cases) assert.match(r.stderr, message);
  assert.not.ok(existsSync(out));
});

cli('no file named: exit 2 with usage', async () => {
  const r = await runCli(['report'], { env: NO_CI });
  assert.is(r.code, 2);
  assert.match(r.stderr, /Not enough non-option arguments|results/);
});

cli('appends summary.md to GITHUB_STEP_SUMMARY when it is set', async () => {
  const summary = path.join(tmp.dir, 'step-summary.md');
  writeFileSync(summary, '# earlier step\n');
  const r = await runCli(['report', fixture('results-burst-a.json'), '--out', path.join(tmp.dir, 'ci')], {
    env: { GITHUB_STEP_SUMMARY: summary },
  });
  assert.is(r.code, 0, r.stderr);
  const md = readFileSync(path.join(tmp.dir, 'ci', 'summary.md'), 'utf8');
  assert.is(readFileSync(summary, 'utf8'), `# earlier step\n${md}\n`);
  assert.match(r.stderr, /appended summary\.md to .*step-summary\.md/);
});

cli.run();
