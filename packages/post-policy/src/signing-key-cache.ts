import { SigningKeyCache, defaultSha256Crypto, type Sha256Provider } from '@s3kit/sigv4';

let sharedCache: SigningKeyCache | undefined;

/** The signing-key cache used when none is passed: shared for the default provider, none for another. */
export function defaultSigningKeyCache(crypto: Sha256Provider): SigningKeyCache {
  if (crypto === defaultSha256Crypto()) return (sharedCache ??= new SigningKeyCache(crypto, 64));
  return new SigningKeyCache(crypto, 0);
}
