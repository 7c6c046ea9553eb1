/**
 * Test helpers: run the real CLI as a user would, find child processes by PID,
 * make scratch folders. Every process a test starts, it stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { FxError } from '../../src/model/errors.ts';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
/** bin/fxbench.mjs */
export const BIN = path.join(ROOT, 'bin/fxbench.mjs');

/** Output of a finished CLI run. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `fxbench ...args` to completion (killed after `timeoutMs`). */
export function runCli(
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const child = startCli(args, opts);
  return finished(child, opts.timeoutMs ?? 60_000);
}

/** Starts `fxbench ...args` and returns the child (stdout/stderr accumulate on `.out`). */
export function startCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): ChildProcess & { out: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { out: { stdout: string; stderr: string } };
  child.out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c) => (child.out.stdout += c));
  child.stderr!.on('data', (c) => (child.out.stderr += c));
  return child;
}

/** Waits for a started CLI to exit; SIGKILLs it after `timeoutMs`. */
export function finished(
  child: ChildProcess & { out: { stdout: string; stderr: string } },
  timeoutMs = 60_000,
): Promise<CliRun> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: child.out.stdout, stderr: child.out.stderr });
    });
  });
}

/** Waits until `predicate()` holds (it may be async), polling every 20 ms; throws after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True while a process with this PID exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** PIDs of every descendant of `pid` (children, grandchildren…), from /proc. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(name));
      parents.set(ppid, list);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of parents.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** A scratch folder under the OS temp dir; removed by `cleanup()`. */
export function scratch(prefix = 'fxbench-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Asserts that `fn` rejects with an FxError with this exit code and an issue at
 * this file and field whose message matches (after uvu's `isError` helper).
 */
export async function isFxError(
  fn: () => Promise<unknown>,
  expected: { exitCode: number; file?: string; field?: string; message?: RegExp },
): Promise<FxError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof FxError, `expected an FxError, got ${String(caught)}`);
  const err = caught as FxError;
  assert.is(err.exitCode, expected.exitCode, `exit code (message: ${err.message})`);
  if (expected.field !== undefined || expected.file !== undefined || expected.message) {
    const hit = err.issues.find(
      (i) =>
        (expected.field === undefined || i.field === expected.field) &&
        (expected.file === undefined || i.file === expected.file) &&
        (!expected.message || expected.message.test(i.message)),
    );
    assert.ok(
      hit,
      `no issue with file=${expected.file} field=${expected.field} message~${expected.message}; issues:\n${err.message}`,
    );
  }
  return err;
}
