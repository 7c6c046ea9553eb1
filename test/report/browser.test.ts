// test-serial: Chromium takes a core or more; the page's requests are checked 200 ms after load
// The report in a real browser: Debian's Chromium (/usr/bin/chromium) driven by
// playwright-core. Opens each generated index.html from file://, blocks every
// request that is not the file itself (and asserts none was attempted), waits
// for window.fxbenchRendered, checks that every expected chart drew an SVG
// with marks, that nothing logged an error or warning, and that hostile strings
// stay inert. Screenshots (light and dark) go to test/artifacts/ (git-ignored).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { combineResults } from '../../src/report/combine.ts';
import { chartIds } from '../../src/report/html.ts';
import type { Result } from '../../src/model/result.ts';
import { writeReports } from '../../src/report/write.ts';
import { ROOT, scratch } from '../helpers/cli.ts';
import { FIXTURES_DIR, memorySweepFixture, payloadSweepFixture, warmupFixture } from '../helpers/results.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test/artifacts');
const RENDER_TIMEOUT_MS = 30_000;
const tmp = scratch('fxbench-browser-');
const load = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as Result;
let browser: Browser;

/** What happened while a report was open. */
interface Visit {
  page: Page;
  /** Every request the page made, allowed or not. */
  requests: string[];
  /** Console errors and warnings, page errors, dialogs (alert…). */
  problems: string[];
  dialogs: string[];
}

