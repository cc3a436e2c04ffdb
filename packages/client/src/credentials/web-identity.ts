import { readToken, type TokenSource } from './http.js';
import { refreshingCredentials, type CredentialsProvider } from './provider.js';
import { callSts, type StsOptions } from './sts.js';

/** Options of {@link webIdentityCredentials}. */
export interface WebIdentityOptions extends StsOptions {
  /** The role to assume. MinIO's STS ignores it (policy claims of the token decide). */
  roleArn?: string;
  /** The OIDC / OAuth 2.0 token, or a function giving the current one (called on every refresh). */
  token: TokenSource;
  /** **Default:** `s3kit-{ms since epoch}`. */
  roleSessionName?: string;
  /** Seconds, 900 to the role's maximum. **Default:** STS's (1 hour). */
  durationSeconds?: number;
  /** A session policy (JSON text) narrowing the role's permissions. */
  policy?: string;
  /** Managed session policy ARNs. */
  policyArns?: readonly string[];
  /** OAuth 2.0 provider (`www.amazon.com`, `graph.facebook.com`); not for OIDC tokens. */
  providerId?: string;
}

/** The STS form parameters shared by AssumeRole and AssumeRoleWithWebIdentity. */
export function sessionParams(
  o: { roleArn?: string | undefined; roleSessionName?: string | undefined; durationSeconds?: number | undefined; policy?: string | undefined; policyArns?: readonly string[] | undefined },
  now: number,
) {
  const params: Record<string, string | number | undefined> = {
    RoleArn: o.roleArn,
    RoleSessionName: o.roleSessionName ?? `s3kit-${now}`,
    DurationSeconds: o.durationSeconds,
    Policy: o.policy,
  };
  o.policyArns?.forEach((arn, i) => {
    params[`PolicyArns.member.${i + 1}.arn`] = arn;
  });
  return params;
}

/**
 * STS `AssumeRoleWithWebIdentity` (AWS STS, or MinIO's STS at `endpoint`): trades a web identity
 * token for temporary credentials, refreshed before they expire. Runtime-neutral (global `fetch`).
 * For the `AWS_WEB_IDENTITY_TOKEN_FILE` / `AWS_ROLE_ARN` setup use `webIdentityTokenFileCredentials`
 * (Node entry).
 *
 * @throws StsError (with STS's `code`) when STS refuses; the token is never in messages.
 */
export function webIdentityCredentials(options: WebIdentityOptions): CredentialsProvider {
  if (options?.token === undefined || options.token === '') throw new TypeError('webIdentityCredentials: token is required');
  const clock = options.clock ?? Date.now;
  return refreshingCredentials({
    clock,
    ...(options.refreshBeforeMs !== undefined ? { refreshBeforeMs: options.refreshBeforeMs } : {}),
    refresh: async () => {
      const token = await readToken(options.token, options.signal);
      if (!token) throw new Error('webIdentityCredentials: the token is empty');
      return callSts('AssumeRoleWithWebIdentity', { ...sessionParams(options, clock()), WebIdentityToken: token, ProviderId: options.providerId }, options);
    },
  });
}
