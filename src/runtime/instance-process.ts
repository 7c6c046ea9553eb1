/**
 * The OS side of an instance (instance.ts): how its process is started (its
 * whole tree held by a process group, a memory cgroup where there is one, and
 * the reaper: process-tree.ts; under a parent-death signal and a lower
 * priority), the environment every instance gets, and what is read back from the
 * process (the tail of its stderr, its peak RSS from /proc, whether it says it
 * ran out of memory).
 */
import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { FunctionSpec } from '../model/function.ts';
import { ProcessTree, startReaper, treeCommand, underParentDeath } from './process-tree.ts';
import {
  INSTANCE_NICENESS,
  type InstanceChild,
  setSpawnerGroupNiceness,
  spawnerJoinsCgroups,
  spawnViaSpawner,
} from './spawner.ts';

/** The fields of a /proc/<pid>/stat (or task stat) file after the command name: [0] is the state, [3] the session, [19] the start time. */
function statFields(file: string): string[] {
  const stat = readFileSync(file, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

const HAS_AUTOGROUP = process.platform === 'linux' && existsSync('/proc/self/autogroup');
/** Niceness steps between an instance that starts booting and the one booting before it. */
const BOOT_STEP = 3;
const MAX_NICENESS = 19;

/** Instances started and not yet ready. */
let booting = 0;
/**
 * Niceness of the spawner's scheduling group while none of its instances boots
 * (INSTANCE_NICENESS while any does): warm instances do the function's work,
 * which on a platform runs on CPUs of its own, and starved of CPU beside the
 * runtime and the generator they served fewer requests per wake-up. Measured
 * 2026-12-01 (2 cores, 10 warm instances, autocannon at 10 connections, 3 s,
 * alternating): group at nice 10: 4,445, 6,438, 7,355 req/s at 379, 230, 195 µs
 * of CPU per request; at 0: 6,233, 8,559, 8,593 req/s at 258, 166, 163 µs.
 */
const WARM_GROUP_NICENESS = 0;
/** Whether this process lowered the spawner group's niceness (to WARM_GROUP_NICENESS) since instances last booted. */
let groupLowered = false;
/** Whether this process may lower a niceness back (root, or RLIMIT_NICE allows INSTANCE_NICENESS); read once. */
let canRenice: boolean | undefined;

function mayLowerNiceTo(nice: number): boolean {
  if (canRenice !== undefined) return canRenice;
  canRenice = false;
  if (process.platform !== 'linux') return canRenice;
  if (process.getuid?.() === 0) return (canRenice = true);
  try {
    // "Max nice priority  0  0": a process may lower its niceness down to 20 − the soft limit.
    const m = /^Max nice priority\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    canRenice = m !== null && 20 - Number(m[1]) <= nice;
  } catch {
    /* unreadable: do not grade */
  }
  return canRenice;
}

/**
 * Niceness for an instance that starts booting now, counted as booting until
 * bootEnded: INSTANCE_NICENESS, then BOOT_STEP more for each instance already
 * booting (10, 13, 16, 19), so the instances of a wave boot roughly in the
 * order they were asked for, not all at the same pace. With the CPU shared
 * fairly, N instances booting at once on 2 cores all got ready together, late:
 * at 50/s from cold, every request meanwhile asked for yet another instance,
 * and the steady example started 100 instances (its maxInstances) and was
 * throttled 126-150 times, where Lambda (each instance on its own CPU) would
 * start a handful. Measured 2026-11-30 (3-7 runs each), cold starts / throttled:
 * steps of 1: 34-60 / 0; of 2: 25-33 / 0; of 3: 18-28 / 0; of 9 (the first
 * ahead, the rest equal): 27-66 / 0. Graded only where the niceness can be put
 * back once the instance is ready (warm instances share the CPU equally); else
 * INSTANCE_NICENESS.
 */
export function bootNiceness(): number {
  const nice = mayLowerNiceTo(INSTANCE_NICENESS)
    ? Math.min(MAX_NICENESS, INSTANCE_NICENESS + BOOT_STEP * booting)
    : INSTANCE_NICENESS;
  if (booting === 0 && groupLowered) {
    // Booting instances weigh as one process at INSTANCE_NICENESS against the generator.
    setSpawnerGroupNiceness(INSTANCE_NICENESS);
    groupLowered = false;
  }
  booting++;
  return nice;
}

/**
 * The instance given `nice` by bootNiceness is ready or gone: it no longer
 * boots, and runs at INSTANCE_NICENESS (its autogroup too, where it leads a
 * session of its own: started by Node, or by a spawner on Python before 3.11,
 * without a cgroup).
 */
export function bootEnded(pid: number | undefined, nice: number): void {
  booting = Math.max(0, booting - 1);
  if (booting === 0 && !groupLowered) {
    setSpawnerGroupNiceness(WARM_GROUP_NICENESS);
    groupLowered = true;
  }
  if (!pid || nice === INSTANCE_NICENESS) return;
  try {
    setPriority(pid, INSTANCE_NICENESS);
    if (!HAS_AUTOGROUP) return;
    if (Number(statFields(`/proc/${pid}/stat`)[3]) === pid) {
      writeFileSync(`/proc/${pid}/autogroup`, String(INSTANCE_NICENESS));
    }
  } catch {
    /* gone */
  }
}

/**
 * Spawns an instance process of `spec` (instance `id`) in its code folder, and
 * calls `onStarted` with its PID and process tree once it runs (at once when
 * Node spawned it; when the spawner reports it, spawner.ts). Where there is a
 * memory cgroup, it is started in it (by the spawner when the cgroup was made
 * ahead; else a `sh` step puts it there first), capped at the function's
 * memory size (the cap on resident memory of the whole tree); elsewhere it is
 * spawned leading its own process group (a session too when Node spawns it), and
 * memory-watchdog.ts is the cap. Unless the spawner started it straight in its
 * cgroup, under `setpriv --pdeathsig SIGKILL` the kernel
 * kills it should its parent (fxbench's runtime, or its spawner) die without
 * cleaning up (the reaper then kills the rest of its tree). Every step execs,
 * so the PID is the function's own. The process runs at `nice` (bootNiceness).
 * `stdio` is ignore, ignore, pipe (node, bootstrap, http: stderr kept), or,
 * with `input` (fork: one process per invocation), the payload is written to
 * its stdin and its stdout kept. Started by the spawner where there is one (a
 * fork of the runtime costs it milliseconds of CPU and blocks its event loop),
 * else by Node.
 */
export function spawnInstanceProcess(
  spec: FunctionSpec,
  id: string,
  cmd: string,
  args: string[],
  env: Record<string, string>,
  stdio: StdioOptions,
  onStarted: (pid: number, tree: ProcessTree) => void,
  nice: number,
  input?: Buffer,
): InstanceChild {
  startReaper();
  // Started by the spawner straight into a cgroup made ahead: no `setpriv` and `sh` steps (the
  // spawner kills its children should the runtime die, spawner.py); else through them.
  const held = treeCommand(id, spec.memoryMB, cmd, args, spawnerJoinsCgroups());
  ({ cmd, args } = held.direct ? held : underParentDeath(held.cmd, held.args));
  const detached = held.cgroup === null;
  const started = (pid: number | undefined, niced: boolean) => {
    if (!pid) return;
    lowerPriority(pid, nice, detached, niced);
    onStarted(pid, new ProcessTree(pid, held.cgroup));
  };
  const viaSpawner = spawnViaSpawner(cmd, args, {
    cwd: spec.code,
    env,
    group: detached,
    nice,
    input,
    ...(held.direct && held.cgroup ? { cgroup: held.cgroup } : {}),
  });
  if (viaSpawner) {
    viaSpawner.once('spawn', () => started(viaSpawner.pid, true));
    return viaSpawner;
  }
  const child = spawn(cmd, args, { cwd: spec.code, env, stdio: input ? 'pipe' : stdio, detached });
  started(child.pid, false);
  if (input) {
    child.stdin!.on('error', () => undefined); // a function that never reads stdin is fine
    child.stdin!.end(input);
  }
  return child;
}

/**
 * Instances run one step below the runtime and the load generator (nice
 * +INSTANCE_NICENESS): on a small machine a burst of N booting processes would
 * otherwise starve the process that accepts the burst, late requests would land
 * on instances that already finished, and a burst of N would no longer cost N
 * cold starts. The client side must not be starved by the system it measures
 * (on a real platform they are different machines). Where the kernel groups
 * scheduling by session (autogroup), the spawner's instances share its session
 * (spawner.py), so together they weigh as one process against the runtime and
 * the generator, however many boot. Spawned by Node detached (no cgroup, no
 * spawner), an instance leads a session of its own, and its niceness counts
 * only inside it: the session's own nice is lowered too, else each booting
 * instance would weigh as much as fxbench's whole session. `niced`: the spawner
 * started it (and set its niceness).
 */
function lowerPriority(pid: number, nice: number, detached: boolean, niced: boolean): void {
  if (!niced) {
    try {
      setPriority(pid, nice);
    } catch {
      /* not permitted: run at the default priority */
    }
  }
  if (detached && !niced && HAS_AUTOGROUP) {
    try {
      writeFileSync(`/proc/${pid}/autogroup`, String(nice));
    } catch {
      /* gone already, or not permitted */
    }
  }
}

const spawnQueue: (() => void)[] = [];

/**
 * Runs `start` (an instance's spawn) once every request already read has been
 * dispatched: spawning blocks the event loop (fork and exec, milliseconds each,
 * tens on a loaded machine), and were each spawn done as its invocation arrived,
 * the invocations of a burst still unread would wait behind it and find the
 * first instances ready and free: a burst of N would not cost N cold starts.
 * Queued spawns run together in the loop's check phase (setImmediate), after
 * the poll phase has read every connection that was ready.
 */
export function spawnSoon(start: () => void): void {
  spawnQueue.push(start);
  if (spawnQueue.length === 1) setImmediate(runSpawns);
}

function runSpawns(): void {
  for (const start of spawnQueue.splice(0)) start();
}

/** Keeps the last `max` bytes of a stream for diagnostics (OOM detection, crash messages). */
export class Tail {
  private text = '';
  constructor(private readonly max = 4096) {}
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.max);
  }
  toString(): string {
    return this.text;
  }
}

