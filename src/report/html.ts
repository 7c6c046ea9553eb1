/**
 * index.html: one self-contained file that opens offline. Scripts (vega,
 * vega-lite, vega-embed), styles and data are inline; a Content-Security-Policy
 * forbids loading anything else. Tables are rendered here, escaped
 * (html-sections.ts); charts are vega-lite specs (charts/*) fed from one
 * embedded JSON block of named datasets, so the page is built from histograms
 * and per-second series, never from raw samples.
 */
import { formatFleet } from './fleet.ts';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Chart } from './charts/chart.ts';
import { buildCharts } from './charts/index.ts';
import { targetColors } from './charts/palette.ts';
import { escapeHtml as e, inlineScript, jsonForScript } from './escape.ts';
import type { CapacityPlan } from '../capacity/types.ts';
import type { HistoryRun } from '../history/trend.ts';
import type { ChartExtras } from './charts/index.ts';
import { planSection } from '../capacity/html.ts';
import {
  deltaSection,
  headerSection,
  headlineSection,
  summarySection,
  targetsSection,
  thresholdsSection,
} from './html-sections.ts';
import { type BaselineOutcome, headline } from './headline.ts';
import type { Result } from '../model/result.ts';

const require = createRequire(import.meta.url);
let vendorCache: string | null = null;

/** The inlined chart libraries (read once per process). */
function vendorScripts(): string {
  if (vendorCache) return vendorCache;
  const file = (pkg: string, rel: string) => readFileSync(path.join(packageDir(pkg), rel), 'utf8');
  vendorCache = [
    file('vega', 'build/vega.min.js'),
    file('vega-lite', 'build/vega-lite.min.js'),
    file('vega-embed', 'build/vega-embed.min.js'),
  ]
    .map((src) => `<script>${inlineScript(src)}</script>`)
    .join('\n');
  return vendorCache;
}

