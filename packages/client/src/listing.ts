// Listing (objects v1/v2, versions, multipart uploads, parts), paging transparently, over the request core.
// Internal module: S3Client (client.ts) delegates here; option types live beside their functions.

import { unquote } from './headers.js';
import { checkBucket, checkKey, type RequestCore, type RequestOptions } from './core.js';
import type { PartInfo } from './upload.js';
import { listedUserMeta } from './user-metadata.js';
import { parseXml } from '@s3kit/xml-shapes';

export interface ListObjectsOptions extends RequestOptions {
  prefix?: string;
  /** `true` lists every key under the prefix; `false` groups by `/` into prefixes. **Default:** `false`. */
  recursive?: boolean;
  /** Overrides `recursive`. */
  delimiter?: string;
  startAfter?: string;
  /** ListObjects v1 (marker) instead of v2. **Default:** `false`. */
  useV1?: boolean;
  /** Lists versions and delete markers (ListObjectVersions). */
  includeVersion?: boolean;
  /** Asks a MinIO server for user metadata and tags (`metadata=true`, read into `metadata`/`tags`); other servers ignore it. */
  includeUserMeta?: boolean;
  /** Keys per page. **Default:** 1000. */
  pageSize?: number;
}

export interface ObjectItem {
  key: string;
  size: number;
  etag: string;
  lastModified: Date | undefined;
  storageClass: string | undefined;
  versionId?: string | undefined;
  isLatest?: boolean | undefined;
  isDeleteMarker?: boolean;
  /** MinIO's `<UserMetadata>` (with `includeUserMeta`). */
  metadata?: Record<string, string>;
  /** MinIO's `<UserTags>` (with `includeUserMeta`). */
  tags?: Record<string, string>;
}

export interface PrefixItem {
  prefix: string;
}

export interface ListVersionsOptions extends RequestOptions {
  prefix?: string;
  recursive?: boolean;
  delimiter?: string;
  keyMarker?: string;
  versionIdMarker?: string;
  pageSize?: number;
  /** As `ListObjectsOptions.includeUserMeta` (MinIO). */
  includeUserMeta?: boolean;
}

export interface IncompleteUpload {
  key: string;
  uploadId: string;
  initiated: Date | undefined;
  storageClass: string | undefined;
}

export interface ListUploadsOptions extends RequestOptions {
  prefix?: string;
  recursive?: boolean;
  delimiter?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
}

/**
 * Lists objects (and, when not recursive, common prefixes), paging transparently.
 * `includeVersion` lists versions and delete markers instead.
 */
export async function* listObjects(core: RequestCore, bucket: string, options: ListObjectsOptions = {}): AsyncGenerator<ObjectItem | PrefixItem> {
  checkBucket(bucket);
  if (options.includeVersion) {
    const { startAfter, useV1, includeVersion, ...rest } = options;
    yield* listObjectVersions(core, bucket, { ...rest, ...(startAfter ? { keyMarker: startAfter } : {}) });
    return;
  }
  const delimiter = options.delimiter ?? (options.recursive ? undefined : '/');
  const pageSize = options.pageSize ?? 1000;
  let token: string | undefined;
  let marker = options.startAfter;
  for (;;) {
    const query: Record<string, string | number | undefined> = options.useV1
      ? { delimiter, 'encoding-type': 'url', marker, 'max-keys': pageSize, prefix: options.prefix ?? '' }
      : {
          'continuation-token': token,
          delimiter,
          'encoding-type': 'url',
          'list-type': 2,
          'max-keys': pageSize,
          prefix: options.prefix ?? '',
          'start-after': token ? undefined : options.startAfter,
        };
    // MinIO's <UserMetadata>/<UserTags> have no fixed shape: read beside the parsed page (user-metadata.ts).
    let extras: ReturnType<typeof listedUserMeta> | undefined;
    let page;
    if (options.includeUserMeta) {
      query['metadata'] = 'true';
      const res = await core.send({ method: 'GET', bucket, query, signal: options.signal });
      const bytes = await res.body.bytes();
      page = parseXml('ListBucketResult', bytes);
      extras = listedUserMeta(new TextDecoder().decode(bytes), 'Contents');
    } else page = await core.xml('ListBucketResult', { method: 'GET', bucket, query, signal: options.signal });
    for (const [i, o] of page.Contents.entries()) {
      const item: ObjectItem = { key: o.Key, size: o.Size ?? 0, etag: unquote(o.ETag), lastModified: o.LastModified, storageClass: o.StorageClass };
      const x = extras?.[i];
      if (x) {
        item.metadata = x.metadata;
        if (x.tags) item.tags = x.tags;
      }
      yield item;
    }
    for (const p of page.CommonPrefixes) if (p.Prefix !== undefined) yield { prefix: p.Prefix };
    if (!page.IsTruncated) return;
    if (options.useV1) {
      const last = page.NextMarker ?? page.Contents.at(-1)?.Key ?? page.CommonPrefixes.at(-1)?.Prefix;
      if (!last || last === marker) return;
      marker = last;
    } else {
      if (!page.NextContinuationToken || page.NextContinuationToken === token) return;
      token = page.NextContinuationToken;
    }
  }
}

