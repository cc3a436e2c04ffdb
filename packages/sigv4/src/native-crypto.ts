import type { CryptoProvider, Data, IncrementalHash } from './crypto.js';

/** A node:crypto Hash/Hmac after `update`: digest to bytes, or to hex in native code. */
interface NodeDigest {
  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
}

/** The slice of `node:crypto` the native provider uses. */
export interface NodeCryptoLike {
  /** One-shot hash (Node >= 20.12 / 21.7): cheaper than a Hash object for small inputs. */
  hash?: (alg: string, data: Data, outputEncoding: 'buffer' | 'hex') => Uint8Array | string;
  /** Node's Hash: `update` returns the hash itself, so it is an IncrementalHash as it is. */
  createHash(alg: string): IncrementalHash;
  createHmac(alg: string, key: Data): { update(d: Data): unknown; digest(): Uint8Array };
}

/**
 * Native provider over a `node:crypto`-like module (Node, Bun, Deno's Node layer).
 * Pass the module yourself, or use {@link defaultCrypto} which finds it.
 */
export function nativeCrypto(mod: NodeCryptoLike): CryptoProvider {
  // Hot path: strings go straight to native code (no TextEncoder round trip); the one-shot
  // `hash()` skips allocating a Hash object, and hex is produced natively, where available.
  const hashed = (alg: string, d: Data): NodeDigest => mod.createHash(alg).update(d) as unknown as NodeDigest;
  const hmaced = (alg: string, k: Data, d: Data): NodeDigest => mod.createHmac(alg, k).update(d) as NodeDigest;
  const oneShot = typeof mod.hash === 'function' ? mod.hash.bind(mod) : undefined;
  return {
    name: 'node:crypto',
    sha256: oneShot ? (d) => oneShot('sha256', d, 'buffer') as Uint8Array : (d) => hashed('sha256', d).digest(),
    sha256Hex: oneShot ? (d) => oneShot('sha256', d, 'hex') as string : (d) => hashed('sha256', d).digest('hex'),
    // A node:crypto Hash is an IncrementalHash as it is (and `digest('hex')`, which sha256HexOf
    // asks for, hex-encodes natively).
    createSha256: () => mod.createHash('sha256'),
    hmacSha256: (k, d) => hmaced('sha256', k, d).digest(),
    hmacSha256Hex: (k, d) => hmaced('sha256', k, d).digest('hex'),
    sha1: oneShot ? (d) => oneShot('sha1', d, 'buffer') as Uint8Array : (d) => hashed('sha1', d).digest(),
    createSha1: () => mod.createHash('sha1'),
    hmacSha1: (k, d) => hmaced('sha1', k, d).digest(),
  };
}
