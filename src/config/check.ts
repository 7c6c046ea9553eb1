/**
 * A small strict schema checker for scenario and config files. Each checker
 * collects every problem with its path instead of stopping at the first, so a
 * user fixes a file in one pass (after k6's `Validate() []error`). Unknown fields
 * in an object are errors: a misspelled option must never be silently ignored.
 */
import type { Issue } from '../model/errors.ts';
import { parseBytes, parseDurationMs } from '../units.ts';

/** Where a check is happening: the file and the path to the value. */
export interface CheckContext {
  file?: string;
  issues: Issue[];
}

/** A checker validates `value` at `path`, records issues and returns the parsed value. */
export type Checker<T> = (value: unknown, path: string, ctx: CheckContext) => T;

/** Describes a value for an error message: `"50"` for strings, `50`, `an array`, … */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  return 'an object';
}

/** Records one issue at `path`. */
export function fail(ctx: CheckContext, path: string, message: string): void {
  ctx.issues.push({ file: ctx.file, field: path || undefined, message });
}

function expected<T>(ctx: CheckContext, path: string, what: string, value: unknown, fallback: T): T {
  fail(ctx, path, `expected ${what}, got ${describeValue(value)}`);
  return fallback;
}

export const check = {
  string(): Checker<string> {
    return (v, p, c) => (typeof v === 'string' && v.length > 0 ? v : expected(c, p, 'a non-empty string', v, ''));
  },
  boolean(): Checker<boolean> {
    return (v, p, c) => (typeof v === 'boolean' ? v : expected(c, p, 'true or false', v, false));
  },
  /** An integer within [min, max]. */
  int(min = -Infinity, max = Infinity): Checker<number> {
    const what =
      min === 1 && max === Infinity
        ? 'a positive integer'
        : min === 0 && max === Infinity
          ? 'an integer >= 0'
          : `an integer from ${min} to ${max}`;
    return (v, p, c) =>
      typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
        ? v
        : expected(c, p, what, v, min === -Infinity ? 0 : min);
  },
  /** A finite number within [min, max]. */
  number(min = -Infinity, max = Infinity): Checker<number> {
    return (v, p, c) =>
      typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
        ? v
        : expected(c, p, `a number from ${min} to ${max}`, v, min === -Infinity ? 0 : min);
  },
  /** A duration: milliseconds as a number, or a string such as "250ms", "5s", "10m". */
  durationMs(): Checker<number> {
    return (v, p, c) => parseDurationMs(v) ?? expected(c, p, 'a duration such as "500ms", "5s" or "10m"', v, 0);
  },
  /** A size: bytes as an integer, or a string such as "1KB", "6MB". */
  bytes(): Checker<number> {
    return (v, p, c) => parseBytes(v) ?? expected(c, p, 'a size such as "1KB" or "6MB"', v, 0);
  },
  oneOf<const T extends string>(values: readonly T[]): Checker<T> {
    return (v, p, c) =>
      values.includes(v as T)
        ? (v as T)
        : expected(c, p, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v, values[0]!);
  },
  array<T>(item: Checker<T>, opts: { min?: number } = {}): Checker<T[]> {
    return (v, p, c) => {
      if (!Array.isArray(v)) return expected(c, p, 'an array', v, []);
      if (opts.min && v.length < opts.min)
        fail(c, p, `expected at least ${opts.min} item${opts.min > 1 ? 's' : ''}, got ${v.length}`);
      return v.map((x, i) => item(x, `${p}[${i}]`, c));
    };
  },
  /** A record with string keys and values of one kind. */
  record<T>(item: Checker<T>): Checker<Record<string, T>> {
    return (v, p, c) => {
      if (!isPlainObject(v)) return expected(c, p, 'an object', v, {});
      const out: Record<string, T> = {};
      for (const [k, x] of Object.entries(v)) out[k] = item(x, join(p, k), c);
      return out;
    };
  },
  /** Any value, unchecked (payloads). */
  any(): Checker<unknown> {
    return (v) => v;
  },
  /** A function value (payload generators, hooks). */
  fn<T extends (...args: never[]) => unknown>(): Checker<T> {
    return (v, p, c) =>
      typeof v === 'function' ? (v as T) : expected(c, p, 'a function', v, (() => undefined) as unknown as T);
  },
};

/** One field of an object: its checker, and whether it may be absent. */
export interface Field<T> {
  check: Checker<T>;
  optional?: boolean;
}

/** Field specs for `checkObject()`: a checker each, `optional` marks fields that may be absent. */
export type Fields = Record<string, Field<unknown>>;

type FieldValue<F> = F extends Field<infer T> ? T : never;
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends { optional: true } ? K : never }[keyof F];
type RequiredKeys<F extends Fields> = Exclude<keyof F, OptionalKeys<F>>;

/**
 * The value `checkObject(…, fields)` returns: each required field with its
 * checker's type, each optional one possibly absent. Types of checked settings are
 * derived from their fields, so a field is declared once.
 */
export type Checked<F extends Fields> = { [K in RequiredKeys<F>]: FieldValue<F[K]> } & {
  [K in OptionalKeys<F>]?: FieldValue<F[K]>;
};

/** Makes a field optional. */
export function optional<T>(c: Checker<T>): { check: Checker<T>; optional: true } {
  return { check: c, optional: true };
}

/** Makes a field required. */
export function required<T>(c: Checker<T>): { check: Checker<T>; optional?: false } {
  return { check: c };
}

/**
 * Checks an object strictly: required fields present, optional ones checked when
 * present, unknown fields reported with the list of known ones.
 */
export function checkObject<F extends Fields>(
  value: unknown,
  path: string,
  ctx: CheckContext,
  fields: F,
): Checked<F> | undefined {
  if (!isPlainObject(value)) {
    fail(ctx, path, `expected an object, got ${describeValue(value)}`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fields)) {
    const v = value[key];
    if (v === undefined) {
      if (!spec.optional) fail(ctx, join(path, key), 'is required');
      continue;
    }
    out[key] = spec.check(v, join(path, key), ctx);
  }
  for (const key of Object.keys(value)) {
    if (!(key in fields))
      fail(ctx, join(path, key), `unknown field; expected one of ${Object.keys(fields).join(', ')}`);
  }
  // Every field was checked by its own checker above, so `out` has the shape Checked<F> describes.
  return out as Checked<F>;
}

/** Joins a path and a key: `phases[0]` + `size` → `phases[0].size`. */
export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** True for `{}`-style objects (not arrays, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
