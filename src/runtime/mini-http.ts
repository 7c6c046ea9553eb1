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
 *
 * This file is the server: it accepts connections and closes idle ones. Each
 * connection's state (parsing, pipelining, writing) is mini-http-connection.ts;
 * the request parser is mini-http-parse.ts, response framing mini-http-response.ts.
 */
import net from 'node:net';
import { MiniConnection } from './mini-http-connection.ts';
import type { MiniRequest } from './mini-http-parse.ts';
import type { MiniResponse } from './mini-http-response.ts';

/** A parsed request (defined in mini-http-parse.ts). */
export type { MiniRequest } from './mini-http-parse.ts';
/** The response to one request (defined in mini-http-response.ts). */
export type { MiniResponse } from './mini-http-response.ts';

/** Options of createMiniServer. */
export interface MiniServerOptions {
  /** The largest body accepted for a request, by its method and URL (default: 64 MiB). */
  bodyLimit?: (method: string, url: string) => number;
  /** Connections with no request open are closed after this long (default: never). */
  idleTimeoutMs?: number;
}

/** How often idle connections are looked for. */
const SWEEP_MS = 1000;

/** A server whose open connections can all be closed at once. */
export interface MiniServer extends net.Server {
  closeAllConnections(): void;
}

/** Creates the server; `handler` is called once per complete request. */
export function createMiniServer(
  handler: (req: MiniRequest, res: MiniResponse) => void,
  opts: MiniServerOptions = {},
): MiniServer {
  const conns = new Set<MiniConnection>();
  const server = net.createServer((socket) => {
    const conn = new MiniConnection(socket, handler, opts.bodyLimit);
    conns.add(conn);
    socket.setNoDelay(true);
    socket.on('close', () => conns.delete(conn));
    socket.on('error', () => socket.destroy());
  }) as MiniServer;
  server.closeAllConnections = () => {
    for (const c of conns) c.socket.destroy();
  };
  if (opts.idleTimeoutMs !== undefined) {
    const idleMs = opts.idleTimeoutMs;
    let sweeper: NodeJS.Timeout | null = null;
    server.on('listening', () => {
      // Closed between idleMs and idleMs + one sweep after their last activity.
      sweeper = setInterval(
        () => {
          const now = Date.now();
          for (const c of conns) if (c.open === 0 && now - c.lastActive >= idleMs) c.socket.destroy();
        },
        Math.min(SWEEP_MS, Math.max(10, idleMs / 4)),
      ).unref();
    });
    server.on('close', () => sweeper && clearInterval(sweeper));
  }
  return server;
}
