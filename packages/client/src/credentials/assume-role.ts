import { readToken, type TokenSource } from './http.js';
import { refreshingCredentials, staticCredentials, type Credentials, type CredentialsProvider } from './provider.js';
import { callSts, type StsOptions } from './sts.js';
import { sessionParams } from './web-identity.js';

/** Options of {@link assumeRoleCredentials}. */
export interface AssumeRoleOptions extends StsOptions {
  /** The credentials that sign the AssumeRole call (a provider, or fixed keys). */
  sourceCredentials: CredentialsProvider | Credentials;
  /** The role to assume (required by AWS; MinIO accepts none: the user's own policy applies). */
  roleArn?: string;
  /** **Default:** `s3kit-{ms since epoch}`. */
  roleSessionName?: string;
  /** The external ID the role's trust policy asks for. */
  externalId?: string;
  /** Seconds, 900 to the role's maximum session duration. **Default:** STS's (1 hour). */
  durationSeconds?: number;
  /** A session policy (JSON text). */
  policy?: string;
  /** Managed session policy ARNs. */
  policyArns?: readonly string[];
  /** The MFA device's serial number or ARN, when the trust policy requires MFA (then `tokenCode` too). */
  serialNumber?: string;
  /** The MFA code, or a function asking for it (called on every refresh). */
  tokenCode?: TokenSource;
  /** Source identity to stamp on the session. */
  sourceIdentity?: string;
}

/**
 * STS `AssumeRole`, signed (SigV4, service `sts`) with the source credentials: temporary
 * credentials for a role, refreshed before they expire. Also MinIO's STS AssumeRole (same wire
 * format: `endpoint` is the MinIO server, as minio-py's `AssumeRoleProvider`). Runtime-neutral.
 *
 * @throws StsError (with STS's `code`, e.g. `AccessDenied`) when STS refuses.
 */
export function assumeRoleCredentials(options: AssumeRoleOptions): CredentialsProvider {
  const src = options?.sourceCredentials;
  if (!src) throw new TypeError('assumeRoleCredentials: sourceCredentials is required');
  if (options.serialNumber && options.tokenCode === undefined) throw new TypeError('assumeRoleCredentials: serialNumber needs tokenCode');
  const source: CredentialsProvider = typeof (src as CredentialsProvider).getCredentials === 'function' ? (src as CredentialsProvider) : staticCredentials(src as Credentials);
  const clock = options.clock ?? Date.now;
  return refreshingCredentials({
    clock,
    ...(options.refreshBeforeMs !== undefined ? { refreshBeforeMs: options.refreshBeforeMs } : {}),
    refresh: async () => {
      const signWith = await source.getCredentials();
      const params = {
        ...sessionParams(options, clock()),
        ExternalId: options.externalId,
        SerialNumber: options.serialNumber,
        TokenCode: options.tokenCode === undefined ? undefined : await readToken(options.tokenCode, options.signal),
        SourceIdentity: options.sourceIdentity,
      };
      return callSts('AssumeRole', params, options, signWith);
    },
  });
}
