/**
 * An instance's whole process tree is its execution environment, and it ends as
 * a whole (Lambda freezes and discards the environment, not one PID). What holds
 * the tree:
 *
 * - a memory cgroup per instance, where the machine offers one (cgroup v1 with
 *   the memory controller, writable: this process's own memory cgroup gets a
 *   child `fxbench-<pid>-<rand>`, and each instance a child of that). The
 *   instance is started in it (by the spawner, in a cgroup made ahead; else by
 *   a `sh` step between `setpriv` and the command, which joins it first), so
 *   every descendant is in it, including one that calls
 *   setsid(). It is killed by killing every PID listed in it until it is empty,
 *   and it is also the memory cap (memory.limit_in_bytes: resident memory of the
 *   whole tree, as Lambda caps its environments) and tells when the kernel killed
 *   something in it for memory (memory.oom_control's oom_kill);
 * - else a process group per instance (spawned detached: the instance leads its
 *   own session and group), killed with kill(-pgid). A descendant that calls
 *   setsid() leaves the group, and then nothing holds it. (With a cgroup the
 *   instance stays in fxbench's session: a session of its own is also a
 *   scheduling group of its own where the kernel has autogroups, which weighs a
 *   lone booting instance down against other load on the machine.);
 * - a reaper: one tiny `sh` per fxbench process, started detached with the
 *   runtime, told each instance group on a pipe. When fxbench is gone however it
 *   ended (SIGKILL included) the pipe reaches end-of-file, and the reaper kills
 *   every group still listed and everything in fxbench's cgroups, removes them,
 *   and exits. An instance started through `setpriv --pdeathsig SIGKILL` also
 *   dies with its parent even without a reaper; one the spawner started straight
 *   in its cgroup is killed by the spawner when the runtime dies (its SIGTERM
 *   parent-death signal), or by the runtime when the spawner dies.
 *
 * Without a usable cgroup (another OS, cgroup v2 only, not root, or
 * FXBENCH_NO_CGROUP=1) memory is capped by the watchdog in memory-watchdog.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const SH = '/bin/sh';
const IS_LINUX = process.platform === 'linux';
const SETPRIV = '/usr/bin/setpriv';
const HAS_SETPRIV = process.platform === 'linux' && existsSync(SETPRIV);

/**
 * `cmd args` run under `setpriv --pdeathsig SIGKILL` (or `signal`) where there
 * is setpriv: the kernel signals the process should its parent die without
 * cleaning up.
 */
export function underParentDeath(
  cmd: string,
  args: string[],
  signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL',
): { cmd: string; args: string[] } {
  return HAS_SETPRIV ? { cmd: SETPRIV, args: ['--pdeathsig', signal, '--', cmd, ...args] } : { cmd, args };
}

/** How long a cgroup whose processes were killed is retried for removal before the reaper is left to do it, ms. */
const RMDIR_RETRY_MS = 20;
const RMDIR_TRIES = 50;

/**
 * The `sh` step that puts an instance in its cgroup before its command runs,
 * where the spawner does not start it there itself (a cgroup not made ahead, or
 * no spawner):
 * `sh -c JOIN <cgroup dir> <limit bytes or "" when made already> <command> <args…>`.
 * Unless the cgroup was made ahead (a pooled one: takeCgroup), it creates it and
 * caps its memory (and memory+swap where swap is accounted); then it moves
 * itself in and execs the command (same PID). Any failure is an init error with
 * a message on stderr, never an uncapped instance.
 *
 * It moves its one thread (`echo 0 > tasks`), not its process (`cgroup.procs`):
 * the kernel moves a whole process under its global threadgroup lock, whose
 * write side waits for an RCU grace period and holds off every fork and thread
 * creation on the machine meanwhile, while moving the calling thread alone takes
 * no such lock. `sh` has one thread, and whatever the command starts after the
 * exec (Node's V8 and libuv threads, children) is born in the cgroup. Measured
 * 2026-11-30, burst of 300 Node instances on 2 cores: with `cgroup.procs` the
 * instances killed by the INIT limit (6–46 of 300 in 5 runs) had spent 10+ s
 * asleep, in `sh` waiting for the cgroup mutex and in Node's first clone()
 * waiting for that lock (their kernel stacks); with `tasks`, 0 of 300 in 2 runs.
 */
const JOIN = [
  'd=$0 b=$1',
  '{ [ -z "$b" ] || { mkdir "$d" && echo "$b" > "$d/memory.limit_in_bytes" &&',
  '{ [ ! -e "$d/memory.memsw.limit_in_bytes" ] || echo "$b" > "$d/memory.memsw.limit_in_bytes"; }; }; } &&',
  'echo 0 > "$d/tasks" ||',
  '{ echo "fxbench: cannot place the instance in memory cgroup $d" >&2; exit 125; }',
  'shift; exec "$@"',
].join('\n');

