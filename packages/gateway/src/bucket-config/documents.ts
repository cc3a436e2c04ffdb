import { isS3Error, s3Error } from '@s3kit/errors';
import { buildXml, parseXml, type CORSConfiguration, type PublicAccessBlockConfiguration } from '@s3kit/xml-shapes';
import { PolicyValidationError } from '../policy/errors.js';
import { parsePolicy } from '../policy/parse.js';
import type { Policy } from '../policy/types.js';
import type { CorsRule } from '../pipeline/types.js';
import { validateCors } from '../routes/cors.js';
import { isPublicPolicy } from './public-policy.js';

/** A bucket's public access block (all four settings; absent ones are false). */
export interface PublicAccessBlock {
  readonly BlockPublicAcls: boolean;
  readonly IgnorePublicAcls: boolean;
  readonly BlockPublicPolicy: boolean;
  readonly RestrictPublicBuckets: boolean;
}

/** A bucket policy set through the S3 API: the text as uploaded and its compiled form. */
export interface ApiPolicy {
  readonly text: string;
  readonly policy: Policy;
  readonly isPublic: boolean;
}

/** What the S3 API set on one bucket (each part absent when not set). */
export interface BucketConfig {
  readonly policy?: ApiPolicy | undefined;
  readonly cors?: readonly CorsRule[] | undefined;
  readonly publicAccessBlock?: PublicAccessBlock | undefined;
  /** The owning account's name, recorded at CreateBucket; absent: the default account. */
  readonly owner?: string | undefined;
}

export const EMPTY_CONFIG: BucketConfig = Object.freeze({});

const decoder = new TextDecoder('utf-8', { fatal: true });

/** S3's MalformedPolicy messages for the gateway parser's problems (first problem decides). */
function malformedMessage(problem: string): string {
  if (/not valid JSON|must be a JSON object/.test(problem)) return "Policies must be valid JSON and the first byte must be '{'";
  if (/over the \d+-byte limit/.test(problem)) return 'Policy exceeds the maximum allowed document size.';
  const unknown = /unknown field "([^"]+)"/.exec(problem);
  if (unknown) return `Unknown field ${unknown[1]}`;
  if (/needs exactly one of Principal or NotPrincipal/.test(problem)) return 'Missing required field Principal';
  if (/Principal/.test(problem)) return 'Invalid principal in policy';
  if (/is not in bucket|\.(Not)?Resource/.test(problem)) return 'Policy has invalid resource';
  if (/\.(Not)?Action/.test(problem)) return 'Policy has invalid action';
  if (/Action or NotAction/.test(problem)) return 'Missing required field Action';
  if (/Resource or NotResource/.test(problem)) return 'Missing required field Resource';
  if (/Effect/.test(problem)) return 'Invalid effect: the effect must be Allow or Deny';
  const op = /Condition\.([^:]+): unknown condition operator/.exec(problem);
  if (op) return `Invalid Condition type : ${op[1]}`;
  if (/Condition/.test(problem)) return 'Policy has an invalid condition key';
  if (/^Version/.test(problem)) return 'Invalid policy syntax.';
  if (/^Statement:/.test(problem)) return 'Missing required field Statement';
  return 'Invalid policy syntax.';
}

/**
 * A PutBucketPolicy body validated with the gateway's policy parser (bucket policy of `bucket`).
 * @throws S3Error MalformedPolicy (400) with S3's message; every problem in `details.reason` (logs).
 */
export function decodePolicy(bytes: Uint8Array, bucket: string): ApiPolicy {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw s3Error('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
  }
  if (text.trim() === '') throw s3Error('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
  try {
    const policy = parsePolicy(text, { kind: 'bucket', bucket });
    return { text, policy, isPublic: isPublicPolicy(policy) };
  } catch (err) {
    if (!(err instanceof PolicyValidationError)) throw err;
    throw s3Error('MalformedPolicy', malformedMessage(err.problems[0] ?? ''), { details: { reason: err.problems.join('; ') } });
  }
}

/** A stored policy document (written by {@link decodePolicy}'s caller); `undefined` when it no longer parses. */
export function storedPolicy(bytes: Uint8Array, bucket: string): ApiPolicy | undefined {
  try {
    return decodePolicy(bytes, bucket);
  } catch {
    return undefined;
  }
}

function xmlOf<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (isS3Error(err) && err.code !== 'MalformedXML') throw err;
    throw s3Error('MalformedXML', undefined, { cause: err });
  }
}

