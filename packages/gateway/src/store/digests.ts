import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { S3Error } from '@s3kit/errors';

type Headers = Readonly<Record<string, string | undefined>>;

interface Check {
  readonly label: string;
  readonly expected: string;
  /** The error code on mismatch. **Default:** BadDigest. */
  readonly code?: 'XAmzContentSHA256Mismatch';
  update(chunk: Uint8Array): void;
  digest(): string;
}

function hashCheck(label: string, alg: string, expected: string): Check {
  const h: Hash = createHash(alg);
  return { label, expected, update: (c) => h.update(c), digest: () => h.digest('base64') };
}

function crc32Check(expected: string): Check {
  let v = 0;
  return {
    label: 'CRC32',
    expected,
    update: (c) => (v = crc32(c, v)),
    digest: () => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(v >>> 0);
      return b.toString('base64');
    },
  };
}

/**
 * The digests a request body must match: always MD5 (the ETag), plus `Content-MD5`, the
 * `x-amz-checksum-{crc32,sha1,sha256}` headers and a hex `x-amz-content-sha256` when sent. CRC32C and CRC64NVME are not
 * computable with node:crypto/zlib; the gateway's checksum stage verifies those before the
 * body reaches an upstream.
 */
export class BodyDigests {
  readonly #md5 = createHash('md5');
  readonly #checks: Check[] = [];
  readonly #contentMd5: string | undefined;

  /** @throws S3Error InvalidDigest (400) for a Content-MD5 that is not 16 bytes of base64. */
  constructor(headers: Headers) {
    const cm = headers['content-md5'];
    if (cm !== undefined) {
      const raw = Buffer.from(cm.trim(), 'base64');
      if (raw.length !== 16 || raw.toString('base64') !== cm.trim()) throw new S3Error('InvalidDigest');
      this.#contentMd5 = raw.toString('hex');
    }
    const sha1 = headers['x-amz-checksum-sha1'];
    const sha256 = headers['x-amz-checksum-sha256'];
    const c32 = headers['x-amz-checksum-crc32'];
    if (sha1 !== undefined) this.#checks.push(hashCheck('SHA1', 'sha1', sha1.trim()));
    if (sha256 !== undefined) this.#checks.push(hashCheck('SHA256', 'sha256', sha256.trim()));
    if (c32 !== undefined) this.#checks.push(crc32Check(c32.trim()));
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
    return hex;
  }
}
