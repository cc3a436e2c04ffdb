import { defaultCrypto, type CryptoProvider } from '../crypto.js';
import { toBase64 } from '../encoding.js';
import type { Credentials } from '../signer.js';
import { toMs, type Clock } from '../time.js';
import { splitUrl } from '../url.js';
import { buildStringToSign, collectV2Headers, type V2Request, type V2ResourceOptions } from './string-to-sign.js';

/** base64(HMAC-SHA1(secret, stringToSign)): the SigV2 signature. */
export function signatureV2(stringToSign: string, secretAccessKey: string, crypto: CryptoProvider = defaultCrypto()): string {
  return toBase64(crypto.hmacSha1(secretAccessKey, stringToSign));
}

/**
 * Signs a base64 POST policy for the SigV2 browser form (`AWSAccessKeyId`, `policy`,
 * `signature` fields): base64(HMAC-SHA1(secret, policyBase64)).
 */
export function signPolicyV2(policyBase64: string, secretAccessKey: string, crypto: CryptoProvider = defaultCrypto()): string {
  return signatureV2(policyBase64, secretAccessKey, crypto);
}

export interface SigV2SignerOptions extends Omit<V2ResourceOptions, 'bucket'> {
  credentials: Credentials;
  /** Current time in ms since the epoch. Default `Date.now`. */
  clock?: Clock | undefined;
  /** HMAC-SHA1 provider. Default: node:crypto when available, else @noble/hashes. */
  crypto?: CryptoProvider | undefined;
}

export interface SignV2Input extends V2Request {
  /** Bucket addressed through the Host (virtual-hosted or CNAME). See {@link V2ResourceOptions.bucket}. */
  bucket?: string | undefined;
  /**
   * Request time. When the request has neither `date` nor `x-amz-date`, a `date` header
   * (RFC 1123, `GMT`) is added for this time. Default: the signer's clock.
   */
  date?: Date | number | undefined;
}

export interface PresignV2Input extends SignV2Input {
  /** URL lifetime in seconds from the signing time. Default 3600. Ignored when `expires` is given. */
  expiresIn?: number | undefined;
  /** Absolute expiry, epoch seconds (the `Expires` parameter). */
  expires?: number | undefined;
}

export interface SignedV2Request {
  method: string;
  /** The URL to send (presign: with `AWSAccessKeyId`, `Expires`, `Signature`). */
  url: string;
  /** Every header to send, lowercase names (header auth: including `authorization` and `date`). */
  headers: Record<string, string>;
  stringToSign: string;
  /** base64 HMAC-SHA1. */
  signature: string;
}

/**
 * Legacy S3 Signature Version 2 (HMAC-SHA1): `Authorization: AWS AKID:signature` header auth,
 * query auth (`AWSAccessKeyId`/`Expires`/`Signature`), and POST policy signatures. Only for
 * old tools and servers that still speak it; use {@link SigV4Signer} otherwise.
 */
export class SigV2Signer {
  readonly #credentials: Credentials;
  readonly #clock: Clock;
  readonly #crypto: CryptoProvider;
  readonly #resource: Omit<V2ResourceOptions, 'bucket'>;

  constructor(options: SigV2SignerOptions) {
    const { credentials } = options;
    if (!credentials || typeof credentials.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string') {
      throw new TypeError('SigV2Signer: credentials.accessKeyId and credentials.secretAccessKey are required');
    }
    this.#credentials = credentials;
    this.#clock = options.clock ?? Date.now;
    this.#crypto = options.crypto ?? defaultCrypto();
    this.#resource = { virtualHost: options.virtualHost, subresources: options.subresources };
  }

  /** The access key id this signer signs as (never the secret). */
  get accessKeyId(): string {
    return this.#credentials.accessKeyId;
  }

