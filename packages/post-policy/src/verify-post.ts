import {
  AccessDenied,
  BadDigest,
  EntityTooLarge,
  EntityTooSmall,
  InvalidArgument,
  MalformedPOSTRequest,
  RequestIsNotMultiPartContent,
  UserKeyMustBeSpecified,
  s3ErrorOf,
  type S3Error,
} from '@s3kit/errors';
import type { CryptoProvider, SigningKeyCache } from '@s3kit/sigv4';
import { conditionHolds, describeCondition } from './conditions.js';
import { type DeclaredChecksum, declaredChecksum } from './file-checksum.js';
import { baseFilename, isExemptField, mustContain, objectHeaders } from './form-fields.js';
import { DEFAULT_LIMITS, MultipartForm, type FormLimits } from './multipart-form.js';
import { boundaryOf } from './multipart-parser.js';
import { decodePolicy } from './policy-document.js';
import { verifySignature } from './verify-signature.js';
import { successResponse, type SuccessInput } from './success-response.js';

/** The secret for an access key id, or undefined when the key is unknown. */
export type PostCredentialsLookup = (
  accessKeyId: string,
) => Promise<{ secretAccessKey: string; sessionToken?: string | undefined } | undefined> | { secretAccessKey: string; sessionToken?: string | undefined } | undefined;

/** The request to verify: a Fetch `Request`, or its headers, body and URL. */
export interface PostRequest {
  headers: Headers | Readonly<Record<string, string>>;
  body: ReadableStream<Uint8Array> | null;
  url?: string;
}

export interface VerifyPostOptions {
  /** The bucket the form was posted to (from the URL); it is the `bucket` input the policy must cover. */
  bucket: string;
  getCredentials: PostCredentialsLookup;
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
  /** Limits on the form before the file. Defaults: {@link DEFAULT_LIMITS}. */
  limits?: Partial<FormLimits>;
  /** Largest file accepted when the policy has no content-length-range. Default 5 GiB (S3's POST limit). */
  maxObjectSize?: number;
  crypto?: CryptoProvider;
  signingKeyCache?: SigningKeyCache;
  /**
   * Accept forms with no `policy` and no signature fields (S3 stores them when the bucket lets
   * anyone write the key: the caller must authorize). They are read with the same parser, limits
   * and field rules; no policy conditions apply and `identity` is `undefined`. Default `false`
   * (such forms fail with AccessDenied).
   */
  allowAnonymous?: boolean;
}

/** Who signed the form. */
export interface PostIdentity {
  accessKeyId: string;
  signatureVersion: 'v4' | 'v2';
  /** SigV4 scope from x-amz-credential. */
  scope?: { date: string; region: string; service: string };
  sessionToken?: string;
}

/** A form whose policy, signature and conditions passed. Read `file` to get the verified bytes. */
export interface VerifiedPost {
  bucket: string;
  /** The object key with `${filename}` resolved. */
  key: string;
  /** The object's Content-Type from the form's Content-Type field, if any. */
  contentType: string | undefined;
  /** Headers for storing the object: content-*, cache-control, expires, x-amz-acl, x-amz-meta-*, x-amz-checksum-*, SSE, storage class. */
  headers: Record<string, string>;
  /** User metadata (`x-amz-meta-*`) without the prefix. */
  metadata: Record<string, string>;
  /** Every field before the file, lower-case names, `${filename}` resolved. */
  fields: ReadonlyMap<string, string>;
  /** The uploaded file's name without any client path ('' when none was sent). */
  filename: string;
  /** The Content-Type header of the file part itself (S3 stores the form's Content-Type field, not this). */
  fileContentType: string | undefined;
  /**
   * The file bytes. Errors with EntityTooLarge the moment the size passes the maximum, and with
   * EntityTooSmall or BadDigest at the end. Cancel it to stop reading the request body.
   */
  file: ReadableStream<Uint8Array>;
  /** Who signed the form; `undefined` only for an anonymous form (accepted with `allowAnonymous`). */
  identity: PostIdentity | undefined;
  /** The size bounds enforced on `file`. */
  contentLengthRange: { min: number; max: number };
  /** The response S3 sends once the object is stored (303 redirect, 200, 201 XML or 204). */
  success(input: SuccessInput): Response;
}

const FILENAME = '${filename}';
const FIVE_GIB = 5 * 1024 ** 3;

function header(h: PostRequest['headers'], name: string): string | undefined {
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined;
  const rec = h as Record<string, string>;
  for (const k of Object.keys(rec)) if (k.toLowerCase() === name) return rec[k];
  return undefined;
}

function policyFailed(message: string): S3Error {
  return s3ErrorOf(AccessDenied, `Invalid according to Policy: ${message}`);
}

/**
 * Verifies a browser POST upload (S3 POST Object) as S3 does: parses the form while it streams,
 * checks the policy's expiration, its signature (SigV4 or SigV2) through `getCredentials`, every
 * condition, and that every field is covered. Resolves once the file part starts; the returned
 * `file` stream enforces content-length-range and the declared checksum while it is read.
 */
