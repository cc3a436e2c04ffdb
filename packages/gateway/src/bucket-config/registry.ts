import { parseCopySource } from '@s3kit/xml-shapes/operations';
import { capabilitiesOf, type Upstream } from '../upstreams/upstream.js';
import type { ParsedRequest } from '../pipeline/types.js';
import { BucketConfigCache } from './cache.js';
import type { LoadedBucketConfigs } from './effective.js';

/** The gateway's `bucketConfig` option: bucket configuration through the S3 API. */
export interface BucketConfigOptions {
  /**
   * Accept PutBucketPolicy, DeleteBucketPolicy, PutBucketCors, DeleteBucketCors,
   * PutPublicAccessBlock and DeletePublicAccessBlock (authorized like any request). False: they
   * answer AccessDenied, whoever asks, and only the config file sets policies and CORS (what was
   * set before is still enforced and readable). **Default:** `true`.
   */
  readonly writes?: boolean | undefined;
  /**
   * Longest time a change made through another gateway in front of the same upstream may go
   * unenforced here (the cache re-reads, by entity tag, within it). **Default:** 5000 ms.
   */
  readonly maxStalenessMs?: number | undefined;
}

/** The default of {@link BucketConfigOptions.maxStalenessMs}. */
export const DEFAULT_MAX_STALENESS_MS = 5000;

/** No bucket configurations (an upstream without a configuration store, a request naming no bucket). */
export const NO_BUCKET_CONFIGS: LoadedBucketConfigs = new Map();

/**
 * Every upstream's bucket configuration cache (one per upstream name, over the upstream's
 * `configStore`), for the life of a gateway: reloads of the config file keep it.
 */
export class BucketConfigRegistry {
  readonly writes: boolean;
  readonly #upstreams: Readonly<Record<string, Upstream>>;
  readonly #maxStalenessMs: number;
  readonly #caches = new Map<string, BucketConfigCache | undefined>();

  constructor(upstreams: Readonly<Record<string, Upstream>>, options: BucketConfigOptions = {}) {
    const max = options.maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS;
    if (!Number.isFinite(max) || max < 0) throw new TypeError(`bucketConfig.maxStalenessMs: must be a non-negative number of milliseconds (got ${String(max)})`);
    this.#upstreams = upstreams;
    this.#maxStalenessMs = max;
    this.writes = options.writes !== false;
  }

  /** The cache of an upstream, or `undefined` when it keeps no configuration (no `configStore`). */
  cacheOf(upstream: string): BucketConfigCache | undefined {
    if (!this.#caches.has(upstream)) {
      const u = this.#upstreams[upstream];
      const store = u === undefined ? undefined : capabilitiesOf(u).configStore;
      this.#caches.set(upstream, store === undefined ? undefined : new BucketConfigCache(store, { maxStalenessMs: this.#maxStalenessMs }));
    }
    return this.#caches.get(upstream);
  }

  /** The configuration of these buckets on this upstream, each at most `maxStalenessMs` old. */
  async load(upstream: string, buckets: readonly (string | undefined)[]): Promise<LoadedBucketConfigs> {
    const cache = this.cacheOf(upstream);
    const names = [...new Set(buckets.filter((b): b is string => b !== undefined))];
    if (cache === undefined || names.length === 0) return NO_BUCKET_CONFIGS;
    const configs = await Promise.all(names.map((b) => cache.get(b)));
    return new Map(names.map((b, i) => [b, configs[i]!]));
  }

  /** What is cached for these buckets, without reading (answers after a failure). */
  peek(upstream: string, bucket: string | undefined): LoadedBucketConfigs {
    const c = bucket === undefined ? undefined : this.cacheOf(upstream)?.peek(bucket);
    return c === undefined ? NO_BUCKET_CONFIGS : new Map([[bucket!, c]]);
  }
}

/** The buckets whose policies decide a request: its own and its copy source's. */
export function bucketsOf(parsed: ParsedRequest): (string | undefined)[] {
  const source = parsed.headers['x-amz-copy-source'];
  if (source === undefined) return [parsed.route.bucket];
  try {
    return [parsed.route.bucket, parseCopySource(source).bucket];
  } catch {
    return [parsed.route.bucket];
  }
}
