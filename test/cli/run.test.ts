// `fxbench run` end to end, as a user runs it: the real CLI in its own process,
// the real local runtime, real HTTP on 127.0.0.1. Checks exit codes, the files
// written, the results.json shape, and that no instance process outlives the
// CLI: after a normal run, after Ctrl-C (SIGINT) and even after SIGKILL.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeHistogram, percentileMs } from '../../src/metrics/histogram.ts';
import type { Result } from '../../src/model/result.ts';
import { alive, descendants, finished, runCli, scratch, startCli, waitFor } from '../helpers/cli.ts';

const F = 'test/fixtures/scenarios';
const tmp = scratch();

const run = suite('fxbench run');

run.after(() => tmp.cleanup());

run('writes results.json and index.html and prints the summary table', async () => {
  const out = path.join(tmp.dir, 'ok');
  const r = await runCli(['run', `${F}/small-burst.ts`, '--out', out]);
  assert.is(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /target\s+phase\s+req\s+err\s+cold\s+p50 ms\s+p90 ms\s+p99 ms\s+max ms\s+init p50\s+\$\/1M inv/,
  );
  assert.match(r.stdout, /local-hello\s+burst #1\s+4\s+0\s+4\s/);
  assert.match(r.stdout, /local-hello\s+burst #2\s+4\s+0\s+0\s/);
  assert.match(r.stderr, /round 2\/2/);

  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  assert.is(result.schemaVersion, 1);
  assert.is(result.tool.name, 'fxbench');
  assert.equal(result.scenario, { name: 'small-burst', file: `${F}/small-burst.ts` });
  assert.ok(
    !Number.isNaN(Date.parse(result.startedAt)) && Date.parse(result.finishedAt) >= Date.parse(result.startedAt),
  );
  assert.is(result.interrupted, false);
  const t = result.targets[0]!;
  assert.equal(
    [t.name, t.provider, t.function, t.memoryMB, t.coldStartMethod],
    ['local-hello', 'local', 'hello', 128, 'provider'],
  );
  assert.is(t.phases.length, 2);
  const p = t.phases[0]!;
  assert.equal(Object.keys(p.latencyMs!).sort(), ['max', 'mean', 'min', 'p50', 'p90', 'p99', 'p999']);
  assert.equal(Object.keys(p.errors).sort(), [
    'function-error',
    'http-4xx',
    'http-5xx',
    'init-error',
    'interrupted',
    'network',
    'out-of-memory',
    'payload-too-large',
    'protocol',
    'throttled',
    'timeout',
  ]);
  assert.is(p.kind, 'burst');
  assert.ok(p.throughputRps > 0);
  assert.ok(p.cost && p.cost.perMillionUSD === p.cost.perInvocationUSD * 1e6 && p.cost.totalUSD > 0);
  // Encoded histograms recompute the summary figures without raw samples.
  const h = decodeHistogram(p.histograms.all);
  assert.is(h.totalCount, 4);
  assert.is(percentileMs(h, 50), p.latencyMs!.p50);
  assert.is(t.summary!.requests, 8);
  assert.ok(!JSON.stringify(result).includes('AWS_SECRET'), 'no secrets');

  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.ok(html.length > 500_000, 'vega, vega-lite and vega-embed are inlined');
  assert.match(html, /<script type="application\/json" id="fxbench-data">\{"spectrum":\[/);
  assert.match(html, /id="chart-latency-spectrum"/);
  assert.not.match(html, /<script[^>]+src=/, 'no external scripts');
  assert.not.match(html, /<link[^>]+href=/, 'no external styles');
});

// scripts/test.mjs has the CLI run from the build (FXBENCH_DIST=1, as installed); in a clone,
// as the README's first command runs it, it runs the sources through tsx: its workers and the
// runtime process as well.
run('in a clone, from the sources (FXBENCH_DIST unset), with --workers 2', async () => {
  const out = path.join(tmp.dir, 'from-source');
  const r = await runCli(['run', `${F}/small-burst.ts`, '--out', out, '--workers', '2'], {
    env: { FXBENCH_DIST: '0' },
  });
  assert.is(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  assert.equal(
    result.targets[0]!.phases.map((p) => [p.requests, p.coldStarts]),
    [
      [4, 4],
      [4, 0],
    ],
  );
});

run('bad input exits 2 with a message naming the file and field, and sends nothing', async () => {
  const out = path.join(tmp.dir, 'bad');
  const r = await runCli(['run', `${F}/bad-type.ts`, '--out', out]);
  assert.is(r.code, 2);
  assert.match(r.stderr, `${F}/bad-type.ts: phases[0].concurrency: expected an integer from 1 to 10000, got "50"`);
  assert.not.ok(existsSync(out), 'no report folder: nothing ran');
});

run('an unknown flag or --target exits 2', async () => {
  const a = await runCli(['run', `${F}/small-burst.ts`, '--concurency', '3']);
  assert.is(a.code, 2);
  assert.match(a.stderr, 'fxbench: unknown option --concurency\n');
  const b = await runCli(['run', `${F}/small-burst.ts`, '--target', 'nope']);
  assert.is(b.code, 2);
  assert.match(b.stderr, /--target: unknown target "nope"; .* has: local-hello/);
});

run('--help and --version', async () => {
  const h = await runCli(['run', '--help']);
  assert.is(h.code, 0);
  assert.match(h.stdout, /--out/);
  assert.match(h.stdout, /Exit codes: 0 ok/);
  const v = await runCli(['--version']);
  assert.is(v.code, 0);
  assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

run('Ctrl-C: stops, writes the partial result with interrupted: true, exits 130, leaves no process', async () => {
  const out = path.join(tmp.dir, 'sigint');
  const child = startCli(['run', `${F}/long-burst.ts`, '--out', out]);
  const seen = new Set<number>();
  await waitFor(
    () => {
      for (const pid of descendants(child.pid!)) seen.add(pid);
      return /round 3\//.test(child.out.stderr);
    },
    30_000,
    'round 3',
  );
  for (const pid of descendants(child.pid!)) seen.add(pid);
  assert.ok(seen.size >= 4, `saw ${seen.size} instance processes`);
  child.kill('SIGINT');
  const r = await finished(child, 20_000);
  assert.is(r.code, 130, r.stderr);
  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  assert.is(result.interrupted, true);
  assert.ok(result.targets[0]!.summary!.requests >= 8 && result.targets[0]!.summary!.requests < 800);
  for (const pid of seen) assert.not.ok(alive(pid), `process ${pid} outlived fxbench`);
});

run('SIGKILL of fxbench itself: the kernel still ends every instance (parent-death signal)', async () => {
  const child = startCli(['run', `${F}/long-burst.ts`, '--out', path.join(tmp.dir, 'sigkill'), '--quiet']);
  let seen: number[] = [];
  await waitFor(() => (seen = descendants(child.pid!)).length >= 4, 30_000, 'instances to start');
  child.kill('SIGKILL');
  await finished(child, 10_000);
  await waitFor(() => seen.every((pid) => !alive(pid)), 5_000, `instances ${seen.join(', ')} to die`);
});

run.run();
