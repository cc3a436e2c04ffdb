import { _SHA1 } from '@noble/hashes/legacy.js';
import { _SHA256 } from '@noble/hashes/sha2.js';
import { nativeDefault } from '#native';
import { toHex, utf8 } from './encoding.js';

/** Bytes, or a string taken as UTF-8. */
export type Data = Uint8Array | string;

/** An incremental hash: feed chunks, then take the digest once. */
export interface IncrementalHash {
  update(data: Data): IncrementalHash;
  digest(): Uint8Array;
}

/**
 * The hash primitives SigV4 and SigV2 need. All synchronous: signing never awaits.
 * The default picks Node's native `node:crypto` when the runtime has it (found through
 * `process.getBuiltinModule`, so this module imports nothing from Node) and `@noble/hashes`
 * everywhere else. Pass your own to a signer or verifier to override.
 */
export interface CryptoProvider extends Sha256Provider {
  sha1(data: Data): Uint8Array;
  createSha1(): IncrementalHash;
  hmacSha1(key: Data, data: Data): Uint8Array;
}

/**
 * The SHA-256 half of a {@link CryptoProvider}: all SigV4 signing and verification needs.
 * Every `CryptoProvider` is one.
 */
export interface Sha256Provider {
  readonly name: string;
  sha256(data: Data): Uint8Array;
  createSha256(): IncrementalHash;
  hmacSha256(key: Data, data: Data): Uint8Array;
  /** Optional fast path: lowercase hex SHA-256 (native providers hex-encode in C++). */
  sha256Hex?(data: Data): string;
  /** Optional fast path: lowercase hex HMAC-SHA256. */
  hmacSha256Hex?(key: Data, data: Data): string;
}

/** Hex SHA-256 through the provider's fast path when it has one. */
export function sha256Hex(crypto: Sha256Provider, data: Data): string {
  return crypto.sha256Hex ? crypto.sha256Hex(data) : toHex(crypto.sha256(data));
}

/** Hex HMAC-SHA256 through the provider's fast path when it has one. */
export function hmacSha256Hex(crypto: Sha256Provider, key: Data, data: Data): string {
  return crypto.hmacSha256Hex ? crypto.hmacSha256Hex(key, data) : toHex(crypto.hmacSha256(key, data));
}

/** Hex SHA-256 of `parts` taken as one message (a chunk that arrived in pieces). */
export function sha256HexOf(crypto: Sha256Provider, parts: readonly Uint8Array[]): string {
  if (parts.length === 1) return sha256Hex(crypto, parts[0]!);
  const h = crypto.createSha256();
  for (let i = 0; i < parts.length; i++) h.update(parts[i]!);
  // A node:crypto Hash hex-encodes natively when asked; other digests ignore the argument.
  const d = (h as { digest(encoding: 'hex'): Uint8Array | string }).digest('hex');
  return typeof d === 'string' ? d : toHex(d);
}

const bytes = (d: Data): Uint8Array => (typeof d === 'string' ? utf8(d) : d);

interface NobleHash {
  update(buf: Uint8Array): NobleHash;
  digest(): Uint8Array;
}

function nobleIncremental(h: NobleHash): IncrementalHash {
  const inc: IncrementalHash = {
    update(data) {
      h.update(bytes(data));
      return inc;
    },
    digest: () => h.digest(),
  };
  return inc;
}

/**
 * A new noble hash with a 64-byte block (SHA-256, SHA-1). Noble's hash classes are used
 * directly: its `sha256`/`sha1` wrappers (`createHasher`) bring an options checker and OID
 * tables that a bundle would otherwise carry.
 */
type NobleBlockHash = () => NobleHash;
const newSha256: NobleBlockHash = () => new _SHA256();
const newSha1: NobleBlockHash = () => new _SHA1();

/**
 * HMAC (RFC 2104) over a 64-byte-block noble hash: a few lines in place of noble's generic
 * `hmac` module, which a bundle would otherwise carry in full.
 */
function nobleHmac(hash: NobleBlockHash, key: Uint8Array, data: Uint8Array): Uint8Array {
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? hash().update(key).digest() : key);
  for (let i = 0; i < 64; i++) block[i]! ^= 0x36;
  const inner = hash();
  inner.update(block);
  inner.update(data);
  const innerDigest = inner.digest();
  for (let i = 0; i < 64; i++) block[i]! ^= 0x36 ^ 0x5c;
  const outer = hash();
  outer.update(block);
  outer.update(innerDigest);
  return outer.digest();
}

const nobleSha256Of = (d: Data): Uint8Array => newSha256().update(bytes(d)).digest();
const nobleCreateSha256 = (): IncrementalHash => nobleIncremental(newSha256());
const nobleHmacSha256 = (k: Data, d: Data): Uint8Array => nobleHmac(newSha256, bytes(k), bytes(d));

/**
 * `@noble/hashes` SHA-256 alone: the fallback of {@link defaultSha256Crypto}, so a bundle that
 * only signs SigV4 leaves SHA-1 out (both providers are plain literals of shared functions,
 * which bundlers drop when unused).
 */
const nobleSha256: Sha256Provider = { name: 'noble', sha256: nobleSha256Of, createSha256: nobleCreateSha256, hmacSha256: nobleHmacSha256 };

/** Portable provider: `@noble/hashes`, pure JS, runs everywhere. */
export const nobleCrypto: CryptoProvider = {
  name: 'noble',
  sha256: nobleSha256Of,
  createSha256: nobleCreateSha256,
  hmacSha256: nobleHmacSha256,
  sha1: (d) => newSha1().update(bytes(d)).digest(),
  createSha1: () => nobleIncremental(newSha1()),
  hmacSha1: (k, d) => nobleHmac(newSha1, bytes(k), bytes(d)),
};

export { nativeCrypto } from './native-crypto.js';

/** node:crypto where the runtime offers it without an import, else noble. Computed once. */
export function defaultCrypto(): CryptoProvider {
  return nativeDefault() ?? nobleCrypto;
}

/**
 * {@link defaultCrypto} for SHA-256 users (SigV4 signing and verification): the same provider
 * where node:crypto exists, else noble's SHA-256 without SHA-1, which then stays out of bundles.
 */
export function defaultSha256Crypto(): Sha256Provider {
  return nativeDefault() ?? nobleSha256;
}