/** Shared read buffer for /proc/<pid>/status (reads are synchronous, so one is enough). */
const STATUS_BUF = Buffer.alloc(8192);

/**
 * VmHWM (peak RSS) of one process, from /proc/<pid>/status. The file is kept
 * open and re-read from offset 0: opening it costs ~45 µs per invocation on the
 * warm path, a re-read ~11 µs (measured).
 */
export class PeakRssReader {
  private fd = -1;

  /** Peak RSS of process `pid` in MB; 0 where unavailable. */
  read(pid: number): number {
    try {
      if (this.fd < 0) this.fd = openSync(`/proc/${pid}/status`, 'r');
      const n = readSync(this.fd, STATUS_BUF, 0, STATUS_BUF.length, 0);
      const status = STATUS_BUF.toString('latin1', 0, n);
      const at = status.indexOf('VmHWM:');
      if (at < 0) return 0;
      return Math.ceil(parseInt(status.slice(at + 6, at + 30).trim(), 10) / 1024) || 0;
    } catch {
      return 0;
    }
  }

  /** Closes the file (the process is gone). */
  close(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    this.fd = -1;
  }
}

/**
 * How process `pid` has shared the CPU so far, in ms: `waitedMs`, the sum of
 * every thread's wait for a CPU (a Node process's main thread also waits on its
 * V8 and libuv threads, whose waits its own figure misses), and `mainRanMs`,
 * the main thread's time on a CPU. Per thread, /proc/<pid>/task/<tid>/schedstat
 * gives the time on a CPU and the waits that ended; a wait still going on (the
 * thread runnable, state R, but queued: with 300 instances at nice 10 on 2
 * cores one lasted seconds) is added from /proc/<pid>/task/<tid>/sched, now less
 * `se.exec_start` (when it last ran, on the scheduler's clock, which is
 * CLOCK_MONOTONIC's here). null where unavailable (another OS, a kernel without
 * schedstats, the process gone).
 */
