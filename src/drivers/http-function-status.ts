/**
 * Error class of an HTTP status from a function host that answers a throwing
 * function with 500 and sits behind a front end that throttles (429), limits
 * bodies (413) and times out (408, 504): Google's Functions Framework
 * (X-Google-Status: crash|error on a 500) and the Azure Functions host, whose
 * HTTP triggers answer an unhandled exception with 500.
 */
import type { ErrorClass } from '../model/invocation.ts';

export function functionHostErrorClass(status: number): ErrorClass | null {
  if (status < 400) return null;
  if (status === 429) return 'throttled';
  if (status === 413) return 'payload-too-large';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 500) return 'function-error';
  return status >= 500 ? 'http-5xx' : 'http-4xx';
}
