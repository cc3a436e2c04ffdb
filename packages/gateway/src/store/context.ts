import { S3Error } from '@s3kit/errors';
import { utf8Length, validBucketName } from '@s3kit/xml-shapes/operations';
import { isWellFormed } from './key-order.js';
import type { StoreKey } from './sse-key.js';
import type { Webhooks } from './webhooks.js';
import type { StoreCore } from './store-core.js';
import type { UpstreamRequest } from '../upstreams/upstream.js';

/** What every operation of the local store gets. */
export interface StoreContext {
  readonly core: StoreCore;
  /** The region the store reports (GetBucketLocation, `x-amz-bucket-region`). */
  readonly region: string;
  /** Smallest part size except the last (S3: 5 MiB). */
  readonly minPartSize: number;
  /** Largest single PUT / copy source (S3: 5 GiB). */
  readonly maxObjectSize: number;
  /** Owner shown in listings. */
  readonly owner: { readonly id: string; readonly displayName: string };
  /** The SSE-S3 store key (see sse-key.ts). */
  readonly storeKey: StoreKey;
  /** Webhook targets (`LocalStoreOptions.notifications`); undefined: none configured. */
  readonly webhooks?: Webhooks | undefined;
}

export const MAX_KEY_BYTES = 1024;

/** @throws S3Error InvalidBucketName (400) */
export function requireBucketName(req: UpstreamRequest): string {
  const b = req.bucket;
  if (b === undefined || !validBucketName(b)) {
    throw new S3Error('InvalidBucketName', { resource: b ?? '', details: { BucketName: b ?? '' } });
  }
  return b;
}

/**
 * Validates a key: non-empty, valid Unicode, at most 1024 UTF-8 bytes.
 * @throws S3Error KeyTooLongError (400), InvalidArgument (400)
 */
export function checkKey(key: string | undefined, resource: string): string {
  if (key === undefined || key.length === 0) throw new S3Error('InvalidArgument', { resource, message: 'An object key is required.' });
  if (!isWellFormed(key)) throw new S3Error('InvalidArgument', { resource, message: 'The object key is not valid UTF-8.' });
  if (utf8Length(key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', { resource, details: { MaxSizeAllowed: String(MAX_KEY_BYTES) } });
  return key;
}

/** Bucket and key of an object request. */
export function objectTarget(req: UpstreamRequest): { bucket: string; key: string; resource: string } {
  const bucket = requireBucketName(req);
  const resource = `/${bucket}/${req.key ?? ''}`;
  return { bucket, key: checkKey(req.key, resource), resource };
}

/** The declared body length: the decoded length of aws-chunked bodies, else Content-Length. */
export function declaredLength(headers: Readonly<Record<string, string | undefined>>): number | undefined {
  const v = headers['x-amz-decoded-content-length'] ?? headers['content-length'];
  if (v === undefined) return undefined;
  if (!/^\d{1,16}$/.test(v.trim())) throw new S3Error('InvalidArgument', { message: 'Invalid Content-Length.' });
  return Number(v.trim());
}
