// fxbench fleet k8s: what goes into the manifest and what is refused before
// anything is written (issue 14, part 2). The Job run as pods is k8s-pods.test.ts.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildK8sJob, type K8sJobRequest } from '../../src/fleet/k8s-job.ts';
import { CONFIGMAP_MAX_BYTES } from '../../src/fleet/k8s-files.ts';
import { jobNameFor, POD_UID, podScript } from '../../src/fleet/k8s-manifest.ts';
import { findResultLines } from '../../src/fleet/k8s-result-line.ts';
import { isFxError, ROOT, runCli, scratch } from '../helpers/cli.ts';

const tmp = scratch('fxbench-k8s-manifest-');
const write = (rel: string, text: string) => {
  const f = path.join(tmp.dir, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
  return f;
};
const scenario = (name: string, extra = '', target = "{ name: 'api', provider: 'http', url: 'http://127.0.0.1:9/' }") =>
  `import { defineScenario, steady } from 'fxbench';\n${extra}\nexport default defineScenario({ name: '${name}', targets: [${target}], phases: [steady({ rate: 10, duration: '2s' })] });\n`;
/** A package installed beside the project (the user's machine has it; the image would not). */
const fakePackage = (dir: string) => {
  write(`${dir}/node_modules/leftpad-fx/package.json`, '{"name":"leftpad-fx","type":"module","main":"index.js"}');
  write(`${dir}/node_modules/leftpad-fx/index.js`, 'export const pad = (s) => s;\n');
};
const request = (file: string, over: Partial<K8sJobRequest> = {}): K8sJobRequest => ({
  scenario: file,
  shards: 4,
  image: 'ghcr.io/example/fxbench:0.1.0',
  startDelayMs: 60_000,
  cpu: '1',
  memory: '512Mi',
  cwd: tmp.dir,
  now: () => Date.parse('2026-11-30T12:00:00.000Z'),
  ...over,
});
type Job = { spec: Record<string, unknown> & { template: { spec: { containers: Record<string, unknown>[] } } } };

// ---
const files = suite('fleet k8s: the files in the ConfigMap');
files.after(() => tmp.cleanup());

files('a scenario with no local import and no config travels as written', async () => {
  const text = scenario('alone');
  write('alone/alone.ts', text);
  const job = await buildK8sJob(request('alone/alone.ts'));
  const cm = job.objects[0] as { data: Record<string, string> };
  assert.equal(cm.data, { 'alone.ts': text });
  const command = (job.objects[1] as Job).spec.template.spec.containers[0]!.command as string[];
  assert.equal(command.slice(0, 2), ['/bin/sh', '-c']);
  assert.match(command[2]!, 'fxbench run "$FXBENCH_SCENARIO_DIR"/alone.ts --shard "$((JOB_COMPLETION_INDEX + 1))/4"');
  assert.not.match(command[2]!, '--config');
});

files('every pod starts its shard at one instant: now + --start-delay; 0 gives none', async () => {
  write('alone/alone.ts', scenario('alone'));
  const job = await buildK8sJob(request('alone/alone.ts'));
  assert.is(job.startAt, '2026-11-30T12:01:00.000Z');
  const env = (o: unknown) => (o as Job).spec.template.spec.containers[0]!.env as { name: string; value: string }[];
  assert.ok(env(job.objects[1]).some((e) => e.name === 'FXBENCH_START_AT' && e.value === job.startAt));
  // The deadline: 1.5 × the planned 2 s, the 60 s wait, and 600 s of slack.
  assert.is((job.objects[1] as Job).spec.activeDeadlineSeconds, Math.ceil((3000 + 60_000) / 1000) + 600);
  const none = await buildK8sJob(request('alone/alone.ts', { startDelayMs: 0 }));
  assert.is(none.startAt, undefined);
  assert.not.ok(env(none.objects[1]).some((e) => e.name === 'FXBENCH_START_AT'));
});

files('an npm package other than fxbench is refused, naming it (exit 2)', async () => {
  fakePackage('pkg');
  write(
    'pkg/pkg.ts',
    scenario(
      'pkg',
      "import { pad } from 'leftpad-fx';\nimport { readFileSync } from 'node:fs';\nvoid pad; void readFileSync;",
    ),
  );
  await isFxError(() => buildK8sJob(request('pkg/pkg.ts')), {
    exitCode: 2,
    file: 'pkg/pkg.ts',
    message: /imports "leftpad-fx": the fxbench image has no npm package but fxbench/,
  });
});

files('targets of the local runtime are refused, naming them (exit 2)', async () => {
  write('local/functions/hello/index.mjs', 'export const handler = async () => 1;\n');
  write(
    'local/bench.config.ts',
    "import { defineConfig } from 'fxbench';\nexport default defineConfig({ functions: { hello: { kind: 'node', code: 'functions/hello', handler: 'index.handler' } }, targets: { 'local-hello': { provider: 'local', function: 'hello' } } });\n",
  );
  write('local/local.ts', scenario('local', '', "'local-hello'"));
  await isFxError(() => buildK8sJob(request('local/local.ts')), {
    exitCode: 2,
    field: 'targets',
    message: /local-hello is a target of the local runtime: each pod would start its own runtime/,
  });
});

files('bad names, counts and quantities: every issue at once (exit 2)', async () => {
  write('alone/alone.ts', scenario('alone'));
  const err = await isFxError(
    () =>
      buildK8sJob(
        request('alone/alone.ts', { name: 'Not_A_Name', shards: 0, image: 'a b', cpu: 'lots', targets: ['nope'] }),
      ),
    { exitCode: 2, field: '--name' },
  );
  assert.equal(err.issues.map((i) => i.field).sort(), ['--cpu', '--image', '--name', '--shards', '--target']);
});

files('files larger than a ConfigMap holds are refused with their sizes', async () => {
  write('big/big.ts', scenario('big', `export const filler = ${JSON.stringify('x'.repeat(CONFIGMAP_MAX_BYTES))};`));
  await isFxError(() => buildK8sJob(request('big/big.ts')), {
    exitCode: 2,
    file: 'big/big.ts',
    message: /more than a ConfigMap holds \(1048576\): big\.ts \d+ B/,
  });
});

files('the Job name comes from the scenario name, as a DNS label', () => {
  assert.is(jobNameFor('steady'), 'fxbench-steady');
  assert.is(jobNameFor('Pr_Gate.v2'), 'fxbench-pr-gate-v2');
  assert.is(jobNameFor('x'.repeat(80)).length, 63);
});

files('the CLI writes nothing when the scenario is refused', async () => {
  fakePackage('pkg');
  write('pkg/pkg.ts', scenario('pkg', "import { pad } from 'leftpad-fx';\nvoid pad;"));
  const out = path.join(tmp.dir, 'job.yaml');
  const r = await runCli(['fleet', 'k8s', 'pkg/pkg.ts', '--shards', '2', '--image', 'x:1', '-o', out], {
    cwd: tmp.dir,
  });
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, 'imports "leftpad-fx"');
  assert.not.ok(existsSync(out));
  const missing = await runCli(['fleet', 'k8s', 'pkg/pkg.ts', '--image', 'x:1'], { cwd: tmp.dir });
  assert.is(missing.code, 2);
  assert.match(missing.stderr, 'shards');
});

