import { AccessDenied, InvalidAccessKeyId, InvalidArgument, InvalidToken, RequestTimeTooSkewed, SignatureDoesNotMatch, s3ErrorOf } from '@s3kit/errors';
import { DEFAULT_MAX_SKEW_MS } from '../constants.js';
import { defaultCrypto, type CryptoProvider } from '../crypto.js';
import { timingSafeEqual, toBase64, toHex, uriDecode, utf8 } from '../encoding.js';
import { bytesToByteString, signableData, type HeaderEncoding } from '../header-encoding.js';
import type { Credentials } from '../signer.js';
import { parseAmzDate, type Clock } from '../time.js';
import { splitUrl } from '../url.js';
import { eachQueryPiece } from '../query-pieces.js';
import { buildStringToSign, collectV2Headers, type V2HeaderValues, type V2Request, type V2ResourceOptions, type V2StringToSignOptions } from './string-to-sign.js';

/** Looks up the secret for an access key id; `undefined`/`null` when the key is unknown. */
export type V2CredentialsLookup = (accessKeyId: string) => Promise<Credentials | undefined | null> | Credentials | undefined | null;

export interface VerifyV2Options extends Omit<V2ResourceOptions, 'bucket'> {
  getCredentials: V2CredentialsLookup;
  /** Current time in ms since the epoch. Default `Date.now`. */
  clock?: Clock | undefined;
  /** HMAC-SHA1 provider. Default: node:crypto when available, else @noble/hashes. */
  crypto?: CryptoProvider | undefined;
  /** Allowed difference between the request's Date and the clock (header auth). Default 15 min. */
  maxSkewMs?: number | undefined;
  /** Bucket addressed through the Host, when the caller already knows it. */
  bucket?: string | undefined;
  /**
   * How header values stand for the bytes the client signed: `'latin1'` for byte strings as
   * Node's `http`, undici and Fetch `Headers` hold them (see {@link HeaderEncoding}).
   * **Default:** `'utf8'`.
   */
  headerEncoding?: HeaderEncoding | undefined;
}

/** A request that passed SigV2 verification. */
export interface VerifiedV2Request {
  authType: 'header' | 'presigned';
  accessKeyId: string;
  sessionToken?: string | undefined;
  /** The verified base64 signature. */
  signature: string;
  stringToSign: string;
  /** Header auth: the request time (ms epoch) from `x-amz-date` or `Date`. */
  requestTime?: number | undefined;
  /**
   * When the request was signed (ms epoch): header auth's `x-amz-date` or `Date` (the same as
   * {@link requestTime}); `undefined` for query auth, which signs only its expiry.
   */
  signedAt?: number | undefined;
  /** Query auth: `Expires` in ms epoch. */
  expiresAt?: number | undefined;
}

interface QueryAuth {
  accessKeyId: string | undefined;
  signature: string | undefined;
  expires: string | undefined;
  amz: Array<[string, string]>;
}

function parseQueryAuth(raw: string): QueryAuth {
  const out: QueryAuth = { accessKeyId: undefined, signature: undefined, expires: undefined, amz: [] };
  if (raw === '') return out;
  eachQueryPiece(raw, (rawName, rawValue) => {
    const name = uriDecode(rawName);
    // `+` stays `+`: a base64 signature may carry it unescaped.
    const value = rawValue === undefined ? '' : uriDecode(rawValue);
    if (name === 'AWSAccessKeyId') out.accessKeyId = value;
    else if (name === 'Signature') out.signature = value;
    else if (name === 'Expires') out.expires = value;
    else if (name.toLowerCase().startsWith('x-amz-')) out.amz.push([name.toLowerCase(), value]);
  });
  return out;
}

/** `StringToSignBytes` as S3 prints it: space-separated lowercase hex bytes. */
function stringToSignBytes(s: string | Uint8Array): string {
  const hex = toHex(typeof s === 'string' ? utf8(s) : s);
  let out = '';
  for (let i = 0; i < hex.length; i += 2) out += (i === 0 ? '' : ' ') + hex.slice(i, i + 2);
  return out;
}

