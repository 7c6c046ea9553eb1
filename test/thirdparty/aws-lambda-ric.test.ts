// fxbench's lambda driver against AWS's REAL runtime interface client
// (`aws-lambda-ric`, npm devDependency; its install builds curl and
// aws-lambda-cpp natively, so .ci/run installs the build tools), driven through
// a minimal Lambda service written from the documented Runtime API and Invoke API
// (test/helpers/lambda-runtime-api.ts): the runtime asks that service for events;
// fxbench invokes through it with `endpoint:`, as a user points it at an emulator.
// The runtime process is restarted between rounds (a new execution environment:
// one cold start). Every count is checked against the handler's own log lines and
// the service's record of what ran; costs against the REPORT lines it sent.
// test-timeout: 300 s
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LAMBDA_PRICES } from '../../src/cost/prices.ts';
import type { Result } from '../../src/model/result.ts';
import { alive, ROOT, runCli, scratch } from '../helpers/cli.ts';
import { LambdaRuntimeApi } from '../helpers/lambda-runtime-api.ts';

const RIC = path.join(ROOT, 'node_modules/aws-lambda-ric/index.mjs');
const TASK_ROOT = path.join(ROOT, 'test/thirdparty/fixtures/ric-function');
const MEMORY_MB = 256;
let api: LambdaRuntimeApi | null = null;

const ric = suite('third-party: aws-lambda-ric through a Runtime API emulator, restarted between rounds');
ric.after.each(async () => {
  await api?.close();
  for (const pid of api?.processes ?? []) assert.not.ok(alive(pid), `runtime ${pid} stopped`);
  api = null;
});

