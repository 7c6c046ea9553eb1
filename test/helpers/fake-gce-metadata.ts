/**
 * A local GCE metadata server, just the ID-token route google-auth-library's
 * Compute client calls (`GET /computeMetadata/v1/instance/service-accounts/default/identity?audience=…&format=full`,
 * header `Metadata-Flavor: Google` required and echoed). Point the library at it
 * with GCE_METADATA_HOST=127.0.0.1:PORT and METADATA_SERVER_DETECTION=assume-present.
 * Tokens are JWT-shaped (header.payload.signature, base64url) with `aud` and `exp`;
 * the signature is not a real Google one (nothing checks it here).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class FakeGceMetadata {
  private server: Server | null = null;
  /** Audiences of the ID tokens handed out, in order. */
  readonly issued: string[] = [];
  /** Tokens handed out, in order (tests check none leaks into results). */
  readonly tokens: string[] = [];

  constructor(private readonly lifetimeS = 3600) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (req.headers['metadata-flavor'] !== 'Google') {
        res.writeHead(403, { 'content-type': 'text/plain' });
        return res.end('Missing required header: Metadata-Flavor\n');
      }
      if (url.pathname === '/computeMetadata/v1/instance/service-accounts/default/identity') {
        const aud = url.searchParams.get('audience') ?? '';
        const now = Math.floor(Date.now() / 1000);
        const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const token = `${b64({ alg: 'RS256', kid: 'fake', typ: 'JWT' })}.${b64({ aud, azp: '1234567890', email: 'fx@fake.iam.gserviceaccount.com', exp: now + this.lifetimeS, iat: now, iss: 'https://accounts.google.com', sub: '1234567890' })}.${Buffer.from(`sig-${this.tokens.length}`).toString('base64url')}`;
        this.issued.push(aud);
        this.tokens.push(token);
        res.writeHead(200, { 'content-type': 'text/html', 'metadata-flavor': 'Google' });
        return res.end(token);
      }
      res.writeHead(404, { 'content-type': 'text/plain', 'metadata-flavor': 'Google' });
      res.end('Not Found\n');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