  #time(input: SignV2Input): number {
    const ms = input.date === undefined ? this.#clock() : toMs(input.date);
    if (!Number.isFinite(ms)) throw new TypeError('SigV2Signer: invalid date');
    return ms;
  }

  /** Signs with `Authorization: AWS <AccessKeyId>:<Signature>`. */
  sign(input: SignV2Input): SignedV2Request {
    const url = splitUrl(input.url);
    const headers = collectV2Headers(input.headers);
    headers.delete('authorization');
    if (!headers.has('host') && url.host !== '') headers.set('host', [url.host]);
    if (!headers.has('date') && !headers.has('x-amz-date')) headers.set('date', [new Date(this.#time(input)).toUTCString()]);
    const token = this.#credentials.sessionToken;
    if (token !== undefined) headers.set('x-amz-security-token', [token]);
    const stringToSign = buildStringToSign(input.method, url.path, url.query, url.host, headers, {
      ...this.#resource,
      bucket: input.bucket,
    });
    const signature = signatureV2(stringToSign, this.#credentials.secretAccessKey, this.#crypto);
    const out: Record<string, string> = {};
    for (const [name, values] of headers) out[name] = values.join(',');
    out['authorization'] = `AWS ${this.#credentials.accessKeyId}:${signature}`;
    return {
      method: input.method.toUpperCase(),
      url: typeof input.url === 'string' ? input.url : input.url.href,
      headers: out,
      stringToSign,
      signature,
    };
  }

  /**
   * Query auth: adds `AWSAccessKeyId`, `Expires` and `Signature` to the URL. A session token
   * travels as the `x-amz-security-token` parameter and is signed.
   */
  presign(input: PresignV2Input): SignedV2Request {
    let expires = input.expires;
    if (expires === undefined) {
      const expiresIn = input.expiresIn ?? 3600;
      if (!Number.isInteger(expiresIn) || expiresIn < 1) {
        throw new RangeError(`SigV2Signer.presign: expiresIn must be a positive integer number of seconds; got ${String(expiresIn)}`);
      }
      expires = Math.floor(this.#time(input) / 1000) + expiresIn;
    }
    if (!Number.isInteger(expires) || expires < 0) {
      throw new RangeError(`SigV2Signer.presign: expires must be epoch seconds; got ${String(expires)}`);
    }
    const url = splitUrl(input.url);
    const headers = collectV2Headers(input.headers);
    headers.delete('authorization');
    const token = this.#credentials.sessionToken;
    const amzQuery: Array<[string, string]> = token === undefined ? [] : [['x-amz-security-token', token]];
    const stringToSign = buildStringToSign(input.method, url.path, url.query, url.host, headers, {
      ...this.#resource,
      bucket: input.bucket,
      expires: String(expires),
      amzQuery,
    });
    const signature = signatureV2(stringToSign, this.#credentials.secretAccessKey, this.#crypto);
    const auth =
      `AWSAccessKeyId=${encodeURIComponent(this.#credentials.accessKeyId)}&Expires=${expires}` +
      `&Signature=${encodeURIComponent(signature)}` +
      (token === undefined ? '' : `&x-amz-security-token=${encodeURIComponent(token)}`);
    const base = typeof input.url === 'string' ? input.url : input.url.href;
    const hash = base.indexOf('#');
    const noHash = hash === -1 ? base : base.slice(0, hash);
    const sep = url.query === '' ? (noHash.endsWith('?') ? '' : '?') : '&';
    const out: Record<string, string> = {};
    for (const [name, values] of headers) out[name] = values.join(',');
    return { method: input.method.toUpperCase(), url: `${noHash}${sep}${auth}`, headers: out, stringToSign, signature };
  }

  /** Signs a base64 POST policy (see {@link signPolicyV2}). */
  signPolicy(policyBase64: string): { AWSAccessKeyId: string; policy: string; signature: string } {
    return {
      AWSAccessKeyId: this.#credentials.accessKeyId,
      policy: policyBase64,
      signature: signPolicyV2(policyBase64, this.#credentials.secretAccessKey, this.#crypto),
    };
  }
}
