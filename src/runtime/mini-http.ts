/**
 * A small HTTP/1.1 server for the per-instance Lambda Runtime API endpoint. It
 * sits on every invocation's path three times (event out, answer in, 202 back),
 * and node:http's general machinery cost ≈ 75–100 µs of CPU per exchange on this
 * kind of machine; this parses just what the Runtime API needs: the request line,
 * headers, a Content-Length or chunked body, `Expect: 100-continue` (curl-based
 * runtimes send it for bodies over 1 KB), keep-alive and pipelining (responses go
 * out in request order), and writes each response in one write.
 */
import net from 'node:net';

/** A parsed request: header names lower-cased, body complete. */
export interface MiniRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** The response to one request; `end` may come later (long polls). */
export interface MiniResponse {
  writeHead(status: number, headers: Record<string, string | number>): void;
  end(body?: Buffer | string): void;
  /** Closes the connection without answering. */
  destroy(): void;
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 202: 'Accepted', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 413: 'Payload Too Large', 500: 'Internal Server Error' };
const MAX_HEAD_BYTES = 64 * 1024;

/** A server whose open connections can all be closed at once. */
export interface MiniServer extends net.Server {
  closeAllConnections(): void;
}

/** Creates the server; `handler` is called once per complete request. */
export function createMiniServer(handler: (req: MiniRequest, res: MiniResponse) => void): MiniServer {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serve(socket, handler);
  }) as MiniServer;
  server.closeAllConnections = () => {
    for (const s of sockets) s.destroy();
  };
  return server;
}

interface Slot {
  data: Buffer | null;
}

function serve(socket: net.Socket, handler: (req: MiniRequest, res: MiniResponse) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  const slots: Slot[] = [];
  let continued = false;

  const flush = () => {
    while (slots.length && slots[0]!.data) socket.write(slots.shift()!.data!);
  };
  const bad = (message: string) => {
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
  };

  socket.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > MAX_HEAD_BYTES) bad('request head too large');
        return;
      }
      const lines = buf.toString('latin1', 0, end).split('\r\n');
      const [method, url] = lines[0]!.split(' ');
      if (!method || !url) return bad('malformed request line');
      const headers: Record<string, string> = {};
      for (let i = 1; i < lines.length; i++) {
        const c = lines[i]!.indexOf(':');
        if (c > 0) headers[lines[i]!.slice(0, c).trim().toLowerCase()] = lines[i]!.slice(c + 1).trim();
      }
      let body: Buffer;
      let rest: number;
      if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
        const parts: Buffer[] = [];
        let at = end + 4;
        let done = -1;
        while (done < 0) {
          const nl = buf.indexOf('\r\n', at);
          if (nl < 0) break;
          const size = parseInt(buf.toString('latin1', at, nl), 16);
          if (Number.isNaN(size)) return bad('malformed chunk size');
          if (size === 0) {
            const trailerEnd = buf.indexOf("\r\n\r\n", nl);
            if (trailerEnd < 0) break;
            done = trailerEnd + 4;
            break;
          }
          if (buf.length < nl + 2 + size + 2) break;
          parts.push(buf.subarray(nl + 2, nl + 2 + size));
          at = nl + 2 + size + 2;
        }
        if (done < 0) return expectContinue();
        body = Buffer.concat(parts);
        rest = done;
      } else {
        const len = Number(headers['content-length'] ?? 0);
        if (!Number.isFinite(len) || len < 0) return bad('malformed content-length');
        if (buf.length < end + 4 + len) return expectContinue();
        body = buf.subarray(end + 4, end + 4 + len);
        rest = end + 4 + len;
      }
      buf = buf.subarray(rest);
      continued = false;
      const slot: Slot = { data: null };
      slots.push(slot);
      let head: string | null = null;
      handler({ method, url, headers, body }, {
        writeHead(status, h) {
          head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Status'}\r\n`;
          for (const [k, v] of Object.entries(h)) head += `${k}: ${v}\r\n`;
        },
        end(b) {
          const payload = b === undefined ? Buffer.alloc(0) : typeof b === 'string' ? Buffer.from(b) : b;
          head ??= `HTTP/1.1 200 OK\r\ncontent-length: ${payload.length}\r\n`;
          slot.data = Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), payload]);
          flush();
        },
        destroy() {
          socket.destroy();
        },
      });
    }

    function expectContinue(): void {
      // The head is in, the body is not: a client waiting for 100 Continue sends it now.
      const head = buf.toString('latin1', 0, buf.indexOf('\r\n\r\n')).toLowerCase();
      if (!continued && head.includes('\r\nexpect: 100-continue')) {
        continued = true;
        socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      }
    }
  });
}