/** ListObjectVersions: versions and delete markers (and prefixes when not recursive), paging transparently. */
export async function* listObjectVersions(core: RequestCore, bucket: string, options: ListVersionsOptions = {}): AsyncGenerator<ObjectItem | PrefixItem> {
  checkBucket(bucket);
  const delimiter = options.delimiter ?? (options.recursive ? undefined : '/');
  let keyMarker = options.keyMarker;
  let versionIdMarker = options.versionIdMarker;
  for (;;) {
    const call = {
      method: 'GET',
      bucket,
      query: {
        delimiter,
        'encoding-type': 'url',
        'key-marker': keyMarker,
        'max-keys': options.pageSize ?? 1000,
        ...(options.includeUserMeta ? { metadata: 'true' } : {}),
        prefix: options.prefix ?? '',
        'version-id-marker': keyMarker ? versionIdMarker : undefined,
        versions: '',
      },
      signal: options.signal,
    };
    let extras: ReturnType<typeof listedUserMeta> | undefined;
    let page;
    if (options.includeUserMeta) {
      const bytes = await (await core.send(call)).body.bytes();
      page = parseXml('ListVersionsResult', bytes);
      extras = listedUserMeta(new TextDecoder().decode(bytes), 'Version');
    } else page = await core.xml('ListVersionsResult', call);
    const items: ObjectItem[] = new Array(page.Version.length);
    for (const [i, v] of page.Version.entries()) {
      const item: ObjectItem = { key: v.Key, size: v.Size ?? 0, etag: unquote(v.ETag), lastModified: v.LastModified, storageClass: v.StorageClass, versionId: v.VersionId, isLatest: v.IsLatest };
      const x = extras?.[i];
      if (x) {
        item.metadata = x.metadata;
        if (x.tags) item.tags = x.tags;
      }
      items[i] = item;
    }
    if (page.DeleteMarker.length > 0) {
      for (const d of page.DeleteMarker) {
        items.push({ key: d.Key, size: 0, etag: '', lastModified: d.LastModified, storageClass: undefined, versionId: d.VersionId, isLatest: d.IsLatest, isDeleteMarker: true });
      }
      // S3 interleaves versions and delete markers by key, newest first; the XML groups them by kind.
      // (Array.prototype.sort is stable: equal keys and times keep versions before markers, in page order.)
      items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0)));
    }
    // A loop, not `yield* items`: delegating to a sync iterable costs an extra await per item.
    for (const item of items) yield item;
    for (const p of page.CommonPrefixes) if (p.Prefix !== undefined) yield { prefix: p.Prefix };
    if (!page.IsTruncated || !page.NextKeyMarker) return;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

/** ListMultipartUploads, paging transparently. */
export async function* listMultipartUploads(core: RequestCore, bucket: string, options: ListUploadsOptions = {}): AsyncGenerator<IncompleteUpload | PrefixItem> {
  checkBucket(bucket);
  const delimiter = options.delimiter ?? (options.recursive === false ? '/' : undefined);
  let keyMarker = options.keyMarker;
  let uploadIdMarker = options.uploadIdMarker;
  for (;;) {
    const page = await core.xml('ListMultipartUploadsResult', {
      method: 'GET',
      bucket,
      query: { delimiter, 'encoding-type': 'url', 'key-marker': keyMarker, prefix: options.prefix ?? '', 'upload-id-marker': uploadIdMarker, uploads: '' },
      signal: options.signal,
    });
    for (const u of page.Upload) {
      yield { key: u.Key ?? '', uploadId: u.UploadId ?? '', initiated: u.Initiated, storageClass: u.StorageClass };
    }
    for (const p of page.CommonPrefixes) if (p.Prefix !== undefined) yield { prefix: p.Prefix };
    if (!page.IsTruncated || (!page.NextKeyMarker && !page.NextUploadIdMarker)) return;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

/** MinIO's listIncompleteUploads: the uploads under `prefix` (recursive by default). */
export async function* listIncompleteUploads(core: RequestCore, bucket: string, prefix = '', recursive = true, options: RequestOptions = {}): AsyncGenerator<IncompleteUpload> {
  for await (const u of listMultipartUploads(core, bucket, { prefix, recursive, ...options })) if ('uploadId' in u) yield u;
}

/** ListParts of one upload, paging transparently. */
export async function* listParts(core: RequestCore, bucket: string, key: string, uploadId: string, options: RequestOptions = {}): AsyncGenerator<PartInfo> {
  checkBucket(bucket);
  checkKey(key);
  let marker: number | undefined;
  for (;;) {
    const page = await core.xml('ListPartsResult', { method: 'GET', bucket, key, query: { 'part-number-marker': marker, uploadId }, signal: options.signal });
    for (const p of page.Part) yield { partNumber: p.PartNumber ?? 0, etag: unquote(p.ETag), size: p.Size, lastModified: p.LastModified };
    if (!page.IsTruncated || page.NextPartNumberMarker === undefined || page.NextPartNumberMarker === marker) return;
    marker = page.NextPartNumberMarker;
  }
}
