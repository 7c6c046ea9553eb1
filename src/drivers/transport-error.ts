/**
 * The class of an invocation that got no usable response: the transport's
 * error, from undici or the lean HTTP/1.1 client. A response that is not HTTP
 * (a garbage status line, a broken chunked body, a Content-Length the body does
 * not match) is `protocol`: something answered, but not with HTTP; no answer in
 * time is `timeout`; everything else (refused, reset, closed early) `network`.
 */
import { errors as undiciErrors } from 'undici';
import type { ErrorClass, Outcome } from '../model/invocation.ts';
import { Http1Error } from './http1-connection.ts';

export function transportErrorClass(err: unknown): Extract<ErrorClass, 'timeout' | 'network' | 'protocol'> {
  if (err instanceof Http1Error) return err.timeout ? 'timeout' : err.protocol ? 'protocol' : 'network';
  const code = (err as { code?: string })?.code;
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  )
    return 'timeout';
  if (
    err instanceof undiciErrors.HTTPParserError ||
    err instanceof undiciErrors.ResponseContentLengthMismatchError ||
    code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
  )
    return 'protocol';
  return 'network';
}

/** The transport error's code (`ECONNREFUSED`, `UND_ERR_SOCKET`), else the first line of its message. */
export function transportCause(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  if (code) return code;
  if (typeof e?.message !== 'string') return undefined;
  // The lean client keeps the socket's message (`connect ECONNREFUSED 127.0.0.1:1`): its code is the cause.
  return /\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b/.exec(e.message)?.[1] ?? e.message.split('\n')[0]!.slice(0, 80);
}

/** The Outcome of an invocation that got no response: the transport error's class and message, nothing received. */
export function transportFailure(err: unknown, bytesOut: number): Outcome {
  return {
    status: 0,
    errorClass: transportErrorClass(err),
    errorMessage: (err as Error).message,
    errorCause: transportCause(err),
    bytesIn: 0,
    bytesOut,
    cold: null,
    coldMethod: null,
  };
}
