import { isS3Error } from '@s3kit/errors';
import { parseXml } from '@s3kit/xml-shapes';
import { readCapped } from '../pipeline/body.js';
import type { Upstream, UpstreamRequest } from '../upstreams/upstream.js';
import { NO_GRANTS, publicGrantsOf, type PublicGrants } from './grants.js';

/** A bucket's ACL as authorization reads it. */
export interface BucketAclState {
  /** False when the bucket's Object Ownership is `BucketOwnerEnforced`: ACLs are disabled, grants ignored. */
  readonly aclsEnabled: boolean;
  readonly grants: PublicGrants;
}

/** Options of {@link AclGrantCache}. */
export interface AclGrantCacheOptions {
  /** Longest time an ACL changed elsewhere (not through this gateway) may go on deciding requests. */
  readonly maxStalenessMs: number;
  /** Object ACLs kept (oldest dropped first). **Default:** 10 000. */
  readonly maxObjects?: number | undefined;
  /** Bucket ACLs kept. **Default:** 10 000. */
  readonly maxBuckets?: number | undefined;
  /** **Default:** `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** An ACL document is small (at most 100 grants); anything bigger is not one. */
const MAX_ACL_BYTES = 1024 * 1024;

interface Entry<T> {
  readonly value: Promise<T>;
  readonly at: number;
}

/** An answer too big to be the document asked for. */
class NotTheDocument extends Error {}

/** What an upstream answered: its body, or the S3 error (a 4xx S3 error is an answer too, cached). */
async function ask(upstream: Upstream, req: UpstreamRequest): Promise<Uint8Array> {
  const res = await upstream.handle(req);
  return readCapped(res.body, MAX_ACL_BYTES, () => new NotTheDocument(`upstream ${req.operation} answer too large`));
}

/**
 * A 4xx S3 error (no such bucket/key/configuration, not supported), NotImplemented, or an answer
 * that is not the document asked for, is the upstream's answer; anything else (5xx, transport) is a failure.
 */
function isAnswer(err: unknown): boolean {
  return err instanceof NotTheDocument || (isS3Error(err) && ((err.status >= 400 && err.status < 500) || err.code === 'NotImplemented'));
}

/**
 * Whether ACLs are on, from a GetBucketOwnershipControls answer: off only for `BucketOwnerEnforced`.
 * An upstream without Object Ownership (Ceph RGW 16.2 answers the request as a listing of the
 * bucket) or a bucket without ownership controls has them on.
 */
function aclsOn(body: Uint8Array): boolean {
  try {
    return parseXml('OwnershipControls', body).Rule?.some((r) => r.ObjectOwnership?.trim() === 'BucketOwnerEnforced') !== true;
  } catch {
    return true;
  }
}

/**
 * One upstream's public ACL grants, read by the gateway itself (GetBucketAcl, GetObjectAcl and
 * GetBucketOwnershipControls through the upstream: the embedded store answers them, an S3
 * upstream with the gateway's credentials) and cached for `maxStalenessMs`. Writes made through
 * this gateway invalidate the entries they change ({@link forgetBucket}, {@link forgetObject}).
 * A read that fails (5xx, transport) rejects, failing the request, and is not cached.
 */
export class AclGrantCache {
  readonly #upstream: Upstream;
  readonly #max: number;
  readonly #maxObjects: number;
  readonly #maxBuckets: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Entry<BucketAclState>>();
  readonly #objects = new Map<string, Entry<PublicGrants>>();

