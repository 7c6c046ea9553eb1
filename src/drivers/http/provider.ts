/**
 * The `http` provider: any URL as a target. Fields: `url` (required, http or
 * https), `method` (default POST), `headers`, `body` (replaces the scenario
 * payload), `expectStatus` (default any 2xx), `timeout` (default "30s"),
 * `connections` (default unlimited). Header values never reach a report.
 */
import { check, describeValue, fail, isPlainObject, optional, required, type Checker } from '../../config/check.ts';
import { HTTP_CAPABILITIES, HttpDriver, type HttpTargetOptions } from './driver.ts';
import type { ProviderModule } from '../provider.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

const statusList: Checker<number[]> = (v, p, c) => {
  const list = Array.isArray(v) ? v : [v];
  if (!list.length || !list.every((x) => Number.isInteger(x) && (x as number) >= 100 && (x as number) <= 599)) {
    fail(c, p, `expected an HTTP status (100–599) or a list of them, got ${describeValue(v)}`);
    return [];
  }
  return list as number[];
};

const body: Checker<Buffer | undefined> = (v, p, c) => {
  if (typeof v === 'string') return Buffer.from(v);
  try {
    return Buffer.from(JSON.stringify(v));
  } catch (err) {
    fail(c, p, `expected a string or a JSON value: ${(err as Error).message}`);
    return undefined;
  }
};

/** The target fields an `http` target accepts besides the common ones. */
export const httpFields = {
  url: required(check.string()),
  method: optional(check.oneOf(METHODS)),
  headers: optional(check.record(check.string())),
  body: optional(body),
  expectStatus: optional(statusList),
  timeout: optional(check.durationMs()),
  connections: optional(check.int(1, 100_000)),
};

export const httpProvider: ProviderModule<typeof httpFields, HttpTargetOptions> = {
  provider: 'http',
  description: 'any URL over HTTP(S): method, headers, body, expected status',
  functionRequired: false,
  fields: httpFields,
  resolve(checked, path, ctx) {
    const url = checked.url;
    let u: URL | undefined;
    try {
      u = new URL(url);
    } catch {
      /* reported below */
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      ctx.issues.push({
        file: ctx.file,
        field: `${path}.url`,
        message: `expected an http:// or https:// URL, got ${describeValue(url)}`,
      });
      return undefined;
    }
    const timeoutMs = checked.timeout ?? 30_000;
    if (timeoutMs <= 0) {
      ctx.issues.push({ file: ctx.file, field: `${path}.timeout`, message: 'expected a timeout above 0' });
      return undefined;
    }
    const headers = checked.headers ?? {};
    if (!isPlainObject(headers)) return undefined;
    const method = checked.method ?? 'POST';
    const hasContentType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
    const options: HttpTargetOptions = {
      url,
      method,
      headers:
        hasContentType || method === 'GET' || method === 'HEAD'
          ? headers
          : { 'content-type': 'application/json', ...headers },
      body: checked.body,
      expectStatus: checked.expectStatus,
      timeoutMs,
      connections: checked.connections ?? null,
    };
    return { options };
  },
  capabilities: () => ({ ...HTTP_CAPABILITIES }),
  create: (target) => new HttpDriver(target),
};