files.run();

// ---
const docker = suite('docker/Dockerfile: the image the pods run');

docker('installs fxbench from its npm package and runs as the non-root user the Job asks for', () => {
  const text = readFileSync(path.join(ROOT, 'docker/Dockerfile'), 'utf8');
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    engines: { node: string };
  };
  const from = /^FROM node:(\d+)-/m.exec(text);
  assert.ok(from, 'FROM node:<major>-…');
  assert.ok(Number(from![1]) >= Number(/\d+/.exec(pkg.engines.node)![0]), 'a Node the package supports');
  assert.match(text, `ARG FXBENCH_PACKAGE=fxbench@${pkg.version}`);
  assert.match(text, /npm install --global [^\n]*"\$FXBENCH_PACKAGE"/);
  // The official Node images' `node` user is uid 1000: what the pods' securityContext sets.
  assert.match(text, /^USER node$/m);
  assert.is(POD_UID, 1000);
});

docker.run();

// ---
const script = suite('fleet k8s: the pod script (with a stand-in fxbench)');
const pod = scratch('fxbench-k8s-script-');
script.after(() => pod.cleanup());

/** Runs podScript through /bin/sh with a stand-in `fxbench` that writes a result and exits with FAKE_RC. */
function runScript(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const bin = path.join(pod.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  // Writes {"shard": …} to --out/results.json (the last two words before --quiet are --out DIR), echoes its argv.
  writeFileSync(
    path.join(bin, 'fxbench'),
    '#!/bin/sh\necho "argv: $*"\nwhile [ $# -gt 0 ]; do if [ "$1" = --out ]; then out=$2; fi; shift; done\n' +
      'mkdir -p "$out" && [ -z "$FAKE_EMPTY" ] && printf \'{"fake":true}\' > "$out/results.json"\nexit "$FAKE_RC"\n',
    { mode: 0o755 },
  );
  const text = podScript({ shards: 3, files: { scenarioKey: 's.ts', files: [] }, targets: ['api'] });
  const t0 = Date.now();
  const child = spawn('/bin/sh', ['-c', text], {
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      TMPDIR: pod.dir,
      FXBENCH_SCENARIO_DIR: '/mnt/s',
      JOB_COMPLETION_INDEX: '1',
      FAKE_RC: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 })));
}

script('runs shard JOB_COMPLETION_INDEX+1 of N and prints the result line', async () => {
  const r = await runScript({});
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'argv: run /mnt/s/s.ts --shard 2/3 --target api --out ');
  const found = findResultLines(r.stdout);
  assert.is(found.length, 1);
  assert.is(found[0]!.shard, '2/3');
  assert.is(found[0]!.json, '{"fake":true}');
});

script(
  'FXBENCH_START_AT goes to fxbench run --start-at (it waits in-process and splits bursts); none without it',
  async () => {
    const at = new Date(Date.now() + 1500).toISOString();
    const r = await runScript({ FXBENCH_START_AT: at });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, `argv: run /mnt/s/s.ts --shard 2/3 --start-at ${at} --target api --out `);
    const none = await runScript({});
    assert.not.match(none.stdout, '--start-at');
  },
);

script('exit 1 (thresholds on the share) becomes 0; other codes stay, the result still printed', async () => {
  const thresholds = await runScript({ FAKE_RC: '1' });
  assert.is(thresholds.code, 0);
  assert.is(findResultLines(thresholds.stdout).length, 1);
  const failed = await runScript({ FAKE_RC: '3' });
  assert.is(failed.code, 3);
  assert.is(findResultLines(failed.stdout).length, 1);
  const bad = await runScript({ FAKE_RC: '2', FAKE_EMPTY: '1' });
  assert.is(bad.code, 2);
  assert.is(findResultLines(bad.stdout).length, 0, 'no result, no line');
});

script.run();
