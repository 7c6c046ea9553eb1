// A minimal HTTP/1.1 keep-alive client for the Runtime API: one socket per loop,
// requests pipelined, responses parsed for status, the few headers we read and a
// Content-Length body (fxbench's Runtime API endpoint always sends one; chunked
// bodies are decoded too, for other servers).
import net from 'node:net';

export class RuntimeApiClient {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.pending = [];
    this.buf = Buffer.alloc(0);
    this.connect();
  }
  connect() {
    this.sock = net.connect({ host: this.host, port: this.port });
    this.sock.setNoDelay(true);
    this.sock.on('data', (c) => this.onData(c));
    const fail = (err) => {
      const list = this.pending;
      this.pending = [];
      for (const p of list) p.reject(err ?? new Error('runtime API connection closed'));
    };
    this.sock.on('error', fail);
    this.sock.on('close', () => fail());
  }
  /** Sends requests in one write; resolves one promise per request, in order. */
  send(requests) {
    let text = '';
    const bodies = [];
    for (const r of requests) {
      const body = r.body === undefined ? null : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
      let head = `${r.method} ${r.path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
      for (const [k, v] of Object.entries(r.headers ?? {})) head += `${k}: ${v}\r\n`;
      head += body ? `Content-Length: ${body.length}\r\n\r\n` : (r.method === 'GET' ? '\r\n' : 'Content-Length: 0\r\n\r\n');
      bodies.push(Buffer.from(head), ...(body ? [body] : []));
    }
    const promises = requests.map(() => new Promise((resolve, reject) => this.pending.push({ resolve, reject })));
    this.sock.write(bodies.length === 1 ? bodies[0] : Buffer.concat(bodies));
    return promises;
  }
  onData(chunk) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buf.toString('latin1', 0, end);
      const lines = head.split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headers = {};
      for (let i = 1; i < lines.length; i++) {
        const c = lines[i].indexOf(':');
        headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i].slice(c + 1).trim();
      }
      let body;
      let rest;
      if (headers['transfer-encoding'] === 'chunked') {
        const parts = [];
        let at = end + 4;
        for (;;) {
          const nl = this.buf.indexOf('\r\n', at);
          if (nl < 0) return;
          const size = parseInt(this.buf.toString('latin1', at, nl), 16);
          if (this.buf.length < nl + 2 + size + 2) return;
          if (size === 0) { rest = nl + 4; break; }
          parts.push(this.buf.subarray(nl + 2, nl + 2 + size));
          at = nl + 2 + size + 2;
        }
        body = Buffer.concat(parts);
      } else {
        const len = Number(headers['content-length'] ?? 0);
        if (this.buf.length < end + 4 + len) return;
        body = this.buf.subarray(end + 4, end + 4 + len);
        rest = end + 4 + len;
      }
      this.buf = this.buf.subarray(rest);
      const p = this.pending.shift();
      if (p) p.resolve({ status, headers, body });
    }
  }
}
