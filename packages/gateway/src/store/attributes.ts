import { S3Error } from '@s3kit/errors';
import { checksumXml } from './checksums.js';
import { objectTarget, type StoreContext } from './context.js';
import { httpDate, intHeader } from './http-headers.js';
import { deleteMarkerError, showsNullVersion, versionHeader } from './objects.js';
import { CUSTOMER, readKey } from './sse.js';
import { missing } from './tagging.js';
import { checkVersionId, type ObjectMeta } from './versions.js';
import { XML_HEADERS, buildXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';

const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type Attribute = (typeof ATTRIBUTES)[number];

/** S3's cap on x-amz-max-parts (as ListParts). */
const MAX_PARTS = 1000;

/**
 * `x-amz-object-attributes`: a comma-separated list of the five names (case-sensitive, as S3).
 * @throws S3Error InvalidArgument (400) when missing, empty or naming another attribute.
 */
function parseAttributes(header: string | undefined, resource: string): Set<Attribute> {
  const names = (header ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) {
    throw new S3Error('InvalidArgument', {
      resource,
      message: 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
      details: { ArgumentName: 'x-amz-object-attributes', ArgumentValue: header ?? '' },
    });
  }
  for (const n of names) {
    if (!(ATTRIBUTES as readonly string[]).includes(n)) {
      throw new S3Error('InvalidArgument', { resource, message: 'Invalid attribute name specified.', details: { ArgumentName: 'x-amz-object-attributes', ArgumentValue: n } });
    }
  }
  return new Set(names as Attribute[]);
}

/**
 * ObjectParts of a multipart object: PartsCount always; the Part list (paged by
 * `x-amz-part-number-marker` / `x-amz-max-parts`) only when the parts have checksums, as S3
 * documents for general purpose buckets. Undefined for an object not made by multipart.
 */
function objectParts(meta: ObjectMeta, marker: number, max: number): Record<string, unknown> | undefined {
  const parts = meta.parts;
  if (parts === undefined) return undefined;
  const sums = meta.partChecksums;
  if (sums === undefined || meta.checksum === undefined) return { PartsCount: parts.length };
  const alg = meta.checksum.algorithm;
  const all = parts.map((size, i) => ({ PartNumber: i + 1, Size: size, ...checksumXml({ algorithm: alg, value: sums[i] ?? '', type: 'FULL_OBJECT' }, false) })).filter((p) => p.PartNumber > marker);
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  return {
    PartsCount: parts.length,
    PartNumberMarker: marker,
    ...(truncated ? { NextPartNumberMarker: page[page.length - 1]!.PartNumber } : {}),
    MaxParts: max,
    IsTruncated: truncated,
    Part: page,
  };
}

/**
 * GetObjectAttributes (`GET /bucket/key?attributes`): the requested attributes of the current
 * (or `versionId`) version, with `Last-Modified` and `x-amz-version-id`. The ETag is unquoted,
 * as S3 writes it here. A delete marker answers as GetObject (404 / 405, `x-amz-delete-marker`).
 * @throws S3Error InvalidArgument, NoSuchKey, NoSuchVersion, MethodNotAllowed, NoSuchBucket; an SSE-C
 *   object's key errors (see readKey)
 */
export async function getObjectAttributes(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  const wanted = parseAttributes(req.headers['x-amz-object-attributes'], resource);
  const max = Math.min(intHeader(req.headers, 'x-amz-max-parts') ?? MAX_PARTS, MAX_PARTS);
  const marker = intHeader(req.headers, 'x-amz-part-number-marker') ?? 0;
  const v = await ctx.core.readVersion(bucket, key, versionId);
  if (v === undefined) throw await missing(ctx, bucket, resource, versionId);
  if (v.deleteMarker === true) throw deleteMarkerError(v.id, versionId !== undefined, resource);
  await readKey(ctx, v, req.headers, CUSTOMER, resource); // an SSE-C object's attributes need its key, as S3
  const parts = wanted.has('ObjectParts') ? objectParts(v, marker, max) : undefined;
  const body = buildXml('GetObjectAttributesResponse', {
    ...(wanted.has('ETag') ? { ETag: v.etag } : {}),
    ...(wanted.has('Checksum') && v.checksum !== undefined ? { Checksum: checksumXml(v.checksum, true) } : {}),
    ...(parts === undefined ? {} : { ObjectParts: parts }),
    ...(wanted.has('StorageClass') ? { StorageClass: 'STANDARD' } : {}),
    ...(wanted.has('ObjectSize') ? { ObjectSize: v.size } : {}),
  });
  return { status: 200, headers: { ...XML_HEADERS, 'last-modified': httpDate(v.lastModified), ...versionHeader(v.id, await showsNullVersion(ctx, bucket, versionId)) }, body };
}