/** Writes the reports of `result` and opens index.html; only the file itself may load. */
async function open(
  result: Result,
  name: string,
  colorScheme: 'light' | 'dark' = 'light',
  width = 1280,
): Promise<Visit> {
  const dir = path.join(tmp.dir, name);
  const written = await writeReports(result, dir, { stepSummary: '' });
  const url = pathToFileURL(written.html).href;
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
  const page = await context.newPage();
  const visit: Visit = { page, requests: [], problems: [], dialogs: [] };
  await context.route('**/*', (route) =>
    route.request().url() === url ? route.continue() : route.abort('blockedbyclient'),
  );
  page.on('request', (r) => visit.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') visit.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => visit.problems.push(`page error: ${err.message}`));
  page.on('dialog', (d) => {
    visit.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  const rendered = await page.evaluate(
    `Promise.race([window.fxbenchRendered, new Promise((_, reject) => setTimeout(() => reject(new Error('charts did not render in ${RENDER_TIMEOUT_MS} ms')), ${RENDER_TIMEOUT_MS}))])`,
  );
  assert.equal(rendered, chartIds(result), 'fxbenchRendered resolves with every chart id');
  assert.equal(visit.requests, [url], 'no request but the file itself');
  return visit;
}

/** Per chart view: SVG elements and data marks drawn (axes, legends and titles excluded). */
async function drawn(page: Page): Promise<Record<string, { svgs: number; marks: number }>> {
  return (await page.evaluate(`Object.fromEntries([...document.querySelectorAll('.chart .view')].map((v) => [v.dataset.chart, {
    svgs: v.querySelectorAll('svg').length,
    marks: v.querySelectorAll('svg g.role-mark > path, svg g.role-mark > rect, svg g.role-mark > line, svg g.role-mark > text').length,
  }]))`)) as Record<string, { svgs: number; marks: number }>;
}

async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---
const browserSuite = suite('report in Chromium');

browserSuite.before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

browserSuite.after(async () => {
  await browser?.close();
  tmp.cleanup();
});

browserSuite(
  'the request guard sees and blocks a page that loads from elsewhere (so "none attempted" means something)',
  async () => {
    const file = path.join(tmp.dir, 'leaky.html');
    writeFileSync(
      file,
      '<!doctype html><img src="https://example.invalid/pixel.png"><script>fetch("http://127.0.0.1:9/x").catch(() => {})</script>',
    );
    const url = pathToFileURL(file).href;
    const context = await browser.newContext();
    const requests: string[] = [];
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForTimeout(200);
    assert.equal(requests.sort(), [url, 'http://127.0.0.1:9/x', 'https://example.invalid/pixel.png'].sort());
    assert.equal(blocked.sort(), ['http://127.0.0.1:9/x', 'https://example.invalid/pixel.png']);
    await context.close();
  },
);

browserSuite('every chart of a full run renders with marks, offline, without errors (light)', async () => {
  const result = load('results-full.json');
  const v = await open(result, 'full-light');
  const charts = await drawn(v.page);
  assert.equal(Object.keys(charts), [
    'latency-spectrum',
    'burst',
    'latency-over-time',
    'cold-starts',
    'keepalive',
    'payload',
    'memory',
    'cost',
    'throughput',
    'ramp',
  ]);
  for (const [id, c] of Object.entries(charts)) {
    assert.is(c.svgs, 1, `${id}: one SVG`);
    assert.ok(c.marks > 0, `${id}: marks drawn`);
  }
  assert.equal(v.problems, []);
  // The per-phase table opens on click.
  await v.page.click('details.phases > summary');
  assert.is(await v.page.evaluate(`document.querySelector('details.phases').open`), true);
  await screenshot(v.page, 'report-full-light');
  await v.page.context().close();
});

browserSuite('dark mode: dark page, light chart text, still no errors', async () => {
  const v = await open(load('results-full.json'), 'full-dark', 'dark');
  const colours = (await v.page.evaluate(`({
    body: getComputedStyle(document.body).backgroundColor,
    axisLabel: document.querySelector('#view-latency-spectrum g.role-axis-label text').getAttribute('fill'),
  })`)) as { body: string; axisLabel: string };
  assert.equal(colours, { body: 'rgb(13, 17, 23)', axisLabel: '#c9d1d9' });
  assert.equal(v.problems, []);
  await screenshot(v.page, 'report-full-dark');
  await v.page.context().close();
});

browserSuite('tooltips: hovering a point shows its target and figures', async () => {
  const v = await open(load('results-full.json'), 'tooltip');
  // Points are drawn in data order: local-hello's third is its 1-minute gap, clear of aws-hello's.
  await v.page.locator('#view-keepalive g.mark-symbol path').nth(2).hover({ force: true });
  await v.page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5000 });
  const text = (await v.page.textContent('#vg-tooltip-element')) ?? '';
  assert.match(text, /^target\s*local-hello/);
  assert.match(text, /idle gap \(ms\)\s*60,000cold probability\s*15\.0%cold starts\s*3invocations\s*20$/);
  await v.page.context().close();
});

browserSuite(
  'hostile names, descriptions and error messages are inert: no alert, no element, shown as text',
  async () => {
    const result = load('results-xss.json');
    const v = await open(result, 'xss');
    const state = (await v.page.evaluate(`({
    pwned: window.__pwned ?? null,
    imgs: document.querySelectorAll('img').length,
    scripts: document.querySelectorAll('script').length,
    h1: document.querySelector('h1').textContent,
    failed: document.querySelector('tr.failed td').textContent,
  })`)) as { pwned: number | null; imgs: number; scripts: number; h1: string; failed: string };
    assert.equal(v.dialogs, []);
    assert.is(state.pwned, null);
    assert.is(state.imgs, 0);
    assert.is(state.scripts, 7);
    assert.is(state.h1, `fxbench ${result.scenario.name}`);
    assert.is(state.failed, `target failed: ${result.targets[0]!.error}`);
    // Chart text and tooltips carry the names as text too.
    await v.page.locator('#view-keepalive g.mark-symbol path').nth(2).hover({ force: true });
    await v.page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5000 });
    assert.ok(((await v.page.textContent('#vg-tooltip-element')) ?? '').includes(result.targets[0]!.name));
    const after = (await v.page.evaluate(
      `({ pwned: window.__pwned ?? null, imgs: document.querySelectorAll('img').length })`,
    )) as { pwned: number | null; imgs: number };
    assert.equal(after, { pwned: null, imgs: 0 });
    assert.equal(v.dialogs, []);
    assert.equal(v.problems, []);
    await v.page.context().close();
  },
);

browserSuite(
  'two runs side by side render with targets labelled by run; a plain burst run draws only its charts',
  async () => {
    const side = combineResults([
      { file: 'reports/20260302-080000-burst/results.json', result: load('results-burst-a.json') },
      { file: 'reports/20260303-080000-burst/results.json', result: load('results-burst-b.json') },
    ]);
    const v = await open(side, 'side');
    const charts = await drawn(v.page);
    assert.equal(Object.keys(charts), ['latency-spectrum', 'burst', 'cold-starts', 'cost']);
    for (const [id, c] of Object.entries(charts)) assert.ok(c.svgs === 1 && c.marks > 0, id);
    // Full labels, wrapped onto two lines (run, then target), never cut.
    const legend = (await v.page.evaluate(
      `[...document.querySelectorAll('#view-latency-spectrum g.role-legend-label text')].map((t) => [...t.querySelectorAll('tspan')].map((s) => s.textContent).join(' · ') || t.textContent)`,
    )) as string[];
    assert.ok(
      legend.includes('20260302-080000-burst · local-hello') && legend.includes('20260303-080000-burst · local-hello'),
      legend.join(', '),
    );
    assert.equal(v.problems, []);
    await screenshot(v.page, 'report-side-by-side-light');
    await v.page.context().close();
  },
);

