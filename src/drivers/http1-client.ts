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
 *
 * This file is the pool (queueing, reuse, deadlines, idle closing); a connection
 * and its response parser are http1-connection.ts.
 */
import {
  Http1Connection,
  Http1Error,
  type ConnectionPool,
  type Http1Response,
  type PendingRequest,
} from './http1-connection.ts';

/** The transport's error (defined in http1-connection.ts). */
export { Http1Error } from './http1-connection.ts';
/** A response as the engine needs it (defined in http1-connection.ts). */
export type { Http1Response } from './http1-connection.ts';

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

/** Connections to one origin (`http://host:port`). */
export class Http1Pool implements ConnectionPool {
  readonly timeoutMs: number;
  readonly idleMs: number;
  readonly keepHeaders: Set<string>;
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly max: number;
  private readonly all = new Set<Http1Connection>();
  private readonly idle: Http1Connection[] = [];
  private readonly queue: PendingRequest[] = [];
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  /** A pool for `origin` (`http://host[:port]`; no connection is opened before the first request). */
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
    return Buffer.from(`${h}\r\n`, 'latin1');
  }

  /** Sends one request; resolves with the response or rejects with an Http1Error. */
  request(head: Buffer, body: Uint8Array | undefined, noBody: boolean): Promise<Http1Response> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Http1Error('pool closed'));
      const p: PendingRequest = { head, body, noBody, resolve, reject };
      const c = this.idle.pop();
      if (c) return c.send(p, this.timeoutMs);
      if (this.all.size < this.max) return this.open().send(p, this.timeoutMs);
      this.queue.push(p);
    });
  }

  private open(): Http1Connection {
    const c = new Http1Connection(this, this.host, this.port);
    this.all.add(c);
    return c;
  }

  /** A connection finished its response and can be reused. */
  release(c: Http1Connection): void {
    const next = this.queue.shift();
    if (next) return c.send(next, this.timeoutMs);
    c.idleSince = performance.now();
    this.idle.push(c);
  }

  /** A connection is gone (closed, failed, or not reusable). */
  drop(c: Http1Connection): void {
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
