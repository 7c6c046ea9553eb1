// The INIT limit (Lambda's 10 s, shortened here to 2 s with FXBENCH_INIT_TIMEOUT_MS)
// is judged on the instance's own time: wall time since its spawn less the time
// its threads waited for a CPU (/proc/<pid>/task/*/schedstat). On Lambda each instance
// has its own CPU share; on this machine a burst of 100 Node instances shares 2
// cores, and a wall-time limit failed a third of them (2026-11-30). Real
// processes: CPU hogs at normal priority starve a real instance (nice +10).
// Starved that hard (a twentieth of a core), an instance's own time measured
// 1.2–1.8× its CPU time (2026-11-30), so the CPU asked for stays well inside the
// limit, as a Node start (≈ 0.15 s of CPU) is inside Lambda's 10 s.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuShare, processAgeMs } from '../../src/runtime/instance-process.ts';
import type { LocalRuntime } from '../../src/runtime/runtime.ts';
import { spawnerPid } from '../../src/runtime/spawner.ts';
import { call, spec, startRuntime } from '../helpers/runtime.ts';

const CODE = 'test/fixtures/functions/cpu-init';
const test = suite('INIT limit: own time, not the time spent waiting for a CPU');
let rt: LocalRuntime;
let hogs: ChildProcess[] = [];

test.before(async () => {
  process.env.FXBENCH_INIT_TIMEOUT_MS = '2000';
  rt = await startRuntime([
    spec('starved', { kind: 'node', code: CODE, env: { INIT_CPU_MS: '100' }, timeout: '30s' }),
    spec('sleepy', { kind: 'node', code: CODE, env: { INIT_SLEEP_MS: '3000' }, timeout: '30s' }),
    spec('busy', { kind: 'node', code: CODE, env: { INIT_CPU_MS: '2500' }, timeout: '30s' }),
  ]);
});
test.after(async () => {
  for (const h of hogs) if (h.pid) process.kill(h.pid, 'SIGKILL');
  hogs = [];
  await rt.stop();
  delete process.env.FXBENCH_INIT_TIMEOUT_MS;
});

test('cpuShare and processAgeMs read a live process, and are null for a gone one', async () => {
  const share = cpuShare(process.pid);
  assert.ok(share, 'read');
  assert.ok(share!.waitedMs >= 0 && share!.mainRanMs > 0, JSON.stringify(share));
  const age = processAgeMs(process.pid);
  assert.ok(age, 'read');
  // This process is at least as old as Node's own clock says (start times come in 10 ms ticks); it
  // is older by its exec and Node's start before that clock, 120 ms once on a loaded CI machine, so
  // the age's upper bound is checked on a process started here.
  const up = process.uptime() * 1000;
  assert.ok(age!.ageMs >= up - 20, `age ${age!.ageMs} ms, uptime ${up} ms`);
  const t0 = performance.now();
  const sleeper = spawn('sleep', ['10'], { stdio: 'ignore' });
  const t1 = performance.now(); // it was forked between t0 and t1
  try {
    await new Promise((r) => setTimeout(r, 300));
    const t2 = performance.now();
    const child = processAgeMs(sleeper.pid!);
    const t3 = performance.now();
    assert.ok(child, 'read');
    assert.ok(
      child!.ageMs >= t2 - t1 - 20 && child!.ageMs <= t3 - t0 + 20,
      `age ${child!.ageMs} ms, started ${(t2 - t1).toFixed(1)}-${(t3 - t0).toFixed(1)} ms before`,
    );
    // sleep has one thread: its command's age is the process's.
    assert.is(child!.commandMs, child!.ageMs);
  } finally {
    sleeper.kill('SIGKILL');
  }
  // Node starts its V8 and libuv threads early in its start-up (70 ms in, measured under tsx): the
  // command's age is dated by the oldest of them, a little after the exec.
  assert.ok(age!.commandMs > 0 && age!.commandMs <= age!.ageMs, JSON.stringify(age));
  assert.ok(age!.commandMs >= age!.ageMs - 1000, JSON.stringify(age));
  assert.is(cpuShare(2 ** 22 + 12345), null);
  assert.is(processAgeMs(2 ** 22 + 12345), null);
});