/** Layout problems at the page's width: page overflow, and chart text outside its SVG (clipped). */
async function layout(page: Page): Promise<{ overflow: number; clipped: string[] }> {
  return (await page.evaluate(`(() => {
    const overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    const clipped = [];
    for (const svg of document.querySelectorAll('.chart .view svg')) {
      const s = svg.getBoundingClientRect();
      for (const t of svg.querySelectorAll('text')) {
        const r = t.getBoundingClientRect();
        if (r.width && (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 || r.bottom > s.bottom + 1))
          clipped.push(svg.closest('.view').dataset.chart + ': ' + t.textContent);
      }
    }
    return { overflow, clipped };
  })()`)) as { overflow: number; clipped: string[] };
}

/** The full run with its ramp's steps as phases (the achieved-vs-offered view needs them), timelines one after another. */
function rampRun(): Result {
  const r = load('results-full.json');
  const t = r.targets.find((x) => x.ramp)!;
  const steady = t.phases.find((p) => p.kind === 'steady')!;
  const lastT = Math.max(...(steady.timeline ?? []).map((x) => x.t));
  t.phases.push(
    ...t.ramp!.steps.map((s, i) => ({
      ...steady,
      name: 'ramp',
      kind: 'ramp',
      round: i + 1,
      rateRps: s.rateRps,
      throughputRps: s.rateRps * (1 - s.errorRate) * (s.ok ? 1 : 0.6),
      timeline: (steady.timeline ?? []).slice(0, 3).map((x, j) => ({ ...x, t: lastT + 1 + i * 3 + j })),
    })),
  );
  return r;
}

browserSuite(
  'at 390 px (a phone): no horizontal overflow, every chart drawn, every legend and axis title inside its SVG',
  async () => {
    const side = combineResults([
      { file: 'reports/20261130-030317-burst/results.json', result: load('results-full.json') },
      { file: 'reports/20261130-040317-burst/results.json', result: load('results-full.json') },
    ]);
    for (const [name, result] of [
      ['full', load('results-full.json')],
      ['side-by-side', side],
      ['memory', memorySweepFixture()],
      ['payload', payloadSweepFixture()],
      ['warmup', warmupFixture()],
      ['ramp', rampRun()],
    ] as const) {
      const v = await open(result, `phone-${name}`, 'light', 390);
      const charts = await drawn(v.page);
      assert.equal(Object.keys(charts), chartIds(result), name);
      for (const [id, c] of Object.entries(charts))
        assert.ok(c.svgs === 1 && c.marks > 0, `${name}/${id}: marks drawn`);
      const { overflow, clipped } = await layout(v.page);
      assert.is(overflow, 0, `${name}: the page is no wider than the screen`);
      assert.equal(clipped, [], `${name}: text outside its chart`);
      if (name === 'side-by-side') await screenshot(v.page, 'report-side-by-side-phone');
      // The same at 1280 px after a resize.
      await v.page.setViewportSize({ width: 1280, height: 900 });
      await v.page.waitForTimeout(400);
      await v.page.evaluate('window.fxbenchRendered');
      assert.equal((await layout(v.page)).clipped, [], `${name} at 1280 px`);
      assert.equal(v.problems, [], name);
      if (name === 'side-by-side') await screenshot(v.page, 'report-side-by-side-phone');
      await v.page.context().close();
    }
  },
);

browserSuite('a million-invocation report renders within the time limit', async () => {
  const v = await open(load('results-million.json'), 'million');
  const charts = await drawn(v.page);
  for (const [id, c] of Object.entries(charts)) assert.ok(c.svgs === 1 && c.marks > 0, id);
  assert.equal(v.problems, []);
  await screenshot(v.page, 'report-million-light');
  await v.page.context().close();
});

browserSuite.run();