const lenientUtf8 = new TextDecoder();

/** Header values holding code units above U+00FF are text: their UTF-8 bytes as byte strings. */
function asByteStrings(headers: V2HeaderValues): void {
  for (const values of headers.values()) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      for (let j = 0; j < v.length; j++) {
        if (v.charCodeAt(j) > 0xff) {
          values[i] = bytesToByteString(utf8(v));
          break;
        }
      }
    }
  }
}

function parseHeaderAuth(value: string): { accessKeyId: string; signature: string } {
  if (!value.startsWith('AWS ')) {
    throw s3ErrorOf(InvalidArgument, 'Unsupported Authorization Type', {
      details: { ArgumentName: 'Authorization', ArgumentValue: value },
    });
  }
  const rest = value.slice(4);
  if (rest.includes(' ')) {
    throw s3ErrorOf(InvalidArgument, "Authorization header is invalid -- one and only one ' ' (space) required", {
      details: { ArgumentName: 'Authorization', ArgumentValue: value },
    });
  }
  const colon = rest.lastIndexOf(':');
  if (colon <= 0 || colon === rest.length - 1) {
    throw s3ErrorOf(InvalidArgument, 'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature', {
      details: { ArgumentName: 'Authorization', ArgumentValue: value },
    });
  }
  return { accessKeyId: rest.slice(0, colon), signature: rest.slice(colon + 1) };
}

/** RFC 1123 / RFC 850 / asctime dates (as `Date.parse` reads them), or ISO 8601 basic `YYYYMMDDTHHMMSSZ`. */
function parseHttpDate(text: string): number {
  return parseAmzDate(text) ?? Date.parse(text);
}

async function lookup(getCredentials: V2CredentialsLookup, accessKeyId: string): Promise<Credentials> {
  const creds = await getCredentials(accessKeyId);
  if (creds === undefined || creds === null || typeof creds.secretAccessKey !== 'string') {
    throw s3ErrorOf(InvalidAccessKeyId, undefined, { details: { AWSAccessKeyId: accessKeyId } });
  }
  return creds;
}

function checkToken(creds: Credentials, headers: V2HeaderValues, query: QueryAuth): string | undefined {
  if (creds.sessionToken === undefined) return undefined;
  const sent = headers.get('x-amz-security-token')?.[0] ?? query.amz.find(([n]) => n === 'x-amz-security-token')?.[1];
  if (sent === undefined || !timingSafeEqual(sent.trim(), creds.sessionToken)) {
    throw s3ErrorOf(InvalidToken);
  }
  return creds.sessionToken;
}

/**
 * Verifies a SigV2 request, header (`Authorization: AWS AKID:signature`) or query
 * (`AWSAccessKeyId`, `Expires`, `Signature`) auth. Resolves with what was verified; rejects
 * with an {@link S3Error}: `SignatureDoesNotMatch` (403, details `StringToSign`,
 * `StringToSignBytes`, `SignatureProvided`, `AWSAccessKeyId`), `InvalidAccessKeyId` (403),
 * `AccessDenied` (403: expired or incomplete query auth, missing Date), `RequestTimeTooSkewed`
 * (403), `InvalidArgument` (400: malformed Authorization header), `InvalidToken` (400).
 *
 * With an `x-amz-date` header the documented string-to-sign forms are accepted: Date line
 * empty with `x-amz-date` among the amz headers (the guide's rule, s3cmd, boto), the guide's
 * DELETE example form (the `x-amz-date` value on the Date line), and, when a `Date` header is
 * sent too, that Date on the Date line with `x-amz-date` listed (MinIO, Ceph, minio-go).
 */
