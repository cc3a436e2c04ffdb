import { InvalidArgument, InvalidRequest, s3ErrorOf } from '@s3kit/errors';
import { ALGORITHM } from '../constants.js';
import { credentialMalformed, malformed, messages, type AuthSource } from './errors.js';

/** The three components of a SigV4 `Authorization` header, as sent. */
export interface ParsedAuthorization {
  credential: string;
  signedHeaders: string;
  signature: string;
  /**
   * Where the signature value starts in the value given, when `Signature=` is the last
   * component (as every SDK sends it), else -1. The text before it is the same for every
   * request of one client and scope, so a parse can be reused for it.
   */
  signatureAt: number;
}

/** `AK/date/region/service/aws4_request`, split. */
export interface ParsedCredential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminal: string;
  /** `date/region/service/aws4_request`: the credential scope a valid credential signs with. */
  scope: string;
}

/** SP or HTAB: the whitespace the Authorization value may carry around its parts. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function trim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` the way S3 does:
 * any component order, optional whitespace around commas and after the algorithm. Throws
 * InvalidArgument (400) for a scheme that is not SigV4, InvalidRequest (400) for SigV2
 * (`AWS AK:sig`), AuthorizationHeaderMalformed (400) for anything else that is wrong.
 */
export function parseAuthorization(value: string): ParsedAuthorization {
  let lead = 0;
  while (lead < value.length && isSpace(value.charCodeAt(lead))) lead++;
  const v = trim(value);
  let sp = 0;
  while (sp < v.length && !isSpace(v.charCodeAt(sp))) sp++;
  const scheme = v.slice(0, sp);
  if (scheme !== ALGORITHM) {
    if (scheme === 'AWS') throw s3ErrorOf(InvalidRequest, messages.useV4);
    throw s3ErrorOf(InvalidArgument, messages.unsupportedType, {
      // Only the scheme: the rest of a foreign Authorization value may be a bearer secret.
      details: { ArgumentName: 'Authorization', ArgumentValue: scheme },
    });
  }
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  let start = sp;
  let count = 0;
  let signatureAt = -1;
  while (start <= v.length) {
    let end = v.indexOf(',', start);
    if (end === -1) end = v.length;
    const part = trim(v.slice(start, end));
    start = end + 1;
    count++;
    if (part === '') throw malformed('header', messages.components);
    const eq = part.indexOf('=');
    if (eq <= 0) throw malformed('header', `the authorization component "${part}" is malformed.`);
    const key = part.slice(0, eq);
    const val = part.slice(eq + 1);
    if (key === 'Credential' && credential === undefined) credential = val;
    else if (key === 'SignedHeaders' && signedHeaders === undefined) signedHeaders = val;
    else if (key === 'Signature' && signature === undefined) {
      signature = val;
      // The last part ends where `v` does (it has no trailing whitespace), and so does its value.
      if (end === v.length) signatureAt = lead + v.length - val.length;
    } else throw malformed('header', messages.components);
  }
  if (count !== 3 || credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw malformed('header', messages.components);
  }
  return { credential, signedHeaders, signature, signatureAt };
}

function isDigits8(s: string): boolean {
  if (s.length !== 8) return false;
  for (let i = 0; i < 8; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Splits and checks the shape of a credential (not its region or service: the verifier does that). */
export function parseCredential(source: AuthSource, value: string): ParsedCredential {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[0] === '') throw credentialMalformed(source, messages.credential);
  const [accessKeyId, date, region, service, terminal] = parts as [string, string, string, string, string];
  if (!isDigits8(date)) {
    throw credentialMalformed(source, `incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`);
  }
  if (region === '') throw credentialMalformed(source, messages.credential);
  return { accessKeyId, date, region, service, terminal, scope: `${date}/${region}/${service}/aws4_request` };
}

/** A parsed SignedHeaders list: `names` as sent (the client signed them so), `lower` for lookups. */
export interface SignedHeaderList {
  readonly names: readonly string[];
  /** The value as received: `names.join(';')`, the canonical request's signed-headers line. */
  readonly value: string;
  readonly lower: readonly string[];
  readonly lowerSet: ReadonlySet<string>;
}

/** Splits `a;b;c`. */
export function parseSignedHeaders(source: AuthSource, value: string): SignedHeaderList {
  const names = value.split(';');
  let lower: string[] | undefined;
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (n === '') {
      throw source === 'header'
        ? malformed('header', `the authorization component "SignedHeaders=${value}" is malformed.`)
        : malformed('query', 'X-Amz-SignedHeaders must be a ;-separated list of header names');
    }
    const l = n.toLowerCase();
    if (l !== n) (lower ??= names.slice(0, i)).push(l);
    else lower?.push(n);
  }
  const low = lower === undefined ? names : lower;
  return { names: Object.freeze(names), value, lower: Object.freeze(low), lowerSet: new Set(low) };
}