/** The folder of an installed package (its exports may hide package.json). */
function packageDir(name: string): string {
  for (let dir = path.dirname(require.resolve(name)); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (path.basename(dir) === name && existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`cannot find the folder of package ${name}`);
}

/** What the page script needs of a chart (its datasets travel separately, by name). */
interface ChartPayload {
  id: string;
  spec: Record<string, unknown>;
  datasets: string[];
  widthShares?: number[];
}

/** The chart ids a result's report draws, in page order (tests check each rendered). */
export function chartIds(result: Result, extras: ChartExtras = {}): string[] {
  return buildCharts(result, extras).map((c) => c.id);
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --bad: #cf222e; --good: #1a7f37; --card: #f6f8fa; --accent: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #30363d; --bad: #ff7b72; --good: #3fb950; --card: #151b23; --accent: #4493f8; } }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1280px; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 6px; overflow-wrap: anywhere; } h1 .brand { color: var(--muted); font-weight: 400; font-size: 15px; margin-right: 6px; vertical-align: 3px; }
h2 { font-size: 17px; margin: 28px 0 8px; } h2 small { font-size: 13px; font-weight: 500; margin-left: 8px; }
.description { margin: 0 0 4px; font-size: 15px; overflow-wrap: anywhere; }
.meta, .note { color: var(--muted); margin: 4px 0; overflow-wrap: anywhere; } .note { font-size: 12px; }
nav { margin: 14px 0 0; font-size: 13px; display: flex; flex-wrap: wrap; gap: 4px 16px; } nav a { color: var(--accent); text-decoration: none; white-space: nowrap; } nav a:hover { text-decoration: underline; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; vertical-align: top; }
thead th { font-weight: 600; color: var(--muted); font-size: 12px; border-bottom-width: 2px; }
th[scope=row], thead th:first-child, .text { text-align: left; }
th[scope=row] { font-weight: 600; } .long { white-space: normal; overflow-wrap: anywhere; min-width: 240px; }
table.compact { width: auto; min-width: 50%; }
td.muted { color: var(--muted); white-space: normal; min-width: 240px; }
small { color: var(--muted); } small.classes { display: block; font-size: 11px; white-space: normal; max-width: 200px; margin-left: auto; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 7px; vertical-align: 0; }
tr.failed td { text-align: left; color: var(--bad); white-space: normal; overflow-wrap: anywhere; }
.bad { color: var(--bad); } .good { color: var(--good); }
tr.fail .verdict { color: var(--bad); font-weight: 600; } tr.pass .verdict { color: var(--good); } .verdict { text-align: left; }
.banner { background: var(--card); border-left: 4px solid var(--bad); padding: 8px 12px; overflow-wrap: anywhere; }
tr.group th, tr.group td { border-top: 2px solid var(--line); } caption.note { text-align: left; caption-side: bottom; }
table.runs { margin-top: 10px; } table.runs td, table.runs th { text-align: left; } table.runs td.file { white-space: normal; overflow-wrap: anywhere; }
details.phases { margin: 8px 0; border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px; }
details.phases > summary { cursor: pointer; padding: 4px 0; font-weight: 600; overflow-wrap: anywhere; }
details.phases[open] > summary { margin-bottom: 4px; }
.charts { display: grid; grid-template-columns: 1fr; gap: 16px; margin-top: 8px; }
.chart { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px 10px; min-width: 0; }
.chart h3 { margin: 0 0 2px; font-size: 15px; } .chart .note { margin: 0 0 10px; }
.headline { margin: 14px 0 4px; } .verdict-line { margin: 0 0 8px; padding: 8px 12px; background: var(--card); border-left: 4px solid var(--muted); overflow-wrap: anywhere; }
.verdict-line.pass { border-left-color: var(--good); } .verdict-line.fail, .verdict-line.interrupted { border-left-color: var(--bad); }
.verdict-line.pass strong { color: var(--good); } .verdict-line.fail strong, .verdict-line.interrupted strong { color: var(--bad); }
.busy-note { margin: 0 0 8px; padding: 6px 12px; border-left: 4px solid var(--warn, #b58900); background: var(--card); overflow-wrap: anywhere; }
.headline-target h3 { font-size: 14px; margin: 10px 0 6px; overflow-wrap: anywhere; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; min-width: 0; }
.tile .label { display: block; color: var(--muted); font-size: 12px; } .tile .value { display: block; font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile small { display: block; font-size: 11px; overflow-wrap: anywhere; }
ul.answers { margin: 6px 0 0; padding-left: 18px; } ul.answers li { overflow-wrap: anywhere; }
.chart .view { width: 100%; min-height: 120px; color: var(--fg); } /* legend symbols drawn in currentColor follow the theme */
#vg-tooltip-element { font-family: inherit; }
@media print { body { max-width: none; padding: 0; } nav { display: none; } .scroll { overflow: visible; } th, td { white-space: normal; } .chart, .tile, tr { break-inside: avoid; } .charts { gap: 8px; } }
`;

/** Renders the report for a result. */
export function renderHtml(
  result: Result,
  opts: { plan?: CapacityPlan; history?: HistoryRun[]; baseline?: BaselineOutcome } = {},
): string {
  const charts = buildCharts(result, { history: opts.history });
  const datasets: Record<string, unknown[]> = {};
  for (const c of charts) Object.assign(datasets, c.datasets);
  // Six significant digits are more than a chart can show, and keep the page small.
  const compact = JSON.parse(
    JSON.stringify(datasets, (_k, v: unknown) =>
      typeof v === 'number' && !Number.isInteger(v) ? +v.toPrecision(6) : v,
    ),
  ) as Record<string, unknown[]>;
  const payload: ChartPayload[] = charts.map((c) => ({
    id: c.id,
    spec: c.spec,
    datasets: Object.keys(c.datasets),
    ...(c.widthShares ? { widthShares: c.widthShares } : {}),
  }));
  const nav = [
    ['targets', 'Targets'],
    ['summary', 'Summary'],
    ...(result.runs?.length ? [['deltas', 'Side by side']] : []),
    ...(result.thresholds.length ? [['thresholds', 'Thresholds']] : []),
    ...(opts.plan ? [['capacity-plan', 'Capacity plan']] : []),
    ...charts.map((c) => [`chart-${c.id}`, c.title.replace(/ \(.*\)$/, '').replace(/[:,].*$/, '')]),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'">
<meta name="generator" content="fxbench ${e(result.tool.version)}">
<title>fxbench · ${e(result.scenario.name)}</title>
<style>${STYLE}</style>
</head>
<body>
${headerSection(result)}
${headlineSection(headline(result, opts.baseline), targetColors(result), result.fleet ? formatFleet(result) : undefined)}
<nav>${nav.map(([id, label]) => `<a href="#${id}">${e(label)}</a>`).join('')}</nav>
<main>
<div class="scroll" id="targets">${targetsSection(result)}</div>
${thresholdsSection(result).replace('<section class="thresholds">', '<section class="thresholds scroll" id="thresholds">')}
<div class="scroll" id="summary">${summarySection(result)}</div>
${result.runs?.length ? `<div class="scroll">${deltaSection(result)}</div>` : ''}
${opts.plan ? planSection(opts.plan) : ''}
<section class="charts">
${charts.map(chartSection).join('\n')}
</section>
</main>
<script type="application/json" id="fxbench-data">${jsonForScript(compact)}</script>
<script type="application/json" id="fxbench-charts">${jsonForScript(payload)}</script>
<script type="application/json" id="fxbench-result">${jsonForScript(result)}</script>
${vendorScripts()}
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function chartSection(c: Chart): string {
  return `<section class="chart" id="chart-${c.id}-section"><h3 id="chart-${c.id}">${e(c.title)}</h3><p class="note">${e(c.note)}</p><div class="view" id="view-${c.id}" data-chart="${c.id}"></div></section>`;
}

/**
 * Binds each chart's datasets, sizes concatenated views to the card, and embeds
 * it (SVG, tooltips, the dark theme when the page is dark). Re-renders when the
 * colour scheme changes or the window is resized. `window.fxbenchRendered`
 * resolves once every chart is drawn (the browser test waits for it).
 */
const PAGE_SCRIPT = `
(function () {
  'use strict';
  var values = JSON.parse(document.getElementById('fxbench-data').textContent);
  var charts = JSON.parse(document.getElementById('fxbench-charts').textContent);
  var scheme = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  var views = {};
  function config(dark, narrow) {
    var fg = dark ? '#c9d1d9' : '#3d444d', grid = dark ? '#262c34' : '#e8ebef', domain = dark ? '#3d444d' : '#d1d9e0';
    return {
      background: null,
      font: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
      axis: { labelColor: fg, titleColor: fg, gridColor: grid, domainColor: domain, tickColor: domain, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500 },
      // Narrow screens: one entry per line, and legends stacked rather than side by side, so none runs off the chart.
      legend: narrow
        ? { labelColor: fg, titleColor: fg, labelFontSize: 11, titleFontSize: 11, labelLimit: 260, symbolStrokeWidth: 2, columns: 1, layout: { top: { direction: 'vertical', anchor: 'start' } } }
        : { labelColor: fg, titleColor: fg, labelFontSize: 11, titleFontSize: 11, labelLimit: 320, symbolStrokeWidth: 2, columns: 6 },
      title: { color: fg, anchor: 'start', fontWeight: 600 },
      text: { color: fg },
      view: { stroke: null }
    };
  }
  function render(c) {
    var el = document.getElementById('view-' + c.id);
    var spec = JSON.parse(JSON.stringify(c.spec));
    spec.datasets = {};
    c.datasets.forEach(function (name) { spec.datasets[name] = values[name]; });
    var narrow = el.clientWidth < 560;
    // Side-by-side views do not fit a phone: stack them.
    if (narrow && spec.hconcat) { spec.vconcat = spec.hconcat; delete spec.hconcat; }
    var parts = spec.hconcat || spec.vconcat;
    if (c.widthShares && parts && !c.fixed) {
      var width = Math.max(el.clientWidth, 320);
      // Room for each sub-view's y axis (labels and title) and the gap between views.
      var free = width - parts.length * 95 - (spec.hconcat ? 30 : 0);
      parts.forEach(function (p, i) { p.width = Math.max(120, Math.floor(spec.hconcat ? free * c.widthShares[i] : width - 95)); });
    }
    var dark = !!(scheme && scheme.matches);
    if (views[c.id]) views[c.id].finalize();
    return vegaEmbed(el, spec, { renderer: 'svg', actions: false, config: config(dark, narrow), tooltip: { theme: dark ? 'dark' : 'light' } })
      .then(function (r) {
        views[c.id] = r;
        // Axis labels and legends come on top of the widths set above: if the
        // drawing ends up wider than its card, shrink the views by the excess once.
        var svg = el.querySelector('svg');
        var over = svg ? svg.getBoundingClientRect().width - el.clientWidth : 0;
        if (parts && c.widthShares && over > 1 && !c.refit) {
          var shrunk = JSON.parse(JSON.stringify(c));
          shrunk.refit = true;
          var views0 = shrunk.spec.hconcat || shrunk.spec.vconcat;
          views0.forEach(function (p, i) { p.width = Math.max(100, parts[i].width - Math.ceil(spec.hconcat ? over * c.widthShares[i] : over)); });
          shrunk.fixed = true;
          return render(shrunk);
        }
        return c.id;
      });
  }
  function renderAll() { return Promise.all(charts.map(render)); }
  window.fxbenchRendered = renderAll();
  if (scheme && scheme.addEventListener) scheme.addEventListener('change', renderAll);
  var timer = null, lastWidth = window.innerWidth;
  window.addEventListener('resize', function () {
    if (window.innerWidth === lastWidth) return;
    lastWidth = window.innerWidth;
    clearTimeout(timer);
    timer = setTimeout(renderAll, 200);
  });
})();
`;
