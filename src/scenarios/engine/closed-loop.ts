/**
 * The closed model: N virtual users, each sending its next invocation when the
 * last one returned (after an optional think time). Latency counts from the
 * actual send, which is also the intended one: a closed model cannot see the
 * sends a stalled target kept it from making (that is coordinated omission, and
 * why steady load by rate uses the open model).
 */
import { nowNs, sleep } from '../../clock.ts';

/** Options of one closed-model run. */
export interface ClosedLoopOptions {
  /** Virtual users (concurrent sends). */
  users: number;
  /** Stop starting sends after this long, ms. */
  durationMs: number;
  /** Stop after this many sends in total (default: unbounded by count, bounded by time). */
  maxRequests?: number;
  /** Pause of each user between a response and its next send, ms (default 0). */
  thinkMs?: number;
  signal: AbortSignal;
  /** Sends one invocation; resolves when it finished, never rejects. */
  send(seq: number, intendedNs: number): Promise<void>;
  /** The clock (tests inject one); default clock.ts's `nowNs`. */
  now?: () => number;
  /** Waits `ms` on that clock, waking early when `signal` aborts (tests inject one with `now`); default clock.ts's `sleep`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What a closed-model run did. */
export interface ClosedLoopStats {
  sent: number;
}

/** Runs N users until the time or count bound (or `signal`); resolves once every user stopped. */
export async function runClosedLoop(o: ClosedLoopOptions): Promise<ClosedLoopStats> {
  const now = o.now ?? nowNs;
  const sleepFor = o.sleep ?? sleep;
  const endNs = now() + o.durationMs * 1e6;
  const max = o.maxRequests ?? Infinity;
  let seq = 0;
  const user = async () => {
    while (!o.signal.aborted && seq < max && now() < endNs) {
      const t = now();
      await o.send(seq++, t);
      if (o.thinkMs) {
        // The time bound falls inside this think time: wait it out and stop. (Re-checking
        // the clock instead would send once more whenever the timer fires a hair early.)
        const remainingMs = (endNs - now()) / 1e6;
        if (remainingMs <= o.thinkMs) {
          await sleepFor(Math.max(0, remainingMs), o.signal);
          break;
        }
        await sleepFor(o.thinkMs, o.signal);
      }
    }
  };
  await Promise.all(Array.from({ length: o.users }, user));
  return { sent: seq };
}
