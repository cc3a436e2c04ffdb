import { createHash } from 'node:crypto';
import { isS3Error, s3Error } from '@s3kit/errors';
import { CHECKSUM_ALGORITHMS, checksumAlgorithmOf, checksumHeaderName, createChecksum, type ChecksumAlgorithm, type PayloadMode } from '@s3kit/sigv4';
import { buildXml, parseXml, type Delete } from '@s3kit/xml-shapes';
import type { BodyKey } from '../pipeline/types.js';
import { readCapped } from '../pipeline/body.js';
import { TRAILER_HINT } from '../pipeline/resign.js';

/**
 * Largest DeleteObjects body the gateway reads to authorize its keys: S3 takes at most 1000 keys
 * of at most 1024 bytes each, which with the XML around them stays well under 2 MiB.
 */
export const MAX_DELETE_BODY_BYTES = 2 * 1024 * 1024;

/** Largest PutObjectTagging body read for `s3:RequestObjectTag/<k>` (10 tags of 128 + 256 characters fit many times over). */
export const MAX_TAGGING_BODY_BYTES = 64 * 1024;

/** Most keys in one DeleteObjects request (S3's limit). */
export const MAX_DELETE_KEYS = 1000;

/**
 * Reads a small request body (DeleteObjects, PutObjectTagging; already being verified as it
 * streams: a bad signature or checksum throws here, before anything reaches the upstream), up to `cap` bytes.
 * @throws S3Error MaxMessageLengthExceeded (400) over the cap.
 */
export function readDeleteBody(body: AsyncIterable<Uint8Array> | undefined, cap = MAX_DELETE_BODY_BYTES): Promise<Uint8Array> {
  return readCapped(body, cap, () => s3Error('MaxMessageLengthExceeded', undefined, { details: { reason: `request body over ${cap} bytes` } }));
}

/** A parsed DeleteObjects body: the document (to rebuild) and its keys, in order. */
export interface DeleteBody {
  readonly doc: Delete;
  readonly keys: readonly BodyKey[];
}

/**
 * The `<Delete>` document of a DeleteObjects body and the keys (and versions) it names, parsed with
 * @s3kit/xml-shapes.
 * @throws S3Error MalformedXML (400) for a body that is not a `<Delete>` with 1 to 1000 keys.
 */
export function parseDeleteBody(bytes: Uint8Array): DeleteBody {
  let doc;
  try {
    doc = parseXml('Delete', bytes);
  } catch (err) {
    if (isS3Error(err) && err.code !== 'MalformedXML') throw err;
    throw s3Error('MalformedXML', undefined, { cause: err });
  }
  const objects = doc.Object ?? [];
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw s3Error('MalformedXML', undefined, { details: { reason: `${objects.length} keys` } });
  return { doc, keys: objects.map((o) => (o.VersionId === undefined ? { key: o.Key } : { key: o.Key, versionId: o.VersionId })) };
}

/** The checksum algorithms a request's body came with: `x-amz-checksum-*` headers, its trailer, `x-amz-sdk-checksum-algorithm`. */
function clientChecksumAlgorithms(headers: Readonly<Record<string, string>>): ChecksumAlgorithm[] {
  const named = [
    headers['x-amz-trailer'],
    headers['x-amz-sdk-checksum-algorithm'] === undefined ? undefined : checksumHeaderName(headers['x-amz-sdk-checksum-algorithm'].trim().toLowerCase() as ChecksumAlgorithm),
  ];
  return CHECKSUM_ALGORITHMS.filter((a) => headers[checksumHeaderName(a)] !== undefined || named.some((n) => n !== undefined && checksumAlgorithmOf(n) === a));
}

/**
 * What S3 checks of a DeleteObjects body before it deletes anything, for a body the gateway does
 * not forward as the client sent it (so no upstream will see the client's digests): a digest is
 * required ("The Content-MD5 or x-amz-sdk-checksum-algorithm header is required for all
 * Multi-Object Delete requests"), and `Content-MD5` must match. `x-amz-checksum-*` headers and
 * trailers were verified by the authenticate stage while the body streamed. With
 * `requireDigest` false (a body forwarded as sent) only a `Content-MD5` that is present is checked.
 * @throws S3Error InvalidRequest (400) without any digest, InvalidDigest (400) for a malformed
 *   `Content-MD5`, BadDigest (400) for one that does not match.
 */
export function checkDeleteDigests(bytes: Uint8Array, headers: Readonly<Record<string, string>>, requireDigest = true): void {
  const md5 = headers['content-md5']?.trim();
  if (md5 === undefined) {
    if (requireDigest && clientChecksumAlgorithms(headers).length === 0) throw s3Error('InvalidRequest', 'Missing required header for this request: Content-Md5.');
    return;
  }
  const raw = Buffer.from(md5, 'base64');
  if (raw.length !== 16 || raw.toString('base64') !== md5) throw s3Error('InvalidDigest');
  const actual = createHash('md5').update(bytes).digest('base64');
  if (actual !== md5) throw s3Error('BadDigest', undefined, { details: { CalculatedDigest: actual } });
}

/**
 * A DeleteObjects body naming only some of the keys of `body` (same order, same fields, `Quiet`
 * kept), and the upstream headers that must change with it: its length, a `Content-MD5` of the
 * new bytes (always: every S3 takes it), an `x-amz-checksum-*` of the new bytes for each algorithm
 * the client used (header, trailer or `x-amz-sdk-checksum-algorithm`), the hex SHA-256 when the
 * client signed one; the client's stale digests and the trailer hint removed (`undefined`).
 */
export function rewriteDeleteBody(
  body: DeleteBody,
  keep: readonly number[],
  clientHeaders: Readonly<Record<string, string>>,
  payloadMode: PayloadMode | 'none',
): { bytes: Uint8Array; headers: Record<string, string | undefined> } {
  const objects = body.doc.Object ?? [];
  const bytes = new TextEncoder().encode(buildXml('Delete', { ...body.doc, Object: keep.map((i) => objects[i]!) }));
  const headers: Record<string, string | undefined> = { [TRAILER_HINT]: undefined, 'x-amz-content-sha256': undefined };
  for (const a of CHECKSUM_ALGORITHMS) headers[checksumHeaderName(a)] = undefined;
  for (const a of clientChecksumAlgorithms(clientHeaders)) {
    const sum = createChecksum(a);
    sum.update(bytes);
    headers[checksumHeaderName(a)] = sum.digestBase64();
  }
  headers['content-md5'] = createHash('md5').update(bytes).digest('base64');
  headers['content-length'] = String(bytes.length);
  if (payloadMode === 'sha256') headers['x-amz-content-sha256'] = createHash('sha256').update(bytes).digest('hex');
  return { bytes, headers };
}

/** The buffered bytes as a body for the upstream (the very bytes the client signed). */
export async function* bufferedBody(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
