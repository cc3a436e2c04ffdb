// Upload tickets: the s3kit gateway's `POST /_s3kit/upload-tickets` (modelled on Amazon Q Apps
// CreatePresignedUrl) and the form upload a ticket allows. Runtime-neutral (Web APIs only).
// Internal module: S3Client (client.ts) delegates here; option types live beside their functions.

import { s3Error } from '@s3kit/errors';
import { parseXml } from '@s3kit/xml-shapes';
import { checkBucket, type RequestCore, type RequestOptions } from './core.js';
import { formBody, type FormFileData } from './form-data.js';
import { unquote } from './headers.js';

/** The gateway route that issues tickets. */
const TICKETS_PATH = '/_s3kit/upload-tickets';

/** Q Apps' `DocumentScope`: a file of the application, or of one session (`sessionId`). */
export type UploadTicketScope = 'APPLICATION' | 'SESSION';

export interface CreateUploadTicketOptions extends RequestOptions {
  bucket: string;
  /** The file's name (a name, not a path); the key is `keyPrefix + fileId + '/' + fileName`. */
  fileName: string;
  /** The file's SHA-256: base64 of the 32 bytes (as `x-amz-checksum-sha256`) or 64 hex digits. The upload must match it. */
  fileContentsSha256: string;
  /** Largest file the ticket takes (1 byte to 5 GiB). */
  maxBytes: number;
  /** The object's Content-Type (the form must send exactly this). */
  contentType: string;
  /** Prefix of the key. **Default:** `''` (the key is `<fileId>/<fileName>`). */
  keyPrefix?: string;
  /** An exact key instead of `keyPrefix + fileId + '/' + fileName` (with `SESSION`: under `sessions/<sessionId>/`). */
  key?: string;
  /** Seconds the form is valid, 1–604800. **Default:** the gateway's (900). */
  expiresIn?: number;
  /** **Default:** `'APPLICATION'`. `'SESSION'` puts the file under `<keyPrefix>sessions/<sessionId>/`. */
  scope?: UploadTicketScope;
  /** The session's UUID; required with `scope: 'SESSION'`, refused otherwise. */
  sessionId?: string;
}

/** A ticket: the gateway's answer (JSON-safe, so a server can hand it to a browser) plus the key. */
export interface UploadTicket {
  /** A random UUID naming this upload. */
  fileId: string;
  /** The form action (the gateway's URL of the bucket). */
  presignedUrl: string;
  /** The form fields, sent before the file, in order. */
  presignedUrlFields: Record<string, string>;
  /** When the form expires (ISO 8601). */
  presignedUrlExpiration: string;
  /** The object key the file will have. */
  key: string;
}

export interface UploadWithTicketProgress {
  /** File bytes sent so far. */
  loaded: number;
  /** The file's size (`undefined` for a stream without `size`). */
  total: number | undefined;
}

export interface UploadWithTicketOptions extends RequestOptions {
  onProgress?: (p: UploadWithTicketProgress) => void;
  /** Length of a stream `data` (sent as Content-Length; without it the form goes chunked). Blob, bytes and text know theirs. */
  size?: number;
  /** File name of the form's file part. **Default:** the key's last segment. */
  fileName?: string;
}

/** What the upload stored. */
export interface TicketUpload {
  bucket: string;
  key: string;
  /** Unquoted. */
  etag: string;
  versionId: string | undefined;
  /** The PostResponse `Location` (when the ticket asked for 201). */
  location: string | undefined;
}

/**
 * Asks the gateway for an upload ticket: a presigned POST form bound to one file (exact key,
 * Content-Type, at most `maxBytes`, its SHA-256), signed with this client's credentials.
 * @throws S3Error the gateway's codes (InvalidArgument naming the field, AccessDenied, ...).
 */
export async function createUploadTicket(core: RequestCore, options: CreateUploadTicketOptions): Promise<UploadTicket> {
  checkBucket(options.bucket);
  const { bucket, fileName, fileContentsSha256, maxBytes, contentType, key, keyPrefix, expiresIn, scope, sessionId, signal } = options;
  const request = { bucket, fileName, fileContentsSha256, maxBytes, contentType, expiresIn, scope, sessionId, ...(key !== undefined ? { key } : { keyPrefix: keyPrefix ?? '' }) };
  const region = await core.bucketRegion(bucket, signal ? { signal } : {});
  const res = await core.sendPath({ method: 'POST', path: TICKETS_PATH, headers: { 'content-type': 'application/json' }, body: JSON.stringify(request), region, signal });
  const text = await res.body.text();
  let answer: Partial<UploadTicket>;
  try {
    answer = JSON.parse(text) as Partial<UploadTicket>;
  } catch {
    answer = {};
  }
  const fields = answer.presignedUrlFields;
  if (
    typeof answer.fileId !== 'string' ||
    typeof answer.presignedUrl !== 'string' ||
    typeof fields !== 'object' ||
    fields === null ||
    typeof fields['key'] !== 'string' ||
    typeof answer.presignedUrlExpiration !== 'string'
  ) {
    throw s3Error('InternalError', `The gateway's upload ticket answer is not a ticket: ${text.slice(0, 200)}`);
  }
  return { fileId: answer.fileId, presignedUrl: answer.presignedUrl, presignedUrlFields: fields, presignedUrlExpiration: answer.presignedUrlExpiration, key: fields['key'] };
}

/**
 * Posts `data` to a ticket's form (its fields, then the file), streaming it: a hand-built
 * multipart body, so streams are never buffered, the length is sent when known and `onProgress`
 * sees the file bytes as they go. No credentials needed (the form is signed).
 * @throws S3Error the form's refusals (EntityTooLarge, BadDigest, AccessDenied, ...).
 */
export async function uploadWithTicket(
  core: RequestCore,
  ticket: Pick<UploadTicket, 'presignedUrl' | 'presignedUrlFields'>,
  data: FormFileData,
  options: UploadWithTicketOptions = {},
): Promise<TicketUpload> {
  const fields = ticket.presignedUrlFields;
  const key = fields['key'];
  if (typeof ticket.presignedUrl !== 'string' || key === undefined) throw new TypeError('uploadWithTicket: a ticket has presignedUrl and presignedUrlFields.key');
  const form = formBody(fields, {
    data,
    fileName: options.fileName ?? key.slice(key.lastIndexOf('/') + 1),
    contentType: fields['Content-Type'] ?? 'application/octet-stream',
    size: options.size,
  });
  const progress = options.onProgress;
  const open = () => form.open(progress && ((loaded) => progress({ loaded, total: form.fileSize })));
  const res = await core.sendUrl({
    method: 'POST',
    url: ticket.presignedUrl,
    headers: { 'content-type': form.contentType },
    body: form.replayable ? open : open(),
    contentLength: form.length ?? 'unknown',
    signal: options.signal,
  });
  const text = await res.body.text();
  const posted = res.statusCode === 201 && text !== '' ? parseXml('PostResponse', text) : undefined;
  return {
    bucket: posted?.Bucket ?? fields['bucket'] ?? '',
    key: posted?.Key ?? key,
    etag: unquote(posted?.ETag ?? res.headers['etag']),
    versionId: res.headers['x-amz-version-id'],
    location: posted?.Location ?? res.headers['location'],
  };
}
