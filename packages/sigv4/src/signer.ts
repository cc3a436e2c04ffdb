import { AuthorizationQueryParametersError, s3ErrorOf } from '@s3kit/errors';
import { canonicalRequest, canonicalUri, encodedQueryPairs, joinEncodedQuery } from './canonical.js';
import { uriEncode, uriEncodeBytes } from './encoding.js';
import { ALGORITHM, EMPTY_SHA256, MAX_PRESIGN_EXPIRES, UNSIGNABLE_HEADERS, UNSIGNED_PAYLOAD } from './constants.js';
import { defaultSha256Crypto, sha256Hex, type Sha256Provider } from './crypto.js';
import { byteStringHeaders, byteStringToBytes, isAscii, signableData, type HeaderEncoding } from './header-encoding.js';
import { toHeaderMap, type HeaderInput, type HeaderMap } from './headers.js';
import { SigningKeyCache, type SigningKey } from './signing-key.js';
import { toAmzDate, toMs, type Clock } from './time.js';
import { splitUrl } from './url.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export interface SignerOptions {
  credentials: Credentials;
  region: string;
  /** Default `s3`. */
  service?: string;
  /** Current time in ms since the epoch. Default `Date.now`. */
  clock?: Clock;
  /** Hash primitives. Default: node:crypto when available, else @noble/hashes. */
  crypto?: Sha256Provider;
  /** Derived signing keys kept per signer. Default 16. */
  keyCacheSize?: number;
  /**
   * Generic-service path rules: remove dot segments and collapse `//`. Default `false`:
   * S3 signs the path exactly as sent.
   */
  normalizePath?: boolean;
  /**
   * Send and sign `x-amz-content-sha256`. Default `true` for service `s3` (S3 requires it),
   * `false` otherwise.
   */
  contentSha256Header?: boolean;
  /**
   * How header values stand for the bytes that will be sent. `'latin1'`: byte strings, one
   * code unit per byte, which is how undici, Node's `http` and `fetch` put strings on the wire;
   * a value with code units above U+00FF is text and is returned (and signed) as the byte
   * string of its UTF-8. **Default:** `'utf8'` (values are text, signed as UTF-8).
   */
  headerEncoding?: HeaderEncoding;
}

export interface SignInput {
  method: string;
  /** Absolute URL, or a request target (`/bucket/key?x`) with a `host` header. Path as sent. */
  url: string | URL;
  headers?: HeaderInput | undefined;
  /**
   * Hex SHA-256 of the body, `UNSIGNED-PAYLOAD`, or a `STREAMING-…` value. Default: the
   * SHA-256 of `body` (empty when there is none).
   */
  payloadHash?: string | undefined;
  /** Hashed when `payloadHash` is not given. */
  body?: string | Uint8Array | undefined;
  /** Signing time for this request. Default: the signer's clock. */
  date?: Date | number | undefined;
  /** Header names to sign even if they are on the unsignable list. */
  signedHeaders?: Iterable<string> | undefined;
  /** Header names to leave unsigned (in addition to the built-in list). */
  unsignedHeaders?: Iterable<string> | undefined;
  /** Sign the session token (default `true`); `false` adds it after signing. */
  signSessionToken?: boolean | undefined;
}

export interface PresignInput extends SignInput {
  /** URL lifetime in seconds, 1 to 604800. Default 3600. */
  expiresIn?: number | undefined;
  /**
   * Move `x-amz-*` headers into the query so the URL works without them. Default `true`.
   * Names listed here stay headers (the caller must send them).
   */
  keepHeaders?: Iterable<string> | undefined;
}

export interface SignedRequest {
  method: string;
  /** The URL to send (for presign: with the auth query). */
  url: string;
  /** Every header to send, lowercase names, including `authorization` for header auth. */
  headers: Record<string, string>;
  amzDate: string;
  credentialScope: string;
  signedHeaders: string;
  payloadHash: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  /** The derived key for this scope: signs aws-chunked chunk and trailer strings. */
  signingKey: SigningKey;
}

