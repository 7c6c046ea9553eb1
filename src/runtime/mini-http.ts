/**
 * A small HTTP/1.1 server for the local runtime's two endpoints: the client-facing
 * gateway (Lambda Invoke API, OpenFaaS paths) and each instance's Lambda Runtime
 * API. Both sit on every invocation's path, and node:http's general machinery cost
 * ≈ 75–100 µs of CPU per exchange on this kind of machine (measured, README).
 *
 * It parses what those endpoints need: the request line, headers (names
 * lower-cased, repeats joined with ", " as node:http does), a Content-Length or
 * chunked body, `Expect: 100-continue` (curl-based runtimes send it for bodies
 * over 1 KB), keep-alive (HTTP/1.1 default, HTTP/1.0 with `Connection:
 * keep-alive`), `Connection: close`, HEAD, pipelining (responses go out in
 * request order), a body limit per request (a bigger body is skipped and the
 * handler told, so the client still gets its 413 on a usable connection) and an
 * idle timeout. Every response leaves in one write; responses completed while
 * one incoming chunk is parsed leave together.
 */
import net from 'node:net';

/** A parsed request: header names lower-cased, body complete. */
export interface MiniRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The body was over the limit: it was skipped, `body` is empty. */
  tooLarge?: boolean;
}

/** The response to one request; `end` may come later (long polls). */
export interface MiniResponse {
  writeHead(status: number, headers: Record<string, string | number>): void;
  /**
   * Completes the response. With `coalesce`, a response the client does not wait
   * for (it has already pipelined its next request) is held and leaves in the
   * same write as the next one: one wake-up of the client instead of two.
   */
  end(body?: Buffer | string, opts?: { coalesce?: boolean }): void;
  /** Closes the connection without answering. */
  destroy(): void;
}

export interface MiniServerOptions {
  /** The largest body accepted for a request, by its method and URL (default: 64 MiB). */
  bodyLimit?: (method: string, url: string) => number;
  /** Connections with no request open are closed after this long (default: never). */
  idleTimeoutMs?: number;
}

const STATUS_TEXT: Record<number, string> = {
  100: 'Continue', 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};
const MAX_HEAD_BYTES = 64 * 1024;
const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;
/** How often idle connections are looked for. */
const SWEEP_MS = 1000;

/** A server whose open connections can all be closed at once. */
export interface MiniServer extends net.Server {
  closeAllConnections(): void;
}

interface Conn {
  socket: net.Socket;
  /** Requests parsed and not yet answered on the wire. */
  open: number;
  /** When data last came in or the last open request was answered (Date.now()). */
  lastActive: number;
}

/** Creates the server; `handler` is called once per complete request. */
export function createMiniServer(handler: (req: MiniRequest, res: MiniResponse) => void, opts: MiniServerOptions = {}): MiniServer {
  const conns = new Set<Conn>();
  const server = net.createServer((socket) => {
    const conn: Conn = { socket, open: 0, lastActive: Date.now() };
    conns.add(conn);
    socket.setNoDelay(true);
    socket.on('close', () => conns.delete(conn));
    socket.on('error', () => socket.destroy());
    serve(conn, handler, opts.bodyLimit);
  }) as MiniServer;
  server.closeAllConnections = () => {
    for (const c of conns) c.socket.destroy();
  };
  if (opts.idleTimeoutMs !== undefined) {
    const idleMs = opts.idleTimeoutMs;
    let sweeper: NodeJS.Timeout | null = null;
    server.on('listening', () => {
      // Closed between idleMs and idleMs + one sweep after their last activity.
      sweeper = setInterval(() => {
        const now = Date.now();
        for (const c of conns) if (c.open === 0 && now - c.lastActive >= idleMs) c.socket.destroy();
      }, Math.min(SWEEP_MS, Math.max(10, idleMs / 4))).unref();
    });
    server.on('close', () => sweeper && clearInterval(sweeper));
  }
  return server;
}