export async function verifyV2(request: V2Request, options: VerifyV2Options): Promise<VerifiedV2Request> {
  const clock = options.clock ?? Date.now;
  const crypto = options.crypto ?? defaultCrypto();
  const url = splitUrl(request.url);
  const encoding = options.headerEncoding ?? 'utf8';
  const headers = collectV2Headers(request.headers);
  if (encoding === 'latin1') asByteStrings(headers);
  const query = parseQueryAuth(url.query);
  const authorization = headers.get('authorization')?.[0]?.trim();
  const base: V2StringToSignOptions = {
    bucket: options.bucket,
    virtualHost: options.virtualHost,
    subresources: options.subresources,
  };

  let authType: 'header' | 'presigned';
  let accessKeyId: string;
  let provided: string;
  let candidates: V2StringToSignOptions[];
  let requestTime: number | undefined;
  let expiresAt: number | undefined;
  let creds: Credentials;

  if (authorization !== undefined) {
    authType = 'header';
    ({ accessKeyId, signature: provided } = parseHeaderAuth(authorization));
    creds = await lookup(options.getCredentials, accessKeyId);
    const amzDate = headers.get('x-amz-date')?.[0];
    const dateText = (amzDate ?? headers.get('date')?.[0])?.trim();
    const t = dateText === undefined || dateText === '' ? NaN : parseHttpDate(dateText);
    // S3 answers a Date before the epoch as it answers no valid Date (ceph/s3-tests
    // test_object_create_bad_date_before_epoch_aws2), not as clock skew.
    if (!Number.isFinite(t) || t < 0) {
      throw s3ErrorOf(AccessDenied, 'AWS authentication requires a valid Date or x-amz-date header');
    }
    const now = clock();
    const maxSkew = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
    if (Math.abs(now - t) > maxSkew) {
      throw s3ErrorOf(RequestTimeTooSkewed, undefined, {
        details: {
          RequestTime: dateText!,
          ServerTime: new Date(now).toISOString(),
          MaxAllowedSkewMilliseconds: String(maxSkew),
        },
      });
    }
    requestTime = t;
    candidates = amzDate === undefined ? [base] : [base, { ...base, amzDate: 'date-line' }];
    if (amzDate !== undefined && headers.has('date')) candidates.push({ ...base, amzDate: 'keep-date' });
  } else if (query.accessKeyId !== undefined || query.signature !== undefined || query.expires !== undefined) {
    authType = 'presigned';
    if (!query.accessKeyId || !query.signature || query.expires === undefined) {
      throw s3ErrorOf(AccessDenied, 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
    }
    accessKeyId = query.accessKeyId;
    provided = query.signature;
    if (!/^\d{1,15}$/.test(query.expires)) {
      throw s3ErrorOf(AccessDenied, `Invalid date (should be seconds since epoch): ${query.expires}`);
    }
    creds = await lookup(options.getCredentials, accessKeyId);
    expiresAt = Number(query.expires) * 1000;
    const now = clock();
    if (now > expiresAt) {
      throw s3ErrorOf(AccessDenied, 'Request has expired', {
        details: { Expires: new Date(expiresAt).toISOString(), ServerTime: new Date(now).toISOString() },
      });
    }
    candidates = [{ ...base, expires: query.expires, amzQuery: query.amz }];
  } else {
    throw s3ErrorOf(AccessDenied, 'Request carries no Signature Version 2 authentication');
  }

  const sessionToken = checkToken(creds, headers, query);
  let matched: string | undefined;
  let first: string | undefined;
  for (const opts of candidates) {
    const sts = buildStringToSign(request.method, url.path, url.query, url.host, headers, opts);
    first ??= sts;
    const expected = toBase64(crypto.hmacSha1(creds.secretAccessKey, signableData(sts, encoding)));
    if (timingSafeEqual(expected, provided) && matched === undefined) matched = sts;
  }
  if (matched === undefined) {
    const data = signableData(first!, encoding);
    throw s3ErrorOf(SignatureDoesNotMatch, undefined, {
      details: {
        AWSAccessKeyId: accessKeyId,
        StringToSign: typeof data === 'string' ? data : lenientUtf8.decode(data),
        StringToSignBytes: stringToSignBytes(data),
        SignatureProvided: provided,
      },
    });
  }
  return { authType, accessKeyId, sessionToken, signature: provided, stringToSign: matched, requestTime, signedAt: requestTime, expiresAt };
}
