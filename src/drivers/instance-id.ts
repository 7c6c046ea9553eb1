/**
 * Cold-start detection by instance id (method `instance-id`): the function makes
 * an id once at init and counts its invocations (snippets in README), and says
 * both in response headers. An invocation whose count is 1 ran on a fresh
 * instance: a cold start. A new id with a count above 1 is an instance that was
 * already warm before fxbench looked: counted as an instance, not as a cold start.
 */

/** Response header carrying the instance id. */
export const INSTANCE_ID_HEADER = 'x-fxbench-instance-id';
/** Response header carrying the instance's invocation count (1 on its first). */
export const INVOCATION_COUNT_HEADER = 'x-fxbench-invocations';

/** What one response said about its instance. */
export interface InstanceSighting {
  instanceId: string;
  /** The instance's own count, 1 on its first invocation; undefined when not sent. */
  invocations?: number;
}

/** Reads the instance headers from a response's headers (undici's lower-case record). */
export function readInstanceHeaders(headers: Record<string, string | string[] | undefined>): InstanceSighting | undefined {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const id = first(headers[INSTANCE_ID_HEADER]);
  if (!id) return undefined;
  const count = first(headers[INVOCATION_COUNT_HEADER]);
  const n = count === undefined ? undefined : Number(count);
  return { instanceId: id, invocations: Number.isFinite(n) ? n : undefined };
}

/** Decides cold or warm from sightings; one tracker per target. */
export class InstanceTracker {
  private readonly seen = new Set<string>();

  /** Distinct instances seen so far. */
  get instances(): number {
    return this.seen.size;
  }

  /**
   * Whether this sighting was a cold start. With a count, exact (count === 1);
   * without one, a first sighting of an id is taken as cold (exact when the
   * function was scaled to zero before the run).
   */
  observe(s: InstanceSighting): boolean {
    const isNew = !this.seen.has(s.instanceId);
    if (isNew) this.seen.add(s.instanceId);
    return s.invocations !== undefined ? s.invocations === 1 : isNew;
  }
}