export async function verifyPost(request: PostRequest, options: VerifyPostOptions): Promise<VerifiedPost> {
  const contentType = header(request.headers, 'content-type') ?? '';
  const boundary = /^multipart\/form-data\s*;/i.test(contentType) ? boundaryOf(contentType) : undefined;
  if (boundary === undefined) throw s3ErrorOf(RequestIsNotMultiPartContent);
  if (request.body === null) throw s3ErrorOf(MalformedPOSTRequest);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const form = new MultipartForm(request.body, boundary, limits);
  try {
    await form.readFields();
    return await check(form, request, options);
  } catch (e) {
    await form.cancel(e);
    throw e;
  }
}

async function check(form: MultipartForm, request: PostRequest, options: VerifyPostOptions): Promise<VerifiedPost> {
  const filename = baseFilename(form.file!.filename);

  // Field names are case-insensitive; ${filename} is replaced in every field.
  const raw = new Map<string, string>();
  for (const { name, value } of form.fields) {
    const lower = name.toLowerCase();
    if (lower === 'file') continue;
    if (raw.has(lower)) throw s3ErrorOf(InvalidArgument, `POST form field '${name}' appears more than once.`, { details: { ArgumentName: name } });
    raw.set(lower, value);
  }
  const fields = new Map<string, string>();
  for (const [name, value] of raw) fields.set(name, value.includes(FILENAME) ? value.split(FILENAME).join(filename) : value);
  // The bucket is an input of the policy, taken from the URL.
  fields.set('bucket', options.bucket);

  const key = fields.get('key');
  if (key === undefined) throw mustContain('key');
  if (key === '') throw s3ErrorOf(UserKeyMustBeSpecified, 'User key must have a length greater than zero.');

  let min = 0;
  let max = options.maxObjectSize ?? FIVE_GIB;
  let identity: PostIdentity | undefined;
  const policyB64 = raw.get('policy');
  if (policyB64 === undefined) {
    if (raw.has('x-amz-signature') || raw.has('signature') || raw.has('awsaccesskeyid') || raw.has('x-amz-credential')) throw mustContain('policy');
    // Anonymous: no policy, so no conditions; whoever stores it authorizes the key.
    if (options.allowAnonymous !== true) throw s3ErrorOf(AccessDenied, 'Anonymous POST uploads are not accepted.');
  } else {
    const policy = decodePolicy(policyB64);
    const now = (options.now ?? Date.now)();
    if (now >= policy.expiresAt) throw policyFailed('Policy expired.');

    identity = await verifySignature(raw, policyB64, options);

    // Every condition must hold.
    const covered = new Set<string>();
    for (const n of policy.conditions) {
      if (n.kind === 'content-length-range') {
        if (n.min > n.max) throw policyFailed(`Policy Condition failed: ${describeCondition(n)}`);
        min = Math.max(min, n.min);
        max = Math.min(max, n.max);
        continue;
      }
      covered.add(n.field);
      if (!conditionHolds(n, fields)) throw policyFailed(`Policy Condition failed: ${describeCondition(n)}`);
    }
    const extra = [...fields.keys()].filter((name) => !isExemptField(name) && !covered.has(name));
    if (extra.length > 0) throw policyFailed(`Extra input fields: ${extra.join(', ')}`);
  }

  const checksum = declaredChecksum(fields, options.crypto);
  const headers = objectHeaders(fields);
  const metadata: Record<string, string> = {};
  for (const [name, value] of fields) if (name.startsWith('x-amz-meta-')) metadata[name.slice(11)] = value;
  const file = fileStream(form, min, max, checksum);
  const ctx = { bucket: options.bucket, key, fields, requestUrl: request.url };
  return {
    bucket: options.bucket,
    key,
    contentType: fields.get('content-type'),
    headers,
    metadata,
    fields,
    filename,
    fileContentType: form.file!.contentType,
    file,
    identity,
    contentLengthRange: { min, max },
    success: (input) => successResponse(ctx, input),
  };
}

function fileStream(form: MultipartForm, min: number, max: number, checksum: DeclaredChecksum | undefined): ReadableStream<Uint8Array> {
  let size = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const chunks = await form.nextFileChunks();
          if (chunks === null) {
            if (size < min) {
              throw s3ErrorOf(EntityTooSmall, undefined, { details: { ProposedSize: String(size), MinSizeAllowed: String(min) } });
            }
            if (checksum !== undefined) {
              const actual = checksum.state.digestBase64();
              if (actual !== checksum.expected) throw s3ErrorOf(BadDigest, `The ${checksum.name} you specified did not match the calculated checksum.`);
            }
            await form.finish();
            controller.close();
            return;
          }
          for (const chunk of chunks) {
            size += chunk.length;
            if (size > max) {
              throw s3ErrorOf(EntityTooLarge, undefined, { details: { ProposedSize: String(size), MaxSizeAllowed: String(max) } });
            }
            checksum?.state.update(chunk);
            controller.enqueue(chunk);
          }
        } catch (e) {
          controller.error(e);
          await form.cancel(e);
        }
      },
      cancel: (reason) => form.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}
