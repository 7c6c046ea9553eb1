/**
 * The response side of mini-http.ts: what a handler answers through, and how
 * one answer becomes the bytes of one write (status line, headers, `date`,
 * `connection: close` when the connection ends with it, body). The connection
 * (mini-http-connection.ts) queues these in request order and writes them.
 */
import type net from 'node:net';

/** The response to one request; `end` may come later (long polls). */
export interface MiniResponse {
  /** Sets the status and headers; throws on a name or value that could split the response (CR, LF; ':' in a name). */
  writeHead(status: number, headers: Record<string, string | number>): void;
  /**
   * Sets the status and headers given as ready header lines (`name: value\r\n`
   * each), unchecked: for the caller's own headers, whose values cannot hold CR
   * or LF (numbers, ids it made). Skips writeHead's header object and checks on
   * paths every invocation takes.
   */
  writeHeadLines(status: number, lines: string): void;
  /**
   * Completes the response. With `coalesce`, a response the client does not wait
   * for (it has already pipelined its next request) is held and leaves in the
   * same write as the next one: one wake-up of the client instead of two.
   */
  end(body?: Buffer | string, opts?: { coalesce?: boolean }): void;
  /** Closes the connection without answering. */
  destroy(): void;
}

/** What a response needs of the connection it belongs to. */
export interface ResponseOwner {
  readonly socket: net.Socket;
  /** A chunk is being parsed: responses completed meanwhile leave together after it. */
  readonly parsing: boolean;
  /** Writes every response that is ready, in request order. */
  flush(): void;
}

const STATUS_TEXT: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const EMPTY = Buffer.alloc(0);

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

/**
 * One request's response, queued on its connection in request order until its
 * bytes are ready (`data`) and every response before it has left.
 */
export class QueuedResponse implements MiniResponse {
  /** The whole response, once `end` was called. */
  data: Buffer | null = null;
  /** May wait for the next response (see MiniResponse.end). */
  coalesce = false;
  /** Status line and headers, once `writeHead` was called. */
  private top: string | null = null;

  /**
   * `head`: the request was HEAD (no body is sent); `close`: the connection
   * closes after this response.
   */
  constructor(
    private readonly owner: ResponseOwner,
    private readonly head: boolean,
    readonly close: boolean,
  ) {}

  writeHead(status: number, h: Record<string, string | number>): void {
    // Names without CR, LF or ':', values without CR or LF: tested once for all headers.
    let t = '';
    let names = '';
    let values = '';
    for (const k in h) {
      const v = String(h[k]);
      t += `${k}: ${v}\r\n`;
      names += k;
      values += v;
    }
    if (/[\r\n:]/.test(names) || /[\r\n]/.test(values)) throw badHeader(h);
    this.writeHeadLines(status, t);
  }

  writeHeadLines(status: number, lines: string): void {
    this.top = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Status'}\r\n${lines}`;
  }

  end(b?: Buffer | string, opts?: { coalesce?: boolean }): void {
    if (this.data) return;
    const payload = b === undefined ? EMPTY : typeof b === 'string' ? Buffer.from(b) : b;
    const top = (this.top ??= `HTTP/1.1 200 OK\r\ncontent-length: ${payload.length}\r\n`);
    const head = `${top}date: ${httpDate()}\r\n${this.close ? 'connection: close\r\n' : ''}\r\n`;
    if (this.head || payload.length === 0) this.data = Buffer.from(head, 'latin1');
    else {
      // One buffer for head and body (not a head buffer, then a copy of both into a third).
      const data = Buffer.allocUnsafe(head.length + payload.length);
      data.write(head, 0, 'latin1');
      payload.copy(data, head.length);
      this.data = data;
    }
    this.coalesce = opts?.coalesce === true;
    if (!this.owner.parsing) this.owner.flush();
  }

  destroy(): void {
    this.owner.socket.destroy();
  }
}
