// No process outlives fxbench, whatever the function starts and however fxbench
// ends. A function (test/fixtures/functions/spawner) starts, on each of two
// instances, an ordinary child, a detached child (setsid: out of the instance's
// process group and session) and a child that ignores SIGTERM. For each ending
// of a real `fxbench run` (normal, Ctrl-C, Ctrl-C twice, SIGTERM, SIGKILL of the
// fxbench process, SIGKILL with --workers), every one of those PIDs and the
// instances' own must be gone (by PID and start time, from /proc) within a
// few seconds. Then the runtime's own endings of an instance (idle reaping,
// timeout) end its tree, and memory is capped on the whole tree, with a memory
// cgroup where the machine has one and with the watchdog without.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { instanceCgroupBase, ownMemoryCgroup, reaperPid } from '../../src/runtime/process-tree.ts';
import type { LocalRuntime } from '../../src/runtime/runtime.ts';
import { finished, scratch, startCli, waitFor } from '../helpers/cli.ts';
import { call, spec, startRuntime } from '../helpers/runtime.ts';

const F = 'test/fixtures/trees';
const tmp = scratch();
const KINDS = ['instance', 'child', 'detached', 'stubborn'] as const;
// Without a usable memory cgroup (not root, cgroup v2 only, FXBENCH_NO_CGROUP=1) a child that calls
// setsid() leaves the instance's process group, and nothing holds it: what the README says. There the
// detached children are only cleaned up after, with a note.
const HAS_CGROUP = instanceCgroupBase() !== null;
if (!HAS_CGROUP) console.log(`no usable memory cgroup (own: ${ownMemoryCgroup()}): detached children not checked`);
const held = (s: Seen) => HAS_CGROUP || s.kind !== 'detached';

/**
 * A process as seen once: PID and start time (so a reused PID is not mistaken
 * for it); start null when it was already gone when its line was first read.
 */
interface Seen {
  kind: string;
  pid: number;
  start: string | null;
}

/** Start time of `pid` (field 22 of /proc/<pid>/stat), or null once it is gone or a zombie. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z') return null;
    return rest[19]!;
  } catch {
    return null;
  }
}

/**
 * Every PID written so far to `file`, each with its start time when its line was
 * first read (`memo` keeps them from one read to the next). A process already
 * gone then counts as started, with no start time: a run that ends at once (the
 * normal exit) may end its tree before a busy machine lets this test look.
 */
function readSeen(file: string, memo = new Map<string, Seen>()): Seen[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [...memo.values()];
  }
  for (const line of text.split('\n')) {
    const [kind, pid] = line.split(' ');
    if (!kind || !pid || memo.has(line)) continue;
    memo.set(line, { kind, pid: Number(pid), start: startTime(Number(pid)) });
  }
  return [...memo.values()];
}

/** The processes of `seen` still running that should not be (see HAS_CGROUP). */
function survivors(seen: Seen[]): Seen[] {
  return seen.filter((s) => held(s) && s.start !== null && startTime(s.pid) === s.start);
}

function describe(list: Seen[]): string {
  const gone = list.filter((s) => s.start === null).length;
  return `${KINDS.map((k) => `${k} ${list.filter((s) => s.kind === k).length}`).join(', ')}${gone ? ` (${gone} already gone when first seen)` : ''}`;
}