test('a starved instance whose init needs 0.1 s of CPU is not killed though its init takes over 2 s of wall time', async () => {
  // Two busy loops per core at normal priority: the instance (nice +10) gets ≈ a twentieth of a core.
  for (let i = 0; i < 2 * availableParallelism(); i++) {
    hogs.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  }
  // The spawner's instances share its session, so one autogroup, weighed as one process against this
  // one's (the hogs'): it is weighed down to nice 19 (weight 15 against 1024) for the hogs to starve it.
  const group = spawnerPid() ? `/proc/${spawnerPid()}/autogroup` : '';
  const was = group && existsSync(group) ? /nice (-?\d+)/.exec(readFileSync(group, 'utf8'))![1]! : '';
  if (was) writeFileSync(group, '19');
  try {
    await new Promise((r) => setTimeout(r, 200));
    const r = await call(rt, 'starved');
    assert.is(r.errorClass, null, r.body);
    assert.ok(r.cold, 'cold');
    // The point of the test: the wall time was over the limit, the own time was not.
    assert.ok(r.initMs! > 2000, `init took ${r.initMs} ms of wall time (the hogs starved it past the 2 s limit)`);
    // Where that init went, as the runtime reports it (x-fxbench-init-cpu-ms / -wait-ms, the main thread's
    // schedstat at ready): the 100 ms of CPU the function burned (its main thread; cpuUsage counts V8's
    // threads too), and a wait for a CPU that is most of the rest, inside the init's wall time.
    const cpu = Number(r.headers['x-fxbench-init-cpu-ms']);
    const wait = Number(r.headers['x-fxbench-init-wait-ms']);
    assert.ok(cpu >= 80 && cpu < 1000, `init on a CPU ${cpu} ms`);
    assert.ok(wait > r.initMs! / 2, `init waiting for a CPU ${wait} ms of ${r.initMs} ms`);
    assert.ok(cpu + wait <= r.initMs! + 1, `CPU ${cpu} + wait ${wait} ms within the init's ${r.initMs} ms`);
  } finally {
    for (const h of hogs) if (h.pid) process.kill(h.pid, 'SIGKILL');
    hogs = [];
    if (was) writeFileSync(group, was);
  }
});

test('an init that sleeps past the limit is killed: sleeping is the instance’s own time', async () => {
  const t0 = performance.now();
  const r = await call(rt, 'sleepy');
  const elapsed = performance.now() - t0;
  assert.is(r.errorClass, 'init-error', r.body);
  assert.match(r.body, 'INIT phase exceeded 2 s');
  // The message's second line says what the limit was judged on (the first, counted as the
  // error's cause, stays the same for every instance): a sleeping init waited for no CPU.
  const message = (JSON.parse(r.body) as { errorMessage: string }).errorMessage;
  assert.is(message.split('\n')[0], 'INIT phase exceeded 2 s');
  const m =
    /\n\(judged on its own time (\d+\.\d) s: (\d+\.\d) s since its command started, less (\d+\.\d) s waiting for a CPU; its main thread ran (\d+\.\d) s/.exec(
      message,
    );
  assert.ok(m, r.body);
  const [own, since, waited] = m!.slice(1, 4).map(Number);
  assert.ok(own! >= 2 && own! < 3.5, r.body);
  assert.ok(waited! < 0.5, r.body);
  assert.ok(Math.abs(since! - waited! - own!) <= 0.11, r.body);
  assert.ok(elapsed >= 2000, `killed after ${elapsed.toFixed(0)} ms, not before the limit`);
});

test('an init that needs more CPU than the limit is killed', async () => {
  const r = await call(rt, 'busy');
  assert.is(r.errorClass, 'init-error', r.body);
  assert.match(r.body, 'INIT phase exceeded 2 s');
});

test.run();
