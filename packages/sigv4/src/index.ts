export {
  SigV4Signer,
  signedHeaderNames,
  type Credentials,
  type SignerOptions,
  type SignInput,
  type PresignInput,
  type SignedRequest,
} from './signer.js';
export { SigningKey, SigningKeyCache, deriveSigningKey } from './signing-key.js';
export { canonicalUri, canonicalQuery, parseQuery, canonicalRequest, canonicalHeaders, type QueryParam } from './canonical.js';
export { defaultCrypto, defaultSha256Crypto, nobleCrypto, nativeCrypto, type CryptoProvider, type Sha256Provider, type IncrementalHash, type Data } from './crypto.js';
export { toHex, toBase64, fromBase64, uriEncode, uriDecode, timingSafeEqual, utf8 } from './encoding.js';
export { toHeaderMap, canonicalHeaderValue, type HeaderInput, type HeaderMap } from './headers.js';
export type { HeaderEncoding } from './header-encoding.js';
export { splitUrl, type UrlParts } from './url.js';
export { toAmzDate, parseAmzDate, type Clock } from './time.js';
export {
  ALGORITHM,
  UNSIGNED_PAYLOAD,
  STREAMING_PAYLOAD,
  STREAMING_PAYLOAD_TRAILER,
  STREAMING_UNSIGNED_PAYLOAD_TRAILER,
  EMPTY_SHA256,
  MAX_PRESIGN_EXPIRES,
  DEFAULT_MAX_SKEW_MS,
  UNSIGNABLE_HEADERS,
} from './constants.js';
export { payloadModeOf, type PayloadMode } from './payload.js';
export * from './verify/index.js';
export * from './chunked/index.js';
export * from './sigv2/index.js';
