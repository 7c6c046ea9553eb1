/**
 * One function's instances and the scheduling between them (the runtime in
 * runtime.ts keeps one pool per function): which instance serves an invocation
 * (a free warm one, most recently used first, as Lambda tends to; else one still
 * starting with a free slot; else a new one while under maxInstances), the list
 * of ready instances with a free slot, and the invocations waiting for capacity.
 */
import { ForkInstance } from './fork-instance.ts';
import { HttpInstance } from './http-instance.ts';
import type { BaseInstance, InstanceEvents } from './instance.ts';
import type { PendingInvocation } from './invocation.ts';
import { LambdaInstance } from './lambda-instance.ts';
import type { FunctionSpec } from '../model/function.ts';

/** An invocation waiting for capacity. */
interface Waiter {
  inv: PendingInvocation;
  timer: NodeJS.Timeout;
  throttle(): void;
}

/** Per-function pool of instances. */
export class FunctionPool {
  readonly instances = new Set<BaseInstance>();
  readonly starting = new Set<BaseInstance>();
  /** Ready instances with a free slot, most recently used last (reused first, as Lambda tends to). */
  readonly free: BaseInstance[] = [];
  /** Invocations waiting for capacity (queueTimeout > 0). */
  private readonly queue: Waiter[] = [];
  /** Invocations received since the runtime started. */
  invocations = 0;
  /** The runtime is stopping: it takes no more work, and no instance is listed or handed queued work. */
  stopped = false;

  /** An empty pool for `spec` (instances start on demand or by `createInstance`). */
  constructor(public spec: FunctionSpec) {}

  /** Puts `inv` on an instance if there is capacity; false when at maxInstances with no free slot. */
  dispatch(inv: PendingInvocation): boolean {
    const conc = this.spec.concurrency;
    while (this.free.length) {
      const inst = this.free[this.free.length - 1]!;
      if (inst.state !== 'ready' || inst.retiring || inst.inflight >= conc) {
        this.free.pop();
        inst.listed = false;
        continue;
      }
      inst.run(inv);
      if (inst.inflight >= conc) {
        this.free.pop();
        inst.listed = false;
      }
      return true;
    }
    // An instance still starting with a free slot (started ahead by scale(), or concurrency > 1): wait for it.
    for (const inst of this.starting) {
      if (inst.inflight < conc && !inst.retiring && this.spec.kind !== 'fork') {
        inst.run(inv);
        return true;
      }
    }
    if (this.instances.size >= this.spec.maxInstances) return false;
    this.createInstance().run(inv);
    return true;
  }

  /**
   * Queues `inv` until an instance can take it or queueTimeout passes; then (or
   * when the runtime stops first) `throttle` is called.
   */
  enqueue(inv: PendingInvocation, throttle: () => void): void {
    const waiter: Waiter = {
      inv,
      throttle,
      timer: setTimeout(() => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        waiter.throttle();
      }, this.spec.queueTimeoutMs),
    };
    this.queue.push(waiter);
  }

  /** Throttles every queued invocation at once (the runtime is stopping). */
  throttleQueued(): void {
    for (const w of this.queue.splice(0)) {
      clearTimeout(w.timer);
      w.throttle();
    }
  }

  /** Starts a new instance of the function's kind, wired to this pool; it takes work once it is ready. */
  createInstance(): BaseInstance {
    const events: InstanceEvents = {
      onReady: (i) => {
        this.starting.delete(i);
        this.offer(i);
      },
      onSlotFree: (i) => this.offer(i),
      onExit: (i) => {
        this.instances.delete(i);
        this.starting.delete(i);
        if (i.listed) {
          const at = this.free.indexOf(i);
          if (at >= 0) this.free.splice(at, 1);
          i.listed = false;
        }
        this.drainQueue();
      },
    };
    const spec = this.spec;
    const inst =
      spec.kind === 'fork'
        ? new ForkInstance(spec, events)
        : spec.kind === 'http'
          ? new HttpInstance(spec, events)
          : new LambdaInstance(spec, events);
    this.instances.add(inst);
    this.starting.add(inst);
    return inst;
  }

  /** A ready instance has a free slot: list it (on top) and serve waiting invocations. */
  private offer(i: BaseInstance): void {
    if (this.stopped || i.state !== 'ready' || i.retiring) return;
    if (!i.listed && i.inflight < this.spec.concurrency) {
      this.free.push(i);
      i.listed = true;
    }
    this.drainQueue();
  }

  /** Hands queued invocations, oldest first, to instances while there is capacity. */
  private drainQueue(): void {
    if (this.stopped) return;
    while (this.queue.length) {
      const w = this.queue[0]!;
      if (!this.dispatch(w.inv)) break;
      this.queue.shift();
      clearTimeout(w.timer);
    }
  }
}
