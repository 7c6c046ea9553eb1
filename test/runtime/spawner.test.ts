// Instances of the local runtime are started by its spawner (src/runtime/spawner.py,
// Python's vfork-based subprocess) where there is python3, so the runtime process
// is not forked per instance: real runtime, real instance processes. The spawner
// is the instances' parent, sets their niceness, passes their stderr back (an
// init error keeps its message), reports exits, ends with the last runtime of
// the process, and a spawner that dies takes its instances with it and is
// replaced. The spawner leads its own session (one autogroup for all instances),
// and instances booting at once are niced in the order they were asked for.
// Where instances get memory cgroups, it starts them straight in one made ahead
// (no setpriv or sh step). FXBENCH_SPAWNER=node spawns with Node as before.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LocalRuntime } from '../../src/runtime/runtime.ts';
import { instanceCgroupBase, treeCommand } from '../../src/runtime/process-tree.ts';
import { spawnerAvailable, spawnerJoinsCgroups, spawnerPid, spawnViaSpawner } from '../../src/runtime/spawner.ts';
import { alive, ROOT, waitFor } from '../helpers/cli.ts';
import { call, spec, startRuntime } from '../helpers/runtime.ts';

/** PPID, session and niceness of `pid`. */
function stat(pid: number): { ppid: number; session: number; nice: number } {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(rest[1]), session: Number(rest[3]), nice: Number(rest[16]) };
}

const test = suite('the instance spawner');
let rt: LocalRuntime;
test.before(async () => {
  rt = await startRuntime([
    spec('hello', { kind: 'node', code: 'functions/hello' }),
    spec('throws', { kind: 'node', code: 'test/fixtures/functions/init-throws' }),
    spec('py', { kind: 'bootstrap', code: 'functions/python-hello', handler: 'handler.handler' }),
    spec('fork', { kind: 'fork', code: 'functions/fork-hello', command: './handler.py', memoryMB: 256 }),
    spec('slow-init', {
      kind: 'node',
      code: 'test/fixtures/functions/cpu-init',
      env: { INIT_SLEEP_MS: '1500' },
      timeout: '30s',
    }),
  ]);
});
test.after(() => rt.stop());

test('python3 is here (CI installs it): the spawner is used', () => {
  assert.ok(spawnerAvailable(), 'python3 found');
  assert.ok(spawnerPid() > 0, 'the runtime started its spawner');
  assert.is(stat(spawnerPid()).ppid, process.pid, 'the spawner is the runtime process’s child');
});

test('instances are the spawner’s children, at niceness 10, and run', async () => {
  for (const name of ['hello', 'py']) {
    const r = await call(rt, name);
    assert.is(r.errorClass, null, r.body);
    assert.ok(r.cold);
    const [pid] = rt.pids(name);
    const s = stat(pid!);
    assert.is(s.ppid, spawnerPid(), `${name}: parent is the spawner`);
    assert.is(s.nice, 10, `${name}: niceness`);
    const warm = await call(rt, name);
    assert.not.ok(warm.cold);
  }
});

test('where instances get memory cgroups, the spawner starts them straight in one made ahead: the PID runs the command itself (no setpriv or sh step), and the spawner is back in its own cgroup', async () => {
  if (!instanceCgroupBase()) return void console.log('# no usable memory cgroup here: not checked');
  const memoryLine = (pid: number) =>
    readFileSync(`/proc/${pid}/cgroup`, 'utf8')
      .split('\n')
      .find((l) => l.split(':')[1]?.split(',').includes('memory'))!
      .split(':')
      .slice(2)
      .join(':');
  assert.ok(spawnerJoinsCgroups(), 'the spawner said it can start children in a cgroup');
  const direct = treeCommand('t', 128, '/bin/true', ['x'], true);
  assert.equal([direct.cmd, direct.args, direct.direct], ['/bin/true', ['x'], true]);
  assert.match(direct.cgroup!, /\/pool-128-\d+$/);
  // The spawner itself: a child started in a cgroup is born there; a cgroup that is not there is an error naming it.
  const dir = path.join(instanceCgroupBase()!, 'spawner-test');
  mkdirSync(dir);
  try {
    const seen = await new Promise<string>((resolve, reject) => {
      const c = spawnViaSpawner('/bin/cat', ['/proc/self/cgroup'], {
        cwd: ROOT,
        env: {},
        group: false,
        nice: 10,
        input: Buffer.alloc(0),
        cgroup: dir,
      })!;
      let out = '';
      c.stdout!.on('data', (b: Buffer) => (out += b));
      c.on('error', reject);
      c.on('close', () => resolve(out));
    });
    assert.match(seen, /:memory:.*\/spawner-test\n/);
    const missing = await new Promise<string>((resolve) => {
      const c = spawnViaSpawner('/bin/true', [], {
        cwd: ROOT,
        env: {},
        group: false,
        nice: 10,
        cgroup: `${dir}-not-there`,
      })!;
      c.on('error', (e: Error) => resolve(e.message));
    });
    assert.match(missing, /cannot place the instance in memory cgroup .*spawner-test-not-there/);
    assert.is(memoryLine(spawnerPid()), memoryLine(process.pid), 'the spawner is back where it started');
  } finally {
    rmdirSync(dir);
  }
  await rt.drain('hello');
  const r = await call(rt, 'hello');
  assert.ok(r.cold);
  const [pid] = rt.pids('hello');
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  assert.is(argv[0], process.execPath, argv.join(' '));
  assert.is(stat(pid!).ppid, spawnerPid());
  const own = memoryLine(pid!);
  assert.match(own, new RegExp(`/${path.basename(instanceCgroupBase()!)}/pool-128-\\d+$`));
  const tasks = readFileSync(path.join(instanceCgroupBase()!, path.basename(own), 'tasks'), 'utf8').split('\n');
  assert.ok(tasks.includes(String(pid)), `${pid} in ${own}`);
  assert.is(memoryLine(spawnerPid()), memoryLine(process.pid), 'the spawner is back where it started');
});