export function cpuShare(pid: number): { waitedMs: number; mainRanMs: number } | null {
  try {
    let waitedNs = 0;
    let mainRanNs = 0;
    const nowMs = Number(process.hrtime.bigint()) / 1e6;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const dir = `/proc/${pid}/task/${tid}`;
      let fields: string[];
      try {
        fields = readFileSync(`${dir}/schedstat`, 'latin1').split(' ');
        waitedNs += Number(fields[1]) || 0;
        if (tid === String(pid)) mainRanNs = Number(fields[0]) || 0;
        if (statFields(`${dir}/stat`)[0] === 'R') {
          const m = /se\.exec_start\s*:\s*([\d.]+)/.exec(readFileSync(`${dir}/sched`, 'latin1'));
          const pending = m ? nowMs - Number(m[1]) : 0;
          if (pending > 0) waitedNs += pending * 1e6;
        }
      } catch {
        /* the thread ended */
      }
    }
    return { waitedMs: waitedNs / 1e6, mainRanMs: mainRanNs / 1e6 };
  } catch {
    return null;
  }
}

/**
 * Process `pid`'s main thread so far, ms: its time on a CPU and its waits for
 * one (runnable, queued behind other processes), from one read of
 * /proc/<pid>/schedstat (~20 µs: read once per cold start, when the instance is
 * ready). Counted from the fork, across the exec of the function's command; a
 * wait still going on is not in it (the thread that just got ready ran last).
 * null where unavailable (another OS, a kernel without schedstats, the process gone).
 */
