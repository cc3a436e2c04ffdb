import { createHash } from 'node:crypto';
import { S3Error } from '@s3kit/errors';
import { BodyChecksum, requestChecksum, type ChecksumRequest } from './checksums.js';
import type { StoredChecksum } from './versions.js';

type Headers = Readonly<Record<string, string | undefined>>;

interface Check {
  readonly label: string;
  readonly expected: string;
  /** The error code on mismatch. **Default:** BadDigest. */
  readonly code?: 'XAmzContentSHA256Mismatch';
  update(chunk: Uint8Array): void;
  digest(): string;
}

/**
 * The digests a request body must match: always MD5 (the ETag), plus `Content-MD5`, a hex
 * `x-amz-content-sha256` and the one checksum (any of the five algorithms) the request names
 * (see requestChecksum), which is also the checksum stored with the object.
 */
export class BodyDigests {
  readonly #md5 = createHash('md5');
  readonly #checks: Check[] = [];
  readonly #contentMd5: string | undefined;
  readonly #checksum: BodyChecksum | undefined;
  #stored: StoredChecksum | undefined;

  /**
   * @param checksum the checksum to compute (and verify when it has an expected value); by
   *   default the one the headers name, `null` for none.
   * @throws S3Error InvalidDigest (400) for a Content-MD5 that is not 16 bytes of base64;
   *   InvalidRequest (400) for malformed checksum headers.
   */
  constructor(headers: Headers, checksum?: ChecksumRequest | null) {
    const cm = headers['content-md5'];
    if (cm !== undefined) {
      const raw = Buffer.from(cm.trim(), 'base64');
      if (raw.length !== 16 || raw.toString('base64') !== cm.trim()) throw new S3Error('InvalidDigest');
      this.#contentMd5 = raw.toString('hex');
    }
    const sum = checksum === undefined ? requestChecksum(headers) : (checksum ?? undefined);
    if (sum !== undefined) this.#checksum = new BodyChecksum(sum);
    const payloadHash = headers['x-amz-content-sha256'];
    if (payloadHash !== undefined && /^[0-9a-fA-F]{64}$/.test(payloadHash)) {
      const h = createHash('sha256');
      this.#checks.push({
        label: 'x-amz-content-sha256',
        expected: payloadHash.toLowerCase(),
        update: (c) => h.update(c),
        digest: () => h.digest('hex'),
        code: 'XAmzContentSHA256Mismatch',
      });
    }
  }

  update(chunk: Uint8Array): void {
    this.#md5.update(chunk);
    this.#checksum?.update(chunk);
    for (const c of this.#checks) c.update(chunk);
  }

  /**
   * Finishes and returns the MD5 (hex).
   * @throws S3Error BadDigest (400) when Content-MD5 or a checksum differs.
   */
  finish(): string {
    const hex = this.#md5.digest('hex');
    if (this.#contentMd5 !== undefined && this.#contentMd5 !== hex) {
      throw new S3Error('BadDigest', { details: { CalculatedDigest: Buffer.from(hex, 'hex').toString('base64') } });
    }
    for (const c of this.#checks) {
      const got = c.digest();
      if (got === c.expected) continue;
      if (c.code !== undefined) throw new S3Error(c.code, { details: { ClientComputedContentSHA256: c.expected, S3ComputedContentSHA256: got } });
      throw new S3Error('BadDigest', { message: `The ${c.label} you specified did not match the calculated checksum.` });
    }
    this.#stored = this.#checksum?.finish();
    return hex;
  }

  /** The verified checksum, after finish(). */
  get checksum(): StoredChecksum | undefined {
    return this.#stored;
  }
}
