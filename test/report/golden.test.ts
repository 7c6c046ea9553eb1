// CSV and Markdown outputs against golden files built from fixed results
// fixtures. After an intended change of an output, refresh them with
//   UPDATE=1 node scripts/test.mjs report/golden
// and review the diff.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { combineResults } from '../../src/report/combine.ts';
import { decimal, percentilesCsv, summaryCsv } from '../../src/report/csv.ts';
import { escapeMarkdown, renderMarkdown } from '../../src/report/markdown.ts';
import type { Result } from '../../src/model/result.ts';
import { FIXTURES_DIR, XSS } from '../helpers/results.ts';

const GOLDEN = path.join(path.dirname(new URL(import.meta.url).pathname), '../fixtures/golden');
const load = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as Result;
const full = load('results-full.json');
const sideBySide = combineResults([
  { file: 'reports/20260302-080000-burst/results.json', result: load('results-burst-a.json') },
  { file: 'reports/20260303-080000-burst/results.json', result: load('results-burst-b.json') },
]);

/** Parses CSV (RFC 4180: quoted fields, doubled quotes) into records keyed by the header. */
function parse(text: string, _opts: { columns: true }): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}

/** Compares `actual` with golden/<name>, or rewrites it when UPDATE=1. */
function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE === '1' || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    if (process.env.UPDATE !== '1')
      assert.unreachable(`${name}: golden file was missing and has been written; review it and rerun`);
    return;
  }
  assert.fixture(actual, readFileSync(file, 'utf8'), name);
}

// ---
const files = suite('golden outputs');

files('summary.csv', () => golden('summary.csv', summaryCsv(full)));
files('percentiles.csv', () => golden('percentiles.csv', percentilesCsv(full)));
files('summary.md', () => golden('summary.md', renderMarkdown(full)));
files('summary.md of two runs side by side', () => golden('summary-side-by-side.md', renderMarkdown(sideBySide)));

// ---
const csv = suite('CSV content');

csv('summary.csv has one row per target × phase round, every figure a column, numbers as plain decimals', () => {
  const rows = parse(summaryCsv(full), { columns: true }) as Record<string, string>[];
  assert.is(
    rows.length,
    full.targets.reduce((a, t) => a + t.phases.length, 0),
  );
  const cols = Object.keys(rows[0]!);
  for (const c of [
    'target',
    'phase',
    'round',
    'requests',
    'errors_throttled',
    'cold_start_rate',
    'latency_p999_ms',
    'warm_p99_ms',
    'cold_p50_ms',
    'init_max_ms',
    'throughput_rps',
    'cost_per_invocation_usd',
    'cost_per_million_usd',
    'price_source',
    'payload_bytes',
    'idle_gap_ms',
    'memory_mb',
    'rate_rps',
    'late',
    'dropped',
  ]) {
    assert.ok(cols.includes(c), c);
  }
  const steady = rows.find((r) => r.target === 'aws-hello' && r.phase === 'steady')!;
  const p = full.targets[1]!.phases.find((x) => x.name === 'steady')!;
  assert.is(steady.requests, String(p.requests));
  assert.is(steady.errors_throttled, String(p.errors.throttled));
  assert.is(steady.latency_p99_ms, decimal(p.latencyMs!.p99, 3));
  assert.is(steady.rate_rps, '50');
  assert.is(steady.late, '3');
  assert.ok(/^0\.000000\d+$/.test(steady.cost_per_invocation_usd!), steady.cost_per_invocation_usd);
  assert.not.ok(summaryCsv(full).match(/\de-\d/), 'no exponents');
});

csv('percentiles.csv has the spectrum of every target (phase "all") and phase, for all, warm, cold and init', () => {
  const rows = parse(percentilesCsv(full), { columns: true }) as Record<string, string>[];
  const all = rows.filter((r) => r.target === 'local-hello' && r.phase === 'all' && r.series === 'all');
  const s = full.targets[0]!.summary!;
  assert.is(all.find((r) => r.percentile === '50')!.latency_ms, decimal(s.latencyMs!.p50, 3));
  assert.is(all.find((r) => r.percentile === '99.9')!.latency_ms, decimal(s.latencyMs!.p999, 3));
  assert.is(all.at(-1)!.percentile, '100');
  assert.is(all[0]!.count, String(s.requests));
  assert.equal([...new Set(rows.map((r) => r.series))], ['all', 'warm', 'cold', 'init']);
});

csv('decimal() never writes an exponent and drops trailing zeros', () => {
  assert.is(decimal(2.29e-7, 12), '0.000000229');
  assert.is(decimal(5, 3), '5');
  assert.is(decimal(4.5, 3), '4.5');
  assert.is(decimal(null, 3), '');
  assert.is(decimal(NaN, 3), '');
});

// ---
const md = suite('Markdown escaping');

md('scenario, target and error text cannot add markup or break the table', () => {
  const out = renderMarkdown(load('results-xss.json'));
  assert.not.ok(out.includes('<script'), 'no raw <script');
  assert.not.ok(out.includes('<img'), 'no raw <img');
  assert.ok(out.includes('&lt;script&gt;window.\\_\\_pwned=1;alert(1)&lt;/script&gt;'));
  // Every table row has the same number of unescaped cell separators as its header.
  for (const table of out.split('\n\n').filter((b) => b.startsWith('| '))) {
    const lines = table.split('\n');
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const l of lines) assert.is(cells(l), cells(lines[0]!), l);
  }
  assert.is(escapeMarkdown('a|b\nc'), 'a\\|b c');
  assert.is(escapeMarkdown(XSS).includes('<'), false);
});

files.run();
csv.run();
md.run();
