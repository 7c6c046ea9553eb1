/** Checkers shared by the cloud providers' target fields. */
import { check, checkObject, fail, optional, type Checker, type Field } from '../config/check.ts';

/** An absolute http(s) URL, returned as a string. */
export function urlChecker(): Checker<string> {
  return (v, p, c) => {
    const s = check.string()(v, p, c);
    if (!s) return s;
    try {
      const u = new URL(s);
      if (u.protocol !== 'http:' && u.protocol !== 'https:')
        fail(c, p, `expected an http(s) URL, got ${JSON.stringify(s)}`);
    } catch {
      fail(c, p, `expected an absolute URL such as "https://…", got ${JSON.stringify(s)}`);
    }
    return s;
  };
}

/** A `prices` override object: each named field an optional number ≥ 0 (USD). */
export function pricesChecker<const N extends string>(names: readonly N[]): Checker<Partial<Record<N, number>>> {
  const fields: Record<string, Field<number>> = Object.fromEntries(names.map((n) => [n, optional(check.number(0))]));
  return (v, p, c) => checkObject(v, p, c, fields) ?? {};
}
