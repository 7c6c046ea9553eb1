/**
 * Starting instance processes without forking the runtime (spawner.py).
 *
 * Node's child_process.spawn forks the whole runtime process: measured on this
 * 2-core VM (2026-11-30), 5–10 ms of the runtime's CPU per instance at 50 MB of
 * RSS and 15–19 ms at 365 MB, with its event loop blocked 10–35 ms each (libuv
 * waits for the exec), so a burst of 100 was accepted over 7.6 s and one of 300
 * over 18.6 s. A small Python process starts them instead: Python's subprocess
 * uses vfork (no page tables copied), and the runtime only writes a line per
 * instance (≈ 0.7 ms of its CPU each, measured) and reads back the PID, the
 * stderr and the exit.
 *
 * Every kind uses it: node, bootstrap and http (stdin and stdout unused, stderr
 * passed back) and fork (a process per invocation, like OpenFaaS's classic
 * watchdog: the payload written to its stdin, its stdout passed back). Without
 * python3 (or with FXBENCH_SPAWNER=node) instances are spawned by Node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instanceCgroupBase, ownMemoryCgroup, underParentDeath } from './process-tree.ts';

const SCRIPT = fileURLToPath(new URL('./spawner.py', import.meta.url));

/**
 * Niceness of instance processes (0 = the runtime's own; higher = lower
 * priority), and of the spawner's scheduling group (its session's autogroup),
 * which all its instances share: as a whole they weigh as one process at nice
 * 10 against the runtime, the generator and the rest of the machine (while any
 * boots; 0 once none does: instance-process.ts).
 */
export const INSTANCE_NICENESS = 10;

/** What an instance needs of its process: ChildProcess's parts that instance.ts uses. */
export interface InstanceChild extends EventEmitter {
  /** Undefined until the process has started (a spawner's child: its 'spawn' event). */
  pid?: number | undefined;
  exitCode: number | null;
  signalCode: NodeJS.Signals | null;
  stderr: EventEmitter | null;
  stdout: EventEmitter | null;
}

/** A process started by the spawner: emits 'spawn', 'error', 'exit' and then 'close'; stderr emits 'data'. */
class SpawnedChild extends EventEmitter implements InstanceChild {
  pid: number | undefined = undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  readonly stderr = new EventEmitter();
  readonly stdout = new EventEmitter();
}

interface SpawnerMessage {
  /** The first line: it runs. */
  ready?: boolean;
  /** In the first line: it can start children in a cgroup (SpawnOptions.cgroup). */
  join?: boolean;
  id: string;
  pid?: number;
  error?: string;
  err?: string;
  out?: string;
  exit?: number | null;
  signal?: NodeJS.Signals | null;
}

/** How the spawner starts a process. */
export interface SpawnOptions {
  cwd: string;
  env: Record<string, string>;
  /** Leading a process group of its own (in the spawner's session, where its Python can: 3.11+). */
  group: boolean;
  /** Niceness to set. */
  nice: number;
  /** Written to its stdin (then closed), and its stdout passed back; without it both are /dev/null. */
  input?: Buffer;
  /** A memory cgroup made ahead to start it in (when the spawner joins cgroups: spawnerJoinsCgroups). */
  cgroup?: string;
}

/** One spawner process, started on first use. */
class Spawner {
  private readonly proc: ChildProcess;
  private readonly children = new Map<string, SpawnedChild>();
  private next = 0;
  private buffered = '';
  dead = false;
  /** It said it can start children in a cgroup. */
  joins = false;
  /** Resolves true once the spawner said it is ready, false if it ended first. */
  readonly ready: Promise<boolean>;
  private setReady!: (ok: boolean) => void;

