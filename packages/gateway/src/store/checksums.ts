import { S3Error } from '@s3kit/errors';
import { CHECKSUM_ALGORITHMS, checksumHeaderName, createChecksum, type Checksum, type ChecksumAlgorithm } from '@s3kit/sigv4';
import type { StoredChecksum } from './versions.js';

type Headers = Readonly<Record<string, string | undefined>>;

/** S3's spelling of an algorithm: CRC32, CRC32C, CRC64NVME, SHA1, SHA256. */
export type S3ChecksumAlgorithm = StoredChecksum['algorithm'];

/** The checksum a body is to get: the algorithm, and the base64 value it must match when the client sent one. */
export interface ChecksumRequest {
  readonly algorithm: ChecksumAlgorithm;
  readonly expected?: string | undefined;
}

/** Digest bytes per algorithm. */
const DIGEST_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32 };

/** The gateway's hint naming a trailer checksum it verified (see pipeline/resign.ts TRAILER_HINT). */
const TRAILER_HINT = 'x-s3kit-trailer';

export function s3Name(algorithm: ChecksumAlgorithm): S3ChecksumAlgorithm {
  return algorithm.toUpperCase() as S3ChecksumAlgorithm;
}

/** `ChecksumCRC32` and friends: the XML element of an algorithm. */
export function xmlName(algorithm: S3ChecksumAlgorithm): `Checksum${S3ChecksumAlgorithm}` {
  return `Checksum${algorithm}`;
}

/**
 * Reads an algorithm name as S3 accepts it (any case).
 * @throws S3Error InvalidRequest (400) "Value for <header> header is invalid."
 */
export function parseAlgorithm(value: string, header: string): ChecksumAlgorithm {
  const a = value.trim().toLowerCase();
  if ((CHECKSUM_ALGORITHMS as readonly string[]).includes(a)) return a as ChecksumAlgorithm;
  throw new S3Error('InvalidRequest', { message: `Value for ${header} header is invalid.` });
}

/** @throws S3Error InvalidRequest (400) when `value` is not the base64 of a digest of `algorithm`'s size. */
export function checkValue(algorithm: ChecksumAlgorithm, value: string, what = `${checksumHeaderName(algorithm)} header`): string {
  const v = value.trim();
  const raw = Buffer.from(v, 'base64');
  if (raw.length !== DIGEST_BYTES[algorithm] || raw.toString('base64') !== v) {
    throw new S3Error('InvalidRequest', { message: `Value for ${what} is invalid.` });
  }
  return v;
}

/**
 * The checksum a request's body is to be stored with, from (first match):
 * one `x-amz-checksum-<alg>` header (verified; a POST form's field arrives as this header), the
 * gateway's trailer hint (the gateway verified the trailer: computed here), or
 * `x-amz-sdk-checksum-algorithm` alone (computed). Undefined when the client asked for none.
 * @throws S3Error InvalidRequest (400): several checksum headers, a malformed value or algorithm,
 *   or `x-amz-sdk-checksum-algorithm` naming another algorithm than the header.
 */
export function requestChecksum(headers: Headers): ChecksumRequest | undefined {
  const sent = CHECKSUM_ALGORITHMS.filter((a) => headers[checksumHeaderName(a)] !== undefined);
  if (sent.length > 1) throw new S3Error('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  const sdkRaw = headers['x-amz-sdk-checksum-algorithm'];
  const sdk = sdkRaw === undefined ? undefined : parseAlgorithm(sdkRaw, 'x-amz-sdk-checksum-algorithm');
  const [alg] = sent;
  if (alg !== undefined) {
    if (sdk !== undefined && sdk !== alg) throw new S3Error('InvalidRequest', { message: 'Value for x-amz-sdk-checksum-algorithm header is invalid.' });
    return { algorithm: alg, expected: checkValue(alg, headers[checksumHeaderName(alg)]!) };
  }
  const hint = headers[TRAILER_HINT];
  if (hint?.startsWith('x-amz-checksum-')) return { algorithm: parseAlgorithm(hint.slice('x-amz-checksum-'.length), 'x-amz-trailer') };
  return sdk === undefined ? undefined : { algorithm: sdk };
}

/** A checksum computed while a body streams, checked against the expected value at the end. */
export class BodyChecksum {
  readonly #req: ChecksumRequest;
  readonly #sum: Checksum;

  constructor(req: ChecksumRequest) {
    this.#req = req;
    this.#sum = createChecksum(req.algorithm);
  }

  update(chunk: Uint8Array): void {
    this.#sum.update(chunk);
  }

  /** @throws S3Error BadDigest (400) when the client's value differs. */
  finish(): StoredChecksum {
    const value = this.#sum.digestBase64();
    const name = s3Name(this.#req.algorithm);
    if (this.#req.expected !== undefined && this.#req.expected !== value) {
      throw new S3Error('BadDigest', { message: `The ${name} you specified did not match the calculated checksum.` });
    }
    return { algorithm: name, value, type: 'FULL_OBJECT' };
  }
}

/**
 * The COMPOSITE checksum of a multipart object, as S3 computes it: the algorithm over the
 * concatenated raw part digests, base64, then `-N`.
 */
export function compositeChecksum(algorithm: S3ChecksumAlgorithm, partValues: readonly string[]): string {
  const sum = createChecksum(algorithm.toLowerCase() as ChecksumAlgorithm);
  for (const v of partValues) sum.update(Buffer.from(v, 'base64'));
  return `${sum.digestBase64()}-${partValues.length}`;
}

/** `x-amz-checksum-<alg>` and `x-amz-checksum-type` of a stored checksum (none when absent). */
export function checksumHeaders(c: StoredChecksum | undefined, withType = true): Record<string, string> {
  if (c === undefined) return {};
  const h: Record<string, string> = { [`x-amz-checksum-${c.algorithm.toLowerCase()}`]: c.value };
  if (withType) h['x-amz-checksum-type'] = c.type;
  return h;
}

/** `ChecksumCRC32: …` (and `ChecksumType` when asked) for an XML result. */
export function checksumXml(c: StoredChecksum | undefined, withType: boolean): Record<string, string> {
  if (c === undefined) return {};
  return withType ? { [xmlName(c.algorithm)]: c.value, ChecksumType: c.type } : { [xmlName(c.algorithm)]: c.value };
}

/** True when a GET/HEAD asked for checksums (`x-amz-checksum-mode: ENABLED`). */
export function checksumModeEnabled(headers: Headers): boolean {
  return headers['x-amz-checksum-mode']?.trim().toUpperCase() === 'ENABLED';
}
