import type { Credentials } from '@s3kit/sigv4';

export type { Credentials } from '@s3kit/sigv4';

/** Credentials that may expire (`expiration`); a provider refreshes them before then. */
export interface ExpiringCredentials extends Credentials {
  expiration?: Date;
}

/**
 * Where credentials come from. `getCredentials()` is called before every request attempt; it should
 * cache (every provider here does).
 */
export interface CredentialsProvider {
  getCredentials(): Credentials | Promise<Credentials>;
}

/** Thrown when a provider has no credentials to give (the chain then tries the next one). */
export class CredentialsProviderError extends Error {
  override readonly name = 'CredentialsProviderError';
}

/** Fixed credentials. */
export function staticCredentials(credentials: Credentials): CredentialsProvider {
  if (!credentials?.accessKeyId || !credentials.secretAccessKey) throw new TypeError('staticCredentials: accessKeyId and secretAccessKey are required');
  const frozen = Object.freeze({ ...credentials });
  return { getCredentials: () => frozen };
}

export interface RefreshingOptions {
  /** Fetches new credentials (STS, an IMDS call, your vault...). */
  refresh: (signal?: AbortSignal) => Promise<ExpiringCredentials>;
  /** Refresh this long before `expiration`. **Default:** `300000` (5 min). */
  refreshBeforeMs?: number;
  /** **Default:** `Date.now`. */
  clock?: () => number;
}

/**
 * Expiring (session) credentials: calls `refresh()` on first use and again when the cached ones are
 * within `refreshBeforeMs` of `expiration`. Concurrent callers share one refresh; a failed refresh
 * is retried on the next call.
 */
export function refreshingCredentials(options: RefreshingOptions): CredentialsProvider {
  const { refresh, refreshBeforeMs = 300_000, clock = Date.now } = options;
  if (typeof refresh !== 'function') throw new TypeError('refreshingCredentials: refresh is required');
  let current: ExpiringCredentials | undefined;
  let pending: Promise<ExpiringCredentials> | undefined;
  const fresh = (c: ExpiringCredentials | undefined): c is ExpiringCredentials => c !== undefined && (c.expiration === undefined || c.expiration.getTime() - refreshBeforeMs > clock());
  return {
    getCredentials() {
      if (fresh(current)) return current;
      pending ??= refresh().then(
        (c) => {
          pending = undefined;
          if (!c?.accessKeyId || !c.secretAccessKey) throw new CredentialsProviderError('refresh() returned no accessKeyId/secretAccessKey');
          current = c;
          return c;
        },
        (err: unknown) => {
          pending = undefined;
          throw err;
        },
      );
      return pending;
    },
  };
}

/**
 * The first provider that gives credentials, remembered after it does (the AWS SDK chain
 * behaviour). A provider "has none" when it throws `CredentialsProviderError`; other errors
 * propagate.
 */
export function chainCredentials(...providers: CredentialsProvider[]): CredentialsProvider {
  if (providers.length === 0) throw new TypeError('chainCredentials: at least one provider');
  let chosen: CredentialsProvider | undefined;
  return {
    async getCredentials() {
      if (chosen) return chosen.getCredentials();
      const reasons: string[] = [];
      for (const p of providers) {
        try {
          const c = await p.getCredentials();
          chosen = p;
          return c;
        } catch (err) {
          if (!(err instanceof CredentialsProviderError)) throw err;
          reasons.push(err.message);
        }
      }
      throw new CredentialsProviderError(`no credentials: ${reasons.join('; ')}`);
    },
  };
}
