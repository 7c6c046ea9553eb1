// fxbench against the REAL @google-cloud/functions-framework (npm devDependency),
// as a user runs it: the `fxbench` CLI, one run per round, the function's
// process restarted between rounds (a new process = a new instance = one cold
// start). Every count is checked against server-side truth: the function appends
// a line per process and per invocation (test/thirdparty/fixtures/ff-function.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { alive, ROOT, runCli, scratch } from '../helpers/cli.ts';
import type { Result } from '../../src/model/result.ts';

const FUNCTION = path.join(ROOT, 'test/thirdparty/fixtures/ff-function.mjs');
const children: ChildProcess[] = [];

/** Starts one Functions Framework process; resolves with its URL once its port is open (15 s at most). */
function serve(truthLog: string): Promise<{ url: string; child: ChildProcess }> {
  // stderr kept, not printed: the framework logs every thrown error's stack there.
  const child = spawn(process.execPath, [FUNCTION, truthLog], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c) => (err = (err + c).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`functions framework did not start within 15 s:\n${err}`)), 15_000);
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[1]}/hello`, child });
      }
    });
  });
}

/** Stops a process by its PID and waits for it to be gone (5 s at most). */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid!, 'SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  }
  assert.not.ok(alive(child.pid!), `functions framework ${child.pid} stopped`);
}

/** Truth lines of one kind, per PID. */
function truth(log: string): { processes: number[]; invocations: number; throws: number } {
  const lines = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
  return {
    processes: lines.filter((l) => l.startsWith('process ')).map((l) => Number(l.split(' ')[1])),
    invocations: lines.filter((l) => l.startsWith('invoke ')).length,
    throws: lines.filter((l) => l.startsWith('throw ')).length,
  };
}

const ff = suite('third-party: @google-cloud/functions-framework, restarted between rounds');
ff.after.each(async () => {
  for (const c of children.splice(0)) await stop(c);
});

ff(
  '3 rounds × (new process, burst 4 × 3): cold starts = processes, invocations = handler lines, errors = throws, cost per request',
  async () => {
    const tmp = scratch('fxbench-ff-');
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), '{"type":"module"}\n');
      const rows: {
        round: number;
        truth: ReturnType<typeof truth>;
        t: Result['targets'][number];
        samples: { latencyUs: number; costUSD?: number; status: number }[];
      }[] = [];
      for (let round = 1; round <= 3; round++) {
        const log = path.join(tmp.dir, `truth-${round}.log`);
        writeFileSync(log, '');
        const { url, child } = await serve(log);
        const file = path.join(tmp.dir, `ff-${round}.ts`);
        writeFileSync(
          file,
          `export default { name: 'ff-round-${round}', targets: [{ name: 'ff', provider: 'gcf', url: '${url}', auth: 'none', memoryMB: 256 }], phases: [{ kind: 'burst', concurrency: 4, rounds: 3, gap: 50 }] };\n`,
        );
        const out = path.join(tmp.dir, `out-${round}`);
        const samples = path.join(tmp.dir, `samples-${round}.ndjson`);
        const run = await runCli(['run', file, '-o', out, '--samples', samples, '-q', '--no-history'], {
          cwd: tmp.dir,
          timeoutMs: 60_000,
        });
        assert.is(run.code, 0, `fxbench run exit code (stderr: ${run.stderr})`);
        await stop(child);
        const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
        const sampled = readFileSync(samples, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        rows.push({ round, truth: truth(log), t: result.targets[0]!, samples: sampled });
      }
      for (const { round, truth: tr, t, samples } of rows) {
        const s = t.summary!;
        const at = `round ${round}`;
        assert.is(t.error, undefined, at);
        // Server-side truth: one process per round, 12 handler runs, every 3rd threw.
        assert.is(tr.processes.length, 1, `${at}: processes started`);
        assert.equal([tr.invocations, tr.throws], [12, 4], `${at}: truth`);
        // fxbench: every invocation counted once, the throws as function errors (the framework's 500).
        assert.is(s.requests, tr.invocations, `${at}: requests = handler lines`);
        assert.is(s.errors['function-error'], tr.throws, `${at}: function errors = throws`);
        assert.is(s.ok, tr.invocations - tr.throws, `${at}: ok`);
        // Cold starts: exactly the new process, by the instance-id snippet, seen in the first burst round.
        assert.is(t.coldStartMethod, 'instance-id', at);
        assert.is(s.coldStarts, tr.processes.length, `${at}: cold starts = processes started`);
        assert.equal(
          t.phases.map((p) => p.coldStarts),
          [1, 0, 0],
          `${at}: cold starts per burst round`,
        );
        // Cost: gen2 request-based, every request billed (errors too): $0.0000004 + (0.167 vCPU × $0.000024 +
        // 0.25 GiB × $0.0000025) per second of the invocation's latency rounded up to 100 ms (cloud.google.com/run/pricing, 2025-07).
        assert.is(samples.length, tr.invocations, `${at}: one sample per handler run`);
        const gen2 = (latencyUs: number) => {
          const sec = (Math.max(1, Math.ceil(latencyUs / 1000 / 100)) * 100) / 1000;
          return 0.0000004 + 0.167 * sec * 0.000024 + 0.25 * sec * 0.0000025;
        };
        console.log(
          `functions-framework ${at}, truth vs fxbench: invocations ${tr.invocations} vs ${s.requests}, cold starts ${tr.processes.length} process vs ${s.coldStarts} (instances ${s.instances}), errors ${tr.throws} vs ${s.errors['function-error']}, cost $${samples.reduce((a, x) => a + gen2(x.latencyUs), 0).toPrecision(6)} (gen2 rules, every request) vs $${s.cost?.totalUSD.toPrecision(6)}`,
        );
        let expected = 0;
        for (const x of samples) {
          const usd = gen2(x.latencyUs);
          assert.ok(
            x.costUSD !== undefined && Math.abs(x.costUSD - usd) < 1e-15,
            `${at}: HTTP ${x.status} sample of ${x.latencyUs} µs costs ${x.costUSD}, expected ${usd}`,
          );
          expected += usd;
        }
        assert.ok(s.cost, `${at}: costed`);
        assert.ok(Math.abs(s.cost!.totalUSD - expected) < 1e-12, `${at}: total ${s.cost!.totalUSD} vs ${expected}`);
        // Distinct instances across the run: the one process.
        assert.is(s.instances, tr.processes.length, `${at}: distinct instances = processes`);
      }
      // Three rounds, three processes, three distinct PIDs.
      assert.is(new Set(rows.map((r) => r.truth.processes[0])).size, 3);
    } finally {
      tmp.cleanup();
    }
  },
);

ff.run();