ric(
  '3 rounds × (new runtime process, 2 phases): invocations, cold starts, errors, init and cost = the truth; first phase priced at the REPORT memory',
  async () => {
    const tmp = scratch('fxbench-ric-');
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
      api = new LambdaRuntimeApi('ric-hello', MEMORY_MB);
      await api.listen();
      const price = LAMBDA_PRICES.x86_64;
      for (let round = 1; round <= 3; round++) {
        const at = `round ${round}`;
        const log = path.join(tmp.dir, `truth-${round}.log`);
        writeFileSync(log, '');
        const before = api.invocations.length;
        const pid = await api.startRuntime(process.execPath, [RIC], {
          cwd: TASK_ROOT,
          env: { _HANDLER: 'index.handler', FXBENCH_TRUTH_LOG: log },
        });
        const file = path.join(tmp.dir, `ric-${round}.ts`);
        writeFileSync(
          file,
          `export default { name: 'ric-${round}', targets: [{ name: 'ric', provider: 'lambda', function: 'ric-hello', region: 'us-east-1', endpoint: '${api.url}' }], phases: [{ name: 'first', kind: 'burst', concurrency: 1, rounds: 3, gap: 10 }, { name: 'second', kind: 'burst', concurrency: 2, rounds: 2, gap: 10 }] };\n`,
        );
        const out = path.join(tmp.dir, `out-${round}`);
        const run = await runCli(['run', file, '-o', out, '--no-history'], {
          cwd: tmp.dir,
          timeoutMs: 90_000,
          env: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
        });
        await api.stopRuntime();
        assert.not.ok(alive(pid), `${at}: runtime ${pid} stopped`);
        assert.is(run.code, 0, `${at}: fxbench run exit code\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
        const lines = readFileSync(log, 'utf8').trim().split('\n');
        const tr = {
          processes: lines.filter((l) => l.startsWith('process ')).length,
          invocations: lines.filter((l) => l.startsWith('invoke ')).length,
          throws: lines.filter((l) => l.startsWith('throw ')).length,
        };
        const ran = api.invocations.slice(before);
        // Truth: one runtime process; 3 + 4 handler runs, every 3rd threw; the service ran exactly those.
        assert.equal(tr, { processes: 1, invocations: 7, throws: 2 }, `${at}: handler truth`);
        assert.equal(
          [ran.length, ran.filter((r) => r.cold).length, ran.filter((r) => r.error).length],
          [7, 1, 2],
          `${at}: service truth`,
        );
        const t = (JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result).targets[0]!;
        const s = t.summary!;
        // The cost of these invocations from the REPORT lines the service sent (billed ms at 256 MB).
        const usd = (rs: typeof ran) =>
          rs.reduce(
            (sum, r) => sum + price.perRequestUSD + (MEMORY_MB / 1024) * (r.billedMs / 1000) * price.perGBSecondUSD,
            0,
          );
        // One line per round in the test output: server-side truth vs fxbench (the closing table).
        console.log(
          `aws-lambda-ric ${at}, truth vs fxbench: invocations ${tr.invocations} vs ${s.requests}, cold starts ${tr.processes} vs ${s.coldStarts}, errors ${tr.throws} vs ${s.errors['function-error']}, cost $${usd(ran).toPrecision(6)} (REPORT billed ms) vs $${s.cost?.totalUSD.toPrecision(6)}`,
        );
        assert.is(t.error, undefined, at);
        // Invocations: every handler run is one fxbench request; control-plane calls ran nothing.
        assert.is(
          s.requests,
          tr.invocations,
          `${at}: requests = handler runs (control-plane calls: ${api.controlRequests.join(', ')})`,
        );
        // Errors: a thrown error is 200 + X-Amz-Function-Error: Unhandled → function-error.
        assert.is(s.errors['function-error'], tr.throws, `${at}: function errors = throws`);
        assert.is(s.ok, tr.invocations - tr.throws, at);
        // Cold starts: by the REPORT line's Init Duration, exactly the new process, in the first phase.
        assert.is(t.coldStartMethod, 'provider', at);
        assert.is(s.coldStarts, tr.processes, `${at}: cold starts = processes started`);
        // One result per burst round: first ×3, then second ×2.
        assert.equal(
          t.phases.map((p) => `${p.name}:${p.coldStarts}`),
          ['first:1', 'first:0', 'first:0', 'second:0', 'second:0'],
          `${at}: per phase round`,
        );
        const initMs = ran.find((r) => r.cold)!.initMs!;
        // Within the histograms' resolution (3 significant digits: 0.1%) of the REPORT's Init Duration.
        assert.ok(
          Math.abs(s.initDurationMs!.max - initMs) <= Math.max(0.01, initMs * 0.001),
          `${at}: init ${s.initDurationMs!.max} vs ${initMs}`,
        );
        // Nothing was forced or changed: the service has no control plane.
        assert.ok(
          t.phases.every((p) => p.forcedCold !== true),
          `${at}: forcedCold never claimed`,
        );
        // Memory and cost from the REPORT lines, from the first phase on.
        assert.is(t.memoryMB, MEMORY_MB, `${at}: memory from REPORT`);
        // The first phase (its 3 rounds, the cold start among them) at the REPORT's 256 MB, not an assumed 128.
        const first = t.phases.filter((p) => p.name === 'first').reduce((sum, p) => sum + p.cost!.totalUSD, 0);
        assert.ok(
          Math.abs(first - usd(ran.slice(0, 3))) < 1e-12,
          `${at}: first phase ${first} vs ${usd(ran.slice(0, 3))} at ${MEMORY_MB} MB`,
        );
        assert.ok(Math.abs(s.cost!.totalUSD - usd(ran)) < 1e-12, `${at}: total ${s.cost!.totalUSD} vs ${usd(ran)}`);
      }
      assert.is(new Set(api.processes).size, 3, 'three runtime processes');
    } finally {
      tmp.cleanup();
    }
  },
);

ric(
  'a handler the runtime cannot find: the runtime posts /init/error, every invocation is an init-error, no handler runs',
  async () => {
    const tmp = scratch('fxbench-ric-');
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
      api = new LambdaRuntimeApi('ric-broken', MEMORY_MB);
      await api.listen();
      const log = path.join(tmp.dir, 'truth.log');
      writeFileSync(log, '');
      await api.startRuntime(process.execPath, [RIC], {
        cwd: TASK_ROOT,
        env: { _HANDLER: 'index.noSuchHandler', FXBENCH_TRUTH_LOG: log },
      });
      const file = path.join(tmp.dir, 'broken.ts');
      writeFileSync(
        file,
        `export default { name: 'broken', targets: [{ name: 'ric', provider: 'lambda', function: 'ric-broken', region: 'us-east-1', endpoint: '${api.url}' }], phases: [{ kind: 'burst', concurrency: 1, rounds: 3, gap: 10 }] };\n`,
      );
      const out = path.join(tmp.dir, 'out');
      const run = await runCli(['run', file, '-o', out, '--no-history'], {
        cwd: tmp.dir,
        timeoutMs: 90_000,
        env: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      });
      await api.stopRuntime();
      assert.is(run.code, 0, `exit code\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      // Truth: the module loaded once, its handler never ran; the service answered 3 invocations with the init error.
      assert.equal(
        [lines.filter((l) => l.startsWith('process ')).length, lines.filter((l) => l.startsWith('invoke ')).length],
        [1, 0],
      );
      assert.equal([api.invocations.length, api.invocations.filter((r) => r.error).length], [3, 3]);
      assert.equal(api.initErrors, ['Runtime.HandlerNotFound'], 'what the runtime posted to /init/error');
      const s = (JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result).targets[0]!.summary!;
      console.log(
        `aws-lambda-ric init failure, truth vs fxbench: invocations 3 (0 handler runs) vs ${s.requests}, errors 3 ${api.initErrors.join()} vs ${JSON.stringify(s.errors)}`,
      );
      assert.equal([s.requests, s.ok, s.errors['init-error']], [3, 0, 3], 'each invocation an init-error');
    } finally {
      tmp.cleanup();
    }
  },
);

ric.run();
