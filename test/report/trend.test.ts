// The history trend chart and the capacity plan in the report: a run recorded
// in a history store that already holds a run of the same scenario gets a trend
// chart (left out for the first run); run twice through the real CLI against the
// local runtime, then the second report opened in Debian's Chromium (offline,
// every other request blocked) must draw it, and the capacity-plan section, with
// no console error.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import * as vl from 'vega-lite';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { HistoryRun } from '../../src/history/trend.ts';
import { trendChart, trendRows } from '../../src/report/charts/trend.ts';
import type { Result } from '../../src/model/result.ts';
import { ROOT, runCli, scratch } from '../helpers/cli.ts';

const tmp = scratch('fxbench-trend-');
const figures = (p50: number, p99: number) => ({
  name: 'local-hello',
  provider: 'local',
  requests: 8,
  errorRate: 0,
  coldStartRate: 0.5,
  p50Ms: p50,
  p99Ms: p99,
  warmP50Ms: p50,
  warmP99Ms: p99,
  coldP50Ms: 90,
  initP50Ms: 80,
  costPerMillionUSD: 0.3,
});
const history: HistoryRun[] = [1, 2, 3].map((i) => ({
  runId: i,
  scenario: 's',
  startedAt: `2026-11-0${i}T00:00:00Z`,
  label: null,
  interrupted: false,
  targets: [figures(2 + i, 5 + i)],
}));
const result = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/results-burst-a.json'), 'utf8')) as Result;

const unit = suite('trend chart');

unit('left out with fewer than two runs', () => {
  assert.is(trendChart(result, []), null);
  assert.is(trendChart(result, history.slice(0, 1)), null);
});

unit('one point per run, target and statistic, in run order; the spec compiles without a warning', () => {
  const rows = trendRows(history);
  assert.equal(
    rows.map((r) => [r.run, r.stat, r.latencyMs]),
    [
      [1, 'warm p50', 3],
      [1, 'warm p99', 6],
      [2, 'warm p50', 4],
      [2, 'warm p99', 7],
      [3, 'warm p50', 5],
      [3, 'warm p99', 8],
    ],
  );
  const c = trendChart(result, history)!;
  assert.is(c.title, 'Trend over the last 3 runs');
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    info: () => logger,
    debug: () => logger,
    warn: (...a: unknown[]) => {
      warnings.push(a.join(' '));
      return logger;
    },
    error: (...a: unknown[]) => {
      warnings.push(a.join(' '));
      return logger;
    },
  };
  vl.compile({ ...c.spec, datasets: c.datasets } as never, { logger: logger as never });
  assert.equal(warnings, []);
});

unit.run();

// ---

const e2e = suite('trend and capacity plan through the CLI and in Chromium');
e2e.after(() => tmp.cleanup());

e2e('the second run of a scenario draws the trend; the plan section renders; nothing else loads', async () => {
  const db = path.join(tmp.dir, 'history.sqlite');
  const first = await runCli([
    'run',
    'test/fixtures/scenarios/small-burst.ts',
    '--out',
    path.join(tmp.dir, 'one'),
    '--quiet',
    '--history',
    db,
  ]);
  assert.is(first.code, 0, first.stderr);
  assert.not.match(readFileSync(path.join(tmp.dir, 'one/index.html'), 'utf8'), 'id="chart-trend"');
  const second = await runCli([
    'run',
    'test/fixtures/scenarios/small-burst.ts',
    '--out',
    path.join(tmp.dir, 'two'),
    '--quiet',
    '--history',
    db,
    '--rps',
    '5',
    '--p99',
    '500ms',
  ]);
  assert.is(second.code, 0, second.stderr);
  const file = path.join(tmp.dir, 'two/index.html');
  const html = readFileSync(file, 'utf8');
  assert.match(html, 'id="chart-trend"');
  assert.match(html, 'Trend over the last 2 runs');

  // `fxbench report` rebuilding a run finds the store beside its folder and keeps the
  // trend, counting only the runs up to that one.
  const rebuilt = await runCli(['report', path.join(tmp.dir, 'two/results.json'), '--quiet']);
  assert.is(rebuilt.code, 0, rebuilt.stderr);
  assert.match(readFileSync(file, 'utf8'), 'Trend over the last 2 runs');
  const rebuiltFirst = await runCli(['report', path.join(tmp.dir, 'one/results.json'), '--quiet']);
  assert.is(rebuiltFirst.code, 0, rebuiltFirst.stderr);
  assert.not.match(
    readFileSync(path.join(tmp.dir, 'one/index.html'), 'utf8'),
    'id="chart-trend"',
    'one run up to the first: no trend',
  );

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const url = pathToFileURL(file).href;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    await context.route('**/*', (route) =>
      route.request().url() === url ? route.continue() : route.abort('blockedbyclient'),
    );
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(url, { waitUntil: 'load' });
    const ids = (await page.evaluate('window.fxbenchRendered')) as string[];
    assert.ok(ids.includes('trend'), ids.join(','));
    const marks = (await page.evaluate(
      `document.querySelectorAll('#view-trend svg g.role-mark > path').length`,
    )) as number;
    assert.ok(marks >= 2, `trend lines drawn: ${marks}`);
    const planRows = (await page.evaluate(
      `document.querySelectorAll('#capacity-plan table.plan tbody tr').length`,
    )) as number;
    assert.ok(planRows >= 8, `capacity plan rows: ${planRows}`);
    assert.equal(requests, [url]);
    assert.equal(problems, []);
  } finally {
    await browser.close();
  }
});

e2e.run();
