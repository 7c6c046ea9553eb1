/**
 * What held the load generator back while an open-model schedule ran, so a
 * "could not keep up" line says why sends left late instead of only how many:
 * the generator's garbage-collection pauses (a PerformanceObserver on `gc`) and
 * its main thread's time waiting for a CPU (runnable but not running: other
 * processes had the cores), from its /proc schedstat on Linux (mainThreadSched, as the runtime reads its instances'). What is left of
 * a late send is the generator's own work (its JavaScript, its I/O).
 */
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { mainThreadSched } from '../../runtime/instance-process.ts';
import type { OpenLoopStats } from './open-loop.ts';

/** The generator's stalls over a watched stretch. */
export interface GeneratorStalls {
  /** Garbage-collection pauses: how many, the longest and their sum, ms. */
  gcCount: number;
  gcMaxMs: number;
  gcTotalMs: number;
  /** The main thread's time waiting for a CPU, ms; null where the system does not tell (no /proc). */
  cpuWaitMs: number | null;
}

/** The main thread's time waiting for a CPU so far, ms; null without /proc. */
const cpuWaitMs = (): number | null => mainThreadSched(process.pid)?.waitedMs ?? null;

/**
 * Starts watching; `stop()` ends it and resolves with what held the generator
 * back meanwhile (after a turn of the event loop: a collection's entry is
 * queued after it ends, and one just before `stop` would be missed).
 */
export function watchGenerator(): { stop(): Promise<GeneratorStalls> } {
  const stalls: GeneratorStalls = { gcCount: 0, gcMaxMs: 0, gcTotalMs: 0, cpuWaitMs: null };
  const add = (entries: PerformanceEntry[]) => {
    for (const e of entries) {
      stalls.gcCount++;
      stalls.gcTotalMs += e.duration;
      if (e.duration > stalls.gcMaxMs) stalls.gcMaxMs = e.duration;
    }
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const wait0 = cpuWaitMs();
  return {
    async stop() {
      await new Promise((resolve) => setImmediate(resolve));
      add(observer.takeRecords()); // entries not yet delivered
      observer.disconnect();
      const wait1 = cpuWaitMs();
      stalls.cpuWaitMs = wait0 === null || wait1 === null ? null : wait1 - wait0;
      return stalls;
    },
  };
}

const ms = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));

/**
 * The line for an open-model schedule that fell behind: how many sends left
 * late or were dropped, the worst lateness, and what the generator spent
 * meanwhile in garbage collection and waiting for a CPU.
 */
export function keepUpLine(stats: OpenLoopStats, stalls: GeneratorStalls, maxInFlight?: number): string {
  // Sends held at the in-flight cap are late because the target was slow, not the generator.
  const capped =
    maxInFlight !== undefined && stats.maxInFlight >= maxInFlight
      ? `; the in-flight cap (${maxInFlight}) held sends back while the target answered`
      : '';
  const wait =
    stalls.cpuWaitMs === null
      ? 'its waits for a CPU are unknown here (no /proc)'
      : `its main thread waited ${ms(stalls.cpuWaitMs)} ms in all for a CPU (other processes had the cores)`;
  const gc = stalls.gcCount
    ? `${stalls.gcCount} garbage collection${stalls.gcCount === 1 ? '' : 's'} paused it ${ms(stalls.gcTotalMs)} ms (the longest ${ms(stalls.gcMaxMs)} ms)`
    : 'no garbage collection paused it';
  return (
    `could not keep up: ${stats.late} sends late (the latest ${ms(stats.worstLateMs)} ms after its time), ` +
    `${stats.dropped} dropped (peak ${stats.maxInFlight} in flight)${capped}; meanwhile in the generator ${gc}, and ${wait}`
  );
}
