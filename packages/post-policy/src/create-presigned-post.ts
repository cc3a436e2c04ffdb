import { type SigningKeyCache, defaultCrypto, defaultSha256Crypto, toBase64, utf8, type CryptoProvider } from '@s3kit/sigv4';
import type { PolicyCondition } from './conditions.js';
import { postUrl, type EndpointOptions } from './endpoint.js';
import { base64Utf8, toPolicyExpiration } from './policy-json.js';
import { PolicyWriter } from './policy-writer.js';
import { V4_ALGORITHM, credentialString, signPolicyV2, signPolicyV4, toAmzDate, type PostCredentials } from './sign-policy.js';
import { defaultSigningKeyCache } from './signing-key-cache.js';

/** Options shared by everything that signs a policy. */
export interface PolicySigningOptions extends EndpointOptions {
  credentials: PostCredentials;
  /** `v4` (fields `x-amz-algorithm`, `x-amz-credential`, `x-amz-date`, `x-amz-signature`) or legacy `v2` (`AWSAccessKeyId`, `signature`). Default `v4`. */
  signatureVersion?: 'v4' | 'v2';
  /** Signing time. Default `Date.now()`. */
  now?: Date | number;
  /** Service in the SigV4 scope. Default `s3`. */
  service?: string;
  /** Hash provider. Default `defaultCrypto()` (node:crypto when present, else @noble/hashes). */
  crypto?: CryptoProvider;
  /** Reuse derived signing keys across calls (one per access key and day). Default: a shared module cache. */
  signingKeyCache?: SigningKeyCache;
}

export interface CreatePresignedPostInput extends PolicySigningOptions {
  bucket: string;
  /** Object key; a key ending in `${filename}` becomes a `starts-with` condition on the part before it. */
  key: string;
  /** Extra form fields, returned as given (not added to the conditions: add a condition for each). */
  fields?: Readonly<Record<string, string>>;
  /** Extra conditions, signed as given (not added to the fields). Duplicates are dropped. */
  conditions?: readonly PolicyCondition[];
  /** Seconds until the policy expires. Default 3600. */
  expiresIn?: number;
  /**
   * Base64 SHA-256 of the file, known up front (the upload-ticket case): adds the fields
   * `x-amz-checksum-algorithm: SHA256` and `x-amz-checksum-sha256`, and an exact condition for each.
   */
  checksumSha256?: string;
}

/**
 * The form to post: `url` is the form action, `fields` the hidden inputs before the `file` input,
 * `expiration` the policy's expiration (ISO 8601, as signed) for an upload ticket to show.
 */
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
  expiration: string;
}

/** Base64 of the UTF-8 bytes of a JSON text (native btoa when it is ASCII). */
export const jsonBase64 = (s: string): string => base64Utf8(s, (t) => toBase64(utf8(t)));

const FILENAME = '${filename}';

/**
 * Builds a presigned POST form, with the semantics of boto3's `generate_presigned_post`:
 * the same fields in the same order, the same policy JSON bytes, the same signature.
 */
export function createPresignedPost(input: CreatePresignedPostInput): PresignedPost {
  const { bucket, key } = input;
  if (typeof bucket !== 'string' || bucket === '') throw new TypeError('bucket is required');
  if (typeof key !== 'string' || key === '') throw new TypeError('key is required');
  const expiresIn = input.expiresIn ?? 3600;
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) throw new RangeError('expiresIn must be a positive number of seconds');

  // Fields in boto3's order: the caller's, the checksum, key, then the signature fields.
  const fields: Record<string, string> = {};
  const given = input.fields;
  if (given !== undefined) for (const k in given) if (Object.hasOwn(given, k)) fields[k] = given[k]!;
  const policy = new PolicyWriter('python');
  if (input.conditions !== undefined) for (const c of input.conditions) policy.add(c);
  const checksum = input.checksumSha256;
  if (checksum !== undefined) {
    fields['x-amz-checksum-algorithm'] = 'SHA256';
    fields['x-amz-checksum-sha256'] = checksum;
  }
  fields['key'] = key;
  if (checksum !== undefined) {
    policy.addEq('x-amz-checksum-algorithm', 'SHA256');
    policy.addEq('x-amz-checksum-sha256', checksum);
  }
  policy.addEq('bucket', bucket);
  if (key.endsWith(FILENAME)) policy.add(['starts-with', '$key', key.slice(0, -FILENAME.length)]);
  else policy.addEq('key', key);

  const nowMs = input.now === undefined ? Date.now() : typeof input.now === 'number' ? input.now : input.now.getTime();
  const expiration = toPolicyExpiration(nowMs + expiresIn * 1000);
  // The python layout is ASCII, so the native btoa encodes its UTF-8 bytes directly.
  signInto(fields, policy, nowMs, input, () => btoa(policy.json(expiration)));
  return { url: postUrl(bucket, input), fields, expiration };
}

/**
 * Adds the signature conditions to `policy` and the signature fields to `fields` (boto3 order);
 * `encode` returns the base64 policy once its conditions are complete.
 */
export function signInto(fields: Record<string, string>, policy: PolicyWriter, nowMs: number, opts: PolicySigningOptions, encode: () => string): void {
  const { accessKeyId, secretAccessKey, sessionToken } = opts.credentials;
  const token = sessionToken === undefined || sessionToken === '' ? undefined : sessionToken;
  if (opts.signatureVersion === 'v2') {
    fields['AWSAccessKeyId'] = accessKeyId;
    if (token !== undefined) {
      fields['x-amz-security-token'] = token;
      policy.addEq('x-amz-security-token', token);
    }
    const base64 = encode();
    fields['policy'] = base64;
    fields['signature'] = signPolicyV2(opts.crypto ?? defaultCrypto(), secretAccessKey, base64);
    return;
  }
  const amzDate = toAmzDate(nowMs);
  const scope = { accessKeyId, date: amzDate.slice(0, 8), region: opts.region ?? 'us-east-1', service: opts.service ?? 's3' };
  const credential = credentialString(scope);
  fields['x-amz-algorithm'] = V4_ALGORITHM;
  fields['x-amz-credential'] = credential;
  fields['x-amz-date'] = amzDate;
  policy.addEq('x-amz-algorithm', V4_ALGORITHM);
  policy.addEq('x-amz-credential', credential);
  policy.addEq('x-amz-date', amzDate);
  if (token !== undefined) {
    fields['x-amz-security-token'] = token;
    policy.addEq('x-amz-security-token', token);
  }
  const base64 = encode();
  fields['policy'] = base64;
  const keys = opts.signingKeyCache ?? defaultSigningKeyCache(opts.crypto ?? defaultSha256Crypto());
  fields['x-amz-signature'] = signPolicyV4(keys, secretAccessKey, scope, base64);
}