interface Slot {
  data: Buffer | null;
  /** May wait for the next response (see MiniResponse.end). */
  coalesce: boolean;
  /** The connection closes after this response. */
  close: boolean;
}

/** Space or tab (optional whitespace around a header value). */
function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/** `Date` header value, refreshed at most once a second. */
let dateSecond = -1;
let dateValue = '';
function httpDate(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== dateSecond) {
    dateSecond = s;
    dateValue = new Date(now).toUTCString();
  }
  return dateValue;
}


/** The error for a header that could split the response, as node:http refuses it. */
function badHeader(h: Record<string, string | number>): TypeError {
  for (const k in h) {
    if (/[\r\n:]/.test(k)) return new TypeError(`invalid header name ${JSON.stringify(k)}`);
    if (/[\r\n]/.test(String(h[k]))) return new TypeError(`invalid character in header "${k}"`);
  }
  return new TypeError('invalid header');
}

function serve(conn: Conn, handler: (req: MiniRequest, res: MiniResponse) => void, bodyLimit?: (method: string, url: string) => number): void {
  const { socket } = conn;
  let buf: Buffer = Buffer.alloc(0);
  const slots: Slot[] = [];
  let continued = false;
  /** Bytes of a too-large body still to be skipped. */
  let skip = 0;
  /** A response that closes the connection was queued: later requests are ignored. */
  let closing = false;

  // Writes every response that is ready, in request order, in one write; a
  // coalescable response waits while the request after it is still open.
  const flush = () => {
    const out: Buffer[] = [];
    let close = false;
    while (slots.length && slots[0]!.data) {
      if (slots[0]!.coalesce && slots.length > 1 && !slots[1]!.data) break;
      const slot = slots.shift()!;
      out.push(slot.data!);
      if (--conn.open === 0) conn.lastActive = Date.now();
      if (slot.close) {
        close = true;
        break;
      }
    }
    if (!out.length || socket.destroyed) return;
    const data = out.length === 1 ? out[0]! : Buffer.concat(out);
    if (close) socket.end(data);
    else socket.write(data);
  };
  const bad = (message: string) => {
    closing = true;
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
  };

  // Responses completed while a chunk is parsed leave together after it.
  let parsing = false;
  socket.on('data', (chunk: Buffer) => {
    conn.lastActive = Date.now();
    if (closing) return;
    if (skip > 0) {
      const n = Math.min(skip, chunk.length);
      skip -= n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    parsing = true;
    try {
      parse();
    } finally {
      parsing = false;
    }
    flush();
  });

  function parse(): void {
    while (!closing && skip === 0) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > MAX_HEAD_BYTES) bad('request head too large');
        return;
      }
      const text = buf.toString('latin1', 0, end);
      let eol = text.indexOf('\r\n');
      if (eol < 0) eol = text.length;
      const [method, url, version] = text.slice(0, eol).split(' ');
      if (!method || !url || !version?.startsWith('HTTP/1.')) return bad('malformed request line');
      const headers: Record<string, string> = {};
      for (let at = eol + 2; at < text.length; at = eol + 2) {
        eol = text.indexOf('\r\n', at);
        if (eol < 0) eol = text.length;
        const c = text.indexOf(':', at);
        if (c <= at || c > eol) continue;
        let v0 = c + 1;
        let v1 = eol;
        while (v0 < v1 && isBlank(text.charCodeAt(v0))) v0++;
        while (v1 > v0 && isBlank(text.charCodeAt(v1 - 1))) v1--;
        const name = text.slice(at, c).trim().toLowerCase();
        const value = text.slice(v0, v1);
        const had = headers[name];
        headers[name] = had === undefined ? value : `${had}, ${value}`;
      }
      const connection = (headers['connection'] ?? '').toLowerCase();
      const close = version === 'HTTP/1.0' ? !connection.includes('keep-alive') : connection.includes('close');
      const limit = bodyLimit ? bodyLimit(method, url) : DEFAULT_BODY_LIMIT;
      let body: Buffer;
      let rest: number;
      let tooLarge = false;
      const chunked = (headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked');
      if (chunked) {
        const parts: Buffer[] = [];
        let size = 0;
        let at = end + 4;
        let done = -1;
        while (done < 0) {
          const nl = buf.indexOf('\r\n', at);
          if (nl < 0) break;
          const n = parseInt(buf.toString('latin1', at, nl), 16);
          if (Number.isNaN(n) || n < 0) return bad('malformed chunk size');
          if (n === 0) {
            const trailerEnd = buf.indexOf('\r\n\r\n', nl);
            if (trailerEnd < 0) break;
            done = trailerEnd + 4;
            break;
          }
          size += n;
          if (size > limit) break;
          if (buf.length < nl + 2 + n + 2) break;
          parts.push(buf.subarray(nl + 2, nl + 2 + n));
          at = nl + 2 + n + 2;
        }
        if (size > limit) {
          // A chunked body cannot be skipped by count: answer, then close.
          tooLarge = true;
          body = Buffer.alloc(0);
          rest = buf.length;
        } else {
          if (done < 0) return expectContinue(end);
          body = Buffer.concat(parts);
          rest = done;
        }
      } else {
        const raw = headers['content-length'];
        const len = raw === undefined ? 0 : Number(raw);
        if (!/^\d*$/.test(raw ?? '') || !Number.isSafeInteger(len)) return bad('malformed content-length');
        if (len > limit) {
          tooLarge = true;
          body = Buffer.alloc(0);
          const have = Math.min(len, buf.length - end - 4);
          skip = len - have;
          rest = end + 4 + have;
        } else {
          if (buf.length < end + 4 + len) return expectContinue(end);
          body = buf.subarray(end + 4, end + 4 + len);
          rest = end + 4 + len;
        }
      }
      buf = buf.subarray(rest);
      continued = false;
      // After a 413 the connection closes when the rest of the body cannot be skipped
      // by count (chunked), or may never come (the client waits for 100 Continue).
      const expectsContinue = (headers['expect'] ?? '').toLowerCase() === '100-continue';
      respond({ method, url, headers, body, ...(tooLarge ? { tooLarge } : {}) }, close || (tooLarge && (chunked || (expectsContinue && skip > 0))));
    }
  }

  function respond(req: MiniRequest, close: boolean): void {
    if (close) closing = true;
    const slot: Slot = { data: null, coalesce: false, close };
    slots.push(slot);
    conn.open++;
    const head = req.method === 'HEAD';
    let top: string | null = null;
    handler(req, {
      writeHead(status, h) {
        // Names without CR, LF or ':', values without CR or LF: tested once for all headers.
        let t = '';
        let names = '';
        let values = '';
        for (const k in h) {
          const v = String(h[k]);
          t += k + ': ' + v + '\r\n';
          names += k;
          values += v;
        }
        if (/[\r\n:]/.test(names) || /[\r\n]/.test(values)) throw badHeader(h);
        top = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Status'}\r\n` + t;
      },
      end(b, opts) {
        if (slot.data) return;
        const payload = b === undefined ? Buffer.alloc(0) : typeof b === 'string' ? Buffer.from(b) : b;
        top ??= `HTTP/1.1 200 OK\r\ncontent-length: ${payload.length}\r\n`;
        const tail = `date: ${httpDate()}\r\n${close ? 'connection: close\r\n' : ''}\r\n`;
        slot.data = head || payload.length === 0 ? Buffer.from(top + tail, 'latin1') : Buffer.concat([Buffer.from(top + tail, 'latin1'), payload]);
        slot.coalesce = opts?.coalesce === true;
        if (!parsing) flush();
      },
      destroy() {
        socket.destroy();
      },
    });
  }

  function expectContinue(end: number): void {
    // The head is in, the body is not: a client waiting for 100 Continue sends it now.
    if (continued) return;
    const head = buf.toString('latin1', 0, end).toLowerCase();
    if (head.includes('\r\nexpect: 100-continue')) {
      continued = true;
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    }
  }
}