export function mainThreadSched(pid: number): { ranMs: number; waitedMs: number } | null {
  try {
    const f = readFileSync(`/proc/${pid}/schedstat`, 'latin1').split(' ');
    const ran = Number(f[0]);
    const waited = Number(f[1]);
    return Number.isFinite(ran) && Number.isFinite(waited) ? { ranMs: ran / 1e6, waitedMs: waited / 1e6 } : null;
  } catch {
    return null;
  }
}

/**
 * How long process `pid` has existed and how long its command has run, ms
 * (/proc/uptime less the start times in field 22 of /proc/<pid>/stat and of its
 * threads' stat: clock ticks since boot, 100 a second on Linux, so 10 ms steps).
 * An instance's process may first run fxbench's setup steps (`setpriv`, the
 * `sh` that joins its cgroup, which waits for the kernel's cgroup mutex) and
 * then exec the function's command (one the spawner started straight in its
 * cgroup runs its command from the start); a Node process starts its V8 and libuv threads at once, so its oldest other thread
 * dates the exec. `commandMs`: that age; 0 while still in a setup step; the
 * process's age for a single-threaded command (whose exec is not dated). null
 * where unavailable.
 */
export function processAgeMs(pid: number): { ageMs: number; commandMs: number } | null {
  try {
    const uptimeMs = Number(readFileSync('/proc/uptime', 'latin1').split(' ')[0]) * 1000;
    const startedMs = (statFile: string) => Number(statFields(statFile)[19]) * 10;
    const ageMs = Math.max(0, uptimeMs - startedMs(`/proc/${pid}/stat`));
    if (!Number.isFinite(ageMs)) return null;
    const comm = readFileSync(`/proc/${pid}/comm`, 'latin1').trim();
    if (comm === 'sh' || comm === 'setpriv') return { ageMs, commandMs: 0 };
    let oldest = -1;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      if (tid === String(pid)) continue;
      try {
        oldest = Math.max(oldest, uptimeMs - startedMs(`/proc/${pid}/task/${tid}/stat`));
      } catch {
        /* the thread ended */
      }
    }
    return { ageMs, commandMs: oldest >= 0 ? Math.min(ageMs, oldest) : ageMs };
  } catch {
    return null;
  }
}

/**
 * An instance's own time so far, ms (its INIT limit is judged on it): how long
 * its command has run (processAgeMs: not the wait for the spawner to start it,
 * nor fxbench's setup steps before its exec; 0 while in them) less the time its
 * threads waited for a CPU (cpuShare), and never less than the time its main
 * thread ran (the sum of its threads' waits may overlap); with what it was
 * made of, for the INIT limit's message. null where /proc cannot be read.
 */
export function ownTime(pid: number): { ownMs: number; commandMs: number; waitedMs: number; mainRanMs: number } | null {
  const age = processAgeMs(pid);
  const share = cpuShare(pid);
  if (age === null || share === null) return null;
  const parts = { commandMs: age.commandMs, waitedMs: share.waitedMs, mainRanMs: share.mainRanMs };
  if (age.commandMs === 0) return { ownMs: 0, ...parts };
  return { ownMs: Math.max(share.mainRanMs, age.commandMs - share.waitedMs), ...parts };
}

/** True when a process's stderr says it ran out of memory (V8 heap, Python MemoryError, ENOMEM, C++ bad_alloc). */
export function looksOutOfMemory(stderr: string): boolean {
  return /heap out of memory|Cannot allocate memory|MemoryError|std::bad_alloc|out of memory|allocation failed/i.test(
    stderr,
  );
}

/** The environment every instance gets, before the function's own `env`. */
export function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', LANG: process.env.LANG ?? 'C.UTF-8', TZ: 'UTC' };
}

/** The last line of `text` (trimmed), e.g. of a process's stderr for an error message. */
export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
