/** What a user writes for an `http` target (bench.config.ts or inline). */
import type { CommonTargetFields } from '../../model/target.ts';

/**
 * `http`: any URL (an HTTP-triggered function, a Function URL, a test server).
 * Cold starts are told by instance id when the response carries
 * `x-fxbench-instance-id`; otherwise they are not measured.
 */
export interface HttpTargetConfig extends Omit<CommonTargetFields, 'function'> {
  provider: 'http';
  /** http:// or https:// URL invoked. */
  url: string;
  /** Shown in reports (default: the URL without its query). */
  function?: string;
  /** Default "POST" with the scenario payload as body; GET and HEAD send none. */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  /** Request headers (never written to reports). */
  headers?: Record<string, string>;
  /** Fixed body (string or JSON value) instead of the scenario payload. */
  body?: unknown;
  /** Status or statuses that count as success (default: any 2xx). */
  expectStatus?: number | number[];
  /** Per-invocation timeout (default "30s"). */
  timeout?: string | number;
  /** Connections to keep (default: one per invocation in flight). */
  connections?: number;
}
