#!/usr/bin/env node
// Runs every test/**/*.test.ts file in its own Node process (uvu runs a file's
// suites in one process with no isolation; a file per process keeps a crashed or
// hung file from taking the others down), several at a time, sums uvu's totals,
// and ends with the plain line "N passed, N failed[, N skipped]".
//
//   node scripts/test.mjs              every test file
//   node scripts/test.mjs runtime cli  files whose path contains one of the words
//
// Environment:
//   FXBENCH_TEST_JOBS=N            files run at once (default: the number of cores).
//                                  1 is the old way: one file after another in path
//                                  order, output printed as it comes.
//   FXBENCH_TEST_SKIP_STATIC=1     no static checks (tsc, import graph, biome): they
//                                  do not depend on the Node, so .ci/run runs them
//                                  once, with the machine's Node, not once per Node.
//   FXBENCH_TEST_SKIP_TOOLING=1    leave out the tests of the developer tooling
//                                  (TOOLING_DIRS: the bench scripts' smoke tests, the
//                                  import graph check), which test our own scripts,
//                                  not the product on the user's Node; .ci/run runs
//                                  them once, with the machine's Node, like the
//                                  static checks. The product's tests run on every Node.
//   FXBENCH_TEST_FILE_TIMEOUT_MS   a file's time limit (default 300 s), then it is killed.
//   FXBENCH_TEST_SOURCE=1          the `fxbench` processes the tests start run the
//                                  TypeScript sources through tsx, as bin/fxbench.mjs
//                                  does in a clone. Otherwise the package is built
//                                  first (scripts/build.mjs, ≈ 7 s) and they run the
//                                  build, as an installed fxbench does
//                                  (FXBENCH_DIST=1): the code users run, and ≈ 15 %
//                                  less CPU per run of the suite (Node 24, 2 cores,
//                                  2026-11-30: 746 against 881 CPU-s, 487 against
//                                  552 s), since every `fxbench` process otherwise
//                                  compiles its sources through tsx as it starts.
//                                  The tests' own imports are of src/ either way.
//                                  A failed build counts as a failed test and the
//                                  files then run from the sources.
//
// Markers in a test file's first lines:
//   // test-timeout: 600 s   the file may take that long (packaging tests install packages)
//   // test-serial: <why>    the file runs alone, nothing else at the same time: its
//                            assertions depend on timing or on having the machine
//                            to itself (latency, late sends, a browser's budget)
//
// With more than one job, the serial files run first, one after another, then the
// others N at a time, the longest first (EXPECTED_S) so the run does not end
// waiting on one long file. Each file's output is held and printed whole when it
// ends, followed by "# <file>: N s" (its own wall time).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const FILE_TIMEOUT_MS = Number(process.env.FXBENCH_TEST_FILE_TIMEOUT_MS ?? 300_000);
const JOBS = Math.max(1, Number(process.env.FXBENCH_TEST_JOBS || os.availableParallelism()) || 1);
/** Tests of developer tooling, not of the product: left out by FXBENCH_TEST_SKIP_TOOLING=1. */
const TOOLING_DIRS = ['test/bench/', 'test/scripts/'];
/**
 * Seconds the slowest files took (Node 20, 2 cores, one file at a time, .ci/run
 * of 2026-11-30). Only the order comes from it, longest first; a file not listed
 * counts as DEFAULT_S. Never a limit.
 */
const EXPECTED_S = {
  'test/bench/gate-smoke.test.ts': 110,
  'test/packaging/local.test.ts': 105,
  'test/fleet/lambda-fleet.test.ts': 80,
  'test/metrics/compare-noise.test.ts': 63,
  'test/bench/runtime-smoke.test.ts': 62,
  'test/report/browser.test.ts': 56,
  'test/cli/interrupt-twice.test.ts': 33,
  'test/capacity/plan-ramp.test.ts': 33,
  'test/cli/compare.test.ts': 29,
  'test/packaging/global.test.ts': 26,
  'test/drivers/local/platform.test.ts': 25,
  'test/cli/outputs.test.ts': 20,
  'test/cli/init.test.ts': 20,
  'test/runtime/process-trees.test.ts': 18,
  'test/drivers/azure/azure.test.ts': 18,
  'test/history/gate.test.ts': 16,
  'test/cli/shard-start-at.test.ts': 15,
  'test/cli/typos-and-help.test.ts': 15,
  'test/report/trend.test.ts': 15,
  'test/scenarios/engine/coordinated-omission.test.ts': 14,
  'test/fleet/k8s-pods.test.ts': 14,
  'test/report/report-cli.test.ts': 14,
  'test/fleet/lambda-deploy.test.ts': 13,
  'test/scenarios/workers/workers.test.ts': 13,
  'test/cli/run.test.ts': 13,
  typecheck: 12,
};
const DEFAULT_S = 3;
/** A file's first lines, where its markers are. */
const head = (file) => readFileSync(file, 'utf8').slice(0, 2000);
/** A file may ask for more in its first lines: `// test-timeout: 600 s` (packaging tests install packages). */
const fileTimeoutMs = (file) => {
  const asked = /^\/\/ test-timeout: (\d+) s$/m.exec(head(file))?.[1];
  return Math.max(FILE_TIMEOUT_MS, asked ? Number(asked) * 1000 : 0);
};
const isSerial = (file) => /^\/\/ test-serial\b/m.test(head(file));
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

