import { type SigningKeyCache, signPolicyV2 as sigv4SignPolicyV2, toAmzDate, type CryptoProvider } from '@s3kit/sigv4';

/** Access key pair used to sign a policy. */
export interface PostCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** The SigV4 scope of a POST policy signature. */
export interface V4Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export const V4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** `AKID/20130524/us-east-1/s3/aws4_request`. */
export function credentialString(s: V4Scope): string {
  return `${s.accessKeyId}/${s.date}/${s.region}/${s.service}/aws4_request`;
}

/** Parses `x-amz-credential`; undefined when malformed. */
export function parseCredential(value: string): V4Scope | undefined {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  if (accessKeyId === '' || !/^\d{8}$/.test(date) || region === '' || service === '') return undefined;
  return { accessKeyId, date, region, service };
}

/** Hex SigV4 signature of a base64 policy: the string to sign is the policy itself. */
export function signPolicyV4(keys: SigningKeyCache, secretAccessKey: string, scope: V4Scope, policyBase64: string): string {
  return keys.get(scope.accessKeyId, secretAccessKey, scope.date, scope.region, scope.service).sign(policyBase64);
}

/** Base64 SigV2 signature of a base64 policy: HMAC-SHA1(secret, policy) (`@s3kit/sigv4` signPolicyV2). */
export function signPolicyV2(crypto: CryptoProvider, secretAccessKey: string, policyBase64: string): string {
  return sigv4SignPolicyV2(policyBase64, secretAccessKey, crypto);
}

export { toAmzDate };
