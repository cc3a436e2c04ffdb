import { SigningKeyCache, defaultCrypto, toBase64, utf8, type CryptoProvider } from '@s3kit/sigv4';
import { dedupeConditions, type PolicyCondition } from './conditions.js';
import { postUrl, type EndpointOptions } from './endpoint.js';
import { base64Utf8, pythonJson, toPolicyExpiration } from './policy-json.js';

import { V4_ALGORITHM, credentialString, signPolicyV2, signPolicyV4, toAmzDate, type PostCredentials } from './sign-policy.js';

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

let sharedCache: SigningKeyCache | undefined;

/** The signing-key cache used when none is passed. */
export function defaultSigningKeyCache(crypto: CryptoProvider): SigningKeyCache {
  if (crypto === defaultCrypto()) return (sharedCache ??= new SigningKeyCache(crypto, 64));
  return new SigningKeyCache(crypto, 0);
}

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

  const fields = new Map<string, string>();
  const given = input.fields;
  if (given !== undefined) for (const k in given) if (Object.hasOwn(given, k)) fields.set(k, given[k]!);
  const conditions: PolicyCondition[] = input.conditions === undefined ? [] : input.conditions.slice();
  if (input.checksumSha256 !== undefined) {
    fields.set('x-amz-checksum-algorithm', 'SHA256');
    fields.set('x-amz-checksum-sha256', input.checksumSha256);
    conditions.push({ 'x-amz-checksum-algorithm': 'SHA256' }, { 'x-amz-checksum-sha256': input.checksumSha256 });
  }
  fields.set('key', key);
  conditions.push({ bucket });
  conditions.push(key.endsWith(FILENAME) ? ['starts-with', '$key', key.slice(0, -FILENAME.length)] : { key });

  const nowMs = input.now === undefined ? Date.now() : typeof input.now === 'number' ? input.now : input.now.getTime();
  const expiration = toPolicyExpiration(nowMs + expiresIn * 1000);
  // pythonJson output is ASCII, so the native btoa encodes its UTF-8 bytes directly.
  signInto(fields, conditions, expiration, nowMs, input, (p) => btoa(pythonJson(p)));
  const out: Record<string, string> = {};
  for (const [k, v] of fields) out[k] = v;
  return { url: postUrl(bucket, input), fields: out, expiration };
}

/**
 * Adds the signature fields and conditions (boto3 order), encodes the policy to base64 with `encode`
 * and signs it. Mutates `fields`.
 */
export function signInto(
  fields: Map<string, string>,
  conditionsIn: PolicyCondition[],
  expiration: string,
  nowMs: number,
  opts: PolicySigningOptions,
  encode: (policy: { expiration: string; conditions: PolicyCondition[] }) => string,
): void {
  const crypto = opts.crypto ?? defaultCrypto();
  const { accessKeyId, secretAccessKey, sessionToken } = opts.credentials;
  const conditions = conditionsIn.slice();
  const token = sessionToken === undefined || sessionToken === '' ? undefined : sessionToken;
  if (opts.signatureVersion === 'v2') {
    fields.set('AWSAccessKeyId', accessKeyId);
    if (token !== undefined) {
      fields.set('x-amz-security-token', token);
      conditions.push({ 'x-amz-security-token': token });
    }
    const policy = encode({ expiration, conditions: dedupeConditions(conditions) });
    fields.set('policy', policy);
    fields.set('signature', signPolicyV2(crypto, secretAccessKey, policy));
    return;
  }
  const amzDate = toAmzDate(nowMs);
  const scope = { accessKeyId, date: amzDate.slice(0, 8), region: opts.region ?? 'us-east-1', service: opts.service ?? 's3' };
  const credential = credentialString(scope);
  fields.set('x-amz-algorithm', V4_ALGORITHM);
  fields.set('x-amz-credential', credential);
  fields.set('x-amz-date', amzDate);
  conditions.push({ 'x-amz-algorithm': V4_ALGORITHM }, { 'x-amz-credential': credential }, { 'x-amz-date': amzDate });
  if (token !== undefined) {
    fields.set('x-amz-security-token', token);
    conditions.push({ 'x-amz-security-token': token });
  }
  const policy = encode({ expiration, conditions: dedupeConditions(conditions) });
  fields.set('policy', policy);
  const keys = opts.signingKeyCache ?? defaultSigningKeyCache(crypto);
  fields.set('x-amz-signature', signPolicyV4(keys, secretAccessKey, scope, policy));
}