  constructor(python: string) {
    this.ready = new Promise((resolve) => (this.setReady = resolve));
    // Its own memory cgroup, where it returns after starting a child in one (only where
    // instances get cgroups). Its parent-death signal is SIGTERM, on which it kills what it
    // started (spawner.py): its children in cgroups run without a `setpriv` step of their own.
    const home = instanceCgroupBase() ? (ownMemoryCgroup() ?? '') : '';
    const { cmd, args } = underParentDeath(python, [SCRIPT, String(INSTANCE_NICENESS), home], 'SIGTERM');
    this.proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.proc.stdout!.setEncoding('latin1');
    this.proc.stdout!.on('data', (s: string) => this.read(s));
    this.proc.on('error', () => this.fail('the spawner could not start'));
    this.proc.on('exit', (code, signal) => this.fail(`the spawner exited (code ${code}, signal ${signal})`));
    this.proc.stdin!.on('error', () => undefined);
    // Once it is ready, neither the spawner nor its pipes keep the runtime alive (until then its
    // first line is awaited, so it must).
    void this.ready.then(() => {
      this.proc.unref();
      (this.proc.stdin as unknown as { unref(): void }).unref();
      (this.proc.stdout as unknown as { unref(): void }).unref();
    });
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  /** Ends the spawner (end of its input) once it has no child left; true when it was ended. */
  endIfIdle(): boolean {
    if (this.children.size) return false;
    this.dead = true;
    this.setReady(false);
    this.proc.stdin!.end();
    return true;
  }

  spawn(cmd: string, args: string[], opts: SpawnOptions): SpawnedChild {
    const id = String(this.next++);
    const child = new SpawnedChild();
    this.children.set(id, child);
    const msg: Record<string, unknown> = {
      id,
      argv: [cmd, ...args],
      cwd: opts.cwd,
      env: opts.env,
      group: opts.group,
      nice: opts.nice,
    };
    if (opts.input) {
      msg.stdin = opts.input.toString('base64');
      msg.stdout = true;
    }
    if (opts.cgroup) msg.cgroup = opts.cgroup;
    this.proc.stdin!.write(`${JSON.stringify(msg)}\n`);
    return child;
  }

  private read(s: string): void {
    const lines = (this.buffered + s).split('\n');
    this.buffered = lines.pop()!;
    for (const line of lines) {
      if (!line) continue;
      const m = JSON.parse(line) as SpawnerMessage;
      if (m.ready !== undefined) {
        this.joins = m.ready && m.join === true;
        this.setReady(m.ready);
        continue;
      }
      const child = this.children.get(m.id);
      if (!child) continue;
      if (m.pid !== undefined) {
        child.pid = m.pid;
        child.emit('spawn');
      } else if (m.err !== undefined) child.stderr.emit('data', Buffer.from(m.err, 'latin1'));
      else if (m.out !== undefined) child.stdout.emit('data', Buffer.from(m.out, 'latin1'));
      else if (m.error !== undefined) {
        this.children.delete(m.id);
        child.emit('error', new Error(m.error));
        child.exitCode = -2;
        child.emit('exit', -2, null);
        child.emit('close', -2, null);
      } else if ('exit' in m) {
        this.children.delete(m.id);
        child.exitCode = m.exit ?? null;
        child.signalCode = m.signal ?? null;
        child.emit('exit', child.exitCode, child.signalCode);
        child.emit('close', child.exitCode, child.signalCode);
      }
    }
  }

  /**
   * The spawner is gone: its children are killed (those started through `setpriv`
   * died with it, by their parent-death signal; those it started straight into a
   * cgroup are killed here, and their trees by their instances, as after any
   * exit); each says so.
   */
  private fail(why: string): void {
    if (this.dead) return;
    this.dead = true;
    this.setReady(false);
    if (active === this) active = undefined;
    for (const [id, child] of this.children) {
      this.children.delete(id);
      try {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      } catch {
        /* gone already */
      }
      child.stderr.emit('data', Buffer.from(`fxbench: ${why}\n`));
      child.signalCode = 'SIGKILL';
      child.emit('exit', null, 'SIGKILL');
      child.emit('close', null, 'SIGKILL');
    }
  }
}

let active: Spawner | undefined;
/** The python3 the spawner runs on: undefined until looked for, null when there is none (or it failed). */
let python: string | null | undefined;

/**
 * python3 for the spawner, without running it: the system's (/usr/bin, whose
 * start is fastest: a version manager's shim on PATH took 0.9 s here), else
 * the first on PATH. Null off Linux or with FXBENCH_SPAWNER=node.
 */
function findPython(): string | null {
  if (python !== undefined) return python;
  python = null;
  if (process.platform !== 'linux' || process.env.FXBENCH_SPAWNER === 'node') return python;
  const dirs = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':').filter(Boolean)];
  for (const dir of dirs) {
    const exe = `${dir}/python3`;
    try {
      accessSync(exe, constants.X_OK);
      python = exe;
      return python;
    } catch {
      /* not here */
    }
  }
  return python;
}

/** Whether instances are started through the spawner (python3 on Linux, not turned off, and it started). */
export function spawnerAvailable(): boolean {
  return findPython() !== null;
}

let users = 0;

/**
 * A runtime of this process starts: starts the spawner now, off the first cold
 * start's path, and waits for its first line (≈ 30 ms). A python3 that cannot
 * run it (too old, broken) is not used again: instances are spawned by Node.
 */
export async function acquireSpawner(): Promise<void> {
  users++;
  const py = findPython();
  if (!py) return;
  if (!active || active.dead) active = new Spawner(py);
  if (!(await active.ready)) {
    python = null;
    active = undefined;
  }
}
/** A runtime of this process stopped (its instances are gone): the last one ends the spawner. */
export function releaseSpawner(): void {
  users = Math.max(0, users - 1);
  if (users === 0 && active?.endIfIdle()) active = undefined;
}

/**
 * Whether the running spawner starts instances in their cgroups itself (it said
 * so when it started): then an instance needs no `sh` step to join one.
 */
export function spawnerJoinsCgroups(): boolean {
  return Boolean(active && !active.dead && active.joins);
}

/**
 * Sets the niceness of the running spawner's scheduling group (its session's
 * autogroup, which all its instances share), where the kernel has autogroups;
 * does nothing without a spawner. Raising it back needs no privilege either
 * (only a negative niceness does).
 */
export function setSpawnerGroupNiceness(nice: number): void {
  if (!active || active.dead || !active.pid) return;
  try {
    writeFileSync(`/proc/${active.pid}/autogroup`, String(nice));
  } catch {
    /* no autogroups, or the spawner is gone */
  }
}

/** PID of the running spawner (tests); 0 when none. */
export function spawnerPid(): number {
  return active && !active.dead ? active.pid : 0;
}

/**
 * Starts `cmd args` through the spawner (started on first use): stdin and
 * stdout /dev/null unless there is `input` (then written to stdin, and stdout
 * passed back), stderr passed back, leading its own process group when `group`, at
 * niceness `nice`. Null when there is no spawner (spawn it with Node instead).
 */
export function spawnViaSpawner(cmd: string, args: string[], opts: SpawnOptions): InstanceChild | null {
  const py = findPython();
  if (!py) return null;
  if (!active || active.dead) active = new Spawner(py);
  return active.spawn(cmd, args, opts);
}
