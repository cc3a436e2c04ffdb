import { EMPTY_SHA256 } from '../constants.js';
import type { CryptoProvider } from '../crypto.js';
import { toHex } from '../encoding.js';
import type { SigningKey } from '../signing-key.js';

/** Algorithm line of a chunk string to sign. */
export const CHUNK_ALGORITHM = 'AWS4-HMAC-SHA256-PAYLOAD';
/** Algorithm line of a trailer string to sign. */
export const TRAILER_ALGORITHM = 'AWS4-HMAC-SHA256-TRAILER';

/**
 * What chunk and trailer signatures chain from: the seed request's signature, its
 * `x-amz-date`, credential scope and derived key. A {@link SignedRequest} from
 * `SigV4Signer.sign` and a `VerifiedRequest` from verification both have this shape.
 */
export interface ChunkSigningSeed {
  readonly signature: string;
  readonly signingKey: SigningKey;
  readonly amzDate: string;
  readonly credentialScope: string;
  /** The `x-amz-content-sha256` value; picks the streaming mode when none is given. */
  readonly payloadHash?: string | undefined;
  /**
   * The signed request's headers (a `SignedRequest` has them). The encoder reads
   * `x-amz-decoded-content-length`, `x-amz-trailer` and `content-length` from them to default
   * its options and to check that the body it frames is the one that was signed.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * `AWS4-HMAC-SHA256-PAYLOAD \n amzDate \n scope \n previous signature \n SHA256("") \n
 * hex SHA256(chunk data)`.
 */
export function chunkStringToSign(amzDate: string, scope: string, previousSignature: string, dataSha256Hex: string): string {
  return `${CHUNK_ALGORITHM}\n${amzDate}\n${scope}\n${previousSignature}\n${EMPTY_SHA256}\n${dataSha256Hex}`;
}

/** The hex signature of one chunk, given the hex SHA-256 of its data. */
export function chunkSignature(key: SigningKey, amzDate: string, scope: string, previousSignature: string, dataSha256Hex: string): string {
  return key.sign(chunkStringToSign(amzDate, scope, previousSignature, dataSha256Hex));
}

/** Trims HTTP optional whitespace (spaces and tabs only: never CR, LF or other controls). */
export function trimOws(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** Canonical trailers: each `name:value\n` (lowercase name, value without surrounding spaces/tabs, in the order sent). */
export function canonicalTrailers(trailers: Iterable<readonly [string, string]>): string {
  let out = '';
  for (const [name, value] of trailers) out += `${name.toLowerCase()}:${trimOws(value)}\n`;
  return out;
}

/**
 * `AWS4-HMAC-SHA256-TRAILER \n amzDate \n scope \n previous signature \n hex SHA256(canonical
 * trailers)`. The previous signature is the final (zero-length) chunk's.
 */
export function trailerStringToSign(crypto: CryptoProvider, amzDate: string, scope: string, previousSignature: string, trailers: Iterable<readonly [string, string]>): string {
  return `${TRAILER_ALGORITHM}\n${amzDate}\n${scope}\n${previousSignature}\n${toHex(crypto.sha256(canonicalTrailers(trailers)))}`;
}

/** The hex `x-amz-trailer-signature` value. */
export function trailerSignature(crypto: CryptoProvider, key: SigningKey, amzDate: string, scope: string, previousSignature: string, trailers: Iterable<readonly [string, string]>): string {
  return key.sign(trailerStringToSign(crypto, amzDate, scope, previousSignature, trailers));
}
