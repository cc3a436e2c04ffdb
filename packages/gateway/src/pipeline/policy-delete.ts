import { isS3Error, s3Error } from '@s3kit/errors';
import { parseXml } from '@s3kit/xml-shapes';
import type { BodyKey } from './authorize.js';

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
 * Reads a small request body (DeleteObjects, PutObjectTagging; already being verified as it streams: a bad signature or checksum
 * throws here, before anything reaches the upstream), up to `cap` bytes.
 * @throws S3Error MaxMessageLengthExceeded (400) over the cap.
 */
export async function readDeleteBody(body: AsyncIterable<Uint8Array> | undefined, cap = MAX_DELETE_BODY_BYTES): Promise<Uint8Array> {
  if (body === undefined) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const c of body) {
    total += c.length;
    if (total > cap) throw s3Error('MaxMessageLengthExceeded', undefined, { details: { reason: `DeleteObjects body over ${cap} bytes` } });
    chunks.push(c);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The keys (and versions) a DeleteObjects body names, parsed with @s3kit/xml-shapes.
 * @throws S3Error MalformedXML (400) for a body that is not a `<Delete>` with 1 to 1000 keys.
 */
export function deleteKeys(bytes: Uint8Array): BodyKey[] {
  let doc;
  try {
    doc = parseXml('Delete', bytes);
  } catch (err) {
    if (isS3Error(err) && err.code !== 'MalformedXML') throw err;
    throw s3Error('MalformedXML', undefined, { cause: err });
  }
  const objects = doc.Object ?? [];
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw s3Error('MalformedXML', undefined, { details: { reason: `${objects.length} keys` } });
  return objects.map((o) => (o.VersionId === undefined ? { key: o.Key } : { key: o.Key, versionId: o.VersionId }));
}

/** The buffered bytes as a body for the upstream (the very bytes the client signed). */
export async function* bufferedBody(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
