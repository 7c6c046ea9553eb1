// test-timeout: 240 s
// fxbench fleet k8s without a cluster (issue 14, part 2): the manifest the CLI
// writes passes the Kubernetes API schemas, and its pod command, run N times
// here as a pod would run it (/bin/sh -c, JOB_COMPLETION_INDEX set, the
// ConfigMap's files in FXBENCH_SCENARIO_DIR, fxbench on PATH), loads a steady
// scenario against a 127.0.0.1 server; the pods' stdout, taken as their logs,
// merges with `fxbench merge` into counters and histograms equal to the sum of
// the shards, and as many requests as the scenario plans.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { findResultLines } from '../../src/fleet/k8s-result-line.ts';
import { validateObjects } from '../../src/fleet/k8s-manifest.ts';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import type { Result } from '../../src/model/result.ts';
import { BIN, runCli, scratch } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

const SHARDS = 3;
const RATE = 30;
const SECONDS = 2;

const test = suite('fleet k8s: the Job, run as its pods would run');
const tmp = scratch('fxbench-k8s-pods-');
let server: TestServer;
test.before(async () => {
  server = await startServer('trivial');
});
test.after(() => {
  server?.stop();
  tmp.cleanup();
});

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, read field by field below
type Obj = { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: any };
let objects: Obj[] = [];
const project = path.join(tmp.dir, 'project');

test('fleet k8s writes a ConfigMap and an Indexed Job that pass the API schemas', async () => {
  mkdirSync(path.join(project, 'lib'), { recursive: true });
  mkdirSync(path.join(project, 'functions/hello'), { recursive: true });
  writeFileSync(path.join(project, 'functions/hello/index.mjs'), 'export const handler = async () => 1;\n');
  // A config with a local function (its folder is not in the pod: the wrapper drops it) and the http target.
  writeFileSync(
    path.join(project, 'bench.config.ts'),
    `import { defineConfig } from 'fxbench';
export default defineConfig({
  functions: { hello: { kind: 'node', code: 'functions/hello', handler: 'index.handler' } },
  targets: { api: { provider: 'http', url: process.env.FX_URL ?? ${JSON.stringify(`${server.url}/`)}, method: 'GET' } },
});
`,
  );
  // The scenario imports a local file: it is bundled into the ConfigMap.
  writeFileSync(path.join(project, 'lib/rate.ts'), `export const RATE = ${RATE};\n`);
  writeFileSync(
    path.join(project, 'steady.ts'),
    `import { defineScenario, steady } from 'fxbench';
import { RATE } from './lib/rate.ts';
export default defineScenario({
  name: 'k8s-steady',
  targets: ['api'],
  phases: [steady({ rate: RATE, duration: '${SECONDS}s' })],
  thresholds: { 'errors.rate': '< 0.01', 'requests.count': '== ${RATE * SECONDS}' },
});
`,
  );
  const job = path.join(tmp.dir, 'job.yaml');
  const r = await runCli(
    [
      'fleet',
      'k8s',
      'steady.ts',
      '--shards',
      String(SHARDS),
      '--image',
      'ghcr.io/example/fxbench:0.1.0',
      '--start-delay',
      '4s',
      '-o',
      job,
    ],
    { cwd: project },
  );
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, 'steady.bundle.mjs: steady.ts and 1 local file it imports, bundled');
  objects = parseAllDocuments(readFileSync(job, 'utf8')).map((d) => d.toJS() as Obj);
  assert.equal(
    objects.map((o) => o.kind),
    ['ConfigMap', 'Job'],
  );
  const [cm, j] = objects as [Obj, Obj];
  assert.equal(Object.keys(cm.data!).sort(), ['bench.config.mjs', 'steady.bundle.mjs', 'user.config.ts']);
  assert.is(j.spec.completionMode, 'Indexed');
  assert.is(j.spec.completions, SHARDS);
  assert.is(j.spec.parallelism, SHARDS);
  const pod = j.spec.template.spec;
  assert.is(pod.securityContext.runAsNonRoot, true);
  assert.is(pod.volumes[0].configMap.name, cm.metadata.name);
  assert.match(pod.containers[0].command[2], `--shard "$((JOB_COMPLETION_INDEX + 1))/${SHARDS}"`);
  // The same check the command made before writing, on what was written.
  await validateObjects(objects as never);
});

test('a manifest the API would refuse fails the schema check, naming the field', async () => {
  const broken = structuredClone(objects[1]!);
  broken.spec.parallelism = 'three';
  broken.spec.template.spec.containers[0].resources.limits.cpu = { many: true };
  let err: Error | undefined;
  try {
    await validateObjects([broken as never]);
  } catch (e) {
    err = e as Error;
  }
  assert.ok(err, 'expected a refusal');
  assert.match(err!.message, 'Job.spec.parallelism: must be integer');
});

