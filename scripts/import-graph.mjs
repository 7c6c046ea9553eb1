#!/usr/bin/env node
// The import graph of src/: every relative import, type-only or not (read with the
// TypeScript compiler's own pre-processor, so `import type`, `export … from` and
// dynamic `import()` all count). Prints every import cycle (strongly connected
// component of more than one file, or a file importing itself) and every import that
// points against the layer order below. Exit 1 when either exists.
//
//   node scripts/import-graph.mjs            cycles and layer violations
//   node scripts/import-graph.mjs --edges    also print every edge (for a drawing)
//   node scripts/import-graph.mjs --src DIR  another tree laid out the same way (tests)
//
// Layers, bottom to top: a file may import its own layer or any lower one, never a
// higher one. The folder name is the layer; files directly in src/ are named here.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const srcArg = process.argv.indexOf('--src');
const src = srcArg > 0 ? path.resolve(process.argv[srcArg + 1]) : path.join(root, 'src');

/** Layer of each top-level folder (or file) of src/; higher imports lower only. */
export const LAYERS = [
  ['model', 'units.ts', 'clock.ts', 'version.ts'],
  ['metrics', 'cost', 'config'],
  ['drivers', 'runtime'],
  ['scenarios'],
  ['report', 'capacity', 'history'],
  ['fleet'],
  ['cli', 'api.ts'],
];

function layerOf(rel) {
  const top = rel.split(path.sep)[0];
  const i = LAYERS.findIndex((names) => names.includes(top));
  return i;
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|mts|cts|mjs|cjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolve(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    `${base}.ts`,
    path.join(base, 'index.ts'),
  ];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

const files = walk(src);
/** @type {Map<string, Set<string>>} */
const graph = new Map();
for (const file of files) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const deps = new Set();
  for (const ref of info.importedFiles) {
    const target = resolve(file, ref.fileName);
    if (target?.startsWith(src)) deps.add(target);
  }
  graph.set(file, deps);
}

// Tarjan's strongly connected components.
let index = 0;
const stack = [];
const onStack = new Set();
const idx = new Map();
const low = new Map();
const sccs = [];
function strong(v) {
  idx.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || graph.get(v)?.has(v)) sccs.push(comp);
  }
}
for (const v of graph.keys()) if (!idx.has(v)) strong(v);

const rel = (p) => path.relative(src, p);
const edges = [...graph].flatMap(([from, deps]) => [...deps].map((to) => [rel(from), rel(to)]));

const violations = [];
for (const [from, to] of edges) {
  const a = layerOf(from);
  const b = layerOf(to);
  if (a === -1) violations.push(`${from}: folder not in any layer (scripts/import-graph.mjs LAYERS)`);
  else if (b > a) violations.push(`${from} -> ${to}: imports upward (layer ${a} -> ${b})`);
}

if (process.argv.includes('--edges')) for (const [a, b] of edges) console.log(`${a} -> ${b}`);
console.log(`${files.length} files, ${edges.length} imports`);
console.log(`${sccs.length} import cycle(s)`);
for (const comp of sccs) console.log(`  cycle: ${comp.map(rel).sort().join(' <-> ')}`);
const unique = [...new Set(violations)];
console.log(`${unique.length} upward import(s)`);
for (const v of unique) console.log(`  ${v}`);
process.exitCode = sccs.length || unique.length ? 1 : 0;
