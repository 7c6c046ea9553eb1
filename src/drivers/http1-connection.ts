/**
 * One connection of the lean HTTP/1.1 client (http1-client.ts): it writes a
 * request's prebuilt head and body, then reads the response with a small state
 * machine (head, Content-Length body, chunked body, read-until-close) that keeps
 * only what the engine reads: status, byte count and the headers asked for. Its
 * pool is told when the connection can be reused or is gone.
 */
import net from 'node:net';

/** A response as the engine needs it. */
export interface Http1Response {
  status: number;
  bytesIn: number;
  /** Values of the response headers named in `keepHeaders` (lower case). */
  headers: Record<string, string>;
}

/**
 * An error of the transport; `timeout` tells a timed-out request from a network
 * failure, `protocol` a response that is not HTTP/1.x (a garbage status line, a
 * bad chunk size, an endless head).
 */
export class Http1Error extends Error {
  constructor(
    message: string,
    readonly timeout = false,
    readonly protocol = false,
  ) {
    super(message);
    this.name = 'Http1Error';
  }
}

/** A request waiting for, or on, a connection. */
export interface PendingRequest {
  head: Buffer;
  body: Uint8Array | undefined;
  /** The response has no body whatever its headers say (HEAD). */
  noBody: boolean;
  resolve(r: Http1Response): void;
  reject(e: Error): void;
}

/** What a connection needs of its pool. */
export interface ConnectionPool {
  /** No response (or no progress of one) for this long fails it, ms. */
  readonly timeoutMs: number;
  /** Idle connections are closed after this long unless the server says less, ms. */
  readonly idleMs: number;
  /** Response headers to keep, lower case. */
  readonly keepHeaders: Set<string>;
  /** The connection finished its response and can be reused. */
  release(c: Http1Connection): void;
  /** The connection is gone (closed, failed, or not reusable). */
  drop(c: Http1Connection): void;
}

const CRLF2 = Buffer.from('\r\n\r\n');
/** "HTTP/1.0 200" or "HTTP/1.1 404", then a space or the end of the line. */
const STATUS_LINE = /^HTTP\/1\.[01] \d{3}(?: |\r|$)/;
/** A parsing step's answer: stop here (wait for more bytes, or the response ended or failed). */
const STOP = -1;

/** Where the response being read is: its head, or which part of its body. */
type ReadState = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'close';

/** A keep-alive connection carrying one request at a time. */
export class Http1Connection {
  readonly socket: net.Socket;
  /** The request in flight; null while idle. */
  req: PendingRequest | null = null;
  /** performance.now() after which the request in flight fails with `timeout`. */
  deadline = 0;
  /** performance.now() when the connection last became idle. */
  idleSince = 0;
  /** Idle time after which this connection is closed, ms (the server's keep-alive timeout may lower it). */
  idleMs: number;
  /** Bytes of a response not yet parsed (an incomplete head, chunk size line or chunk end). */
  private buf: Buffer | null = null;
  // Parser state of the current response.
  private state: ReadState = 'head';
  private status = 0;
  private remaining = 0;
  private bytesIn = 0;
  private keep = true;
  private headers: Record<string, string> = {};