/** Runs the Job's container command as pod `index` would: /bin/sh -c, its env, the ConfigMap mounted. */
function runPod(
  index: number,
  mount: string,
  shim: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const container = (objects[1] as Obj).spec.template.spec.containers[0];
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const e of container.env as { name: string; value: string }[]) env[e.name] = e.value;
  // What the pod's mounts give: the ConfigMap's folder, a private /tmp.
  env.FXBENCH_SCENARIO_DIR = mount;
  env.TMPDIR = path.join(tmp.dir, `tmp-${index}`);
  mkdirSync(env.TMPDIR, { recursive: true });
  env.JOB_COMPLETION_INDEX = String(index);
  env.PATH = `${shim}:${env.PATH}`;
  const [cmd, ...args] = container.command as string[];
  const child = spawn(cmd!, args, { env, cwd: env.TMPDIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

test('N pods run their shards; fxbench merge of their logs adds up exactly', async () => {
  const mount = path.join(tmp.dir, 'mount');
  mkdirSync(mount);
  for (const [key, text] of Object.entries((objects[0] as Obj).data!)) writeFileSync(path.join(mount, key), text);
  const shim = path.join(tmp.dir, 'bin');
  mkdirSync(shim);
  writeFileSync(
    path.join(shim, 'fxbench'),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`,
  );
  chmodSync(path.join(shim, 'fxbench'), 0o755);

  const pods = await Promise.all(Array.from({ length: SHARDS }, (_, i) => runPod(i, mount, shim)));
  const logs = pods.map((p, i) => {
    assert.is(p.code, 0, `pod ${i}: ${p.stderr}`);
    const f = path.join(tmp.dir, `pod-${i}.log`);
    // kubectl logs interleaves stdout and stderr: so does the saved log.
    writeFileSync(f, `${p.stderr}${p.stdout}`);
    return f;
  });
  const shards = pods.map((p, i) => {
    const lines = findResultLines(p.stdout);
    assert.is(lines.length, 1, `pod ${i} prints one result line`);
    assert.is(lines[0]!.shard, `${i + 1}/${SHARDS}`);
    return JSON.parse(lines[0]!.json!) as Result;
  });

  const phase = (r: Result) => r.targets[0]!.phases[0]!;
  const out = path.join(tmp.dir, 'merged.json');
  const m = await runCli(['merge', ...logs, '-o', out]);
  // On failure, what each shard did (a send dropped at the schedule's end, an error) next to merge's own words.
  const did = shards.map((r, i) => {
    const p = phase(r);
    return `shard ${i + 1}: ${p.requests} requests, ${p.ok} ok, late ${p.late ?? 0}, dropped ${p.dropped ?? 0}, errors ${JSON.stringify(p.errors)}`;
  });
  assert.is(m.code, 0, `${m.stderr}\n${did.join('\n')}`);
  assert.match(m.stderr, /shards started within \d+ ms of each other/);
  const merged = JSON.parse(readFileSync(out, 'utf8')) as Result;
  const sum = (f: (r: Result) => number) => shards.reduce((a, r) => a + f(r), 0);
  // As many requests as planned: rate × duration, split over the shards.
  assert.is(phase(merged).requests, RATE * SECONDS);
  assert.is(
    phase(merged).requests,
    sum((r) => phase(r).requests),
  );
  assert.is(
    phase(merged).ok,
    sum((r) => phase(r).ok),
  );
  for (const cls of Object.keys(phase(merged).errors) as (keyof Result['targets'][0]['phases'][0]['errors'])[])
    assert.is(
      phase(merged).errors[cls],
      sum((r) => phase(r).errors[cls]),
      cls,
    );
  assert.is(
    phase(merged).bytesIn,
    sum((r) => phase(r).bytesIn),
  );
  // Histograms: the merged one holds every shard's samples, bucket for bucket.
  const all = decodeHistogram(phase(merged).histograms.all);
  const parts = shards.map((r) => decodeHistogram(phase(r).histograms.all));
  assert.is(
    all.totalCount,
    parts.reduce((a, h) => a + h.totalCount, 0),
  );
  // getCountAtValue is in hdr-histogram-js's JS histograms, not in its type definitions.
  const countAt = (h: unknown, v: number) => (h as { getCountAtValue(v: number): number }).getCountAtValue(v);
  for (let v = 1; v < 10_000_000; v = Math.ceil(v * 1.01))
    assert.is(
      countAt(all, v),
      parts.reduce((a, h) => a + countAt(h, v), 0),
      `bucket at ${v} µs`,
    );
  assert.is(phase(merged).latencyMs!.max, Math.max(...shards.map((r) => phase(r).latencyMs!.max)));
  // The thresholds the shards carried, judged again on the whole: requests.count == 60 holds only merged.
  assert.equal(
    merged.thresholds.map((t) => [t.metric, t.ok]),
    [
      ['errors.rate', true],
      ['requests.count', true],
    ],
  );
  assert.ok(shards.every((r) => r.thresholds.find((t) => t.metric === 'requests.count')?.ok === false));
  const served = Number(await (await fetch(`${server.url}/count`)).text());
  assert.ok(served >= RATE * SECONDS, `the server answered ${served}`);
});

test.run();