const skipTooling = process.env.FXBENCH_TEST_SKIP_TOOLING === '1';
const isTooling = (file) => TOOLING_DIRS.some((d) => path.relative(root, file).startsWith(d));
const found = find(path.join(root, 'test')).filter((f) => !filters.length || filters.some((w) => f.includes(w)));
const files = found.filter((f) => !(skipTooling && isTooling(f)));
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the ANSI colour codes removed here
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
/** [order, text]: printed in the order of the tasks, whatever order they ended in. */
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
const skipStatic = process.env.FXBENCH_TEST_SKIP_STATIC === '1';

/** Everything to run, in path order: the static checks, then the test files. */
const tasks = [
  ...STATIC_CHECKS.filter((c) => !skipStatic && (!filters.length || filters.includes(c.name))).map((c) => ({
    kind: 'check',
    name: c.name,
    title: c.title,
    args: c.args,
    timeoutMs: FILE_TIMEOUT_MS,
    serial: false,
  })),
  ...files.map((file) => {
    const rel = path.relative(root, file);
    return {
      kind: 'file',
      name: rel,
      title: rel,
      args: ['--import', 'tsx', file],
      timeoutMs: fileTimeoutMs(file),
      serial: isSerial(file),
    };
  }),
].map((t, order) => ({ ...t, order }));

// The build the `fxbench` processes of the tests run (FXBENCH_TEST_SOURCE above).
// FXBENCH_DIST_FRESH tells test/helpers/package.ts not to build again before
// packing: a rebuild swaps dist/ under the files running beside it.
if (process.env.FXBENCH_TEST_SOURCE !== '1' && files.length) {
  const t0 = Date.now();
  const built = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
  const took = ((Date.now() - t0) / 1000).toFixed(1);
  if (built.status === 0) {
    process.env.FXBENCH_DIST = '1';
    process.env.FXBENCH_DIST_FRESH = '1';
    process.stdout.write(`# build: ${took} s; fxbench runs from dist/ (FXBENCH_TEST_SOURCE=1: from the sources)\n`);
  } else {
    failed++;
    failedFiles.push([
      -1,
      `build (scripts/build.mjs, exit ${built.status ?? built.signal}): the files ran from the sources`,
    ]);
    process.stdout.write(`# build failed after ${took} s:\n${built.stdout}${built.stderr}\n`);
  }
}

/** Children running now, by PID (each leads its own process group), for a Ctrl-C. */
const running = new Set();
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    for (const pid of running)
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    process.stdout.write(`\n${sig}: ${running.size} test process(es) killed\n`);
    process.exit(130);
  });

/**
 * Runs one task in its own process group; `live` prints its output as it comes
 * (one job), otherwise it is printed whole at the end. Resolves to the exit code
 * and the output.
 */
function runTask(task, live) {
  const t0 = Date.now();
  let text = `\n# ${task.title}\n`;
  const print = (s) => {
    if (live) process.stdout.write(s);
    else text += s;
  };
  if (live) process.stdout.write(text);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, task.args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    running.add(child.pid);
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      print(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      print(`\n# ${task.name}: timed out after ${task.timeoutMs / 1000} s, killed\n`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, task.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child.pid);
      resolve({ code: code ?? (signal ? 128 : 1), output, t0, flush: () => live || process.stdout.write(text) });
    });
  });
}

/** Adds a finished task to the totals and prints its output (if held) and its time. */
function account(task, { code, output, t0, flush }) {
  flush();
  if (task.kind === 'check') {
    if (code === 0) passed++;
    else {
      failed++;
      failedFiles.push([task.order, task.name]);
    }
    process.stdout.write(`# ${task.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return;
  }
  const rel = task.name;
  const text = strip(output);
  const num = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(text)?.[1] ?? NaN);
  const total = num('Total');
  const p = num('Passed');
  const s = num('Skipped');
  if (Number.isNaN(total)) {
    failed++;
    failedFiles.push([task.order, `${rel} (no uvu summary, exit ${code})`]);
  } else {
    passed += p;
    skipped += s || 0;
    const f = total - p - (s || 0);
    failed += f;
    if (f > 0) failedFiles.push([task.order, `${rel} (${f} failed)`]);
    else if (code !== 0) {
      failed++;
      failedFiles.push([task.order, `${rel} (exit ${code} after its tests passed)`]);
    }
  }
  process.stdout.write(`# ${rel}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

const left = found.filter((f) => !files.includes(f)).map((f) => path.relative(root, f));
if (left.length)
  process.stdout.write(`\n# left out (FXBENCH_TEST_SKIP_TOOLING=1: run once elsewhere): ${left.join(', ')}\n`);

if (JOBS === 1) {
  for (const task of tasks) account(task, await runTask(task, true));
} else {
  const expected = (t) => EXPECTED_S[t.name] ?? DEFAULT_S;
  const byLength = (a, b) => expected(b) - expected(a) || a.order - b.order;
  const serial = tasks.filter((t) => t.serial).sort(byLength);
  const queue = tasks.filter((t) => !t.serial).sort(byLength);
  process.stdout.write(
    `\n# ${tasks.length} tasks, ${JOBS} at a time${serial.length ? `; ${serial.length} alone first (test-serial)` : ''}\n`,
  );
  for (const task of serial) account(task, await runTask(task, false));
  const worker = async () => {
    for (let task = queue.shift(); task; task = queue.shift()) account(task, await runTask(task, false));
  };
  await Promise.all(Array.from({ length: Math.min(JOBS, queue.length) }, worker));
}

process.stdout.write(`\n${files.length} test files in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
if (failedFiles.length)
  process.stdout.write(
    `failed: ${failedFiles
      .sort((a, b) => a[0] - b[0])
      .map(([, t]) => t)
      .join(', ')}\n`,
  );
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed ? 1 : 0);
