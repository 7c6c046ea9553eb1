/**
 * Payload sweep: latency per payload size. For each size, `requestsPerSize`
 * invocations one after another; each size is one round (`payloadBytes` on its
 * result). `direction` says which way the bytes go:
 * - `request`: a synthetic JSON body of exactly that size;
 * - `response`: a small body `{"responseBytes": N}` asking the function for N
 *   bytes back (functions/echo does this; your function must too);
 * - `both`: a body of N bytes that also asks for N bytes back.
 * Sizes over a provider's limit (Lambda: 6 MB synchronous) come back as
 * `payload-too-large` errors, counted like any failed invocation, never a crash.
 * One unrecorded invocation warms the function first, so the first size does
 * not carry a cold start the others do not.
 */
import { check, checkObject, describeValue, optional, required } from '../../config/check.ts';
import { nowNs } from '../../clock.ts';
import { formatBytes, parseBytes } from '../../units.ts';
import { MIN_SYNTHETIC_BYTES, syntheticBody } from '../payload.ts';
import type { PhaseModule } from './phase.ts';

/** Which way a sweep's bytes go. */
export const PAYLOAD_DIRECTIONS = ['request', 'response', 'both'] as const;
export type PayloadDirection = (typeof PAYLOAD_DIRECTIONS)[number];

/** Largest size a sweep builds (bodies are held in memory once per size): 256 MB. */
export const MAX_SWEEP_BYTES = 256 * 1024 ** 2;

/** Checked payload-sweep settings. */
export interface PayloadSettings {
  name: string;
  /** Sizes in bytes, in the order given. */
  sizesBytes: number[];
  requestsPerSize: number;
  direction: PayloadDirection;
}

/** The request body for one size and direction. */
export function sweepBody(bytes: number, direction: PayloadDirection): Buffer {
  if (direction === 'request') return syntheticBody(bytes);
  if (direction === 'response') return Buffer.from(JSON.stringify({ responseBytes: bytes }));
  return syntheticBody(bytes, { responseBytes: bytes });
}

export const payloadPhase: PhaseModule<PayloadSettings> = {
  kind: 'payload',

  check(raw, path, ctx) {
    const before = ctx.issues.length;
    const o = checkObject(raw, path, ctx, {
      kind: required(check.oneOf(['payload'])),
      name: optional(check.string()),
      sizes: required((v, p, c) => {
        if (!Array.isArray(v) || v.length < 1 || v.length > 100) {
          c.issues.push({
            file: c.file,
            field: p,
            message: `expected 1 to 100 sizes such as ['1KB', '64KB', '1MB', '6MB'], got ${Array.isArray(v) ? `${v.length} items` : describeValue(v)}`,
          });
          return [];
        }
        return v.map((x, i) => {
          const bytes = parseBytes(x);
          if (bytes === undefined || bytes < MIN_SYNTHETIC_BYTES || bytes > MAX_SWEEP_BYTES)
            c.issues.push({
              file: c.file,
              field: `${p}[${i}]`,
              message: `expected a size from ${MIN_SYNTHETIC_BYTES} bytes to 256MB such as "64KB", got ${describeValue(x)}`,
            });
          return bytes ?? 0;
        });
      }),
      requestsPerSize: optional(check.int(1, 10_000)),
      direction: optional(check.oneOf(PAYLOAD_DIRECTIONS)),
    });
    if (!o || ctx.issues.length > before) return undefined;
    const direction = o.direction ?? 'request';
    const sizes = o.sizes;
    if (direction === 'both') {
      sizes.forEach((b, i) => {
        const min = JSON.stringify({ responseBytes: b }).length;
        if (b < min)
          ctx.issues.push({
            file: ctx.file,
            field: `${path}.sizes[${i}]`,
            message: `with direction "both" a body must hold {"responseBytes":${b}}: at least ${min} bytes, got ${b}`,
          });
      });
      if (ctx.issues.length > before) return undefined;
    }
    return { name: o.name ?? 'payload', sizesBytes: sizes, requestsPerSize: o.requestsPerSize ?? 10, direction };
  },

  describe(s) {
    return `payload: ${s.requestsPerSize} × each of ${s.sizesBytes.map(formatBytes).join(', ')} (${s.direction}${s.direction === 'both' ? ' ways' : ''})`;
  },

  async run(s, ctx) {
    ctx.progress('warming the function (not recorded)');
    await ctx.invoke(1, 0, nowNs(), { payload: sweepBody(MIN_SYNTHETIC_BYTES, 'request'), record: false });
    for (const [i, bytes] of s.sizesBytes.entries()) {
      const round = i + 1;
      if (ctx.signal.aborted) return;
      ctx.annotate?.(round, { payloadBytes: bytes, payloadDirection: s.direction });
      ctx.progress(`${formatBytes(bytes)} (${s.direction}): ${s.requestsPerSize} invocations`);
      const body = sweepBody(bytes, s.direction);
      for (let seq = 0; seq < s.requestsPerSize; seq++) {
        if (ctx.signal.aborted) return;
        await ctx.invoke(round, seq, nowNs(), { payload: body });
      }
    }
  },
};