  constructor(upstream: Upstream, options: AclGrantCacheOptions) {
    this.#upstream = upstream;
    this.#max = options.maxStalenessMs;
    this.#maxObjects = options.maxObjects ?? 10_000;
    this.#maxBuckets = options.maxBuckets ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The bucket's ACL state, at most `maxStalenessMs` old. */
  bucket(bucket: string): Promise<BucketAclState> {
    return this.#cached(this.#buckets, this.#maxBuckets, bucket, () => this.#readBucket(bucket));
  }

  /** The public grants of an object's ACL (the current version, or `versionId`); none for a missing object. */
  object(bucket: string, key: string, versionId: string | undefined): Promise<PublicGrants> {
    return this.#cached(this.#objects, this.#maxObjects, objectId(bucket, key, versionId), () => this.#readObject(bucket, key, versionId));
  }

  /** Forget a bucket's ACL state and its objects' ACLs (its ACL, ownership or existence changed). */
  forgetBucket(bucket: string): void {
    this.#buckets.delete(bucket);
    const prefix = `${bucket}\n`;
    for (const id of this.#objects.keys()) if (id.startsWith(prefix)) this.#objects.delete(id);
  }

  /** Forget an object's ACL: its current version's, and `versionId`'s when given. */
  forgetObject(bucket: string, key: string, versionId?: string | undefined): void {
    this.#objects.delete(objectId(bucket, key, undefined));
    if (versionId !== undefined) this.#objects.delete(objectId(bucket, key, versionId));
  }

  #cached<T>(map: Map<string, Entry<T>>, max: number, id: string, read: () => Promise<T>): Promise<T> {
    const e = map.get(id);
    const now = this.#now();
    if (e !== undefined && now - e.at < this.#max) return e.value;
    const value = read();
    const entry: Entry<T> = { value, at: now };
    map.delete(id);
    map.set(id, entry);
    while (map.size > max) map.delete(map.keys().next().value as string);
    // A failed read is not kept: the next request asks again.
    value.catch(() => {
      if (map.get(id) === entry) map.delete(id);
    });
    return value;
  }

  async #readBucket(bucket: string): Promise<BucketAclState> {
    const [ownership, acl] = await Promise.all([
      ask(this.#upstream, { method: 'GET', operation: 'GetBucketOwnershipControls', bucket, query: { ownershipControls: '' }, headers: {} }).then(aclsOn, (err: unknown) => {
        // No ownership controls (OwnershipControlsNotFoundError), or an upstream without them: ACLs are on.
        if (isAnswer(err)) return true;
        throw err;
      }),
      this.#grants({ method: 'GET', operation: 'GetBucketAcl', bucket, query: { acl: '' }, headers: {} }),
    ]);
    return { aclsEnabled: ownership, grants: ownership ? acl : NO_GRANTS };
  }

  #readObject(bucket: string, key: string, versionId: string | undefined): Promise<PublicGrants> {
    return this.#grants({ method: 'GET', operation: 'GetObjectAcl', bucket, key, query: { acl: '', ...(versionId === undefined ? {} : { versionId }) }, headers: {} });
  }

  async #grants(req: UpstreamRequest): Promise<PublicGrants> {
    let body: Uint8Array;
    try {
      body = await ask(this.#upstream, req);
    } catch (err) {
      if (isAnswer(err)) return NO_GRANTS;
      throw err;
    }
    return publicGrantsOf(body);
  }
}

function objectId(bucket: string, key: string, versionId: string | undefined): string {
  return `${bucket}\n${versionId ?? ''}\n${key}`;
}

/** Every upstream's {@link AclGrantCache}, created on first use, for the life of a gateway. */
export class AclGrantRegistry {
  readonly #upstreams: Readonly<Record<string, Upstream>>;
  readonly #options: AclGrantCacheOptions;
  readonly #caches = new Map<string, AclGrantCache>();

  constructor(upstreams: Readonly<Record<string, Upstream>>, options: AclGrantCacheOptions) {
    this.#upstreams = upstreams;
    this.#options = options;
  }

  /** The cache of an upstream (`undefined` for an unknown name). */
  cacheOf(upstream: string): AclGrantCache | undefined {
    let c = this.#caches.get(upstream);
    if (c === undefined) {
      const u = this.#upstreams[upstream];
      if (u === undefined) return undefined;
      c = new AclGrantCache(u, this.#options);
      this.#caches.set(upstream, c);
    }
    return c;
  }
}

/** Operations after which an object's ACL may differ (a new current version, a new ACL, gone). */
const OBJECT_ACL_CHANGES = new Set(['PutObject', 'PostObject', 'CopyObject', 'CompleteMultipartUpload', 'PutObjectAcl', 'DeleteObject', 'RestoreObject']);
/** Operations after which a bucket's ACL state may differ. */
const BUCKET_ACL_CHANGES = new Set(['PutBucketAcl', 'PutBucketOwnershipControls', 'DeleteBucketOwnershipControls', 'CreateBucket', 'DeleteBucket']);

/**
 * After the gateway forwarded a write that may change an ACL (Put*Acl, a new object version,
 * a delete, a change of Object Ownership), this gateway sees the change at once.
 */
export function forgetChangedAcl(cache: AclGrantCache | undefined, operation: string, bucket: string | undefined, key: string | undefined, versionId: string | undefined): void {
  if (cache === undefined || bucket === undefined) return;
  if (BUCKET_ACL_CHANGES.has(operation)) cache.forgetBucket(bucket);
  else if (key !== undefined && OBJECT_ACL_CHANGES.has(operation)) cache.forgetObject(bucket, key, versionId);
  else if (operation === 'DeleteObjects') cache.forgetBucket(bucket);
}
