// The local runtime is a platform in its own process: `fxbench run` (a real CLI
// process) starts one runtime process beside the generator, every instance is
// that process's child, or its spawner's (spawner.py, the runtime's child, where
// there is python3), not the generator's, and `--workers 2` shares it (the
// same 4 instances and 4 cold starts as `--workers 1`). `--runtime URL` points
// the run at a running `fxbench serve` (no runtime started); a URL where nothing
// answers is exit 2 before any load. Adding functions over HTTP takes the run's
// token; `fxbench serve` offers no such path. All on 127.0.0.1, every process
// stopped by PID.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Result } from '../../../src/model/result.ts';
import { spawnerAvailable } from '../../../src/runtime/spawner.ts';
import { alive, finished, runCli, scratch, startCli, waitFor } from '../../helpers/cli.ts';

const CONFIG = 'test/fixtures/local-platform/bench.config.ts';
const SCENARIO = 'test/fixtures/local-platform/burst.ts';
const tmp = scratch();

/** PPID and command line of `pid`, or null once gone. */
function proc(pid: number): { ppid: number; cmd: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return { ppid, cmd };
  } catch {
    return null;
  }
}

function readdirPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** Runs the burst; while it runs, finds the runtime process(es) and their node instances. */
async function runBurst(
  args: string[],
): Promise<{ result: Result; runtimes: number[]; spawners: number[]; instances: Set<number>; stdout: string }> {
  const out = path.join(tmp.dir, `run-${args.join('-').replace(/\W+/g, '_')}`);
  const cli = startCli(['run', SCENARIO, '--config', CONFIG, '--out', out, '--no-history', ...args]);
  const done = finished(cli, 90_000);
  const runtimes = new Set<number>();
  const spawners = new Set<number>();
  const instances = new Set<number>();
  const builders = new Set<number>();
  const all = () => {
    const mine = new Set<number>([cli.pid!]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const p of readdirPids()) {
        const pp = proc(p)?.ppid;
        if (pp !== undefined && mine.has(pp) && !mine.has(p)) {
          mine.add(p);
          grew = true;
        }
      }
    }
    return mine;
  };
  let ended = false;
  void done.then(() => (ended = true));
  while (!ended) {
    for (const p of all()) {
      const info = proc(p);
      if (!info) continue;
      // A child of the runtime between its fork and its exec still shows the runtime's command line:
      // it is not a second runtime (seen once in ~20 runs: "runtime processes seen: 18276, 18293").
      const forkOfRuntime = runtimes.has(info.ppid) || proc(info.ppid)?.cmd.includes('server-main');
      if (info.cmd.includes('server-main') && !forkOfRuntime) runtimes.add(p);
      if (runtimes.has(info.ppid) && info.cmd.includes('spawner.py')) spawners.add(p);
      const parent = runtimes.has(info.ppid) || spawners.has(info.ppid);
      // The startup snapshot's builder (snapshot.ts: `node … --build-snapshot bootstrap-core.cjs`) runs
      // once per memory size and cache miss, at registration, before the first request; not an instance.
      const builder = info.cmd.includes('--build-snapshot');
      if (parent && builder) builders.add(p);
      const helper = builder || info.cmd.includes('fxbench-reaper') || info.cmd.includes('server-main'); // reaper, or a fork not yet exec'd
      if (parent && /bootstrap|node/.test(info.cmd) && !helper) instances.add(p);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const r = await done;
  assert.is(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  for (const p of [...runtimes, ...spawners, ...instances, ...builders])
    assert.not.ok(alive(p), `process ${p} outlived the run`);
  return { result, runtimes: [...runtimes], spawners: [...spawners], instances, stdout: r.stdout };
}

const test = suite('the local runtime is a process of its own, shared by every generator');

for (const workers of [1, 2]) {
  test(`--workers ${workers}: one runtime process; 4 instances, its children; 4 cold starts`, async () => {
    const { result, runtimes, spawners, instances, stdout } = await runBurst(['--workers', String(workers)]);
    assert.is(runtimes.length, 1, `runtime processes seen: ${runtimes.join(', ')}`);
    assert.is(spawners.length, spawnerAvailable() ? 1 : 0, `spawners seen under the runtime: ${spawners.join(', ')}`);
    assert.is(instances.size, 4, `instances seen under the runtime: ${[...instances].join(', ')}`);
    const phase = result.targets[0]!.phases[0]!;
    assert.is(phase.requests, 4);
    assert.is(phase.ok, 4);
    assert.is(phase.coldStarts, 4);
    assert.is(phase.instances, 4);
    // How simultaneous the round was, as the runtime stamped it.
    const a = phase.arrival!;
    assert.ok(a, 'arrival spread reported');
    assert.is(a.stamped, 4);
    assert.ok(a.spreadMs >= 0 && a.spreadMs === Math.round((a.lastAcceptedMs - a.firstAcceptedMs) * 1000) / 1000);
    assert.ok(a.coldBeginSpreadMs !== null && a.coldBeginSpreadMs >= 0);
    assert.ok(a.shortestColdBusyMs !== null && a.shortestColdBusyMs >= 1500, `busy ${a.shortestColdBusyMs}`);
    assert.is(a.notAllCold, undefined);
    assert.match(stdout, /arrival local-slow\/burst: 4 accepted over [\d.]+ ms, cold starts began over [\d.]+ ms/);
    // Where the 4 inits went, as the runtime read each instance's main thread at ready: a Node start's
    // CPU (tens of ms), a wait for a CPU, inside the init's wall time; the one line says so when the
    // wait outweighed the CPU (4 Node processes booting at once on this machine's cores).
    const split = phase.initSplit!;
    assert.ok(split, 'init split reported');
    assert.is(split.observed, 4);
    assert.ok(split.cpuMs > 5 && split.waitMs >= 0, JSON.stringify(split));
    assert.ok(split.cpuMs + split.waitMs <= split.initMs + 1, JSON.stringify(split));
    const line =
      /init local-slow\/burst: of [\d,.]+ ms init \(mean of 4 cold starts\), [\d,.]+ ms waiting for a CPU and [\d,.]+ ms on one/;
    if (split.waitMs > split.cpuMs && split.waitMs >= 10) assert.match(stdout, line);
    else assert.not.match(stdout, line);
  });
}

test('--workers 2 at a low rate sends the one generator schedule: shares interleave, one instance serves both', async () => {
  const out = path.join(tmp.dir, 'open-workers-2');
  const r = await runCli([
    'run',
    'test/fixtures/local-platform/open.ts',
    '--config',
    CONFIG,
    '--out',
    out,
    '--no-history',
    '--workers',
    '2',
  ]);
  assert.is(r.code, 0, r.stderr);
  const phase = (JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result).targets[0]!.phases[0]!;
  assert.is(phase.requests, 2);
  assert.is(phase.ok, 2);
  // Both workers' first sends at once (their shares not interleaved) would start two instances.
  assert.is(phase.coldStarts, 1, 'the second send, 2 s after the first, finds its instance warm');
  // Each worker saw the instance; the merge counts it once (the workers' instance ids), not once per worker.
  assert.is(phase.instances, 1);
  assert.is(phase.instanceIds, undefined, 'a merged result lists no instance ids');
});

test('a burst beyond maxInstances is announced in the plan, then throttled as announced', async () => {
  const out = path.join(tmp.dir, 'throttled');
  const r = await runCli([
    'run',
    'test/fixtures/local-platform/throttled.ts',
    '--config',
    CONFIG,
    '--out',
    out,
    '--no-history',
  ]);
  const before = r.stderr.indexOf('exceeds maxInstances 2');
  assert.ok(before >= 0, r.stderr);
  assert.match(
    r.stderr,
    /local-capped: burst "burst" of 4 exceeds maxInstances 2 of function capped: 2 per round will be throttled/,
  );
  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  const phase = result.targets[0]!.phases[0]!;
  assert.is(phase.errors.throttled, 2);
  assert.is(phase.ok, 2);
});

test('--runtime URL: the run invokes a running fxbench serve and starts no runtime', async () => {
  const serve = startCli(['serve', '--port', '0', '--config', CONFIG]);
  const served = finished(serve, 120_000);
  try {
    await waitFor(() => /listening on (http:\S+)/.test(serve.out.stdout), 30_000, 'fxbench serve to listen');
    const url = /listening on (http:\S+)/.exec(serve.out.stdout)![1]!;
    const { result, runtimes } = await runBurst(['--runtime', url]);
    assert.is(runtimes.length, 0, 'no runtime started by the run');
    assert.is(result.targets[0]!.phases[0]!.coldStarts, 4);
    const status = (await (await fetch(`${url}/system/function/slow`)).json()) as { invocationCount?: number };
    assert.is(status.invocationCount, 4, 'the serve process received the 4 invocations');
    const reg = await fetch(`${url}/fxbench/functions/x`, { method: 'PUT', body: '{}' });
    await reg.arrayBuffer();
    assert.is(reg.status, 404, 'fxbench serve takes no functions over HTTP');
  } finally {
    serve.kill('SIGTERM');
    await served;
  }
});

test('--runtime where nothing answers: exit 2 naming --runtime, nothing run', async () => {
  const r = await runCli([
    'run',
    SCENARIO,
    '--config',
    CONFIG,
    '--out',
    path.join(tmp.dir, 'bad'),
    '--no-history',
    '--runtime',
    'http://127.0.0.1:1',
  ]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /--runtime/);
  assert.match(r.stderr, /fxbench serve/);
});

test.after(() => tmp.cleanup());
test.run();
