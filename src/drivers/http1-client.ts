/**
 * A lean HTTP/1.1 keep-alive client over plain TCP: the load engine's hot path
 * for `http://` targets. Measured on 127.0.0.1 (README "Performance"), undici's
 * `request()` costs about 3× the CPU per request of autocannon, and even its
 * `dispatch()` about 1.4×; this client writes a prebuilt request head and parses
 * only what fxbench reads (status, framing, the instance-id headers), so one core
 * drives as many requests as autocannon does. `https://` targets use undici.
 *
 * Framing handled: Content-Length, chunked, read-until-close, no body for HEAD,
 * 1xx/204/304. One request per connection at a time (no pipelining: a stalled
 * response must not hold back others); connections are opened on demand up to
 * `connections`, further requests queue.
 */
import net from 'node:net';

/** A response as the engine needs it. */
export interface Http1Response {
  status: number;
  bytesIn: number;
  /** Values of the response headers named in `keepHeaders` (lower case). */
  headers: Record<string, string>;
}

/** Options of an Http1Pool. */
export interface Http1PoolOptions {
  /** Most connections (default: unlimited, one per request in flight). */
  connections?: number | null;
  /** No response (or no progress of one) for this long fails it with `timeout`, ms. */
  timeoutMs: number;
  /** Response headers to keep, lower case. */
  keepHeaders?: string[];
  /** Idle connections are closed after this long unless the server says less, ms (default 4000). */
  idleMs?: number;
}

/** An error of the transport; `timeout` tells a timed-out request from a network failure. */
export class Http1Error extends Error {
  constructor(message: string, readonly timeout = false) {
    super(message);
    this.name = 'Http1Error';
  }
}

interface Pending {
  head: Buffer;
  body: Uint8Array | undefined;
  noBody: boolean;
  resolve(r: Http1Response): void;
  reject(e: Error): void;
}

const CRLF2 = Buffer.from('\r\n\r\n');

class Conn {
  readonly socket: net.Socket;
  req: Pending | null = null;
  deadline = 0;
  idleSince = 0;
  idleMs: number;
  private buf: Buffer | null = null;
  // Parser state of the current response.
  private state: 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'close' = 'head';
  private status = 0;
  private remaining = 0;
  private bytesIn = 0;
  private keep = true;
  private headers: Record<string, string> = {};

  constructor(private readonly pool: Http1Pool, host: string, port: number) {
    this.idleMs = pool.idleMs;
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (d) => this.onData(d));
    this.socket.on('error', (e) => this.fail(new Http1Error(e.message)));
    this.socket.on('close', () => {
      if (this.state === 'close' && this.req) return this.finish(false);
      this.fail(new Http1Error('connection closed before the response ended'));
    });
  }

  send(p: Pending, timeoutMs: number): void {
    this.req = p;
    this.deadline = performance.now() + timeoutMs;
    this.state = 'head';
    this.bytesIn = 0;
    this.keep = true;
    this.headers = {};
    if (p.body && p.body.length) {
      this.socket.cork();
      this.socket.write(p.head);
      this.socket.write(p.body);
      this.socket.uncork();
    } else this.socket.write(p.head);
  }

  fail(e: Error): void {
    this.pool.drop(this);
    this.socket.destroy();
    const r = this.req;
    this.req = null;
    if (r) r.reject(e);
  }

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
      switch (this.state) {
        case 'head': {
          const end = b.indexOf(CRLF2, i);
          if (end < 0) {
            if (b.length - i > 65536) return this.fail(new Http1Error('response head larger than 64 KB'));
            this.buf = b.subarray(i);
            return;
          }
          this.parseHead(b.toString('latin1', i, end));
          i = end + 4;
          continue; // after a 1xx head the state stays 'head': the real head follows
        }
        case 'length': {
          const n = Math.min(this.remaining, b.length - i);
          this.remaining -= n;
          this.bytesIn += n;
          i += n;
          continue;
        }
        case 'close':
          this.bytesIn += b.length - i;
          return;
        case 'chunk-size': {
          const eol = b.indexOf(13, i);
          if (eol < 0 || eol + 1 >= b.length) {
            this.buf = b.subarray(i);
            return;
          }
          const size = parseInt(b.toString('latin1', i, eol), 16);
          if (!Number.isFinite(size)) return this.fail(new Http1Error('bad chunk size'));
          i = eol + 2;
          if (size === 0) this.state = 'trailers';
          else (this.remaining = size), (this.state = 'chunk-data');
          continue;
        }
        case 'chunk-data': {
          const n = Math.min(this.remaining, b.length - i);
          this.remaining -= n;
          this.bytesIn += n;
          i += n;
          if (this.remaining === 0) this.state = 'chunk-crlf';
          continue;
        }
        case 'chunk-crlf':
          if (b.length - i < 2) {
            this.buf = b.subarray(i);
            return;
          }
          i += 2;
          this.state = 'chunk-size';
          continue;
        case 'trailers': {
          // The body ends with an empty line: right here without trailers, after them otherwise.
          if (b.length - i < 2) {
            this.buf = b.subarray(i);
            return;
          }
          if (b[i] === 13 && b[i + 1] === 10) return this.finish(true);
          if (b.indexOf(CRLF2, i) < 0) {
            this.buf = b.subarray(i);
            return;
          }
          return this.finish(true);
        }
      }
    }
  }

  private parseHead(head: string): void {
    // "HTTP/1.1 200 OK\r\nname: value\r\n…"
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
    if (this.status < 200) return;
    if (this.req!.noBody || this.status === 204 || this.status === 304) (this.state = 'length'), (this.remaining = 0);
    else if (chunked) this.state = 'chunk-size';
    else if (length >= 0) (this.state = 'length'), (this.remaining = length);
    else (this.state = 'close'), (this.keep = false);
  }
}