/** Kills what a failed case left, so the test itself leaves nothing. */
function cleanup(list: Seen[]): void {
  for (const s of list.filter((x) => x.start !== null && startTime(x.pid) === x.start)) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

// ---
const ends = suite('fxbench run: no process of a function outlives fxbench, however it ends');

const ENDINGS: { name: string; scenario: string; args?: string[]; signals: NodeJS.Signals[]; code: number | null }[] = [
  { name: 'normal exit', scenario: 'short.ts', signals: [], code: 0 },
  { name: 'Ctrl-C (SIGINT)', scenario: 'long.ts', signals: ['SIGINT'], code: 130 },
  { name: 'Ctrl-C twice', scenario: 'long.ts', signals: ['SIGINT', 'SIGINT'], code: 130 },
  { name: 'SIGTERM', scenario: 'long.ts', signals: ['SIGTERM'], code: 130 },
  { name: 'SIGKILL of fxbench', scenario: 'long.ts', signals: ['SIGKILL'], code: null },
  {
    name: 'SIGKILL of fxbench --workers 2',
    scenario: 'long.ts',
    args: ['--workers', '2'],
    signals: ['SIGKILL'],
    code: null,
  },
];

for (const e of ENDINGS) {
  ends(`${e.name}: every instance, child, detached child and stubborn child is gone`, async () => {
    const slug = e.name.replace(/\W+/g, '-');
    const pidFile = path.join(tmp.dir, `${slug}.pids`);
    writeFileSync(pidFile, '');
    const child = startCli(
      [
        'run',
        `${F}/${e.scenario}`,
        '--config',
        `${F}/bench.config.ts`,
        '--out',
        path.join(tmp.dir, slug),
        '--no-history',
        ...(e.args ?? []),
      ],
      { env: { FXBENCH_TEST_PID_FILE: pidFile } },
    );
    let seen: Seen[] = [];
    const memo = new Map<string, Seen>();
    const done = finished(child, 60_000);
    try {
      // Two instances (one per worker with --workers 2), each with its three children.
      const want = 8;
      await waitFor(() => (seen = readSeen(pidFile, memo)).length >= want, 30_000, `${want} processes started`).catch(
        (err: Error) => {
          // Say what did start and what fxbench said so far, so a failure explains itself.
          throw new Error(`${err.message}; started: ${describe(seen)}; fxbench's stderr:\n${child.out.stderr}`);
        },
      );
      for (const k of KINDS) assert.ok(seen.filter((x) => x.kind === k).length >= 2, `${describe(seen)}`);
      for (const sig of e.signals) {
        child.kill(sig);
        if (sig === 'SIGINT' && e.signals.length > 1) {
          await waitFor(() => /stopping/.test(child.out.stderr), 5_000, 'the first Ctrl-C to be seen');
        }
      }
      const r = await done;
      if (e.code === null) assert.is(r.signal, 'SIGKILL');
      else assert.is(r.code, e.code, r.stderr);
      try {
        await waitFor(() => survivors(seen).length === 0, 5_000, 'no survivor');
      } catch {
        assert.unreachable(`survivors after ${e.name}: ${describe(survivors(seen))} (of ${describe(seen)})`);
      }
    } finally {
      child.kill('SIGKILL');
      await done;
      cleanup(seen);
    }
  });
}

ends.run();

// ---
const runtime = suite('the runtime ends an instance with its whole tree');
let rt: LocalRuntime;
runtime.before(async () => {
  rt = await startRuntime([
    spec('idle', { kind: 'node', code: 'test/fixtures/functions/spawner', idleTimeout: '300ms' }),
  ]);
});
runtime.after(() => rt.stop());

function seenOf(kindPids: Record<string, number>, instancePid: number): Seen[] {
  const out: Seen[] = [{ kind: 'instance', pid: instancePid, start: startTime(instancePid)! }];
  for (const [kind, pid] of Object.entries(kindPids)) out.push({ kind, pid, start: startTime(pid)! });
  return out;
}

runtime('idle reaping (scale to zero) ends the children, detached or not', async () => {
  const r = await call(rt, 'idle', {});
  assert.is(r.errorClass, null, r.body);
  const seen = seenOf(r.json.pids as Record<string, number>, r.json.instancePid as number);
  assert.is(survivors(seen).length, HAS_CGROUP ? 4 : 3, 'all running after the invocation');
  try {
    await waitFor(() => rt.instanceCount('idle') === 0, 5_000, 'instance reaped');
    await waitFor(() => survivors(seen).length === 0, 3_000, 'tree gone');
  } finally {
    cleanup(seen);
  }
});

runtime('an invocation timeout ends the children too', async () => {
  const pidFile = path.join(tmp.dir, 'timeout.pids');
  writeFileSync(pidFile, '');
  const rt2 = await startRuntime([
    spec('slow', { kind: 'node', code: 'test/fixtures/functions/spawner', timeout: '1s', env: { PID_FILE: pidFile } }),
  ]);
  let seen: Seen[] = [];
  try {
    const pending = call(rt2, 'slow', { hang: true });
    await waitFor(() => (seen = readSeen(pidFile)).length === 4, 5_000, 'the tree started');
    const hung = await pending;
    assert.is(hung.errorClass, 'timeout', hung.body);
    await waitFor(() => survivors(seen).length === 0, 3_000, 'tree gone');
  } finally {
    cleanup(seen);
    await rt2.stop();
  }
});

runtime.run();

// ---
const memory = suite('memory is capped on the whole tree: a child over the cap ends the instance as out-of-memory');

for (const mode of ['cgroup', 'watchdog'] as const) {
  memory(`${mode}: a child allocating past 128 MB → out-of-memory, the instance replaced`, async () => {
    if (mode === 'cgroup' && !HAS_CGROUP) {
      console.log(`  (no usable memory cgroup here (own: ${ownMemoryCgroup()}): cgroup case not run)`);
      return;
    }
    if (mode === 'watchdog') process.env.FXBENCH_NO_CGROUP = '1';
    const r2 = await startRuntime([
      spec('hog', { kind: 'node', code: 'test/fixtures/functions/spawner', memoryMB: 128, timeout: '10s' }),
    ]);
    try {
      const r = await call(r2, 'hog', { spawn: ['hog'] });
      assert.is(r.errorClass, 'out-of-memory', r.body);
      await waitFor(() => r2.instanceCount('hog') === 0, 5_000, 'instance gone');
      const next = await call(r2, 'hog', { spawn: [] });
      assert.is(next.errorClass, null, next.body);
      assert.ok(next.cold, 'the next invocation is cold');
    } finally {
      delete process.env.FXBENCH_NO_CGROUP;
      await r2.stop();
    }
  });
}

// The instance joins its cgroup by writing its one thread to `tasks`, before its command runs:
// writing a whole process to `cgroup.procs` takes the kernel's global threadgroup lock, which
// waits for an RCU grace period and holds off every fork and thread creation on the machine;
// 300 such joins at once left instances asleep for 10+ s and killed by the INIT limit
// (2026-11-30: 6–46 of 300; 0 with `tasks`). Joined that way, every thread the command starts
// after (Node starts its V8 and libuv threads at once) must still be in the instance's cgroup.
memory('cgroup: every thread of a Node instance is in its own memory cgroup, capped at its memory', async () => {
  if (!HAS_CGROUP) {
    console.log(`  (no usable memory cgroup here (own: ${ownMemoryCgroup()}): not run)`);
    return;
  }
  const r2 = await startRuntime([spec('threads', { kind: 'node', code: 'functions/hello', memoryMB: 256 })]);
  try {
    const r = await call(r2, 'threads', {});
    assert.is(r.errorClass, null, r.body);
    const [pid] = r2.pids('threads');
    assert.ok(pid, 'one instance');
    const memoryLine = (file: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => /^\d+:[^:]*\bmemory\b/.test(l))!
        .split(':')[2]!;
    const tids = readdirSync(`/proc/${pid}/task`);
    assert.ok(tids.length >= 5, `a Node process has its V8 and libuv threads: ${tids.length}`);
    const own = memoryLine(`/proc/${pid}/cgroup`);
    assert.ok(
      own.includes(path.basename(instanceCgroupBase()!)),
      `${own}: under fxbench's base ${instanceCgroupBase()}`,
    );
    for (const tid of tids) assert.is(memoryLine(`/proc/${pid}/task/${tid}/cgroup`), own, `thread ${tid}`);
    const dir = path.join(
      path.dirname(instanceCgroupBase()!),
      own.slice(own.indexOf(path.basename(instanceCgroupBase()!))),
    );
    const listed = readFileSync(path.join(dir, 'tasks'), 'utf8').trim().split('\n').sort();
    assert.equal(listed, [...tids].sort(), 'the cgroup holds exactly the instance’s threads');
    assert.is(Number(readFileSync(path.join(dir, 'memory.limit_in_bytes'), 'utf8')), 256 * 1024 * 1024);
  } finally {
    await r2.stop();
  }
});

memory('the reaper runs beside the runtime', () => {
  assert.ok(reaperPid() > 0, 'a reaper was started');
  assert.ok(startTime(reaperPid()), 'it is running');
});

memory.after(() => tmp.cleanup());

memory.run();