/**
 * Cgroups made ahead, per memory size: creating a memory cgroup costs the kernel
 * milliseconds (tens on a loaded machine), so it is done off the cold-start path
 * (asynchronously, in the thread pool) and an instance only joins one. As many
 * are made as the function may run instances (maxInstances; 8 at least, 1000 at
 * most): in a burst of 300 with 8 made ahead, the other 292 `sh` steps each
 * forked a `mkdir` and waited for it, queued at nice 10 behind every booting
 * instance, for seconds that the instance's own CPU figures did not show and
 * its INIT limit counted (2026-11-30: 92 of 300 killed at "INIT phase exceeded
 * 10 s"; 0 with the pool).
 */
const POOL_SIZE = 8;
/** The most cgroups kept made ahead for one memory size. */
const POOL_MAX = 1000;
const pool = new Map<number, string[]>();
const filling = new Map<number, number>();
/** How many cgroups to keep made ahead per memory size: the most instances a function of that size may run. */
const poolTarget = new Map<number, number>();
let pooled = 0;

/**
 * The reaper (`sh -c REAPER fxbench-reaper <cgroup base or "">`): reads `+PGID`
 * and `-PGID` lines on stdin; at end of input (fxbench is gone) kills the groups
 * still listed, then kills everything in each instance cgroup under the base
 * until it can be removed, removes the base, and exits.
 */
const REAPER = [
  "trap '' INT HUP",
  'base=$1 g=" "',
  'while read -r line; do',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion
  '  id=${line#?}',
  '  case $line in',
  '    +*) g="$g$id " ;;',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion
  '    -*) case $g in *" $id "*) g="${g%% $id *} ${g#* $id }" ;; esac ;;',
  '  esac',
  'done',
  'for p in $g; do kill -KILL -"$p" 2>/dev/null; done',
  '[ -n "$base" ] && [ -d "$base" ] || exit 0',
  'n=0',
  'while [ $n -lt 200 ]; do',
  '  left=',
  '  for d in "$base"/*/; do',
  '    [ -d "$d" ] || continue',
  '    while read -r p; do kill -KILL "$p" 2>/dev/null; done < "$d/cgroup.procs"',
  '    rmdir "$d" 2>/dev/null || left=1',
  '  done',
  '  [ -z "$left" ] && break',
  '  n=$((n+1)); sleep 0.05',
  'done',
  'rmdir "$base" 2>/dev/null',
  'exit 0',
].join('\n');

/** How long fxbench's own exit waits for killed trees to leave their cgroups so it can remove them, ms. */
const EXIT_WAIT_MS = 500;

/** Where this process's instance cgroups live; undefined until first asked, null when there is none. */
let cgroupBase: string | null | undefined;
let reaper: ChildProcess | null = null;
/** Trees of live instances (killed at exit). */
const liveTrees = new Set<ProcessTree>();
/** Cgroups of ended instances not yet removed. */
const pendingCgroups = new Set<string>();

/**
 * The memory cgroup folder this process puts its instances under, created on
 * first use; null where none is usable (then process groups and the memory
 * watchdog do the work). FXBENCH_NO_CGROUP=1 turns cgroups off (checked per
 * spawn, so a test can compare both).
 */
export function instanceCgroupBase(): string | null {
  if (process.env.FXBENCH_NO_CGROUP === '1') return null;
  if (cgroupBase === undefined) cgroupBase = createCgroupBase();
  return cgroupBase;
}

let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', endTreesSync);
}

/** This process's own cgroup folder in the v1 memory hierarchy, or null. */
export function ownMemoryCgroup(): string | null {
  if (!IS_LINUX) return null;
  try {
    // "4:memory:/some/path": the v1 memory controller's line.
    const line = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((l) => l.split(':')[1]?.split(',').includes('memory'));
    if (!line) return null;
    const rel = line.split(':').slice(2).join(':');
    for (const l of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const [pre, post] = l.split(' - ');
      if (!pre || !post) continue;
      const [fstype, , superOptions] = post.split(' ');
      if (fstype !== 'cgroup' || !superOptions?.split(',').includes('memory')) continue;
      const fields = pre.split(' ');
      const root = fields[3]!;
      const mount = fields[4]!;
      if (root !== '/' && rel !== root && !rel.startsWith(`${root}/`)) continue;
      return path.join(mount, root === '/' ? rel : rel.slice(root.length));
    }
  } catch {
    /* no /proc, or unreadable */
  }
  return null;
}

