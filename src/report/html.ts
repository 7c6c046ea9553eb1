/**
 * index.html: one self-contained file that opens offline. Scripts (vega,
 * vega-lite, vega-embed), styles and data are inline; it loads nothing. Tables
 * are rendered here, escaped; charts are vega-lite specs fed from one embedded
 * JSON block.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { formatMs, formatUSD } from '../units.ts';
import { spectrumData, spectrumSpec } from './charts/latency-spectrum.ts';
import { escapeHtml as e, inlineScript, jsonForScript } from './escape.ts';
import type { PhaseResult, Result, TargetResult } from './result.ts';
import { errorTotal } from './text.ts';

const require = createRequire(import.meta.url);
let vendorCache: string | null = null;

/** The inlined chart libraries (read once per process). */
function vendorScripts(): string {
  if (vendorCache) return vendorCache;
  const file = (pkg: string, rel: string) => readFileSync(path.join(packageDir(pkg), rel), 'utf8');
  vendorCache = [file('vega', 'build/vega.min.js'), file('vega-lite', 'build/vega-lite.min.js'), file('vega-embed', 'build/vega-embed.min.js')]
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

function pct(x: number): string {
  return `${(x * 100).toFixed(x > 0 && x < 0.01 ? 2 : 1)}%`;
}

function phaseRow(t: TargetResult, p: Omit<PhaseResult, 'name' | 'kind'> & { name?: string; round?: number }, label: string): string {
  const l = p.latencyMs;
  const errs = Object.entries(p.errors).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
  const cells = [
    label,
    String(p.requests),
    errorTotal(p) ? `<span class="bad" title="${e(errs)}">${errorTotal(p)}</span>` : '0',
    `${p.coldStarts} <small>(${pct(p.coldStartRate)})</small>`,
    formatMs(l?.p50), formatMs(l?.p90), formatMs(l?.p99), formatMs(l?.p999), formatMs(l?.max),
    formatMs(p.initDurationMs?.p50),
    p.throughputRps ? p.throughputRps.toFixed(1) : '-',
    formatUSD(p.cost?.perMillionUSD),
  ];
  return `<tr>${cells.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`;
}

function targetSection(t: TargetResult): string {
  const head = ['phase', 'requests', 'errors', 'cold starts', 'p50', 'p90', 'p99', 'p99.9', 'max', 'init p50', 'req/s', '$ / 1M'];
  const rows = t.phases.map((p) => phaseRow(t, p, e(p.round ? `${p.name} #${p.round}` : p.name)));
  if (t.summary && t.phases.length > 1) rows.push(phaseRow(t, t.summary, '<em>all phases</em>').replace('<tr>', '<tr class="total">'));
  const price = t.summary?.cost?.priceSource ?? t.phases.find((p) => p.cost)?.cost?.priceSource;
  return `<section class="target">
<h2>${e(t.name)}</h2>
<p class="meta">provider <b>${e(t.provider)}</b> · function <b>${e(t.function)}</b>${t.region ? ` · region <b>${e(t.region)}</b>` : ''} · memory <b>${t.memoryMB ?? '-'} MB</b> · cold starts decided by <b>${e(t.coldStartMethod)}</b>${price ? ` · prices: ${e(price)}` : ''}</p>
${t.error ? `<p class="error">target failed: ${e(t.error)}</p>` : ''}
<table><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<p class="note">latency in ms, measured by the client from the intended send time</p>
</section>`;
}

/** Renders the report for a result. */
export function renderHtml(result: Result): string {
  const data = { spectrum: spectrumData(result) };
  const charts = [{ id: 'chart-latency-spectrum', title: 'Latency percentile spectrum (warm vs cold)', spec: spectrumSpec(), dataName: 'spectrum' }];
  const durationS = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<title>fxbench · ${e(result.scenario.name)}</title>
<style>
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --line: #d0d7de; --bad: #cf222e; --card: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #8d96a0; --line: #30363d; --bad: #ff7b72; --card: #161b22; } }
body { font: 14px/1.45 system-ui, -apple-system, Segoe UI, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1200px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 4px; }
.meta, .note { color: var(--muted); margin: 4px 0; } .note { font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th[scope=row], thead th:first-child { text-align: left; }
tr.total { font-weight: 600; }
.bad, .error { color: var(--bad); } .banner { background: var(--card); border-left: 4px solid var(--bad); padding: 8px 12px; }
.chart { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 12px; margin: 16px 0; }
.chart h3 { margin: 0 0 8px; font-size: 15px; } .chart .view { width: 100%; }
</style>
</head>
<body>
<header>
<h1>${e(result.scenario.name)}</h1>
${result.scenario.description ? `<p>${e(result.scenario.description)}</p>` : ''}
<p class="meta">${e(result.scenario.file)} · started ${e(result.startedAt)} · ${durationS.toFixed(1)} s · fxbench ${e(result.tool.version)} on Node ${e(result.tool.node)}, ${e(result.tool.platform)}, ${result.tool.cpus} CPUs</p>
${result.interrupted ? '<p class="banner">This run was interrupted: the figures cover what ran before it stopped.</p>' : ''}
</header>
<main>
${result.targets.map(targetSection).join('\n')}
${charts.map((c) => `<section class="chart"><h3>${e(c.title)}</h3><div class="view" id="${c.id}"></div></section>`).join('\n')}
</main>
<script type="application/json" id="fxbench-data">${jsonForScript(data)}</script>
<script type="application/json" id="fxbench-result">${jsonForScript(result)}</script>
${vendorScripts()}
<script>
(function () {
  var data = JSON.parse(document.getElementById('fxbench-data').textContent);
  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  var charts = ${jsonForScript(charts)};
  window.fxbenchRendered = Promise.all(charts.map(function (c) {
    var spec = c.spec;
    spec.data = { values: data[c.dataName] };
    return vegaEmbed('#' + c.id, spec, { renderer: 'svg', actions: false, theme: dark ? 'dark' : undefined, config: { background: null } });
  }));
})();
</script>
</body>
</html>
`;
}
