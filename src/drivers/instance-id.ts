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
export function readInstanceHeaders(
  headers: Record<string, string | string[] | undefined>,
): InstanceSighting | undefined {
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

/** Largest response body searched for the instance headers (bytes); bigger bodies are not parsed. */
export const INSTANCE_BODY_MAX_BYTES = 64 * 1024;

/**
 * JSON-body fallback, for transports that cannot carry the function's headers
 * (the Lambda Invoke API returns the handler's return value as the body): finds
 * the same two headers inside a returned API-Gateway-style object
 * (`{ statusCode, headers: { 'x-fxbench-instance-id': …, 'x-fxbench-invocations': … }, body }`),
 * header names matched case-insensitively. Undefined when the body is not such JSON.
 */
export function readInstanceBody(body: Uint8Array | string): InstanceSighting | undefined {
  if (body.length === 0 || body.length > INSTANCE_BODY_MAX_BYTES) return undefined;
  const text =
    typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  // Cheap pre-check: most bodies are not ours and need no parse.
  if (!text.toLowerCase().includes(INSTANCE_ID_HEADER)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const headers = (parsed as { headers?: unknown } | null)?.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (typeof v === 'string' || typeof v === 'number') lower[k.toLowerCase()] = String(v);
  return readInstanceHeaders(lower);
}
