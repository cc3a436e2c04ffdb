import type { Environment } from './env.js';
import { credentialsFromJson, fetchTextRetry, type HttpOptions } from './http.js';
import { CredentialsProviderError, refreshingCredentials, type CredentialsProvider } from './provider.js';

/** Options of {@link containerCredentials}. */
export interface ContainerOptions extends HttpOptions {
  /** **Default:** `process.env` (where there is one). */
  env?: Environment;
  /** **Default:** `$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, on `http://169.254.170.2`. */
  relativeUri?: string;
  /** **Default:** `$AWS_CONTAINER_CREDENTIALS_FULL_URI` (https, or http to an allowed host). */
  fullUri?: string;
  /** The `Authorization` value. **Default:** the token file's content, else `$AWS_CONTAINER_AUTHORIZATION_TOKEN`. */
  authorizationToken?: string | (() => string | Promise<string>);
  /**
   * Reads `$AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (EKS Pod Identity), on every refresh. Without
   * it that variable is an error. The Node entry's `defaultCredentials` passes `node:fs`'s.
   */
  readFile?: (path: string) => Promise<string>;
  /** **Default:** 1000 ms per attempt (one retry). */
  timeoutMs?: number;
  /** Refresh this long before expiry. **Default:** 300000. */
  refreshBeforeMs?: number;
  clock?: () => number;
}

const ECS_HOST = 'http://169.254.170.2';
/** Hosts an http FULL_URI may name (the AWS SDKs' rule): loopback, the ECS and EKS agents. */
const ALLOWED_HOSTS = new Set(['localhost', '169.254.170.2', '169.254.170.23', '[fd00:ec2::23]', '[::1]']);

/** Whether an `http:` container endpoint's host is one the AWS SDKs accept (https may name any host). */
export function allowedContainerHost(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  return ALLOWED_HOSTS.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
}

/**
 * ECS task roles and EKS Pod Identity: the container credentials endpoint named by
 * `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on 169.254.170.2) or `AWS_CONTAINER_CREDENTIALS_FULL_URI`
 * (https anywhere; http only to loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23, IP
 * literals, as the AWS SDKs enforce), with `AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)` as the
 * `Authorization` header. Answers JSON `AccessKeyId`/`SecretAccessKey`/`Token`/`Expiration`;
 * refreshed before expiry. Has none (CredentialsProviderError) when neither variable is set.
 */
export function containerCredentials(options: ContainerOptions = {}): CredentialsProvider {
  const env = options.env ?? globalThis.process?.env ?? {};
  const relative = options.relativeUri ?? env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];
  const full = options.fullUri ?? env['AWS_CONTAINER_CREDENTIALS_FULL_URI'];
  const clock = options.clock ?? Date.now;
  let url: string | undefined;
  let unusable: string | undefined;
  if (relative) url = `${ECS_HOST}${relative.startsWith('/') ? '' : '/'}${relative}`;
  else if (full) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(full);
    } catch {
      unusable = 'AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL';
    }
    if (parsed && !allowedContainerHost(parsed)) unusable = `AWS_CONTAINER_CREDENTIALS_FULL_URI host ${parsed.hostname} is not loopback, the ECS or the EKS agent (use https)`;
    url = parsed?.href;
  }
  async function token(): Promise<string | undefined> {
    let t: string | undefined;
    if (options.authorizationToken !== undefined) {
      t = typeof options.authorizationToken === 'function' ? await options.authorizationToken() : options.authorizationToken;
    } else if (env['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE']) {
      if (!options.readFile) throw new Error('containerCredentials: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is set but no readFile was given');
      t = (await options.readFile(env['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'])).trim();
    } else t = env['AWS_CONTAINER_AUTHORIZATION_TOKEN'];
    if (t !== undefined && /[\r\n]/.test(t)) throw new Error('containerCredentials: the authorization token holds a line break');
    return t || undefined;
  }
  const inner = refreshingCredentials({
    clock,
    ...(options.refreshBeforeMs !== undefined ? { refreshBeforeMs: options.refreshBeforeMs } : {}),
    refresh: async () => {
      const auth = await token();
      const res = await fetchTextRetry(
        url!,
        { method: 'GET', headers: auth ? { authorization: auth, accept: 'application/json' } : { accept: 'application/json' } },
        { ...options, timeoutMs: options.timeoutMs ?? 1000 },
      );
      if (res.status !== 200) throw new Error(`containerCredentials: ${url} answered HTTP ${res.status}`);
      return credentialsFromJson(res.text, 'containerCredentials');
    },
  });
  return {
    getCredentials() {
      if (url === undefined && unusable === undefined) throw new CredentialsProviderError('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / AWS_CONTAINER_CREDENTIALS_FULL_URI are not set');
      if (unusable !== undefined) throw new Error(`containerCredentials: ${unusable}`);
      return inner.getCredentials();
    },
  };
}
