import type { Environment } from './env.js';
import { credentialsFromJson, fetchTextRetry, isAbort, type HttpOptions, type TextResponse } from './http.js';
import { CredentialsProviderError, refreshingCredentials, type CredentialsProvider } from './provider.js';

/** Options of {@link instanceMetadataCredentials}. */
export interface InstanceMetadataOptions extends HttpOptions {
  /** **Default:** `process.env` (where there is one). */
  env?: Environment;
  /**
   * **Default:** `$AWS_EC2_METADATA_SERVICE_ENDPOINT`, else `http://169.254.169.254`
   * (`http://[fd00:ec2::254]` when `$AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` is `IPv6`).
   */
  endpoint?: string;
  /** Session token lifetime (seconds). **Default:** 21600 (6 h). */
  tokenTtlSeconds?: number;
  /** Use IMDSv1 (no token) when the token PUT is refused (403/404/405). **Default:** `false`. */
  allowImdsV1?: boolean;
  /** **Default:** 1000 ms per attempt (one retry). */
  timeoutMs?: number;
  /** Refresh this long before expiry. **Default:** 300000. */
  refreshBeforeMs?: number;
  clock?: () => number;
}

const TOKEN_PATH = '/latest/api/token';
const ROLES_PATH = '/latest/meta-data/iam/security-credentials/';

/**
 * EC2 instance profile credentials through IMDSv2: `PUT /latest/api/token` (TTL header), then the
 * role name from `/latest/meta-data/iam/security-credentials/` and that role's JSON, the token in
 * `x-aws-ec2-metadata-token` (a 401 fetches a new token once). Refreshed before expiry.
 * Has none (CredentialsProviderError) when `AWS_EC2_METADATA_DISABLED=true`, when the service
 * does not answer (not on EC2) or the instance has no role.
 */
export function instanceMetadataCredentials(options: InstanceMetadataOptions = {}): CredentialsProvider {
  const env = options.env ?? globalThis.process?.env ?? {};
  const disabled = (env['AWS_EC2_METADATA_DISABLED'] ?? '').toLowerCase() === 'true';
  const base = (
    options.endpoint ??
    env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] ??
    ((env['AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE'] ?? '').toLowerCase() === 'ipv6' ? 'http://[fd00:ec2::254]' : 'http://169.254.169.254')
  ).replace(/\/+$/, '');
  const ttl = options.tokenTtlSeconds ?? 21_600;
  const clock = options.clock ?? Date.now;
  const http = { ...options, timeoutMs: options.timeoutMs ?? 1000 };
  let token: { value: string | undefined; until: number } | undefined;

  async function request(init: RequestInit, path: string): Promise<TextResponse> {
    try {
      return await fetchTextRetry(base + path, init, http);
    } catch (err) {
      if (isAbort(err, options.signal)) throw err;
      throw new CredentialsProviderError(`instance metadata service at ${base} did not answer`);
    }
  }

  /** A session token (cached until a minute before its TTL), or undefined for IMDSv1. */
  async function sessionToken(): Promise<string | undefined> {
    if (token && token.until > clock()) return token.value;
    const res = await request({ method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) } }, TOKEN_PATH);
    if (res.status === 200 && res.text) token = { value: res.text, until: clock() + (ttl - 60) * 1000 };
    else if ((res.status === 403 || res.status === 404 || res.status === 405) && options.allowImdsV1) token = { value: undefined, until: clock() + 300_000 };
    else throw new Error(`instanceMetadataCredentials: the token PUT answered HTTP ${res.status}${options.allowImdsV1 ? '' : ' (IMDSv1 fallback is off)'}`);
    return token.value;
  }

  /** GET with the token; a 401 (token expired or revoked) gets a new token once. */
  async function get(path: string): Promise<TextResponse> {
    for (let attempt = 0; ; attempt++) {
      const t = await sessionToken();
      const res = await request({ method: 'GET', headers: t ? { 'x-aws-ec2-metadata-token': t } : {} }, path);
      if (res.status !== 401 || attempt > 0) return res;
      token = undefined;
    }
  }

  const inner = refreshingCredentials({
    clock,
    ...(options.refreshBeforeMs !== undefined ? { refreshBeforeMs: options.refreshBeforeMs } : {}),
    refresh: async () => {
      const roles = await get(ROLES_PATH);
      if (roles.status === 404) throw new CredentialsProviderError('the instance has no IAM role (instance profile)');
      if (roles.status !== 200) throw new Error(`instanceMetadataCredentials: ${ROLES_PATH} answered HTTP ${roles.status}`);
      const role = roles.text.split('\n')[0]!.trim();
      if (!role) throw new CredentialsProviderError('the instance has no IAM role (instance profile)');
      const res = await get(ROLES_PATH + encodeURIComponent(role));
      if (res.status !== 200) throw new Error(`instanceMetadataCredentials: the role's credentials answered HTTP ${res.status}`);
      return credentialsFromJson(res.text, 'instanceMetadataCredentials');
    },
  });
  return {
    getCredentials() {
      if (disabled) throw new CredentialsProviderError('AWS_EC2_METADATA_DISABLED is true');
      return inner.getCredentials();
    },
  };
}
