#!/usr/bin/env node
// Runs every test/**/*.test.ts file in its own Node process (uvu runs a file's
// suites in one process with no isolation; a file per process keeps a crashed or
// hung file from taking the others down), sums uvu's totals, and ends with the
// plain line "N passed, N failed[, N skipped]".
//
//   node scripts/test.mjs              every test file
//   node scripts/test.mjs runtime cli  files whose path contains one of the words
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const FILE_TIMEOUT_MS = Number(process.env.FXBENCH_TEST_FILE_TIMEOUT_MS ?? 300_000);
/** A file may ask for more in its first lines: `// test-timeout: 600 s` (packaging tests install packages). */
const fileTimeoutMs = (file) => {
  const asked = /^\/\/ test-timeout: (\d+) s$/m.exec(readFileSync(file, 'utf8').slice(0, 2000))?.[1];
  return Math.max(FILE_TIMEOUT_MS, asked ? Number(asked) * 1000 : 0);
};
const filters = process.argv.slice(2);

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = find(path.join(root, 'test')).filter((f) => !filters.length || filters.some((w) => f.includes(w)));
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the ANSI colour codes removed here
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
const failedFiles = [];
const started = Date.now();

// Static checks count as one test each: a type error, an import cycle or an
// upward import (scripts/import-graph.mjs), or a formatting/lint finding is a
// defect like any other.
const STATIC_CHECKS = [
  {
    name: 'typecheck',
    title: 'typecheck (tsc --noEmit)',
    args: [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root],
  },
  {
    name: 'imports',
    title: 'imports (scripts/import-graph.mjs: no cycle, no upward import)',
    args: [path.join(root, 'scripts/import-graph.mjs')],
  },
  {
    name: 'lint',
    title: 'format and lint (biome ci)',
    args: [path.join(root, 'node_modules/@biomejs/biome/bin/biome'), 'ci', '--colors=off'],
  },
];
// FXBENCH_TEST_SKIP_STATIC=1: tests only (.ci/run checks the code once, not once per Node).
const skipStatic = process.env.FXBENCH_TEST_SKIP_STATIC === '1';
for (const check of STATIC_CHECKS) {
  if (skipStatic || (filters.length && !filters.includes(check.name))) continue;
  process.stdout.write(`\n# ${check.title}\n`);
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, check.args, { cwd: root, stdio: 'inherit' });
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code === 0) passed++;
  else {
    failed++;
    failedFiles.push(check.name);
  }
}

for (const file of files) {
  const rel = path.relative(root, file);
  process.stdout.write(`\n# ${rel}\n`);
  const t0 = Date.now();
  const timeoutMs = fileTimeoutMs(file);
  const { code, output } = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      process.stdout.write(`\n# ${rel}: timed out after ${timeoutMs / 1000} s, killed\n`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
  const text = strip(output);
  const num = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(text)?.[1] ?? NaN);
  const total = num('Total');
  const p = num('Passed');
  const s = num('Skipped');
  if (Number.isNaN(total)) {
    failed++;
    failedFiles.push(`${rel} (no uvu summary, exit ${code})`);
  } else {
    passed += p;
    skipped += s || 0;
    const f = total - p - (s || 0);
    failed += f;
    if (f > 0) failedFiles.push(`${rel} (${f} failed)`);
    else if (code !== 0) {
      failed++;
      failedFiles.push(`${rel} (exit ${code} after its tests passed)`);
    }
  }
  process.stdout.write(`# ${rel}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

process.stdout.write(`\n${files.length} test files in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
if (failedFiles.length) process.stdout.write(`failed: ${failedFiles.join(', ')}\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed ? 1 : 0);
