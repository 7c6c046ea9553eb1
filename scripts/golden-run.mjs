#!/usr/bin/env node
// Golden run: every example scenario run once, its terminal output and reports
// written with timings masked, so two trees (before and after a refactor) can be
// compared with `diff -r`. Everything that depends on the clock or the machine's
// speed (latencies, durations, rates, costs from billed time, timestamps, encoded
// histograms) is masked; names, counts, classes, keys, methods and structure stay.
//
//   node scripts/golden-run.mjs OUTDIR [scenario …]     (run from the repo root)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const outRoot = path.resolve(process.argv[2] ?? 'golden');
const only = process.argv.slice(3);
const scenarios = readdirSync('scenarios')
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => !only.length || only.some((o) => f.includes(o)));
mkdirSync(outRoot, { recursive: true });

// Keys whose values are counts or choices, kept exactly; every other number is masked.
const EXACT = new Set([
  'requests',
  'ok',
  'coldStarts',
  'round',
  'payloadBytes',
  'memoryMB',
  'schemaVersion',
  'instances',
  'size',
  'rounds',
  'concurrency',
]);
function mask(value, key) {
  if (Array.isArray(value)) return value.map((v) => mask(v, key));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      // Per-second series depend on where the clock's second boundaries fell: left out.
      if (k === 'timeline') continue;
      if (k === 'histograms' || k === 'histogram' || k === 'encoded' || /At$/.test(k)) out[k] = typeof v;
      else out[k] = mask(v, k);
    }
    return out;
  }
  if (typeof value === 'number')
    return EXACT.has(key) || key === undefined ? value : Number.isInteger(value) ? '<int>' : '<num>';
  if (typeof value === 'string' && /^\d{8}-\d{6}/.test(value)) return '<stamp>';
  return value;
}
// The chart data embedded in index.html: each array reduced to its distinct
// masked items (how many per-second points there are depends on timing).
function maskChartData(html) {
  html = html.replace(
    /(<script type="application\/json" id="fxbench-result">)(.*?)(<\/script>)/s,
    (_, a, json, b) => `${a}${JSON.stringify(mask(JSON.parse(json)), null, 1)}${b}`,
  );
  return html.replace(/(<script type="application\/json" id="fxbench-data">)(.*?)(<\/script>)/s, (_, a, json, b) => {
    const dedupe = (v) => {
      if (Array.isArray(v))
        return [...new Set(v.map((x) => JSON.stringify(dedupe(x))))].sort().map((x) => JSON.parse(x));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, dedupe(x)]));
      return typeof v === 'number' ? '#' : v;
    };
    return `${a}${JSON.stringify(dedupe(JSON.parse(json)), null, 1)}${b}`;
  });
}
const maskText = (s) =>
  s
    .replace(/^.*req\/s.*$\n?/gm, '') // live progress lines: how many appear depends on timing
    .replace(/[^\s,]*\/report\//g, '<out>/')
    .replace(/[A-Za-z0-9+/]{80,}={0,2}/g, '<b64>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<iso>')
    .replace(/\d{8}-\d{6}[-\w]*/g, '<stamp>')
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/[ \t]+/g, ' ')
    .replace(/[─]+/g, '─');

for (const file of scenarios) {
  const name = file.replace(/\.ts$/, '');
  const dir = path.join(outRoot, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const reportDir = path.join(dir, 'report');
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    ['bin/fxbench.mjs', 'run', `scenarios/${file}`, '-o', reportDir, '--no-history'],
    {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
      timeout: 300_000,
    },
  );
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  writeFileSync(path.join(dir, 'exit.txt'), `${r.status}\n`);
  writeFileSync(path.join(dir, 'stdout.txt'), maskText(r.stdout ?? ''));
  writeFileSync(path.join(dir, 'stderr.txt'), maskText(r.stderr ?? ''));
  if (existsSync(reportDir)) {
    for (const f of readdirSync(reportDir).sort()) {
      const p = path.join(reportDir, f);
      const text = readFileSync(p, 'utf8');
      const masked = f.endsWith('.json')
        ? `${JSON.stringify(mask(JSON.parse(text)), null, 1)}\n`
        : maskText(f.endsWith('.html') ? maskChartData(text) : text);
      writeFileSync(path.join(dir, `${f}.masked`), masked);
    }
    rmSync(reportDir, { recursive: true, force: true });
  }
  console.log(`${name}: exit ${r.status} in ${secs} s`);
}
