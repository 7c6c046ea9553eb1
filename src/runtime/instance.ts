/**
 * What every instance kind of the local runtime shares: one real OS process and
 * the tree it starts (held and ended as a whole, memory-capped: process-tree.ts,
 * memory-watchdog.ts), a lifecycle (starting → ready → dead), in-flight
 * accounting, the idle timer that scales it to zero, and the rules that classify
 * invocations lost with a dying process. The kinds live in lambda-instance.ts,
 * fork-instance.ts and http-instance.ts; starting the process and reading it
 * back is instance-process.ts.
 */
import type { StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { epochMs, nowNs } from '../clock.ts';
import type { FunctionSpec } from '../model/function.ts';
import {
  bootEnded,
  bootNiceness,
  lastLine,
  looksOutOfMemory,
  mainThreadSched,
  PeakRssReader,
  ownTime,
  spawnInstanceProcess,
  Tail,
} from './instance-process.ts';
import type { InstanceResult, PendingInvocation, ResultFields } from './invocation.ts';
import { watchMemory } from './memory-watchdog.ts';
import type { ProcessTree } from './process-tree.ts';
import { INSTANCE_NICENESS, type InstanceChild } from './spawner.ts';

/**
 * Lambda's INIT phase limit for on-demand functions, 10 s (AWS Compute Blog,
 * https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/, read 2026-11);
 * also bounds http readiness. On Lambda every instance has its own share of a
 * CPU; here a burst of N instances boots on the machine's few cores, so the
 * limit is judged on the instance's own time: wall time since its spawn less the
 * time its threads waited for a CPU (cpuShare). Without that, a burst of
 * 100 Node instances on 2 cores (≈ 15 s of CPU) failed a third of its cold starts
 * with "INIT phase exceeded 10 s" though each needed ≈ 0.15 s (2026-11-30).
 */
export const INIT_TIMEOUT_MS = 10_000;
/** The INIT limit in force: INIT_TIMEOUT_MS, or FXBENCH_INIT_TIMEOUT_MS (ms) where set (the tests shorten it). */
export function initTimeoutMs(): number {
  const set = Number(process.env.FXBENCH_INIT_TIMEOUT_MS);
  return Number.isFinite(set) && set > 0 ? set : INIT_TIMEOUT_MS;
}
/** The INIT limit is re-checked no sooner than this after a check found time left, ms. */
const INIT_RECHECK_MS = 100;

/** How an invocation was lost with its instance's process (BaseInstance.lostResult). */
interface Loss {
  /** This invocation is the one that timed out. */
  timedOut: boolean;
  /** When the function was handed the invocation (nowNs()); unset when it never was. */
  startNs?: number;
  /** The process's exit code and signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the runtime posted to /runtime/init/error, if it did. */
  initError?: { body: Buffer; type: string };
}

/** Why the runtime killed an instance (`memory`: its tree was over the memory size, memory-watchdog.ts). */
export type KillReason = 'timeout' | 'init-timeout' | 'idle' | 'stop' | 'crash' | 'memory';

/** Callbacks from an instance to the pool that owns it. */
export interface InstanceEvents {
  /** The instance finished starting (it may have spare slots). */
  onReady(instance: BaseInstance): void;
  /** An invocation finished and the instance lives on with a free slot. */
  onSlotFree(instance: BaseInstance): void;
  /** The instance is gone (exited, killed, failed init). Called once. */
  onExit(instance: BaseInstance): void;
}

/** Where an instance is in its life: starting (process up, not yet ready), ready, or dead (process gone). */
export type InstanceState = 'starting' | 'ready' | 'dead';

/** A running (or starting) instance of a function: the part every kind shares. */
export abstract class BaseInstance {
  /** Short id, also the log stream name and the `x-fxbench-instance-id` header. */
  readonly id = randomBytes(4).toString('hex');
  state: InstanceState = 'starting';
  /** OS process id of the instance (0 before spawn). */
  pid = 0;
  /** Invocations accepted and not yet finished. */
  inflight = 0;
  /** Invocations finished. */
  served = 0;
  /** Start until ready, ms; set once ready. */
  initMs: number | undefined;
  /** Of initMs, its main thread's time on a CPU and waiting for one, ms (mainThreadSched); set once ready where /proc tells. */
  private initSched: { ranMs: number; waitedMs: number } | null = null;
  /** Resolves once the instance is dead and its process has exited. */
  readonly exited: Promise<void>;
  /** Set when the pool puts the instance on its free list (avoids duplicates). */
  listed = false;
  /** Being killed: takes no more work even before its process has exited. */
  retiring = false;
  protected child: InstanceChild | null = null;
  /** The instance's process tree (group, cgroup), once spawned. */
  private tree: ProcessTree | null = null;
  /** Stops the memory watchdog watching this instance. */
  private unwatch: (() => void) | undefined;
  /** The kernel killed part of the tree for exceeding the cgroup's memory limit (read when the process exited). */
  protected oomKilled = false;
  protected readonly stderr = new Tail();
  protected killedFor: KillReason | null = null;
  protected readonly startedNs = nowNs();
  /** When the instance was created (its process spawned right after), ms since the Unix epoch. */
  protected readonly startedAtMs = epochMs();
  /** Reads the process's peak RSS (keeps /proc/<pid>/status open). */
  private readonly peakRss = new PeakRssReader();
  private markExited!: () => void;
  private initTimer: NodeJS.Timeout | undefined;
  /** Its niceness while it boots (bootNiceness); undefined once ready or gone. */
  private bootNice: number | undefined;
  /** What the INIT limit was judged on when it killed the instance (its message). */
  private initKilledAfter = '';
  /** The INIT limit for this instance (initTimeoutMs() when it was created), ms. */
  private readonly initLimitMs = initTimeoutMs();
  /**
   * Kills the instance once idle for idleTimeoutMs. Armed when it goes idle and
   * not already armed, never cleared by work: when it fires it checks how long
   * the instance has been idle (idleSinceNs) and re-arms for the rest, so a busy
   * instance costs no timer per invocation (a setTimeout and a clearTimeout each
   * were ~2 % of the runtime process's CPU at 10 connections).
   */
  private idleTimer: NodeJS.Timeout | undefined;
  /** When inflight last fell to 0 (nowNs()). */
  private idleSinceNs = 0;

  constructor(
    readonly spec: FunctionSpec,
    protected readonly events: InstanceEvents,
  ) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
  }

  /** Hands an invocation to this instance. Never throws; the result arrives through `inv.resolve`. */
  abstract run(inv: PendingInvocation): void;

  /** Resolves every invocation this instance holds when its process is gone. */
  protected abstract lose(code: number | null, signal: NodeJS.Signals | null): void;

  /** Kills the process and its whole tree (SIGKILL); the instance turns dead once the process has exited. */
  kill(reason: KillReason): void {
    if (this.state === 'dead') return;
    this.killedFor ??= reason;
    this.retiring = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.processExited(null, 'SIGKILL');
    this.tree?.kill(); // no tree yet (the spawner has not reported the PID): killed as soon as it does
  }

  /** Kills the whole tree synchronously, whatever the state (process 'exit' handlers). */
  killTreeSync(): void {
    this.tree?.kill();
  }

  /** Called by a kind when it accepts an invocation. */
  protected accept(inv: PendingInvocation): void {
    inv.cold = this.state === 'starting';
    inv.acceptedAtMs = epochMs();
    this.inflight++;
  }

  /** Called by a kind when an invocation finished and the instance lives on. */
  protected complete(inv: PendingInvocation, r: ResultFields): void {
    this.inflight--;
    this.served++;
    inv.resolve(this.result(inv, r));
    if (this.state !== 'ready' || this.retiring) return;
    if (this.inflight === 0) this.wentIdle();
    this.events.onSlotFree(this);
  }

  /** Fills the fields every result shares. */
  protected result(inv: PendingInvocation, r: ResultFields): InstanceResult {
    const cold = inv.cold ?? false;
    // Written field by field (no object spread): this runs once per invocation.
    const out: InstanceResult = {
      requestId: inv.requestId,
      body: r.body,
      errorClass: r.errorClass,
      errorType: r.errorType,
      cold,
      initMs: cold ? (this.initMs ?? (nowNs() - this.startedNs) / 1e6) : undefined,
      durationMs: r.durationMs,
      maxMemoryMB: r.maxMemoryMB,
      instanceId: this.id,
      pid: this.pid,
    };
    if (inv.acceptedAtMs !== undefined) out.acceptedAtMs = inv.acceptedAtMs;
    if (cold) {
      out.initStartMs = this.startedAtMs;
      if (this.initSched) {
        out.initCpuMs = this.initSched.ranMs;
        out.initWaitMs = this.initSched.waitedMs;
      }
    }
    if (r.status !== undefined) out.status = r.status;
    if (r.headers !== undefined) out.headers = r.headers;
    return out;
  }

  /** Called by a kind once the instance can take work. */
  protected becameReady(): void {
    // Being killed (its INIT limit ran out): it asked for work too late; the exit decides.
    if (this.state !== 'starting' || this.retiring) return;
    this.initMs = (nowNs() - this.startedNs) / 1e6;
    if (this.pid) this.initSched = mainThreadSched(this.pid);
    this.endBoot();
    clearTimeout(this.initTimer);
    this.state = 'ready';
    if (this.inflight === 0) this.wentIdle();
    this.events.onReady(this);
  }

  /** No invocation in flight from now: the idle timer runs (see idleTimer). */
  private wentIdle(): void {
    this.idleSinceNs = nowNs();
    if (this.idleTimer === undefined) this.armIdle(this.spec.idleTimeoutMs);
  }

  private armIdle(ms: number): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.state !== 'ready' || this.retiring || this.inflight > 0) return; // armed again when idle
      const idleMs = (nowNs() - this.idleSinceNs) / 1e6;
      // Node's timers run on a millisecond loop clock and may fire up to 1 ms early against hrtime.
      if (idleMs >= this.spec.idleTimeoutMs - 1) this.kill('idle');
      else this.armIdle(this.spec.idleTimeoutMs - idleMs);
    }, ms);
    this.idleTimer.unref();
  }

  /**
   * Spawns the instance process (spawnInstanceProcess: its tree held, memory
   * capped, lower priority) and follows it: stderr kept for diagnostics, the
   * memory watchdog on it, its exit ends the instance and its tree (on
   * `exitEvent`), and while starting the INIT timeout runs.
   */
  protected spawnProcess(
    cmd: string,
    args: string[],
    env: Record<string, string>,
    stdio: StdioOptions,
    exitEvent: 'exit' | 'close' = 'exit',
    input?: Buffer,
  ): InstanceChild {
    const onStarted = (pid: number, tree: ProcessTree) => {
      this.tree = tree;
      this.pid = pid;
      if (this.killedFor !== null) return tree.kill();
      this.unwatch = watchMemory(pid, this.spec.memoryMB, tree.cgroup, () => this.kill('memory'));
    };
    if (this.state === 'starting') this.bootNice = bootNiceness();
    const nice = this.bootNice ?? INSTANCE_NICENESS;
    const child = spawnInstanceProcess(this.spec, this.id, cmd, args, env, stdio, onStarted, nice, input);
    this.child = child;
    child.stderr?.on('data', (c: Buffer) => this.stderr.push(c));
    child.on('error', (err) => this.stderr.push(Buffer.from(String(err))));
    child.on(exitEvent, (code: number | null, signal: NodeJS.Signals | null) => this.processExited(code, signal));
    if (this.state === 'starting') this.armInitLimit(this.initLimitMs);
    return child;
  }

  /**
   * Checks the INIT limit in `ms`: the instance is killed once its own time
   * (ownTime) reaches the limit; otherwise the check is re-armed for what is
   * left. Where /proc cannot be read, the limit is wall time since the spawn
   * was asked for.
   */
  private armInitLimit(ms: number): void {
    this.initTimer = setTimeout(() => {
      if (this.state !== 'starting') return;
      // Not started yet (the spawner has not reported it): none of its time has run.
      const own = this.pid ? ownTime(this.pid) : null;
      const ownMs = this.pid ? (own?.ownMs ?? (nowNs() - this.startedNs) / 1e6) : 0;
      if (ownMs >= this.initLimitMs) {
        const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
        this.initKilledAfter = own
          ? `its own time ${s(own.ownMs)}: ${s(own.commandMs)} since its command started, less ${s(own.waitedMs)} waiting for a CPU; its main thread ran ${s(own.mainRanMs)}`
          : `${s(ownMs)} since its spawn`;
        this.kill('init-timeout');
      } else this.armInitLimit(Math.max(INIT_RECHECK_MS, this.initLimitMs - ownMs));
    }, ms);
  }

  /** It no longer boots (ready, or gone): its boot niceness is put back (bootEnded). */
  private endBoot(): void {
    if (this.bootNice === undefined) return;
    bootEnded(this.pid, this.bootNice);
    this.bootNice = undefined;
  }

  private processExited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.state === 'dead') return;
    this.endBoot();
    clearTimeout(this.initTimer);
    clearTimeout(this.idleTimer);
    const wasReady = this.state === 'ready';
    this.state = 'dead';
    this.everReady = wasReady || this.initMs !== undefined;
    // The instance process is gone: so is the rest of its tree (descendants, detached or not).
    this.unwatch?.();
    if (this.tree) {
      this.oomKilled = this.tree.oomKilled();
      this.tree.release();
    }
    this.lose(code, signal);
    this.peakRss.close();
    this.inflight = 0;
    this.markExited();
    this.events.onExit(this);
  }

  /** Whether the instance got as far as ready before it died. */
  protected everReady = false;

  /**
   * Classifies an invocation lost with the process: `timeout` when it was the one
   * that timed out; `init-error` when the instance never got ready; `out-of-memory`
   * when its tree was over the memory size (the cgroup's OOM kill, or the
   * watchdog), the process says so (V8 heap, MemoryError, ENOMEM) or was SIGKILLed
   * by someone else (the kernel's OOM killer); else `function-error`.
   */
  protected lostResult(inv: PendingInvocation, how: Loss): InstanceResult {
    const durationMs = how.startNs ? (nowNs() - how.startNs) / 1e6 : 0;
    const base = { durationMs, maxMemoryMB: 0 };
    const stderr = this.stderr.toString();
    const exit = `code ${how.code}, signal ${how.signal}`;
    let r: ResultFields;
    if (how.timedOut) {
      const seconds = (this.spec.timeoutMs / 1000).toFixed(2);
      const errorMessage = `Task timed out after ${seconds} seconds`;
      r = {
        ...base,
        errorClass: 'timeout',
        errorType: 'Sandbox.Timedout',
        body: json({ errorType: 'Sandbox.Timedout', errorMessage }),
      };
    } else if (how.initError || !this.everReady) {
      const message =
        this.killedFor === 'init-timeout'
          ? `INIT phase exceeded ${this.initLimitMs / 1000} s\n(judged on ${this.initKilledAfter})`
          : `instance exited during init (${exit}): ${lastLine(stderr)}`;
      r = {
        ...base,
        errorClass: 'init-error',
        errorType: how.initError?.type ?? 'Runtime.ExitError',
        body: how.initError?.body ?? json({ errorType: 'Runtime.ExitError', errorMessage: message }),
      };
    } else if (
      this.killedFor === 'memory' ||
      this.oomKilled ||
      looksOutOfMemory(stderr) ||
      (how.signal === 'SIGKILL' && this.killedFor === null)
    ) {
      const errorMessage = `instance ran out of memory (${this.spec.memoryMB} MB)`;
      r = {
        ...base,
        errorClass: 'out-of-memory',
        errorType: 'Runtime.OutOfMemory',
        body: json({ errorType: 'Runtime.OutOfMemory', errorMessage }),
      };
    } else {
      const why =
        this.killedFor === 'timeout'
          ? 'instance killed: another invocation on it timed out'
          : this.killedFor === 'stop'
            ? 'instance stopped by the runtime'
            : `instance exited (${exit}): ${lastLine(stderr)}`;
      r = {
        ...base,
        errorClass: 'function-error',
        errorType: 'Runtime.ExitError',
        body: json({ errorType: 'Runtime.ExitError', errorMessage: why }),
      };
    }
    if (this.everReady && inv.cold === undefined) inv.cold = false;
    return this.result(inv, r);
  }

  /**
   * VmHWM (peak RSS) of the instance process, in MB (PeakRssReader: the status
   * file stays open between invocations); 0 where unavailable.
   */
  readMaxMemoryMB(): number {
    if (!this.pid) return 0;
    return this.peakRss.read(this.pid);
  }
}

/** `value` as a JSON body. */
export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
