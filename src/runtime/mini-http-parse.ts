/**
 * The request side of mini-http.ts: what a parsed request looks like and the
 * pure steps that read one out of a connection's buffer (header lines, a chunked
 * body, a Content-Length). Nothing here touches a socket; the connection
 * (mini-http-connection.ts) drives these steps and answers what they report.
 */

/**
 * A parsed request: body complete, header names lower-cased. Header lines are
 * kept as two arrays; `header(name)` reads one of them, and the `headers`
 * record is built only when asked for (the Invoke API and Runtime API paths read
 * a few names: a record costs a keyed store, so a string-table lookup, per line).
 */
export class MiniRequest {
  /** The body was over the limit: it was skipped, `body` is empty. */
  tooLarge?: boolean;
  private record: Record<string, string> | undefined;

  constructor(
    readonly method: string,
    readonly url: string,
    /** Header names, lower-cased, in order (repeats kept). */
    private readonly names: string[],
    /** Header values, same order, stripped of surrounding spaces and tabs. */
    private readonly values: string[],
    readonly body: Buffer,
  ) {}

  /** The value of header `name` (lower-case), repeats joined with ", " as node:http does; undefined when absent. */
  header(name: string): string | undefined {
    return headerValue(this.names, this.values, name);
  }

  /** Every header: names lower-cased, repeats joined with ", " (built once, when first read). */
  get headers(): Record<string, string> {
    return (this.record ??= headerRecord(this.names, this.values));
  }
}

/** parseHeaderLines' arrays as a record, repeats joined with ", ". */
export function headerRecord(names: string[], values: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) {
    const had = headers[names[i]!];
    headers[names[i]!] = had === undefined ? values[i]! : `${had}, ${values[i]}`;
  }
  return headers;
}

/** A request head (request line and headers) larger than this is refused. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** The body limit when the server is given none. */
export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;

/** scanChunked: the body is not all in yet. */
export const CHUNKED_INCOMPLETE = -1;
/** scanChunked: the chunks so far add up to more than the limit. */
export const CHUNKED_TOO_LARGE = -2;
/** scanChunked: a chunk size line is not a hexadecimal number. */
export const CHUNKED_MALFORMED = -3;

/** Space or tab (optional whitespace around a header value). */
function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/** The value of header `name` (lower-case) in parseHeaderLines' arrays, repeats joined with ", "; undefined when absent. */
export function headerValue(names: string[], values: string[], name: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < names.length; i++) {
    if (names[i] === name) out = out === undefined ? values[i] : `${out}, ${values[i]}`;
  }
  return out;
}

/**
 * The header lines of a request head, `text` being the head without its final
 * CRLF CRLF and `from` the start of the first header line, pushed onto `names`
 * and `values`. Names are trimmed and lower-cased, values stripped of
 * surrounding spaces and tabs; lines without a name and colon are skipped.
 */
export function parseHeaderLines(text: string, from: number, names: string[], values: string[]): void {
  let eol: number;
  for (let at = from; at < text.length; at = eol + 2) {
    eol = text.indexOf('\r\n', at);
    if (eol < 0) eol = text.length;
    const c = text.indexOf(':', at);
    if (c <= at || c > eol) continue;
    let v0 = c + 1;
    let v1 = eol;
    while (v0 < v1 && isBlank(text.charCodeAt(v0))) v0++;
    while (v1 > v0 && isBlank(text.charCodeAt(v1 - 1))) v1--;
    names.push(text.slice(at, c).trim().toLowerCase());
    values.push(text.slice(v0, v1));
  }
}

/**
 * Reads a chunked body starting at `at` in `buf`, pushing each complete chunk's
 * bytes (views of `buf`) onto `parts`. Returns the offset just past the body's
 * final empty line once the last chunk and any trailers are in; otherwise
 * CHUNKED_MALFORMED, CHUNKED_TOO_LARGE (the sizes read so far exceed `limit`) or
 * CHUNKED_INCOMPLETE, whichever it meets first.
 */
export function scanChunked(buf: Buffer, at: number, limit: number, parts: Buffer[]): number {
  let size = 0;
  for (;;) {
    const nl = buf.indexOf('\r\n', at);
    if (nl < 0) return CHUNKED_INCOMPLETE;
    const n = parseInt(buf.toString('latin1', at, nl), 16);
    if (Number.isNaN(n) || n < 0) return CHUNKED_MALFORMED;
    if (n === 0) {
      const trailerEnd = buf.indexOf('\r\n\r\n', nl);
      return trailerEnd < 0 ? CHUNKED_INCOMPLETE : trailerEnd + 4;
    }
    size += n;
    if (size > limit) return CHUNKED_TOO_LARGE;
    if (buf.length < nl + 2 + n + 2) return CHUNKED_INCOMPLETE;
    parts.push(buf.subarray(nl + 2, nl + 2 + n));
    at = nl + 2 + n + 2;
  }
}

/** The body length a Content-Length value declares (0 when absent); -1 when it is not a safe decimal integer. */
export function parseContentLength(raw: string | undefined): number {
  if (raw === undefined) return 0;
  // Digits only (as /^\d*$/; '' is 0, as Number('') is), at most a safe integer.
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  const len = Number(raw);
  return Number.isSafeInteger(len) ? len : -1;
}
