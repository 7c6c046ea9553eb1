#!/usr/bin/env node
// Size figures of src/ read with the TypeScript compiler: type assertions
// (`x as T`, not `as const`), lines over 120 characters, files over 300 lines and
// the longest functions. Used for the structural issue's before/after figures.
//
//   node scripts/code-stats.mjs [--top N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'src');
const topIdx = process.argv.indexOf('--top');
const top = topIdx > 0 ? Number(process.argv[topIdx + 1]) : 5;

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

let casts = 0;
let longLines = 0;
let lines = 0;
const bigFiles = [];
const functions = [];
for (const file of walk(src)) {
  const text = readFileSync(file, 'utf8');
  const rel = path.relative(root, file);
  const fileLines = text.split('\n');
  lines += fileLines.length;
  longLines += fileLines.filter((l) => l.length > 120).length;
  if (fileLines.length > 300) bigFiles.push(`${rel} (${fileLines.length})`);
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isAsExpression(node)) {
      const t = node.type;
      const isConst = ts.isTypeReferenceNode(t) && t.typeName.getText(sf) === 'const';
      if (!isConst) casts++;
    }
    if (ts.isTypeAssertionExpression?.(node)) casts++;
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node)) &&
      node.body
    ) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.end).line;
      let name = node.name?.getText(sf);
      if (!name && ts.isVariableDeclaration(node.parent)) name = node.parent.name.getText(sf);
      functions.push({ where: `${rel}:${start + 1}`, name: name ?? '(anonymous)', lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
functions.sort((a, b) => b.lines - a.lines);
console.log(`src lines: ${lines}`);
console.log(`'as' casts (not 'as const'): ${casts}`);
console.log(`lines over 120 characters: ${longLines}`);
console.log(`files over 300 lines: ${bigFiles.length}${bigFiles.length ? ` — ${bigFiles.join(', ')}` : ''}`);
console.log(`longest functions:`);
for (const f of functions.slice(0, top)) console.log(`  ${f.lines} lines  ${f.name}  ${f.where}`);