  /** Connects to `host:port`; a request may be sent at once (it is written once connected). */
  constructor(
    private readonly pool: ConnectionPool,
    host: string,
    port: number,
  ) {
    this.idleMs = pool.idleMs;
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (d) => this.onData(d));
    this.socket.on('error', (e) => this.fail(new Http1Error(e.message)));
    this.socket.on('close', () => {
      if (this.state === 'close' && this.req) return this.finish(false);
      this.fail(new Http1Error('connection closed before the response ended'));
    });
  }

  /** Writes request `p`; its response deadline is `timeoutMs` from now (and from each progress). */
  send(p: PendingRequest, timeoutMs: number): void {
    this.req = p;
    this.deadline = performance.now() + timeoutMs;
    this.state = 'head';
    this.bytesIn = 0;
    this.keep = true;
    this.headers = {};
    if (p.body?.length) {
      this.socket.cork();
      this.socket.write(p.head);
      this.socket.write(p.body);
      this.socket.uncork();
    } else this.socket.write(p.head);
  }

  /** Closes the connection; the request in flight, if any, rejects with `e`. */
  fail(e: Error): void {
    this.pool.drop(this);
    this.socket.destroy();
    const r = this.req;
    this.req = null;
    if (r) r.reject(e);
  }

  /** The response is complete: resolves it and hands the connection back (or closes it unless `keep`). */
  private finish(keep: boolean): void {
    const r = this.req!;
    this.req = null;
    this.buf = null;
    const res: Http1Response = { status: this.status, bytesIn: this.bytesIn, headers: this.headers };
    if (keep && this.keep) this.pool.release(this);
    else {
      this.pool.drop(this);
      this.socket.destroy();
    }
    r.resolve(res);
  }

  /** Parses the bytes `d` (after any held back) as far as they go. */
  private onData(d: Buffer): void {
    if (!this.req) return; // bytes on an idle connection: ignored (the server is closing it)
    this.deadline = performance.now() + this.pool.timeoutMs;
    const b = this.buf ? Buffer.concat([this.buf, d]) : d;
    this.buf = null;
    let i = 0;
    for (;;) {
      if (!this.req) return;
      if (this.state === 'length' && this.remaining === 0) return this.finish(true);
      if (i >= b.length) return; // wait for more bytes
      i = this.step(b, i);
      if (i === STOP) return;
    }
  }

  /**
   * Reads from `b` at `i` in the current state; returns where reading goes on
   * (possibly in a new state), or STOP after holding back an incomplete piece,
   * failing, or finishing the response.
   */
  private step(b: Buffer, i: number): number {
    switch (this.state) {
      case 'head':
        return this.readHead(b, i);
      case 'length': {
        const n = Math.min(this.remaining, b.length - i);
        this.remaining -= n;
        this.bytesIn += n;
        return i + n;
      }
      case 'close':
        this.bytesIn += b.length - i;
        return STOP;
      case 'chunk-size':
        return this.readChunkSize(b, i);
      case 'chunk-data': {
        const n = Math.min(this.remaining, b.length - i);
        this.remaining -= n;
        this.bytesIn += n;
        if (this.remaining === 0) this.state = 'chunk-crlf';
        return i + n;
      }
      case 'chunk-crlf':
        if (b.length - i < 2) return this.holdBack(b, i);
        this.state = 'chunk-size';
        return i + 2;
      case 'trailers':
        return this.readTrailers(b, i);
    }
  }

  /** Keeps `b` from `i` on for the next chunk of bytes. */
  private holdBack(b: Buffer, i: number): number {
    this.buf = b.subarray(i);
    return STOP;
  }

  /** A response head (a 1xx head leaves the state at 'head': the real head follows). */
  private readHead(b: Buffer, i: number): number {
    const end = b.indexOf(CRLF2, i);
    if (end < 0) {
      if (b.length - i > 65536) {
        this.fail(new Http1Error('response head larger than 64 KB', false, true));
        return STOP;
      }
      return this.holdBack(b, i);
    }
    if (!this.parseHead(b.toString('latin1', i, end))) return STOP;
    return end + 4;
  }

  /** A chunk size line: the next chunk's data, or the trailers after the last chunk. */
  private readChunkSize(b: Buffer, i: number): number {
    const eol = b.indexOf(13, i);
    if (eol < 0 || eol + 1 >= b.length) return this.holdBack(b, i);
    const size = parseInt(b.toString('latin1', i, eol), 16);
    if (!Number.isFinite(size)) {
      this.fail(new Http1Error('bad chunk size', false, true));
      return STOP;
    }
    if (size === 0) this.state = 'trailers';
    else {
      this.remaining = size;
      this.state = 'chunk-data';
    }
    return eol + 2;
  }

  /** The end of a chunked body: an empty line right here without trailers, after them otherwise. */
  private readTrailers(b: Buffer, i: number): number {
    if (b.length - i < 2) return this.holdBack(b, i);
    if (!(b[i] === 13 && b[i + 1] === 10) && b.indexOf(CRLF2, i) < 0) return this.holdBack(b, i);
    this.finish(true);
    return STOP;
  }

  /**
   * Status, framing, keep-alive and the kept headers of a response head
   * ("HTTP/1.1 200 OK\r\nname: value…"); false (the request failed with a
   * protocol error) when the status line is not HTTP/1.x with a 3-digit status.
   */
  private parseHead(head: string): boolean {
    if (!STATUS_LINE.test(head)) {
      const line = head.slice(0, Math.max(0, head.indexOf('\r\n')) || head.length).slice(0, 60);
      this.fail(new Http1Error(`not an HTTP/1.x status line: ${JSON.stringify(line)}`, false, true));
      return false;
    }
    this.status = parseInt(head.slice(9, 12), 10);
    let length = -1;
    let chunked = false;
    this.keep = !head.startsWith('HTTP/1.0');
    let pos = head.indexOf('\r\n');
    while (pos >= 0 && pos < head.length) {
      const next = head.indexOf('\r\n', pos + 2);
      const line = head.slice(pos + 2, next < 0 ? head.length : next);
      pos = next;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') length = parseInt(value, 10);
      else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
      else if (name === 'connection') this.keep = value.toLowerCase() !== 'close';
      else if (name === 'keep-alive') {
        const m = /timeout=(\d+)/.exec(value);
        // Close a second before the server would, so a reused connection is never one it is closing.
        if (m) this.idleMs = Math.max(0, Math.min(this.pool.idleMs, Number(m[1]) * 1000 - 1000));
      } else if (this.pool.keepHeaders.has(name)) this.headers[name] = value;
    }
    if (this.status < 200) return true;
    if (this.req!.noBody || this.status === 204 || this.status === 304) {
      this.state = 'length';
      this.remaining = 0;
    } else if (chunked) this.state = 'chunk-size';
    else if (length >= 0) {
      this.state = 'length';
      this.remaining = length;
    } else {
      this.state = 'close';
      this.keep = false;
    }
    return true;
  }
}
