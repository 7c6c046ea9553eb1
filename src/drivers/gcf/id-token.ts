/**
 * Google-signed ID tokens for private Cloud Functions, from google-auth-library's
 * Application Default Credentials (a service-account key in
 * GOOGLE_APPLICATION_CREDENTIALS, or the metadata server on GCP). One token per
 * audience, cached until 5 minutes before it expires, refreshed by one request
 * however many invocations wait. Tokens are never logged or written to results.
 */
import { GoogleAuth } from 'google-auth-library';
import { FxError } from '../../model/errors.ts';

/** Refresh this long before `exp`, ms. */
const REFRESH_BEFORE_MS = 5 * 60_000;

/** Reads `exp` (s since epoch) from a JWT's payload; undefined if it is not a JWT. */
export function jwtExpiryMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: number }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** A cached `Authorization` header value for one audience. */
export class IdTokenSource {
  private header: string | null = null;
  private expiresMs = 0;
  private inFlight: Promise<string> | null = null;
  private fetchToken: ((audience: string) => Promise<string>) | null = null;

  constructor(
    private readonly audience: string,
    private readonly targetName: string,
  ) {}

  /** Resolves credentials and fetches the first token; throws FxError saying what to set. */
  async prepare(): Promise<void> {
    try {
      const client = await new GoogleAuth().getIdTokenClient(this.audience);
      this.fetchToken = (aud) => client.idTokenProvider.fetchIdToken(aud);
      await this.authorization();
    } catch (err) {
      if (err instanceof FxError) throw err;
      const why = (err as Error).message.split('\n')[0];
      throw FxError.runFailed(
        `target ${this.targetName}: credentials missing: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run on GCP; for a public function set auth: 'none' (${why})`,
        err,
      );
    }
  }

  /** `Bearer <token>`, fetched or refreshed when needed. */
  async authorization(): Promise<string> {
    if (this.header && Date.now() < this.expiresMs - REFRESH_BEFORE_MS) return this.header;
    this.inFlight ??= (async () => {
      try {
        const token = await this.fetchToken!(this.audience);
        this.header = `Bearer ${token}`;
        // A token without a readable expiry is kept for 10 minutes (Google's last an hour).
        this.expiresMs = jwtExpiryMs(token) ?? Date.now() + REFRESH_BEFORE_MS + 10 * 60_000;
        return this.header;
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }
}