/** The pieces shared by header and query signing, computed once per request. */
interface Prepared {
  method: string;
  protocol: string;
  host: string;
  path: string;
  /** The URL's query as canonically encoded pairs, unsorted. */
  query: Array<[string, string]>;
  headers: HeaderMap;
  amzDate: string;
  date: string;
  signingKey: SigningKey;
  scope: string;
}

/**
 * Signs S3 requests with AWS Signature V4: Authorization header ({@link sign}) or
 * presigned query ({@link presign}). One instance per credentials; it is cheap to keep.
 */
export class SigV4Signer {
  readonly region: string;
  readonly service: string;
  readonly #credentials: Credentials;
  readonly #clock: Clock;
  readonly #crypto: Sha256Provider;
  readonly #keys: SigningKeyCache;
  readonly #normalize: boolean;
  readonly #sha256Header: boolean;
  readonly #headerEncoding: HeaderEncoding;
  /** The last presign's auth parameters, encoded and joined in canonical order, and their inputs. */
  #authBlock: { scope: string; amzDate: string; expires: number; signedHeaders: string; token: string | undefined; pairs: ReadonlyArray<[string, string]>; text: string } | undefined;

  constructor(options: SignerOptions) {
    const { credentials } = options;
    if (!credentials || typeof credentials.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string') {
      throw new TypeError('SigV4Signer: credentials.accessKeyId and credentials.secretAccessKey are required');
    }
    if (typeof options.region !== 'string' || options.region === '') throw new TypeError('SigV4Signer: region is required');
    this.#credentials = credentials;
    this.region = options.region;
    this.service = options.service ?? 's3';
    this.#clock = options.clock ?? Date.now;
    this.#crypto = options.crypto ?? defaultSha256Crypto();
    this.#keys = new SigningKeyCache(this.#crypto, options.keyCacheSize ?? 16);
    this.#normalize = options.normalizePath ?? false;
    this.#sha256Header = options.contentSha256Header ?? this.service === 's3';
    const enc = options.headerEncoding ?? 'utf8';
    if (enc !== 'utf8' && enc !== 'latin1') throw new TypeError(`SigV4Signer: headerEncoding must be 'utf8' or 'latin1', got ${String(enc)}`);
    this.#headerEncoding = enc;
  }

  /** The access key id this signer signs as (never the secret). */
  get accessKeyId(): string {
    return this.#credentials.accessKeyId;
  }

  /** The signing key for a date (`YYYYMMDD`), e.g. to sign aws-chunked chunks yourself. */
  signingKey(date: string): SigningKey {
    const c = this.#credentials;
    return this.#keys.get(c.accessKeyId, c.secretAccessKey, date, this.region, this.service);
  }

  #prepare(input: SignInput): Prepared {
    const url = splitUrl(input.url);
    let headers = toHeaderMap(input.headers);
    headers.delete('authorization');
    if (this.#headerEncoding === 'latin1') headers = byteStringHeaders(headers, [...headers.keys()]);
    let host = headers.get('host');
    if (host === undefined) {
      if (url.host === '') throw new TypeError('sign: url has no host and no host header was given');
      host = url.host;
      headers.set('host', host);
    }
    const ms = input.date === undefined ? this.#clock() : toMs(input.date);
    if (!Number.isFinite(ms)) throw new TypeError('sign: invalid date');
    const amzDate = toAmzDate(ms);
    const date = amzDate.slice(0, 8);
    const signingKey = this.signingKey(date);
    return {
      method: input.method.toUpperCase(),
      protocol: url.protocol,
      host,
      path: url.path,
      query: encodedQueryPairs(url.query),
      headers,
      amzDate,
      date,
      signingKey,
      scope: signingKey.scope,
    };
  }

  #payloadHash(input: SignInput): string {
    if (input.payloadHash !== undefined) return input.payloadHash;
    if (input.body === undefined || input.body.length === 0) return EMPTY_SHA256;
    return sha256Hex(this.#crypto, input.body);
  }

