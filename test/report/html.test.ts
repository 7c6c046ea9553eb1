// index.html as text: what the header, tables and embedded data say, that no
// string from a scenario, target or function response survives unescaped, that
// nothing is loaded from elsewhere, and the size of a million-invocation report.
// (test/report/browser.test.ts renders it in Chromium.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chartIds, renderHtml } from '../../src/report/html.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { formatSummary } from '../../src/report/text.ts';
import type { Result } from '../../src/model/result.ts';
import { FIXTURES_DIR, XSS } from '../helpers/results.ts';

const load = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as Result;
const full = load('results-full.json');
const fullHtml = renderHtml(full);

/** The page without the inlined vega libraries (their source mentions every HTML construct). */
function ownMarkup(html: string): string {
  return html.replace(
    /<script>(?!\s*\(function \(\) \{\s*'use strict')[\s\S]*?<\/script>/g,
    '<script>/* vendor */</script>',
  );
}

/** The text of an embedded JSON block, parsed. */
function embedded(html: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  assert.ok(m, `no ${id} block`);
  return JSON.parse(m![1]!);
}

// ---
const page = suite('index.html content');

page('the header names the scenario, when, fxbench and Node versions, and the machine', () => {
  const html = ownMarkup(fullHtml);
  assert.match(html, /<h1><span class="brand">fxbench<\/span> cold-vs-warm<\/h1>/);
  assert.match(html, /Local runtime against Lambda: bursts, keep-alive, payload and memory sweeps, steady load/);
  assert.match(
    html,
    /scenarios\/cold-vs-warm\.ts · started <time datetime="2026-03-01T10:00:00.000Z">2026-03-01 10:00:00 UTC<\/time> · took 112\.0 s · fxbench 0\.1\.0 · Node v20\.20\.0 · bench-host, linux x64, 2 CPUs/,
  );
});

page('the targets table gives provider, function, region, memory, cold-start method and price source', () => {
  const html = ownMarkup(fullHtml);
  const aws =
    /<tr><th scope="row"><span class="swatch" style="background:#f97316"><\/span>aws-hello<\/th>(.*?)<\/tr>/.exec(html);
  assert.ok(aws, 'aws-hello row with its chart colour');
  assert.is(
    aws![1],
    '<td class="text">aws-lambda</td><td class="text">hello-arm</td><td class="text">us-east-1</td><td>512 MB</td><td class="text">provider</td><td class="text muted">aws-lambda us-east-1 arm64 (Cloudchipr 2024, verify)</td>',
  );
});

page('the summary has one row per target and a <details> per target with a row per phase round', () => {
  const html = ownMarkup(fullHtml);
  const summary = html.slice(html.indexOf('<section class="summary">'), html.indexOf('<details'));
  const s = full.targets[0]!.summary!;
  assert.ok(
    summary.includes(
      `<td>2,400</td><td><span class="bad">7 · 0.29%</span><small class="classes">7 throttled</small></td><td>124 <small>(5.2%)</small></td><td>${s.latencyMs!.p50.toFixed(3)}</td>`,
    ),
    'requests, errors by class, cold starts, p50',
  );
  assert.ok(summary.includes('<td>$0.000000229</td><td>$0.2292</td></tr>'), 'cost per invocation and per 1M');
  const details = html.match(/<details class="phases">[\s\S]*?<\/details>/g)!;
  assert.is(details.length, 2);
  assert.match(
    details[0]!,
    /<summary><span class="swatch" style="background:#3b82f6"><\/span>local-hello: 15 phases<\/summary>/,
  );
  assert.is((details[0]!.match(/<tr><th scope="row"/g) ?? []).length, 15);
  assert.match(details[0]!, /<th scope="row">keepalive #4 · idle 5min<\/th>/);
  assert.match(details[0]!, /<th scope="col">late<\/th><th scope="col">dropped<\/th>/);
  assert.match(details[1]!, /Ramp: knee at 200 req\/s, broke at 400 req\/s\./);
});

page('thresholds show pass and fail with the actual value', () => {
  const html = ownMarkup(fullHtml);
  assert.match(html, /Thresholds <small class="bad">1 of 2 crossed<\/small>/);
  assert.match(
    html,
    /<tr class="fail"><td class="verdict">✘ fail<\/td><th scope="row">aws-hello<\/th><td class="text">errors\.rate<\/td><td class="text">whole run<\/td><td class="text">&lt; 1%<\/td><td>0\.015<\/td><\/tr>/,
  );
  assert.match(html, /<tr class="pass"><td class="verdict">✔ pass<\/td><th scope="row">local-hello<\/th>/);
});

page('a run without thresholds, timeline or sweeps has no such section or chart', () => {
  const burst = load('results-burst-a.json');
  const html = ownMarkup(renderHtml(burst));
  assert.not.match(html, /Thresholds/);
  assert.equal(chartIds(burst), ['latency-spectrum', 'burst', 'cold-starts', 'cost']);
  assert.equal((html.match(/<section class="chart" id="chart-([a-z-]+)-section">/g) ?? []).length, 4);
  assert.equal(Object.keys(embedded(html, 'fxbench-data') as object), [
    'spectrum',
    'burstRounds',
    'burstLatency',
    'coldRate',
    'initDuration',
    'costBars',
  ]);
});

page('every chart has a view element and its datasets embedded', () => {
  const charts = embedded(fullHtml, 'fxbench-charts') as { id: string; datasets: string[] }[];
  const data = embedded(fullHtml, 'fxbench-data') as Record<string, unknown[]>;
  assert.equal(
    charts.map((c) => c.id),
    chartIds(full),
  );
  for (const c of charts) {
    assert.ok(fullHtml.includes(`<div class="view" id="view-${c.id}" data-chart="${c.id}"></div>`), c.id);
    for (const d of c.datasets) assert.ok(Array.isArray(data[d]) && data[d]!.length > 0, `${c.id}: dataset ${d}`);
  }
});

page('the results themselves are embedded, so the page carries its data', () => {
  assert.equal(embedded(fullHtml, 'fxbench-result'), full);
});

// ---
const safety = suite('index.html safety');

safety('loads nothing: no src, href to elsewhere, @import or url(); a CSP forbids it anyway', () => {
  const html = ownMarkup(fullHtml);
  assert.not.match(html, /<script[^>]+src=/);
  assert.not.match(html, /<link\b/);
  assert.not.match(html, /<img\b/);
  assert.not.match(html, /@import|url\(/);
  assert.equal(
    html.match(/href="[^"]*"/g)!.filter((h) => !h.startsWith('href="#')),
    [],
  );
  assert.match(
    html,
    /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'/,
  );
});

safety('hostile names, descriptions and error messages appear only escaped', () => {
  const xss = load('results-xss.json');
  const html = renderHtml(xss);
  const own = ownMarkup(html);
  // The page's own script elements only: three JSON blocks, three vendor libraries, the page script.
  assert.is((html.match(/<script\b/gi) ?? []).length, 7);
  assert.is((own.match(/<\/script>/gi) ?? []).length, 7);
  assert.not.ok(html.includes('window.__pwned=1;alert(1)</script>'), 'raw script from data');
  assert.not.ok(html.includes('<img src=x'), 'raw img from data');
  assert.not.ok(own.includes('onerror="'), 'raw attribute from data');
  const escaped = XSS.replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
  for (const where of [
    '<h1><span class="brand">fxbench</span> xss ',
    '<p class="description">description ',
    'target failed: error message from the function: ',
    '<td class="text long">fn ',
  ]) {
    assert.ok(own.includes(where + escaped), `escaped in ${where}`);
  }
  // In the JSON blocks, < and > are \u escapes: no string can close the script element.
  assert.equal(embedded(html, 'fxbench-result'), xss);
  assert.ok(html.includes('target \\u003cscript\\u003ewindow.__pwned=1'));
});

safety('a million invocations make a report under 2 MB (built from histograms and per-second series)', () => {
  const million = load('results-million.json');
  const requests = million.targets.reduce((a, t) => a + t.summary!.requests, 0);
  assert.is(requests, 1_000_000);
  const h = million.targets.map((t) => t.phases[0]!.timeline!.length);
  assert.equal(h, [1001, 1001]);
  const bytes = Buffer.byteLength(renderHtml(million));
  assert.ok(bytes < 2 * 1024 * 1024, `${bytes} bytes`);
});

page('init p50 carries the init split where the platform made one, nothing where it did not', () => {
  const r = structuredClone(full);
  const phase = r.targets[0]!.phases[0]!;
  phase.initSplit = { observed: 20, initMs: 508.7, cpuMs: 51.5, waitMs: 362.8 };
  const html = ownMarkup(renderHtml(r));
  assert.match(html, '<small class="classes">mean 508.7: 51.50 on a CPU, 362.8 waiting for one (20 split)</small>');
  assert.not.match(ownMarkup(fullHtml), 'waiting for one', 'no split in the fixture: no note');
  // The terminal summary and summary.md say it in one line (the wait outweighed the CPU).
  const note = `${r.targets[0]!.name}/${phase.name}: of 509 ms init (mean of 20 cold starts), 363 ms waiting for a CPU and 52 ms on one`;
  assert.match(formatSummary(r), `init ${note}`);
  assert.match(renderMarkdown(r), 'Init waited for a CPU: ');
  assert.match(renderMarkdown(r), '363 ms waiting for a CPU and 52 ms on one');
  assert.not.match(formatSummary(full), 'waiting for a CPU');
});

page.run();
safety.run();
