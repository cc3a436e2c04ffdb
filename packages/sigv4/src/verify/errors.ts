import { AccessDenied, AuthorizationHeaderMalformed, AuthorizationQueryParametersError, SignatureDoesNotMatch, s3ErrorOf, type S3Error } from '@s3kit/errors';
import { MAX_PRESIGN_EXPIRES } from '../constants.js';
import { toHex, utf8 } from '../encoding.js';

/**
 * The S3 errors raised by verification, with the messages S3 sends. One function per
 * failure so the wording lives in one place. None of them ever carries a secret.
 */

/** Where a SigV4 auth value came from: the `Authorization` header or the query string. */
export type AuthSource = 'header' | 'query';

const HEADER_MALFORMED = 'The authorization header is malformed; ';
const QUERY_CREDENTIAL = 'Error parsing the X-Amz-Credential parameter; ';

/** AuthorizationHeaderMalformed (header) or AuthorizationQueryParametersError (query). */
export function malformed(source: AuthSource, detail: string, details?: Record<string, string>): S3Error {
  return source === 'header'
    ? s3ErrorOf(AuthorizationHeaderMalformed, HEADER_MALFORMED + detail, details ? { details } : {})
    : s3ErrorOf(AuthorizationQueryParametersError, detail, details ? { details } : {});
}

/** A problem inside the Credential value (header) or the X-Amz-Credential parameter (query). */
export function credentialMalformed(source: AuthSource, detail: string, details?: Record<string, string>): S3Error {
  return source === 'header'
    ? s3ErrorOf(AuthorizationHeaderMalformed, HEADER_MALFORMED + detail, details ? { details } : {})
    : s3ErrorOf(AuthorizationQueryParametersError, QUERY_CREDENTIAL + detail, details ? { details } : {});
}

export const messages = {
  components: 'the authorization header requires three components: Credential, SignedHeaders, and Signature.',
  credential: 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
  queryParams: 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
  queryAlgorithm: 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
  queryDate: "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
  expiresNumber: 'X-Amz-Expires should be a number',
  expiresNegative: 'X-Amz-Expires must be non-negative',
  expiresZero: 'X-Amz-Expires must be at least 1 second',
  expiresTooLarge: `X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_PRESIGN_EXPIRES} seconds`,
  noDate: 'AWS authentication requires a valid Date or x-amz-date header',
  unsigned: 'There were headers present in the request which were not signed',
  skewed: 'The difference between the request time and the current time is too large.',
  expired: 'Request has expired',
  notYetValid: 'Request is not valid yet',
  missingSha256: 'Missing required header for this request: x-amz-content-sha256',
  badSha256:
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
  oneMechanism: 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
  unsupportedType: 'Unsupported Authorization Type',
  useV4: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
  missingToken: 'Your request is missing a required header: x-amz-security-token (temporary credentials need their session token).',
  invalidToken: 'The provided token is malformed or otherwise invalid.',
} as const;

export function regionWrong(source: AuthSource, got: string, expected: string | undefined): S3Error {
  const detail = expected === undefined ? `the region '${got}' is wrong.` : `the region '${got}' is wrong; expecting '${expected}'`;
  return credentialMalformed(source, detail, expected === undefined ? undefined : { Region: expected });
}

export function unsignedHeaders(names: readonly string[]): S3Error {
  return s3ErrorOf(AccessDenied, messages.unsigned, { details: { HeadersNotSigned: names.join(', ') } });
}

/** `41 57 53 34 …`: the byte dump S3 puts next to StringToSign and CanonicalRequest (strings as UTF-8). */
export function byteDump(s: string | Uint8Array): string {
  const hex = toHex(typeof s === 'string' ? utf8(s) : s);
  let out = '';
  for (let i = 0; i < hex.length; i += 2) out += (i === 0 ? '' : ' ') + hex.slice(i, i + 2);
  return out;
}

const lenientUtf8 = new TextDecoder();

/**
 * SignatureDoesNotMatch with S3's details. `canonicalRequest` is the text, or the very bytes
 * that were hashed (byte-string headers): those are shown as UTF-8 text and dumped as they are.
 */
export function signatureMismatch(accessKeyId: string, canonicalRequest: string | Uint8Array, stringToSign: string, signatureProvided: string): S3Error {
  return s3ErrorOf(SignatureDoesNotMatch, undefined, {
    details: {
      AWSAccessKeyId: accessKeyId,
      StringToSign: stringToSign,
      SignatureProvided: signatureProvided,
      StringToSignBytes: byteDump(stringToSign),
      CanonicalRequest: typeof canonicalRequest === 'string' ? canonicalRequest : lenientUtf8.decode(canonicalRequest),
      CanonicalRequestBytes: byteDump(canonicalRequest),
    },
  });
}
