import { createHash } from 'node:crypto';
import { S3Error } from '@s3kit/errors';
import { objectTarget, type StoreContext } from './context.js';
import { deleteMarkerError, openExisting } from './objects.js';
import { CUSTOMER, plainBytes, readKey } from './sse.js';
import { missing } from './tagging.js';
import { checkVersionId } from './versions.js';
import { readSmallBody } from './write-temp.js';
import { parseRequestXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import { abortOf } from '../pipeline/abort.js';

const MAX_RESTORE_XML_BYTES = 64 * 1024;
/** The piece size of S3's torrents. */
const PIECE = 256 * 1024;
/** S3 makes torrents only of objects under 5 GB. */
const MAX_TORRENT_OBJECT = 5 * 1024 ** 3;

/**
 * RestoreObject: every object of the store is STANDARD (no archive tier), so a restore of an
 * existing version is what S3 answers for such an object: InvalidObjectState (403).
 * @throws S3Error MalformedXML, NoSuchKey, NoSuchVersion, MethodNotAllowed (a delete marker named), InvalidObjectState (403)
 */
export async function restoreObject(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  await ctx.core.requireBucket(bucket);
  const raw = await readSmallBody(req.body, MAX_RESTORE_XML_BYTES, req.headers, abortOf(req));
  if (raw.toString('utf8').trim() !== '') parseRequestXml('RestoreRequest', raw, MAX_RESTORE_XML_BYTES);
  const v = await ctx.core.readVersion(bucket, key, versionId);
  if (v === undefined) throw await missing(ctx, bucket, resource, versionId);
  if (v.deleteMarker === true) throw deleteMarkerError(v.id, versionId !== undefined, resource);
  throw new S3Error('InvalidObjectState', { resource, message: "Restore is not allowed for the object's current storage class", details: { StorageClass: 'STANDARD' } });
}

/**
 * GetObjectTorrent: the object's .torrent (BitTorrent metainfo, 256 KiB SHA-1 pieces, the
 * `x-amz-bucket` and `x-amz-key` fields S3 adds), made on demand by reading the object. The
 * store runs no tracker or seeder: the file has no `announce`.
 * @throws S3Error NoSuchKey, NoSuchVersion, MethodNotAllowed, InvalidRequest (5 GB or more)
 */
export async function getObjectTorrent(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  const { meta, fh } = await openExisting(ctx, bucket, key, versionId, resource);
  const pieces: Buffer[] = [];
  try {
    if (meta.size >= MAX_TORRENT_OBJECT) throw new S3Error('InvalidRequest', { resource, message: 'Torrents are available only for objects smaller than 5 GB.' });
    // Pieces hash the plaintext: an SSE-S3 object is decrypted, an SSE-C one needs its key.
    const sseKey = await readKey(ctx, meta, req.headers, CUSTOMER, resource);
    let piece = createHash('sha1');
    let inPiece = 0;
    for await (const chunk of plainBytes(fh, meta, sseKey)) {
      let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      while (buf.length > 0) {
        const take = Math.min(PIECE - inPiece, buf.length);
        piece.update(buf.subarray(0, take));
        inPiece += take;
        buf = buf.subarray(take);
        if (inPiece === PIECE) {
          pieces.push(piece.digest());
          piece = createHash('sha1');
          inPiece = 0;
        }
      }
      const abort = abortOf(req);
      if (abort?.aborted === true) throw abort.reason;
    }
    if (inPiece > 0) pieces.push(piece.digest());
  } finally {
    await fh.close();
  }
  const name =
    key
      .split('/')
      .filter((s) => s !== '')
      .pop() ?? key;
  const body = bencode({
    info: { length: meta.size, name, 'piece length': PIECE, pieces: Buffer.concat(pieces), 'x-amz-bucket': bucket, 'x-amz-key': key },
  });
  const headers: Record<string, string> = {
    'content-type': 'application/x-bittorrent',
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(`${name}.torrent`)}`,
    'content-length': String(body.byteLength),
  };
  return { status: 200, headers, body };
}

type Bencodable = number | string | Buffer | { readonly [k: string]: Bencodable };

/** BitTorrent's bencoding; dictionary keys in byte order, as the format requires. */
export function bencode(v: Bencodable): Buffer {
  if (typeof v === 'number') return Buffer.from(`i${v}e`);
  if (typeof v === 'string' || Buffer.isBuffer(v)) {
    const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    return Buffer.concat([Buffer.from(`${b.byteLength}:`), b]);
  }
  const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return Buffer.concat([Buffer.from('d'), ...keys.flatMap((k) => [bencode(k), bencode(v[k]!)]), Buffer.from('e')]);
}