  #finish(p: Prepared, query: string, signedNames: string[], signedHeaders: string, payloadHash: string): { canonicalRequest: string; stringToSign: string; signature: string } {
    const uri = canonicalUri(p.path, this.#normalize);
    const creq = canonicalRequest(p.method, uri, query, p.headers, signedNames, payloadHash, signedHeaders);
    const sts = `${ALGORITHM}\n${p.amzDate}\n${p.scope}\n${sha256Hex(this.#crypto, signableData(creq, this.#headerEncoding))}`;
    return { canonicalRequest: creq, stringToSign: sts, signature: p.signingKey.sign(sts) };
  }

  /**
   * The canonical query of a presigned URL: the caller's pairs (`encoded`, already encoded)
   * and the `X-Amz-*` auth parameters, sorted. The auth parameters are one block, joined once
   * per scope, time and lifetime; the caller's pairs usually all sort before it (capitals) or
   * after it (`response-*`, `x-amz-meta-*`), so only they are sorted. A caller pair among the
   * auth names takes the general sort.
   */
  #presignQuery(encoded: Array<[string, string]>, p: Prepared, expires: number, signedHeaders: string, token: string | undefined): string {
    let block = this.#authBlock;
    if (block === undefined || block.amzDate !== p.amzDate || block.scope !== p.scope || block.expires !== expires || block.signedHeaders !== signedHeaders || block.token !== token) {
      const pairs: Array<[string, string]> = [
        ['X-Amz-Algorithm', ALGORITHM],
        ['X-Amz-Credential', uriEncode(`${this.#credentials.accessKeyId}/${p.scope}`)],
        ['X-Amz-Date', p.amzDate],
        ['X-Amz-Expires', String(expires)],
        ['X-Amz-SignedHeaders', uriEncode(signedHeaders)],
      ];
      if (token !== undefined) pairs.push(['X-Amz-Security-Token', uriEncode(token)]);
      block = { scope: p.scope, amzDate: p.amzDate, expires, signedHeaders, token, pairs, text: joinEncodedQuery(pairs) };
      this.#authBlock = block;
    }
    if (encoded.length === 0) return block.text;
    const before: Array<[string, string]> = [];
    const after: Array<[string, string]> = [];
    for (const pair of encoded) {
      if (pair[0] < 'X-Amz-Algorithm') before.push(pair);
      else if (pair[0] > 'X-Amz-SignedHeaders') after.push(pair);
      // Among the auth names: sort everything together.
      else return joinEncodedQuery(encoded.concat(block.pairs));
    }
    const head = before.length === 0 ? '' : `${joinEncodedQuery(before)}&`;
    return after.length === 0 ? head + block.text : `${head}${block.text}&${joinEncodedQuery(after)}`;
  }

  /** Signs with an `Authorization` header. Synchronous. */
  sign(input: SignInput): SignedRequest {
    const p = this.#prepare(input);
    const payloadHash = this.#payloadHash(input);
    const token = this.#credentials.sessionToken;
    const signToken = input.signSessionToken ?? true;
    p.headers.set('x-amz-date', p.amzDate);
    if (this.#sha256Header) p.headers.set('x-amz-content-sha256', payloadHash);
    if (token !== undefined && signToken) p.headers.set('x-amz-security-token', token);
    const names = signedHeaderNames(p.headers, input.signedHeaders, input.unsignedHeaders);
    const query = joinEncodedQuery(p.query);
    const signedHeaders = names.join(';');
    const { canonicalRequest: creq, stringToSign, signature } = this.#finish(p, query, names, signedHeaders, payloadHash);
    const authorization = `${ALGORITHM} Credential=${this.#credentials.accessKeyId}/${p.scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    if (token !== undefined && !signToken) p.headers.set('x-amz-security-token', token);
    p.headers.set('authorization', authorization);
    return {
      method: p.method,
      url: typeof input.url === 'string' ? input.url : input.url.href,
      headers: toRecord(p.headers),
      amzDate: p.amzDate,
      credentialScope: p.scope,
      signedHeaders,
      payloadHash,
      canonicalRequest: creq,
      stringToSign,
      signature,
      signingKey: p.signingKey,
    };
  }

  /**
   * Presigns: returns the URL with `X-Amz-*` auth parameters. Any method. The payload is
   * `UNSIGNED-PAYLOAD` for S3 unless `payloadHash` or `body` says otherwise.
   */
  presign(input: PresignInput): SignedRequest {
    const expiresIn = input.expiresIn ?? 3600;
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_EXPIRES) {
      throw s3ErrorOf(AuthorizationQueryParametersError, `X-Amz-Expires must be an integer from 1 to ${MAX_PRESIGN_EXPIRES} seconds (7 days); got ${String(expiresIn)}`);
    }
    const p = this.#prepare(input);
    const payloadHash = input.payloadHash ?? (input.body === undefined && this.service === 's3' ? UNSIGNED_PAYLOAD : this.#payloadHash(input));
    // Encoded pairs: the caller's query and hoisted headers, then the auth parameters (whose
    // names and most values need no encoding).
    const encoded = p.query;
    const keep = input.keepHeaders === undefined ? undefined : new Set(Array.from(input.keepHeaders, (n) => n.toLowerCase()));
    const bytes = this.#headerEncoding === 'latin1';
    if (p.headers.size > 1) {
      const hoisted: string[] = [];
      for (const [name, value] of p.headers) {
        if (name.startsWith('x-amz-') && !keep?.has(name) && name !== 'x-amz-content-sha256') {
          hoisted.push(name);
          encoded.push([uriEncode(name), bytes && !isAscii(value) ? uriEncodeBytes(byteStringToBytes(value)) : uriEncode(value)]);
        }
      }
      for (const name of hoisted) p.headers.delete(name);
    }
    const names = signedHeaderNames(p.headers, input.signedHeaders, input.unsignedHeaders);
    const signedHeaders = names.join(';');
    const token = this.#credentials.sessionToken;
    const signToken = input.signSessionToken ?? true;
    const query = this.#presignQuery(encoded, p, expiresIn, signedHeaders, token !== undefined && signToken ? token : undefined);
    const { canonicalRequest: creq, stringToSign, signature } = this.#finish(p, query, names, signedHeaders, payloadHash);
    let finalQuery = `${query}&X-Amz-Signature=${signature}`;
    if (token !== undefined && !signToken) finalQuery += `&X-Amz-Security-Token=${encodeURIComponent(token)}`;
    const origin = p.protocol === '' ? '' : `${p.protocol}//${p.host}`;
    return {
      method: p.method,
      url: `${origin}${p.path}?${finalQuery}`,
      headers: toRecord(p.headers),
      amzDate: p.amzDate,
      credentialScope: p.scope,
      signedHeaders,
      payloadHash,
      canonicalRequest: creq,
      stringToSign,
      signature,
      signingKey: p.signingKey,
    };
  }
}

/** Map → plain record (a loop: several times cheaper than Object.fromEntries on a Map). */
function toRecord(map: HeaderMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of map) out[k] = v;
  return out;
}

/** Sorted lowercase names of the headers to sign. */
export function signedHeaderNames(headers: HeaderMap, include?: Iterable<string>, exclude?: Iterable<string>): string[] {
  const force = include === undefined ? undefined : new Set(Array.from(include, (n) => n.toLowerCase()));
  const skip = exclude === undefined ? undefined : new Set(Array.from(exclude, (n) => n.toLowerCase()));
  const names: string[] = [];
  for (const name of headers.keys()) {
    if (name === 'authorization') continue;
    if (skip?.has(name) && name !== 'host') continue;
    if (UNSIGNABLE_HEADERS.has(name) && !force?.has(name)) continue;
    names.push(name);
  }
  // Insertion sort: a request has a handful of headers, where this beats Array#sort by 2x.
  // Header names are ASCII tokens, so `>` (code-unit order) is byte order, as SigV4 wants.
  if (names.length > 32) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const v = names[i]!;
    let j = i - 1;
    while (j >= 0 && names[j]! > v) {
      names[j + 1] = names[j]!;
      j--;
    }
    names[j + 1] = v;
  }
  return names;
}