function createCgroupBase(): string | null {
  const own = ownMemoryCgroup();
  if (!own) return null;
  sweepStale(own);
  const base = path.join(own, `fxbench-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    mkdirSync(base);
  } catch {
    return null; // not writable (not root, read-only mount): no cgroups
  }
  hookExit();
  // Probe once what every instance will do: a child with a memory limit.
  const probe = path.join(base, 'probe');
  try {
    mkdirSync(probe);
    writeFileSync(path.join(probe, 'memory.limit_in_bytes'), String(128 * 1024 * 1024));
    rmdirSync(probe);
    return base;
  } catch {
    try {
      rmdirSync(probe);
    } catch {
      /* never made */
    }
    try {
      rmdirSync(base);
    } catch {
      /* leave it */
    }
    return null;
  }
}

/**
 * Removes what an earlier fxbench process left under `own` when neither it nor
 * its reaper could clean up (both killed at once): `fxbench-<pid>-*` folders of
 * PIDs that no longer run, after killing anything still in them.
 */
function sweepStale(own: string): void {
  let names: string[];
  try {
    names = readdirSync(own).filter((n) => /^fxbench-\d+-[0-9a-f]+$/.test(n));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[1]);
    if (pid === process.pid || existsSync(`/proc/${pid}`)) continue;
    const dir = path.join(own, name);
    try {
      for (const sub of readdirSync(dir, { withFileTypes: true })) {
        if (!sub.isDirectory()) continue;
        killCgroup(path.join(dir, sub.name));
        tryRmdir(path.join(dir, sub.name));
      }
      rmdirSync(dir);
    } catch {
      /* still busy: the next fxbench tries again */
    }
  }
}

/** Kills (SIGKILL) every process listed in a cgroup, once. Returns how many were listed. */
function killCgroup(dir: string): number {
  let text: string;
  try {
    text = readFileSync(path.join(dir, 'cgroup.procs'), 'latin1');
  } catch {
    return 0;
  }
  let n = 0;
  for (const line of text.split('\n')) {
    const pid = Number(line);
    if (!pid) continue;
    n++;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return n;
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** The reaper of this process, started on first use (detached: Ctrl-C to the terminal's group does not reach it). */
export function startReaper(): void {
  if (reaper || !IS_LINUX) return;
  // The base is made even when instances do not use it now (FXBENCH_NO_CGROUP is read per spawn).
  cgroupBase ??= createCgroupBase();
  try {
    reaper = spawn(SH, ['-c', REAPER, 'fxbench-reaper', cgroupBase ?? ''], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  } catch {
    reaper = null;
    return;
  }
  reaper.on('error', () => undefined);
  reaper.stdin!.on('error', () => undefined);
  // Neither the reaper nor its pipe keeps fxbench alive; the pipe's end is the reaper's signal.
  reaper.unref();
  (reaper.stdin as unknown as { unref(): void }).unref();
  hookExit();
}

/**
 * fxbench is exiting (any way that runs 'exit' handlers: the end of a run,
 * process.exit after Ctrl-C or SIGTERM): kills every live tree, waits briefly
 * for the killed processes to leave their cgroups, removes the cgroups, and
 * then ends the reaper, which has nothing left to do. Whatever could not be
 * removed in time is left to the reaper, which then stays to finish.
 */
export function endTreesSync(): void {
  for (const tree of liveTrees) tree.kill();
  const cgroups = [...pendingCgroups];
  for (const list of pool.values()) cgroups.push(...list.splice(0));
  for (const tree of liveTrees) if (tree.cgroup) cgroups.push(tree.cgroup);
  const deadline = Date.now() + EXIT_WAIT_MS;
  let left = cgroups;
  while (left.length) {
    left = left.filter((dir) => {
      killCgroup(dir);
      return !tryRmdir(dir);
    });
    if (!left.length || Date.now() > deadline) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2); // 2 ms: the killed processes leave
  }
  if (left.length) return;
  if (cgroupBase && !tryRmdir(cgroupBase)) return;
  if (reaper?.pid && reaper.exitCode === null) {
    try {
      process.kill(reaper.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** PID of this process's reaper (tests); 0 when none runs. */
export function reaperPid(): number {
  return reaper?.pid ?? 0;
}

function tellReaper(line: string): void {
  if (reaper?.stdin?.writable) reaper.stdin.write(line);
}

/**
 * How to start an instance's command so that its tree is held: the command and
 * arguments to spawn (wrapped in the cgroup step when there is a cgroup) and
 * the cgroup folder it will be in (null without one: then spawn it detached, as
 * the leader of its own process group). With `direct` (the spawner can start
 * a child in a cgroup: spawner.py) and a cgroup made ahead, the command is left
 * as it is and `direct` is true: the spawner starts it in `cgroup`.
 */
export function treeCommand(
  id: string,
  memoryMB: number,
  cmd: string,
  args: string[],
  direct = false,
): { cmd: string; args: string[]; cgroup: string | null; direct: boolean } {
  const base = instanceCgroupBase();
  if (!base) return { cmd, args, cgroup: null, direct: false };
  const made = pool.get(memoryMB)?.pop();
  void fillCgroupPool(memoryMB);
  if (made && direct) return { cmd, args, cgroup: made, direct };
  const cgroup = made ?? path.join(base, id);
  const limit = made ? '' : String(memoryMB * 1024 * 1024);
  return { cmd: SH, args: ['-c', JOIN, cgroup, limit, cmd, ...args], cgroup, direct: false };
}

/**
 * Makes cgroups capped at `memoryMB` ahead, up to `atLeast` (a function's
 * maxInstances; kept as the size's target) or the target set before,
 * asynchronously (LocalRuntime calls it for each function; every cgroup taken
 * is replaced). Resolves once the ones asked for now are made. Does nothing
 * without cgroups.
 */
export function fillCgroupPool(memoryMB: number, atLeast = POOL_SIZE): Promise<void> {
  const base = instanceCgroupBase();
  if (!base) return Promise.resolve();
  const target = Math.min(POOL_MAX, Math.max(poolTarget.get(memoryMB) ?? POOL_SIZE, atLeast));
  poolTarget.set(memoryMB, target);
  const list = pool.get(memoryMB) ?? [];
  pool.set(memoryMB, list);
  const made: Promise<void>[] = [];
  let want = target - list.length - (filling.get(memoryMB) ?? 0);
  for (; want > 0; want--) {
    filling.set(memoryMB, (filling.get(memoryMB) ?? 0) + 1);
    const dir = path.join(base, `pool-${memoryMB}-${pooled++}`);
    const limit = String(memoryMB * 1024 * 1024);
    made.push(
      makeCgroup(dir, limit).then((ok) => {
        filling.set(memoryMB, (filling.get(memoryMB) ?? 1) - 1);
        if (ok) list.push(dir);
      }),
    );
  }
  return Promise.all(made).then(() => undefined);
}

async function makeCgroup(dir: string, limit: string): Promise<boolean> {
  try {
    await mkdir(dir);
    await writeFile(path.join(dir, 'memory.limit_in_bytes'), limit);
    if (existsSync(path.join(dir, 'memory.memsw.limit_in_bytes')))
      await writeFile(path.join(dir, 'memory.memsw.limit_in_bytes'), limit);
    return true;
  } catch {
    try {
      await rmdir(dir);
    } catch {
      /* never made */
    }
    return false;
  }
}

/** An instance's process tree: its cgroup where there is one, else its process group. */
export class ProcessTree {
  private released = false;
  /** The PID kill() signals: the instance's own with a cgroup, else its group's (-PID: it leads the group). */
  private readonly target: number;

  /** `pid`: the instance process; `cgroup`: its cgroup folder, or null when it was spawned as a group leader. */
  constructor(
    readonly pid: number,
    readonly cgroup: string | null,
  ) {
    this.target = cgroup ? pid : -pid;
    if (pid > 0 && !cgroup) tellReaper(`+${pid}\n`);
    liveTrees.add(this);
  }

  /** Kills (SIGKILL) the whole tree now: the instance (or its process group), then everything in the cgroup. */
  kill(): void {
    if (this.pid > 0) {
      try {
        process.kill(this.target, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    if (this.cgroup) killCgroup(this.cgroup);
  }

  /** Whether the kernel killed a process of this tree for exceeding the cgroup's memory limit. */
  oomKilled(): boolean {
    if (!this.cgroup) return false;
    try {
      const m = /oom_kill (\d+)/.exec(readFileSync(path.join(this.cgroup, 'memory.oom_control'), 'latin1'));
      return m !== null && Number(m[1]) > 0;
    } catch {
      return false;
    }
  }

  /**
   * The instance is gone: kills whatever is left of its tree and removes its
   * cgroup once empty (retried on a timer; the reaper removes what is left
   * when fxbench exits). Idempotent.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    liveTrees.delete(this);
    this.kill();
    if (this.pid > 0 && !this.cgroup) tellReaper(`-${this.pid}\n`);
    const cgroup = this.cgroup;
    if (!cgroup) return;
    pendingCgroups.add(cgroup);
    void removeCgroup(cgroup);
  }
}

/**
 * Removes an ended instance's cgroup once empty, off the event loop (rmdir in
 * the thread pool: a synchronous rmdir of a memory cgroup held the runtime's
 * loop ≈ 12 ms per instance here, measured with --cpu-prof), retried while
 * killed processes are still leaving it; the reaper removes what is left when
 * fxbench exits.
 */
async function removeCgroup(cgroup: string): Promise<void> {
  for (let tries = 0; tries < RMDIR_TRIES; tries++) {
    try {
      await rmdir(cgroup);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
    }
    await new Promise((resolve) => setTimeout(resolve, RMDIR_RETRY_MS).unref());
    killCgroup(cgroup);
  }
  pendingCgroups.delete(cgroup);
}
