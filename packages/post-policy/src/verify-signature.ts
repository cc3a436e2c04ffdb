import { InvalidAccessKeyId, InvalidArgument, InvalidToken, SignatureDoesNotMatch, s3ErrorOf } from '@s3kit/errors';
import { defaultCrypto, defaultSha256Crypto, timingSafeEqual } from '@s3kit/sigv4';
import { mustContain } from './form-fields.js';
import { V4_ALGORITHM, parseCredential, signPolicyV2, signPolicyV4, type V4Scope } from './sign-policy.js';
import { defaultSigningKeyCache } from './signing-key-cache.js';
import type { PostIdentity, VerifyPostOptions } from './verify-post.js';

/**
 * Checks the form's signature over the base64 policy as sent: SigV4 (`x-amz-signature`) or
 * legacy SigV2 (`signature`, HMAC-SHA1).
 */
export async function verifySignature(raw: ReadonlyMap<string, string>, policyB64: string, options: VerifyPostOptions): Promise<PostIdentity> {
  const v4sig = raw.get('x-amz-signature');
  if (v4sig !== undefined) {
    const algorithm = raw.get('x-amz-algorithm');
    if (algorithm === undefined) throw mustContain('x-amz-algorithm');
    if (algorithm !== V4_ALGORITHM) throw s3ErrorOf(InvalidArgument, `Invalid algorithm: '${algorithm}'. Only ${V4_ALGORITHM} is supported.`, { details: { ArgumentName: 'x-amz-algorithm' } });
    const credential = raw.get('x-amz-credential');
    if (credential === undefined) throw mustContain('x-amz-credential');
    const scope: V4Scope | undefined = parseCredential(credential);
    if (scope === undefined) throw s3ErrorOf(InvalidArgument, `Invalid credential: '${credential}'.`, { details: { ArgumentName: 'x-amz-credential' } });
    const secret = await lookup(options, scope.accessKeyId, raw);
    const keys = options.signingKeyCache ?? defaultSigningKeyCache(options.crypto ?? defaultSha256Crypto());
    const expected = signPolicyV4(keys, secret.secretAccessKey, scope, policyB64);
    if (!timingSafeEqual(expected, v4sig.toLowerCase())) throw s3ErrorOf(SignatureDoesNotMatch);
    return {
      accessKeyId: scope.accessKeyId,
      signatureVersion: 'v4',
      scope: { date: scope.date, region: scope.region, service: scope.service },
      ...(secret.sessionToken ? { sessionToken: secret.sessionToken } : {}),
    };
  }
  const v2sig = raw.get('signature');
  const accessKeyId = raw.get('awsaccesskeyid');
  if (v2sig === undefined && accessKeyId === undefined) {
    if (raw.has('x-amz-credential')) throw mustContain('x-amz-signature');
    throw mustContain('AWSAccessKeyId');
  }
  if (accessKeyId === undefined) throw mustContain('AWSAccessKeyId');
  if (v2sig === undefined) throw mustContain('Signature');
  const secret = await lookup(options, accessKeyId, raw);
  const expected = signPolicyV2(options.crypto ?? defaultCrypto(), secret.secretAccessKey, policyB64);
  if (!timingSafeEqual(expected, v2sig)) throw s3ErrorOf(SignatureDoesNotMatch);
  return { accessKeyId, signatureVersion: 'v2', ...(secret.sessionToken ? { sessionToken: secret.sessionToken } : {}) };
}

async function lookup(options: VerifyPostOptions, accessKeyId: string, raw: ReadonlyMap<string, string>) {
  const secret = await options.getCredentials(accessKeyId);
  if (secret === undefined) throw s3ErrorOf(InvalidAccessKeyId);
  const sent = raw.get('x-amz-security-token');
  const expected = secret.sessionToken || undefined;
  if (expected !== undefined || sent !== undefined) {
    if (expected === undefined || sent === undefined || !timingSafeEqual(expected, sent)) throw s3ErrorOf(InvalidToken);
  }
  return secret;
}