test('the spawner leads a session of its own, and its instances stay in it: one scheduling group (autogroup) for them all, at nice 10 while one boots and 0 once none does', async () => {
  const r = await call(rt, 'hello');
  assert.is(r.errorClass, null, r.body);
  const [pid] = rt.pids('hello');
  assert.is(stat(spawnerPid()).session, spawnerPid(), 'the spawner leads its session');
  assert.is(stat(pid!).session, spawnerPid(), 'the instance is in the spawner’s session');
  assert.is.not(stat(spawnerPid()).session, stat(process.pid).session, 'not the runtime’s session');
  // Where the kernel has autogroups, the session is the group: the instance's is the spawner's.
  if (existsSync('/proc/self/autogroup')) {
    const group = (p: number) => readFileSync(`/proc/${p}/autogroup`, 'utf8').split(' ')[0];
    assert.is(group(pid!), group(spawnerPid()));
    assert.is.not(group(pid!), group(process.pid));
    // No instance boots: the warm instances' group runs at nice 0.
    const nice = () => Number(/ nice (-?\d+)\n?$/.exec(readFileSync(`/proc/${spawnerPid()}/autogroup`, 'utf8'))![1]);
    assert.is(nice(), 0, 'warm: nice 0');
    // While one boots, the group as a whole is niced like one instance.
    const slow = call(rt, 'slow-init');
    await waitFor(() => rt.pids('slow-init').length > 0, 5000, 'slow-init started');
    assert.is(nice(), 10, 'booting: nice 10');
    assert.is((await slow).errorClass, null);
    assert.is(nice(), 0, 'ready again: nice 0');
    await rt.drain('slow-init');
  }
});

test('instances booting at once boot in the order asked (niceness 10, 13, 16), and run at 10 once ready', async () => {
  // Graded only where the runtime may put the niceness back (root here; CI runs as root).
  if (process.getuid?.() !== 0) return console.log('    skipped: not root, so boots are not graded');
  const calls = [0, 1, 2].map(() => call(rt, 'slow-init'));
  await waitFor(() => rt.pids('slow-init').length === 3, 10_000, 'three instances started');
  // Each init sleeps 1.5 s: all three are still booting here.
  const booting = rt
    .pids('slow-init')
    .map((p) => stat(p).nice)
    .sort();
  assert.equal(booting, [10, 13, 16]);
  const done = await Promise.all(calls);
  for (const r of done) assert.is(r.errorClass, null, r.body);
  assert.equal(
    done.map((r) => r.cold),
    [true, true, true],
  );
  assert.equal(
    rt.pids('slow-init').map((p) => stat(p).nice),
    [10, 10, 10],
    'ready: back to 10',
  );
});

test('fork kind: the payload reaches stdin whole (2 MB, more than a pipe holds), stdout comes back, exit codes too', async () => {
  const text = 'x'.repeat(2 * 1024 * 1024);
  const r = await call(rt, 'fork', { text });
  assert.is(r.errorClass, null, r.body.slice(0, 200));
  assert.is(r.json.message, 'hello from a forked process');
  assert.is(r.json.bytes, JSON.stringify({ text }).length, 'every byte of the payload was read');
  const pid = Number(r.json.pid);
  assert.ok(pid > 0);
  const failed = await call(rt, 'fork', { fail: 'exit' });
  assert.is(failed.errorClass, 'function-error', failed.body);
  assert.match(failed.body, 'failing on demand');
});

test('stderr comes back: an init error keeps the function’s message', async () => {
  const r = await call(rt, 'throws');
  assert.is(r.errorClass, 'init-error', r.body);
  assert.match(r.body, 'init failed on purpose');
});

test('a command gone since the config was checked is an init error naming it, not a hang', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fxbench-spawner-'));
  const cmd = path.join(dir, 'server.sh');
  writeFileSync(cmd, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const local = await startRuntime([spec('gone', { kind: 'http', code: 'functions/http-hello', command: cmd })]);
  rmSync(dir, { recursive: true, force: true });
  try {
    const r = await call(local, 'gone');
    assert.is(r.errorClass, 'init-error', r.body);
    assert.match(r.body, 'server.sh');
  } finally {
    await local.stop();
  }
});

