/**
 * Invocation payloads. A scenario sets one of:
 * - `payload`: a JSON value (serialised once), a string or bytes (sent as is),
 *   or a generator `(i) => payload` called per invocation, `i` counting a
 *   target's invocations from 0;
 * - `payloadSize`: a size ("1KB", "64KB"), for a synthetic JSON body of exactly
 *   that many bytes.
 * Synthetic bodies are also what the payload-sweep phase sends (syntheticBody).
 */
import { describeValue, fail, type CheckContext } from '../config/check.ts';
import { FxError } from '../model/errors.ts';
import { formatBytes, parseBytes } from '../units.ts';

/** The smallest synthetic body: `{}`. */
export const MIN_SYNTHETIC_BYTES = 2;

/** A checked payload: the fixed body, and a per-invocation source when the body varies. */
export interface PayloadSource {
  payload: Buffer;
  payloadFor?: (i: number) => Uint8Array;
}

/**
 * Serialises what a scenario gives as a payload: a string (UTF-8) or bytes as
 * is, anything else as JSON. Throws a plain Error saying what was wrong when the
 * value cannot be sent (undefined, a function, a BigInt…).
 */
export function toBytes(value: unknown): Uint8Array {
  if (typeof value === 'string') return Buffer.from(value);
  if (value instanceof Uint8Array) return value;
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol')
    throw new Error(`expected a JSON value, a string or bytes, got ${describeValue(value)}`);
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error(`expected a JSON value, a string or bytes, got ${describeValue(value)}`);
  return Buffer.from(text);
}

/**
 * A JSON object of exactly `bytes` bytes: `fields` first (e.g. `{ responseBytes:
 * 1024 }`), then a `pad` string of "x". Bodies too small for a pad field are
 * padded with spaces (valid JSON). Throws when `fields` alone do not fit.
 */
export function syntheticBody(bytes: number, fields: Record<string, string | number> = {}): Buffer {
  const base = JSON.stringify(fields);
  const padField = base === '{}' ? '"pad":""' : ',"pad":""';
  const room = bytes - base.length - padField.length;
  if (room >= 0) return Buffer.from(`${base.slice(0, -1)}${padField.slice(0, -1)}${'x'.repeat(room)}"}`);
  if (bytes >= base.length) return Buffer.from(base + ' '.repeat(bytes - base.length));
  throw new Error(`a ${formatBytes(bytes)} body cannot hold ${base}`);
}

/**
 * Checks `payload` and `payloadSize` of a scenario. A generator is called once
 * with i = 0 at load time so a generator that returns something unsendable stops
 * the run before anything is sent (generators should be pure).
 */
export function checkPayload(payload: unknown, payloadSize: unknown, ctx: CheckContext): PayloadSource {
  const out: PayloadSource = { payload: Buffer.from('{}') };
  if (payload !== undefined && payloadSize !== undefined) {
    fail(ctx, 'payloadSize', 'give either payload or payloadSize, not both');
    return out;
  }
  if (payloadSize !== undefined) {
    const bytes = parseBytes(payloadSize);
    if (bytes === undefined || bytes < MIN_SYNTHETIC_BYTES)
      fail(
        ctx,
        'payloadSize',
        `expected a size such as "1KB" or "64KB" (at least ${MIN_SYNTHETIC_BYTES} bytes), got ${describeValue(payloadSize)}`,
      );
    else out.payload = syntheticBody(bytes);
    return out;
  }
  if (payload === undefined) return out;
  if (typeof payload === 'function') {
    const gen = payload as (i: number) => unknown;
    try {
      out.payload = Buffer.from(toBytes(gen(0)));
    } catch (err) {
      fail(ctx, 'payload', `the generator (i) => payload failed for i = 0: ${(err as Error).message}`);
      return out;
    }
    out.payloadFor = (i) => {
      try {
        return toBytes(gen(i));
      } catch (err) {
        throw FxError.runFailed(`payload generator failed for i = ${i}: ${(err as Error).message}`, err);
      }
    };
    return out;
  }
  try {
    out.payload = Buffer.from(toBytes(payload));
  } catch (err) {
    fail(ctx, 'payload', (err as Error).message);
  }
  return out;
}