/** Connections to one origin (`http://host:port`). */
export class Http1Pool {
  readonly timeoutMs: number;
  readonly idleMs: number;
  readonly keepHeaders: Set<string>;
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly max: number;
  private readonly all = new Set<Conn>();
  private readonly idle: Conn[] = [];
  private readonly queue: Pending[] = [];
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(origin: string, o: Http1PoolOptions) {
    const u = new URL(origin);
    if (u.protocol !== 'http:') throw new Error(`Http1Pool: plain http only, got ${u.protocol}`);
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || 80);
    this.hostHeader = u.host;
    this.max = o.connections ?? Infinity;
    this.timeoutMs = o.timeoutMs;
    this.idleMs = o.idleMs ?? 4000;
    this.keepHeaders = new Set(o.keepHeaders ?? []);
    // One timer for every deadline (a timer per request would cost more than the request).
    this.sweeper = setInterval(() => this.sweep(), Math.min(250, Math.max(10, this.timeoutMs / 4)));
    this.sweeper.unref();
  }

  /**
   * Builds the request head once per method, path and header set; the caller
   * reuses it for every request with a body of the same length.
   */
  head(method: string, path: string, headers: Record<string, string>, bodyLength: number): Buffer {
    let h = `${method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    for (const [k, v] of Object.entries(headers)) h += `${k}: ${v}\r\n`;
    if (bodyLength > 0 || (method !== 'GET' && method !== 'HEAD')) h += `content-length: ${bodyLength}\r\n`;
    return Buffer.from(h + '\r\n', 'latin1');
  }

  /** Sends one request; resolves with the response or rejects with an Http1Error. */
  request(head: Buffer, body: Uint8Array | undefined, noBody: boolean): Promise<Http1Response> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Http1Error('pool closed'));
      const p: Pending = { head, body, noBody, resolve, reject };
      const c = this.idle.pop();
      if (c) return c.send(p, this.timeoutMs);
      if (this.all.size < this.max) return this.open().send(p, this.timeoutMs);
      this.queue.push(p);
    });
  }

  private open(): Conn {
    const c = new Conn(this, this.host, this.port);
    this.all.add(c);
    return c;
  }

  /** A connection finished its response and can be reused. */
  release(c: Conn): void {
    const next = this.queue.shift();
    if (next) return c.send(next, this.timeoutMs);
    c.idleSince = performance.now();
    this.idle.push(c);
  }

  /** A connection is gone (closed, failed, or not reusable). */
  drop(c: Conn): void {
    if (!this.all.delete(c)) return;
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    // A queued request gets a fresh connection in its place.
    const next = this.queue.shift();
    if (next && !this.closed) this.open().send(next, this.timeoutMs);
  }

  private sweep(): void {
    const now = performance.now();
    for (const c of this.all) {
      if (c.req && now > c.deadline) c.fail(new Http1Error(`no response within ${this.timeoutMs} ms`, true));
      else if (!c.req && now - c.idleSince > c.idleMs) {
        this.drop(c);
        c.socket.destroy();
      }
    }
  }

  /** Fails every request in flight or queued (the run's grace period is over). */
  abort(reason = 'aborted'): void {
    for (const p of this.queue.splice(0)) p.reject(new Http1Error(reason));
    for (const c of [...this.all]) if (c.req) c.fail(new Http1Error(reason));
  }

  /** Closes every connection; requests still in flight fail. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    this.abort('pool closed');
    for (const c of [...this.all]) {
      this.all.delete(c);
      c.socket.destroy();
    }
    this.idle.length = 0;
  }
}