test('a killed instance is reported as exited (the spawner reaps it) and the next invocation is cold', async () => {
  await call(rt, 'hello');
  const [pid] = rt.pids('hello');
  process.kill(pid!, 'SIGKILL');
  await waitFor(() => rt.instanceCount('hello') === 0, 5000, 'instance gone from the pool');
  const next = await call(rt, 'hello');
  assert.is(next.errorClass, null, next.body);
  assert.ok(next.cold);
});

test('the spawner dies: its instances die with it, and the next cold start gets a new spawner', async () => {
  await call(rt, 'hello');
  const [pid] = rt.pids('hello');
  const old = spawnerPid();
  process.kill(old, 'SIGKILL');
  await waitFor(() => !alive(pid!), 5000, `instance ${pid} killed`);
  await waitFor(() => rt.instanceCount('hello') === 0, 5000, 'instance gone from the pool');
  const next = await call(rt, 'hello');
  assert.is(next.errorClass, null, next.body);
  assert.ok(next.cold);
  assert.ok(spawnerPid() > 0 && spawnerPid() !== old, 'a new spawner');
});

test('draining a function (scale to zero) keeps the spawner: only the runtime’s stop ends it', async () => {
  await call(rt, 'hello');
  const pid = spawnerPid();
  await rt.drain('hello');
  assert.is(rt.instanceCount('hello'), 0);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(alive(pid), `spawner ${pid} still running`);
  assert.is(spawnerPid(), pid);
  const next = await call(rt, 'hello');
  assert.ok(next.cold);
  assert.is(stat(rt.pids('hello')[0]!).ppid, pid, 'the next instance comes from the same spawner');
});

test('the spawner ends with the last runtime of the process', async () => {
  const pid = spawnerPid();
  await rt.stop();
  await waitFor(() => !alive(pid), 5000, `spawner ${pid} ended`);
  rt = await startRuntime([spec('hello', { kind: 'node', code: 'functions/hello' })]);
});

test('FXBENCH_SPAWNER=node: instances are the runtime process’s own children', () => {
  const code = `
    import { readFileSync } from 'node:fs';
    import { LocalRuntime } from './src/runtime/runtime.ts';
    import { checkFunction } from './src/runtime/function-spec.ts';
    import { spawnerPid } from './src/runtime/spawner.ts';
    const s = checkFunction('hello', { kind: 'node', code: 'functions/hello' }, 'functions.hello', process.cwd(), { file: 't', issues: [] });
    const rt = new LocalRuntime([s]);
    await rt.start();
    const r = await rt.invoke('hello', Buffer.from('{}'));
    const [pid] = rt.pids('hello');
    const f = readFileSync('/proc/' + pid + '/stat', 'utf8');
    const ppid = Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[1]);
    console.log(JSON.stringify({ status: r.status, cold: r.headers['x-fxbench-cold'], self: process.pid, ppid, spawner: spawnerPid() }));
    await rt.stop();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, FXBENCH_SPAWNER: 'node' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.is(out.status, 200);
  assert.is(out.cold, '1');
  assert.is(out.spawner, 0, 'no spawner');
  assert.is(out.ppid, out.self, 'the instance is the runtime process’s child');
});

test('spawned by Node without a cgroup, each instance leads a session: its autogroup is niced 10, 13, 16 while booting, 10 once ready', () => {
  if (process.getuid?.() !== 0 || !existsSync('/proc/self/autogroup')) {
    return console.log('    skipped: not root, or no autogroups');
  }
  const code = `
    import { readFileSync } from 'node:fs';
    import { LocalRuntime } from './src/runtime/runtime.ts';
    import { checkFunction } from './src/runtime/function-spec.ts';
    const s = checkFunction('slow', { kind: 'node', code: 'test/fixtures/functions/cpu-init', env: { INIT_SLEEP_MS: '1500' }, timeout: '30s' }, 'functions.slow', process.cwd(), { file: 't', issues: [] });
    const rt = new LocalRuntime([s]);
    await rt.start();
    const group = (pid) => Number(/nice (-?\\d+)/.exec(readFileSync('/proc/' + pid + '/autogroup', 'utf8'))[1]);
    const calls = [0, 1, 2].map(() => rt.invoke('slow', Buffer.from('{}')));
    while (rt.pids('slow').length < 3) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    const booting = rt.pids('slow').map(group).sort((a, b) => a - b);
    const done = await Promise.all(calls);
    const ready = rt.pids('slow').map(group);
    console.log(JSON.stringify({ booting, ready, status: done.map((r) => r.status) }));
    await rt.stop();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, FXBENCH_SPAWNER: 'node', FXBENCH_NO_CGROUP: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(out.status, [200, 200, 200]);
  assert.equal(out.booting, [10, 13, 16]);
  assert.equal(out.ready, [10, 10, 10]);
});

test.run();
