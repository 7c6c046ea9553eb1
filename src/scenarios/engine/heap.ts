/**
 * A full garbage collection in the load generator right before a phase's
 * schedule starts, so the phase begins with an empty young generation.
 *
 * Why: the generator's first scavenge in a phase copies everything still alive
 * from the run's setup (modules, config, the runtime's start-up), and it paused
 * the event loop 4–10 ms (`scenarios/steady.ts` at 50/s from cold, Node 20,
 * 2026-12-02; the scavenges after it: 3–4 ms). A send due meanwhile leaves late:
 * the one late send of 16 runs traced that day sat in a 10.7 ms collection.
 * Load tools in other languages do the same before measuring (JMH's
 * System.gc() between iterations).
 *
 * Node exposes no collection without `--expose-gc`; the flag set at run time
 * makes `gc` available in contexts created after it (the way Jest's leak
 * detection gets it). Where that fails, nothing is collected.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { nowNs } from '../../clock.ts';

let collect: (() => void) | null | undefined;

/** The `gc` function, or null where it cannot be had. */
function gcFunction(): (() => void) | null {
  if (collect !== undefined) return collect;
  const own = (globalThis as { gc?: () => void }).gc;
  if (typeof own === 'function') return (collect = own);
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    collect = typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Collects garbage fully, now; returns how long it took (ms), or null when no collection was possible. */
export function collectGarbage(): number | null {
  const gc = gcFunction();
  if (!gc) return null;
  const t0 = nowNs();
  gc();
  return (nowNs() - t0) / 1e6;
}