/**
 * A PutBucketCors body as rules, validated as S3 does (with the gateway's `validateCors`).
 * @throws S3Error MalformedXML (400) for a document that is not a CORSConfiguration of 1 to 100
 *   rules each with an origin and a method; InvalidRequest (400) for an unsupported method or an
 *   origin or header with more than one wildcard (S3's messages).
 */
export function decodeCors(bytes: Uint8Array): CorsRule[] {
  const doc: CORSConfiguration = xmlOf(() => parseXml('CORSConfiguration', bytes));
  const rules: CorsRule[] = doc.CORSRule.map((r) => ({
    ...(r.ID === undefined ? {} : { id: r.ID }),
    allowedOrigins: r.AllowedOrigin,
    allowedMethods: r.AllowedMethod,
    ...(r.AllowedHeader.length === 0 ? {} : { allowedHeaders: r.AllowedHeader }),
    ...(r.ExposeHeader.length === 0 ? {} : { exposeHeaders: r.ExposeHeader }),
    ...(r.MaxAgeSeconds === undefined ? {} : { maxAgeSeconds: r.MaxAgeSeconds }),
  }));
  if (rules.length === 0 || rules.some((r) => r.allowedOrigins.length === 0 || r.allowedMethods.length === 0)) throw s3Error('MalformedXML');
  try {
    validateCors({ rules });
  } catch (err) {
    const message = (err as Error).message.replace(/^cors\.rules(\[\d+\])?: /, '');
    if (/unsupported HTTP method|more than one wildcard/.test(message)) throw s3Error('InvalidRequest', message);
    throw s3Error('MalformedXML', undefined, { details: { reason: message } });
  }
  return rules;
}

/** Rules as GetBucketCors answers them. */
export function corsXml(rules: readonly CorsRule[]): string {
  return buildXml('CORSConfiguration', {
    CORSRule: rules.map((r) => ({
      ...(r.id === undefined ? {} : { ID: r.id }),
      AllowedHeader: [...(r.allowedHeaders ?? [])],
      AllowedMethod: [...r.allowedMethods],
      AllowedOrigin: [...r.allowedOrigins],
      ExposeHeader: [...(r.exposeHeaders ?? [])],
      ...(r.maxAgeSeconds === undefined ? {} : { MaxAgeSeconds: r.maxAgeSeconds }),
    })),
  });
}

/** A stored CORS document (the rules as JSON); `undefined` when it no longer validates. */
export function storedCors(bytes: Uint8Array): CorsRule[] | undefined {
  try {
    const rules = JSON.parse(decoder.decode(bytes)) as CorsRule[];
    validateCors({ rules });
    return rules;
  } catch {
    return undefined;
  }
}

/** A PutPublicAccessBlock body (absent settings are false). @throws S3Error MalformedXML (400). */
export function decodePublicAccessBlock(bytes: Uint8Array): PublicAccessBlock {
  const doc: PublicAccessBlockConfiguration = xmlOf(() => parseXml('PublicAccessBlockConfiguration', bytes));
  return {
    BlockPublicAcls: doc.BlockPublicAcls === true,
    IgnorePublicAcls: doc.IgnorePublicAcls === true,
    BlockPublicPolicy: doc.BlockPublicPolicy === true,
    RestrictPublicBuckets: doc.RestrictPublicBuckets === true,
  };
}

/** A stored public access block (JSON); `undefined` when unreadable. */
export function storedPublicAccessBlock(bytes: Uint8Array): PublicAccessBlock | undefined {
  try {
    const v = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
    return {
      BlockPublicAcls: v['BlockPublicAcls'] === true,
      IgnorePublicAcls: v['IgnorePublicAcls'] === true,
      BlockPublicPolicy: v['BlockPublicPolicy'] === true,
      RestrictPublicBuckets: v['RestrictPublicBuckets'] === true,
    };
  } catch {
    return undefined;
  }
}

/** A stored ownership record (`{"account":"<name>"}`); `undefined` when unreadable. */
export function storedOwner(bytes: Uint8Array): string | undefined {
  try {
    const v = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
    return typeof v['account'] === 'string' ? v['account'] : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON bytes a document is stored as. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
