import { AccessDenied, InvalidAccessKeyId, InvalidArgument, InvalidRequest, InvalidToken, MissingSecurityHeader, RequestTimeTooSkewed, XAmzContentSHA256Mismatch, s3ErrorOf } from '@s3kit/errors';
import { canonicalRequest, canonicalUri } from '../canonical.js';
import { ALGORITHM, DEFAULT_MAX_SKEW_MS, EMPTY_SHA256, MAX_PRESIGN_EXPIRES, UNSIGNED_PAYLOAD } from '../constants.js';
import { defaultSha256Crypto, sha256Hex, type Sha256Provider } from '../crypto.js';
import { timingSafeEqual, toHex } from '../encoding.js';
import { byteStringHeaders, isAscii, signableData, type HeaderEncoding } from '../header-encoding.js';
import { toHeaderMap, type HeaderMap } from '../headers.js';
import { payloadModeOf, type PayloadMode } from '../payload.js';
import { SigningKeyCache } from '../signing-key.js';
import { parseAmzDate, toAmzDate, type Clock } from '../time.js';
import { canonicalReceivedQuery, parseReceivedQuery, type ReceivedParam } from './query.js';
import { splitUrl } from '../url.js';
import { classifyParts, queryAuthFamily, type VerifyRequestInput } from './classify.js';
import { credentialMalformed, malformed, messages, regionWrong, signatureMismatch, unsignedHeaders, type AuthSource } from './errors.js';
import { isSpace, parseAuthorization, parseCredential, parseSignedHeaders, type ParsedCredential, type SignedHeaderList } from './parse-authorization.js';
import type { VerifiedRequest } from './types.js';

/** Incremental body check for `sha256` payloads; see {@link SigV4Verifier.payloadChecker}. */
export interface PayloadChecker {
  update(chunk: string | Uint8Array): void;
  /** Throws XAmzContentSHA256Mismatch (400) if the body's SHA-256 is not the signed one. */
  finish(): void;
}

/** What the credentials lookup returns for a known access key. Never logged, never in errors. */
export interface VerifierCredentials {
  readonly secretAccessKey: string;
  /** Temporary credentials: requests must carry this exact `x-amz-security-token`. */
  readonly sessionToken?: string | undefined;
}

/** Finds the secret for an access key id; `undefined` means unknown (InvalidAccessKeyId). */
export type CredentialsLookup = (accessKeyId: string) => Promise<VerifierCredentials | undefined> | VerifierCredentials | undefined;

/** The region(s) this endpoint serves: one name, a list, or a predicate. */
export type RegionMatcher = string | readonly string[] | ((region: string) => boolean);

export interface VerifierOptions {
  getCredentials: CredentialsLookup;
  region: RegionMatcher;
  /** Default `s3`. */
  service?: string | undefined;
  /** Current time in ms since the epoch. Default `Date.now`. */
  clock?: Clock | undefined;
  /** Allowed clock skew for header auth, and how far in the future a presigned URL may start. Default 15 min. */
  maxSkewMs?: number | undefined;
  /** Hash primitives. Default: node:crypto when available, else @noble/hashes. */
  crypto?: Sha256Provider | undefined;
  /** Derived signing keys kept per verifier (keyed by access key id and scope). Default 64. */
  keyCacheSize?: number | undefined;
  /** Generic-service path rules (remove dot segments, collapse `//`). Default `false` (S3). */
  normalizePath?: boolean | undefined;
  /**
   * Header auth must send a valid `x-amz-content-sha256`, and every `x-amz-*` header sent must
   * be signed. Default: `true` for service `s3`, `false` otherwise.
   */
  s3Rules?: boolean | undefined;
  /**
   * Whether a presigned `X-Amz-Security-Token` is part of the signed query (default `true`,
   * as S3 requires). `false` is for services whose clients add the token after signing.
   */
  querySessionTokenSigned?: boolean | undefined;
  /**
   * How the header values given to {@link SigV4Verifier.verify} stand for the bytes the client
   * signed. Pass `'latin1'` for headers as Node's `http` module (`rawHeaders`), undici or a
   * Fetch `Headers` object hold them: byte strings, one code unit per byte, so a UTF-8
   * `x-amz-meta-*` value verifies against the bytes the client sent. **Default:** `'utf8'`
   * (values are text, signed as UTF-8).
   */
  headerEncoding?: HeaderEncoding | undefined;
}

