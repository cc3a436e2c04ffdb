import { InvalidRequest, s3ErrorOf } from '@s3kit/errors';
import { CHECKSUM_ALGORITHMS, type Checksum, type ChecksumAlgorithm, type CryptoProvider, checksumHeaderName, createChecksum, defaultCrypto, fromBase64 } from '@s3kit/sigv4';

/** A checksum the file must match: the field's name, its base64 value, the running state. */
export interface DeclaredChecksum {
  name: string;
  expected: string;
  state: Checksum;
}

/**
 * The declared checksum of the file, if any: one `x-amz-checksum-<alg>` field (CRC32, CRC32C,
 * CRC64NVME, SHA1 or SHA256, as S3's POST accepts), optionally named by
 * `x-amz-checksum-algorithm`. Verified over the file bytes at the end of the stream.
 */
export function declaredChecksum(fields: ReadonlyMap<string, string>, crypto: CryptoProvider = defaultCrypto()): DeclaredChecksum | undefined {
  const named = fields.get('x-amz-checksum-algorithm')?.toLowerCase();
  const present = CHECKSUM_ALGORITHMS.filter((a) => fields.has(checksumHeaderName(a)));
  if (named !== undefined && !(CHECKSUM_ALGORITHMS as readonly string[]).includes(named)) {
    throw s3ErrorOf(InvalidRequest, `Checksum algorithm ${named.toUpperCase()} is not supported.`);
  }
  if (present.length > 1) throw s3ErrorOf(InvalidRequest, 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const algorithm: ChecksumAlgorithm | undefined = present[0];
  if (named !== undefined && algorithm !== named) {
    throw s3ErrorOf(InvalidRequest, `x-amz-checksum-algorithm ${named.toUpperCase()} needs an x-amz-checksum-${named} field.`);
  }
  if (algorithm === undefined) return undefined;
  const name = checksumHeaderName(algorithm);
  const expected = fields.get(name)!;
  const state = createChecksum(algorithm, crypto);
  if (fromBase64(expected)?.length !== createChecksum(algorithm, crypto).digest().length) {
    throw s3ErrorOf(InvalidRequest, `Value for ${name} header is invalid.`);
  }
  return { name, expected, state };
}
