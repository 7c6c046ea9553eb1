/**
 * AWS credentials and SigV4 signing for the Lambda driver, both from maintained
 * AWS libraries (no hand-written crypto): credentials through the SDK's default
 * Node provider chain (env, shared config/profile, SSO, container, IMDS), signing
 * through @smithy/signature-v4 with @aws-crypto/sha256-js. Signed headers are
 * built per request; credentials are never logged or written to results.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { FxError } from '../../model/errors.ts';

/** SigV4 signing name of Lambda (both the Invoke API and Function URLs). */
export const LAMBDA_SIGNING_NAME = 'lambda';

/** Signs requests to one AWS region and service. */
export class AwsSigner {
  private readonly signer: SignatureV4;

  constructor(
    credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
    readonly region: string,
    service = LAMBDA_SIGNING_NAME,
  ) {
    this.signer = new SignatureV4({
      credentials,
      region,
      service,
      sha256: Sha256,
      uriEscapePath: true,
      applyChecksum: false,
    });
  }

  /**
   * Headers to send with a request to `url`: the given ones plus `host`,
   * `x-amz-date`, `x-amz-content-sha256` where needed, `x-amz-security-token`
   * for temporary credentials, and `authorization`.
   */
  async sign(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: Uint8Array | string | undefined,
  ): Promise<Record<string, string>> {
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const req = new HttpRequest({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: { ...headers, host: url.host },
      body,
    });
    const signed = await this.signer.sign(req);
    return signed.headers as Record<string, string>;
  }
}

/**
 * Resolves credentials through the SDK's default chain (optionally a named
 * profile). Fails fast with a message that says what to set; the cause's text is
 * kept but never any secret.
 */
export async function resolveAwsCredentials(
  targetName: string,
  profile?: string,
): Promise<AwsCredentialIdentityProvider> {
  const provider = fromNodeProviderChain(profile ? { profile } : {});
  try {
    await provider();
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    throw FxError.runFailed(
      `target ${targetName}: credentials missing: set AWS_PROFILE (or "profile" on the target), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "aws sso login" (${why})`,
      err,
    );
  }
  return provider;
}