interface Scope {
  source: AuthSource;
  cred: ParsedCredential;
  signed: SignedHeaderList;
  amzDate: string;
  requestMs: number;
  payloadHash: string;
  payloadMode: PayloadMode;
  signature: string;
  sessionToken: string | undefined;
  query: string;
  expiresAt?: number;
}

const PARSE_CACHE_SIZE = 256;

/** `2013-05-24T00:16:00Z`: S3 writes ServerTime and Expires to the second. */
function isoSeconds(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}Z`;
}

function isPromiseLike<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<T>).then === 'function';
}

/** 64 lowercase hex digits (a SHA-256); the regex runs natively, faster than a scan. */
const HEX64 = /^[0-9a-f]{64}$/;

/** `x-amz-…` (a lowercase header name), by its codes. */
function isAmzName(name: string): boolean {
  return name.charCodeAt(0) === 120 && name.charCodeAt(1) === 45 && name.charCodeAt(2) === 97 && name.charCodeAt(3) === 109 && name.charCodeAt(4) === 122 && name.charCodeAt(5) === 45;
}

function parseExpires(value: string): number {
  let i = 0;
  let negative = false;
  if (value.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  if (i === value.length || value.length - i > 12) throw malformed('query', messages.expiresNumber);
  let n = 0;
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) throw malformed('query', messages.expiresNumber);
    n = n * 10 + (c - 48);
  }
  if (negative && n !== 0) throw malformed('query', messages.expiresNegative);
  if (n === 0) throw malformed('query', messages.expiresZero);
  if (n > MAX_PRESIGN_EXPIRES) throw malformed('query', messages.expiresTooLarge);
  return n;
}

/**
 * Verifies SigV4 requests on the server side: `Authorization` header or presigned query.
 * One instance per endpoint; it keeps a small cache of derived signing keys.
 */
export class SigV4Verifier {
  readonly service: string;
  readonly #lookup: CredentialsLookup;
  readonly #region: RegionMatcher;
  readonly #clock: Clock;
  readonly #maxSkew: number;
  readonly #crypto: Sha256Provider;
  readonly #keys: SigningKeyCache;
  readonly #normalize: boolean;
  readonly #s3Rules: boolean;
  readonly #queryTokenSigned: boolean;
  readonly #headerEncoding: HeaderEncoding;
  // Parsed Credential and SignedHeaders strings: one client sends the same ones again and again.
  // Small, bounded, and holding nothing secret.
  readonly #credCache = new Map<string, ParsedCredential>();
  readonly #signedCache = new Map<string, SignedHeaderList>();
  #lastCred: [string, ParsedCredential] | undefined;
  #lastSigned: [string, SignedHeaderList] | undefined;
  #lastDate: [string, number] | undefined;
  /** The last header parse whose Signature came last: its text before the signature, and what it held. */
  #lastAuth: { prefix: string; cred: ParsedCredential; signed: SignedHeaderList } | undefined;

  constructor(options: VerifierOptions) {
    if (typeof options.getCredentials !== 'function') throw new TypeError('SigV4Verifier: getCredentials is required');
    const r = options.region;
    if (!(typeof r === 'string' ? r !== '' : typeof r === 'function' || (Array.isArray(r) && r.length > 0))) {
      throw new TypeError('SigV4Verifier: region is required (a name, a list of names, or a predicate)');
    }
    this.#lookup = options.getCredentials;
    this.#region = r;
    this.service = options.service ?? 's3';
    this.#clock = options.clock ?? Date.now;
    this.#maxSkew = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
    this.#crypto = options.crypto ?? defaultSha256Crypto();
    this.#keys = new SigningKeyCache(this.#crypto, options.keyCacheSize ?? 64);
    this.#normalize = options.normalizePath ?? false;
    this.#s3Rules = options.s3Rules ?? this.service === 's3';
    this.#queryTokenSigned = options.querySessionTokenSigned ?? true;
    const enc = options.headerEncoding ?? 'utf8';
    if (enc !== 'utf8' && enc !== 'latin1') throw new TypeError(`SigV4Verifier: headerEncoding must be 'utf8' or 'latin1', got ${String(enc)}`);
    this.#headerEncoding = enc;
  }

  #credential(source: AuthSource, value: string): ParsedCredential {
    const last = this.#lastCred;
    if (last !== undefined && last[0] === value) return last[1];
    let c = this.#credCache.get(value);
    if (c === undefined) {
      c = Object.freeze(parseCredential(source, value));
      if (this.#credCache.size >= PARSE_CACHE_SIZE) this.#credCache.clear();
      this.#credCache.set(value, c);
    }
    this.#lastCred = [value, c];
    return c;
  }

  #signedHeaders(source: AuthSource, value: string): SignedHeaderList {
    const last = this.#lastSigned;
    if (last !== undefined && last[0] === value) return last[1];
    let l = this.#signedCache.get(value);
    if (l === undefined) {
      l = parseSignedHeaders(source, value);
      if (this.#signedCache.size >= PARSE_CACHE_SIZE) this.#signedCache.clear();
      this.#signedCache.set(value, l);
    }
    this.#lastSigned = [value, l];
    return l;
  }

  /** Parses an x-amz-date; requests in the same second share one. */
  #date(value: string): number | undefined {
    const last = this.#lastDate;
    if (last !== undefined && last[0] === value) return last[1];
    const ms = parseAmzDate(value);
    if (ms !== undefined) this.#lastDate = [value, ms];
    return ms;
  }

  #regionOk(region: string): boolean {
    const r = this.#region;
    if (typeof r === 'string') return r === region;
    if (typeof r === 'function') return (r as (region: string) => boolean)(region);
    return (r as readonly string[]).includes(region);
  }

  #expectedRegion(): string | undefined {
    const r = this.#region;
    if (typeof r === 'string') return r;
    if (Array.isArray(r) && r.length === 1) return r[0] as string;
    return undefined;
  }

  #checkScope(source: AuthSource, cred: ParsedCredential): void {
    if (!this.#regionOk(cred.region)) throw regionWrong(source, cred.region, this.#expectedRegion());
    if (cred.service !== this.service) {
      throw credentialMalformed(source, `incorrect service "${cred.service}". This endpoint belongs to "${this.service}".`);
    }
    if (cred.terminal !== 'aws4_request') {
      throw credentialMalformed(source, `incorrect terminal "${cred.terminal}". This endpoint uses "aws4_request".`);
    }
  }

  /** `host` must be signed; with S3 rules every `x-amz-*` header sent must be signed too. */
  #checkSignedHeaders(headers: HeaderMap, signed: SignedHeaderList, presigned: boolean): void {
    const signedNames = signed.lowerSet;
    let missing: string[] | undefined;
    if (!signedNames.has('host')) missing = ['host'];
    if (this.#s3Rules) {
      for (const name of headers.keys()) {
        if (!isAmzName(name)) continue;
        // Presigned URLs: S3 ignores an unsigned x-amz-content-sha256 header.
        if (presigned && name === 'x-amz-content-sha256') continue;
        if (!signedNames.has(name)) (missing ??= []).push(name);
      }
    }
    if (missing !== undefined) throw unsignedHeaders(missing);
  }

  #payload(hash: string): PayloadMode {
    const mode = HEX64.test(hash) ? 'sha256' : payloadModeOf(hash);
    if (mode === undefined) {
      throw s3ErrorOf(InvalidArgument, messages.badSha256, {
        details: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: hash },
      });
    }
    return mode;
  }

  #bodyHash(body: string | Uint8Array | undefined): string {
    return body === undefined || body.length === 0 ? EMPTY_SHA256 : sha256Hex(this.#crypto, body);
  }

  /**
   * The Authorization header's credential, signed headers and signature. A client sends the
   * same text up to `Signature=` again and again: when the value starts with the last parse's
   * text and the rest is one component (no comma, no trailing whitespace), it is that parse
   * with this signature, exactly what parsing it again would give.
   */
  #authorization(value: string): { cred: ParsedCredential; signed: SignedHeaderList; signature: string } {
    const last = this.#lastAuth;
    // `slice() ===` compares natively; `startsWith` is several times slower on these lengths.
    const n = last === undefined ? 0 : last.prefix.length;
    if (last !== undefined && value.slice(0, n) === last.prefix && value.indexOf(',', n) === -1 && !isSpace(value.charCodeAt(value.length - 1))) {
      this.#checkScope('header', last.cred);
      return { cred: last.cred, signed: last.signed, signature: value.slice(n) };
    }
    const auth = parseAuthorization(value);
    const cred = this.#credential('header', auth.credential);
    this.#checkScope('header', cred);
    const signed = this.#signedHeaders('header', auth.signedHeaders);
    if (auth.signatureAt !== -1) this.#lastAuth = { prefix: value.slice(0, auth.signatureAt), cred, signed };
    return { cred, signed, signature: auth.signature };
  }

  #header(request: VerifyRequestInput, headers: HeaderMap, params: ReceivedParam[]): Scope {
    const auth = this.#authorization(headers.get('authorization')!);
    const { cred, signed } = auth;

    let amzDate: string;
    let requestMs: number | undefined;
    const xAmzDate = headers.get('x-amz-date');
    if (xAmzDate !== undefined) {
      amzDate = xAmzDate.trim();
      requestMs = this.#date(amzDate);
    } else {
      const date = headers.get('date');
      requestMs = date === undefined ? undefined : Date.parse(date);
      if (requestMs !== undefined && Number.isNaN(requestMs)) requestMs = undefined;
      amzDate = requestMs === undefined ? '' : toAmzDate(requestMs);
    }
    if (requestMs === undefined) throw s3ErrorOf(AccessDenied, messages.noDate);
    if (amzDate.slice(0, 8) !== cred.date) {
      throw malformed('header', `Invalid credential date "${cred.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
    }
    this.#checkSignedHeaders(headers, signed, false);

    // Servers drop the optional whitespace around header values (RFC 9110 OWS); so do we.
    let payloadHash = headers.get('x-amz-content-sha256')?.trim();
    if (payloadHash === undefined) {
      if (this.#s3Rules) throw s3ErrorOf(InvalidRequest, messages.missingSha256);
      payloadHash = this.#bodyHash(request.body);
    }
    const payloadMode = this.#payload(payloadHash);

    const now = this.#clock();
    if (Math.abs(now - requestMs) > this.#maxSkew) {
      throw s3ErrorOf(RequestTimeTooSkewed, messages.skewed, {
        details: {
          RequestTime: xAmzDate ?? headers.get('date') ?? amzDate,
          ServerTime: isoSeconds(now),
          MaxAllowedSkewMilliseconds: String(this.#maxSkew),
        },
      });
    }
    return {
      source: 'header',
      cred,
      signed,
      amzDate,
      requestMs,
      payloadHash,
      payloadMode,
      signature: auth.signature,
      sessionToken: headers.get('x-amz-security-token')?.trim(),
      query: canonicalReceivedQuery(params),
    };
  }

  #presigned(request: VerifyRequestInput, headers: HeaderMap, params: ReceivedParam[]): Scope {
    let algorithm: string | undefined;
    let credential: string | undefined;
    let date: string | undefined;
    let expires: string | undefined;
    let signed: string | undefined;
    let signature: string | undefined;
    let token: string | undefined;
    let contentSha: string | undefined;
    for (const { name: k, value: v } of params) {
      if (k.charCodeAt(0) !== 88 || !k.startsWith('X-Amz-')) continue;
      switch (k) {
        case 'X-Amz-Algorithm':
          algorithm ??= v;
          break;
        case 'X-Amz-Credential':
          credential ??= v;
          break;
        case 'X-Amz-Date':
          date ??= v;
          break;
        case 'X-Amz-Expires':
          expires ??= v;
          break;
        case 'X-Amz-SignedHeaders':
          signed ??= v;
          break;
        case 'X-Amz-Signature':
          signature ??= v;
          break;
        case 'X-Amz-Security-Token':
          token ??= v;
          break;
        case 'X-Amz-Content-Sha256':
          contentSha ??= v;
          break;
      }
    }
    if (algorithm === undefined || credential === undefined || date === undefined || expires === undefined || signed === undefined || signature === undefined) {
      throw malformed('query', messages.queryParams);
    }
    if (algorithm !== ALGORITHM) throw malformed('query', messages.queryAlgorithm);
    const cred = this.#credential('query', credential);
    this.#checkScope('query', cred);
    const requestMs = this.#date(date);
    if (requestMs === undefined) throw malformed('query', messages.queryDate);
    if (date.slice(0, 8) !== cred.date) {
      throw malformed('query', `Invalid credential date "${cred.date}". This date is not the same as X-Amz-Date: "${date.slice(0, 8)}".`);
    }
    const expiresSec = parseExpires(expires);
    const signedList = this.#signedHeaders('query', signed);
    this.#checkSignedHeaders(headers, signedList, true);

    let payloadHash: string;
    if (this.service === 's3') {
      const header = headers.get('x-amz-content-sha256')?.trim();
      payloadHash = contentSha ?? (header !== undefined && signedList.lowerSet.has('x-amz-content-sha256') ? header : UNSIGNED_PAYLOAD);
    } else {
      payloadHash = headers.get('x-amz-content-sha256')?.trim() ?? this.#bodyHash(request.body);
    }
    const payloadMode = this.#payload(payloadHash);

    const now = this.#clock();
    const expiresAt = requestMs + expiresSec * 1000;
    if (requestMs - now > this.#maxSkew) throw s3ErrorOf(AccessDenied, messages.notYetValid);
    if (now > expiresAt) {
      throw s3ErrorOf(AccessDenied, messages.expired, {
        details: {
          'X-Amz-Expires': String(expiresSec),
          Expires: isoSeconds(expiresAt),
          ServerTime: isoSeconds(now),
        },
      });
    }
    const query = canonicalReceivedQuery(params, 'X-Amz-Signature', this.#queryTokenSigned ? undefined : 'X-Amz-Security-Token');
    return {
      source: 'query',
      cred,
      signed: signedList,
      amzDate: date,
      requestMs,
      payloadHash,
      payloadMode,
      signature,
      // The token rides in the query, or (when the client signed it as a header) in x-amz-security-token.
      sessionToken: token ?? headers.get('x-amz-security-token')?.trim(),
      query,
      expiresAt,
    };
  }

  /**
   * Checks a body against a verified `x-amz-content-sha256` hex hash, incrementally: feed the
   * chunks with `update`, then call `finish`, which throws XAmzContentSHA256Mismatch (400) when
   * the body is not the one that was signed. `UNSIGNED-PAYLOAD` bodies pass. aws-chunked
   * (`STREAMING-…`) bodies need the chunk decoder instead, so this throws a TypeError for them.
   */
  payloadChecker(verified: Pick<VerifiedRequest, 'payloadMode' | 'payloadHash'>): PayloadChecker {
    const mode = verified.payloadMode;
    if (mode === 'unsigned') return { update() {}, finish() {} };
    if (mode !== 'sha256') throw new TypeError(`payloadChecker: ${mode} bodies are aws-chunked; decode them with the chunk verifier`);
    const hash = this.#crypto.createSha256();
    let done = false;
    return {
      update(chunk) {
        if (done) throw new TypeError('payloadChecker: finish() was already called');
        hash.update(chunk);
      },
      finish() {
        if (done) throw new TypeError('payloadChecker: finish() was already called');
        done = true;
        const actual = toHex(hash.digest());
        if (!timingSafeEqual(actual, verified.payloadHash)) {
          throw s3ErrorOf(XAmzContentSHA256Mismatch, undefined, {
            details: { ClientComputedContentSHA256: verified.payloadHash, S3ComputedContentSHA256: actual },
          });
        }
      },
    };
  }

  /** One-shot {@link payloadChecker}: throws XAmzContentSHA256Mismatch (400) on a mismatch. */
  checkPayload(verified: Pick<VerifiedRequest, 'payloadMode' | 'payloadHash'>, body: string | Uint8Array): void {
    const c = this.payloadChecker(verified);
    c.update(body);
    c.finish();
  }

  /**
   * Verifies a request signed with SigV4 (header or presigned query). Resolves to what was
   * verified; rejects with an `S3Error` carrying the code and status S3 answers with.
   */
  async verify(request: VerifyRequestInput): Promise<VerifiedRequest> {
    const url = splitUrl(request.url);
    const headers = toHeaderMap(request.headers);
    if (!headers.has('host') && url.host !== '') headers.set('host', url.host);
    const params = parseReceivedQuery(url.query);
    let families = 0;
    for (const p of params) families |= queryAuthFamily(p.name);

    let s: Scope;
    switch (classifyParts(request.method, headers, families)) {
      case 'header-v4':
        s = this.#header(request, headers, params);
        break;
      case 'presigned-v4':
        s = this.#presigned(request, headers, params);
        break;
      case 'header-v2':
      case 'presigned-v2':
        throw s3ErrorOf(InvalidRequest, messages.useV4);
      case 'post':
        throw s3ErrorOf(InvalidRequest, 'POST form uploads authenticate with a signed policy in the form, not with SigV4 request signing.');
      case 'anonymous':
        throw s3ErrorOf(AccessDenied, 'Access Denied');
      case 'unsupported': {
        const auth = headers.get('authorization');
        if (auth === undefined || families !== 0) {
          throw s3ErrorOf(InvalidArgument, messages.oneMechanism, { details: { ArgumentName: 'Authorization' } });
        }
        // A foreign scheme: parseAuthorization throws the S3 answer for it.
        parseAuthorization(auth);
        throw s3ErrorOf(InvalidArgument, messages.unsupportedType, { details: { ArgumentName: 'Authorization' } });
      }
    }

    const { cred } = s;
    // Await only a real promise: a synchronous lookup (an in-memory table) costs no extra tick.
    const found = this.#lookup(cred.accessKeyId);
    const creds = isPromiseLike(found) ? await found : found;
    if (creds === undefined || creds === null) {
      throw s3ErrorOf(InvalidAccessKeyId, undefined, { details: { AWSAccessKeyId: cred.accessKeyId } });
    }
    if (creds.sessionToken !== undefined) {
      if (s.sessionToken === undefined) throw s3ErrorOf(MissingSecurityHeader, messages.missingToken, { details: { MissingHeaderName: 'x-amz-security-token' } });
      if (!timingSafeEqual(s.sessionToken, creds.sessionToken)) throw s3ErrorOf(InvalidToken, messages.invalidToken);
    } else if (s.sessionToken !== undefined) {
      throw s3ErrorOf(InvalidToken, messages.invalidToken);
    }

    const uri = canonicalUri(url.path, this.#normalize);
    let creq = canonicalRequest(request.method, uri, s.query, headers, s.signed.names, s.payloadHash, s.signed.value);
    let creqData: string | Uint8Array = creq;
    // Byte-string headers only matter when the canonical request is not ASCII (the rare case).
    if (this.#headerEncoding === 'latin1' && !isAscii(creq)) {
      creq = canonicalRequest(request.method, uri, s.query, byteStringHeaders(headers, s.signed.names), s.signed.names, s.payloadHash, s.signed.value);
      creqData = signableData(creq, 'latin1');
    }
    // The terminal was checked to be aws4_request: the parsed credential's scope is the one signed.
    const scope = cred.scope;
    const sts = `${ALGORITHM}\n${s.amzDate}\n${scope}\n${sha256Hex(this.#crypto, creqData)}`;
    const signingKey = this.#keys.get(cred.accessKeyId, creds.secretAccessKey, cred.date, cred.region, cred.service);
    const expected = signingKey.sign(sts);
    if (!timingSafeEqual(expected, s.signature)) throw signatureMismatch(cred.accessKeyId, creqData, sts, s.signature);

    const result: VerifiedRequest = {
      authType: s.source === 'header' ? 'header' : 'presigned',
      accessKeyId: cred.accessKeyId,
      sessionToken: s.sessionToken,
      region: cred.region,
      service: cred.service,
      date: cred.date,
      amzDate: s.amzDate,
      signedAt: s.requestMs,
      credentialScope: scope,
      signedHeaders: s.signed.names,
      payloadHash: s.payloadHash,
      payloadMode: s.payloadMode,
      signature: expected,
      signingKey,
    };
    if (s.expiresAt !== undefined) result.expiresAt = s.expiresAt;
    return result;
  }
}
