import { hmacSha256Hex, type Sha256Provider } from './crypto.js';

/**
 * A derived SigV4 signing key (kSigning) for one scope. Opaque: the bytes are not
 * enumerable, not serialised, and never printed. Use it to sign chunk and trailer strings.
 */
export class SigningKey {
  readonly scope: string;
  readonly #key: Uint8Array;
  readonly #crypto: Sha256Provider;

  constructor(key: Uint8Array, scope: string, crypto: Sha256Provider) {
    this.scope = scope;
    this.#key = key;
    this.#crypto = crypto;
  }

  /** Hex HMAC-SHA256 of `stringToSign` under this key. */
  sign(stringToSign: string): string {
    return hmacSha256Hex(this.#crypto, this.#key, stringToSign);
  }

  toJSON(): { scope: string } {
    return { scope: this.scope };
  }

  /** Node's util.inspect: never show key bytes. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SigningKey { scope: '${this.scope}' }`;
  }
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(crypto: Sha256Provider, secretAccessKey: string, date: string, region: string, service: string): Uint8Array {
  const kDate = crypto.hmacSha256(`AWS4${secretAccessKey}`, date);
  const kRegion = crypto.hmacSha256(kDate, region);
  const kService = crypto.hmacSha256(kRegion, service);
  return crypto.hmacSha256(kService, 'aws4_request');
}

interface CacheEntry {
  secret: string;
  key: SigningKey;
}

/**
 * A small per-instance LRU of derived keys, keyed by access key id and scope, never by the
 * secret. An entry is reused only if the secret it was derived from is the one given now,
 * so a rotated secret never meets a stale key.
 */
export class SigningKeyCache {
  readonly #max: number;
  readonly #map = new Map<string, CacheEntry>();
  readonly #crypto: Sha256Provider;
  // The last key handed out: a signer usually signs many requests with one scope in a row.
  #last: { accessKeyId: string; secret: string; date: string; region: string; service: string; key: SigningKey } | undefined;

  constructor(crypto: Sha256Provider, max = 32) {
    this.#crypto = crypto;
    this.#max = Math.max(0, max);
  }

  get(accessKeyId: string, secretAccessKey: string, date: string, region: string, service: string): SigningKey {
    const last = this.#last;
    if (last !== undefined && last.date === date && last.accessKeyId === accessKeyId && last.secret === secretAccessKey && last.region === region && last.service === service) {
      return last.key;
    }
    const key = this.#get(accessKeyId, secretAccessKey, date, region, service);
    if (this.#max > 0) this.#last = { accessKeyId, secret: secretAccessKey, date, region, service, key };
    return key;
  }

  #get(accessKeyId: string, secretAccessKey: string, date: string, region: string, service: string): SigningKey {
    const scope = `${date}/${region}/${service}/aws4_request`;
    const id = `${accessKeyId}\n${scope}`;
    const hit = this.#map.get(id);
    if (hit !== undefined && hit.secret === secretAccessKey) {
      // Refresh LRU position.
      this.#map.delete(id);
      this.#map.set(id, hit);
      return hit.key;
    }
    const key = new SigningKey(deriveSigningKey(this.#crypto, secretAccessKey, date, region, service), scope, this.#crypto);
    if (this.#max > 0) {
      this.#map.delete(id);
      this.#map.set(id, { secret: secretAccessKey, key });
      if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as string);
    }
    return key;
  }

  get size(): number {
    return this.#map.size;
  }
}
