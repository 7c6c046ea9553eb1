/**
 * The server's end of a test's raw connections: what the server has read and
 * written on a connection (bytesRead, bytesWritten, writableEnded), so a test
 * waits for the server to have read what it sent, or checks what the server
 * wrote, instead of sleeping and hoping.
 */
import { once } from 'node:events';
import type net from 'node:net';

/** Server sockets of every watched server, by the client's port (their remotePort). */
const accepted = new Map<number, net.Socket>();
let waiting: (() => void)[] = [];

/** Records each connection `server` accepts (after the server's own connection handler ran). */
export function watchConnections(server: net.Server): void {
  server.on('connection', (s: net.Socket) => {
    const port = s.remotePort!;
    accepted.set(port, s);
    s.once('close', () => accepted.get(port) === s && accepted.delete(port));
    const w = waiting;
    waiting = [];
    for (const f of w) f();
  });
}

/** The server's socket for `client`'s connection to a watched server, once accepted; rejects after `ms`. */
export async function serverSocketOf(client: net.Socket, ms = 3000): Promise<net.Socket> {
  if (client.connecting) await once(client, 'connect');
  const port = client.localPort!;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not accept the connection from port ${port} in ${ms} ms`)),
      ms,
    );
    const look = () => {
      const s = accepted.get(port);
      if (s) {
        clearTimeout(timer);
        resolve(s);
      } else waiting.push(look);
    };
    look();
  });
}

/** Resolves once the server has read `bytes` on `srv` in all (or the socket ended or closed); rejects after `ms`. */
export function serverHasRead(srv: net.Socket, bytes: number, ms = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (srv.bytesRead < bytes && !srv.destroyed && srv.readable) return;
      clearTimeout(timer);
      srv.off('data', check).off('end', check).off('close', check);
      resolve();
    };
    const timer = setTimeout(() => {
      srv.off('data', check).off('end', check).off('close', check);
      reject(new Error(`the server read ${srv.bytesRead} of ${bytes} bytes in ${ms} ms`));
    }, ms);
    srv.on('data', check).on('end', check).on('close', check);
    check();
  });
}
