/**
 * The OS side of an instance (instance.ts): how its process is started (under a
 * parent-death signal, a memory rlimit and a lower priority), the environment
 * every instance gets, and what is read back from the process (the tail of its
 * stderr, its peak RSS from /proc, whether it says it ran out of memory).
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { FunctionSpec } from '../model/function.ts';

/** Niceness of instance processes (0 = the runtime's own; higher = lower priority). */
export const INSTANCE_NICENESS = 10;
const SETPRIV = '/usr/bin/setpriv';
const PRLIMIT = '/usr/bin/prlimit';
const HAS_SETPRIV = process.platform === 'linux' && existsSync(SETPRIV);
const HAS_PRLIMIT = process.platform === 'linux' && existsSync(PRLIMIT);

/**
 * Spawns an instance process of `spec` in its code folder: under `setpriv
 * --pdeathsig SIGKILL` (the kernel kills it should fxbench die without cleaning
 * up: no orphans, ever) and, for every kind but `node` (whose cap is V8's heap
 * limit), `prlimit --data` at the function's memory size. Both exec, so the PID
 * is the function's own. The process runs at INSTANCE_NICENESS.
 */
export function spawnInstanceProcess(
  spec: FunctionSpec,
  cmd: string,
  args: string[],
  env: Record<string, string>,
  stdio: StdioOptions,
): ChildProcess {
  if (spec.kind !== 'node' && HAS_PRLIMIT) {
    args = [`--data=${spec.memoryMB * 1024 * 1024}`, '--', cmd, ...args];
    cmd = PRLIMIT;
  }
  if (HAS_SETPRIV) {
    args = ['--pdeathsig', 'SIGKILL', '--', cmd, ...args];
    cmd = SETPRIV;
  }
  const child = spawn(cmd, args, { cwd: spec.code, env, stdio });
  // Instances run one step below the runtime and the load generator (nice +INSTANCE_NICENESS):
  // on a small machine a burst of N booting processes would otherwise starve the process that
  // accepts the burst, late requests would land on instances that already finished, and a burst
  // of N would no longer cost N cold starts. The client side must not be starved by the system
  // it measures (on a real platform they are different machines).
  if (child.pid) {
    try {
      setPriority(child.pid, INSTANCE_NICENESS);
    } catch {
      /* not permitted: run at the default priority */
    }
  }
  return child;
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
