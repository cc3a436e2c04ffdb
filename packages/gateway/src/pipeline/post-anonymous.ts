import { s3Error, type S3Error } from '@s3kit/errors';
import { DEFAULT_LIMITS, type FormLimits } from '@s3kit/post-policy';
import { decodeField, make as makeParser, type MultipartError, type PartInfo, type Parser } from 'multipasta';
import { checksumChecked } from './body.js';

/**
 * Anonymous browser POST forms (no `policy`, no signature): S3 stores them when the bucket's
 * policy lets anyone write the key. `@s3kit/post-policy`'s `verifyPost` refuses them (it checks
 * signed forms), so this reads them with the same parser (multipasta) and the same limits and
 * field rules: field names case-insensitive, `${filename}` resolved in every field, duplicates
 * refused, `key` required, fields after the file ignored, one file. No policy conditions apply;
 * authorization decides.
 */

const FILENAME = '${filename}';
const FIVE_GIB = 5 * 1024 ** 3;

/** An anonymous form whose fields were read; `file` streams the upload. */
export interface AnonymousForm {
  readonly key: string;
  /** Every field before the file, lower-case names, `${filename}` resolved. */
  readonly fields: ReadonlyMap<string, string>;
  /** Headers for storing the object (as `VerifiedPost.headers`). */
  readonly headers: Record<string, string>;
  /** The file bytes; errors with EntityTooLarge past 5 GiB, BadDigest for a declared checksum, IncorrectNumberOfFilesInPostRequest for a second file. */
  readonly file: AsyncIterable<Uint8Array>;
  /** Stops reading the form. */
  cancel(): Promise<void>;
}

/** The error `verifyPost` answers an anonymous form with (the cue to read it here instead). */
export function isAnonymousRefusal(err: unknown): boolean {
  const e = err as Partial<S3Error>;
  return e.code === 'AccessDenied' && e.message === 'Anonymous POST uploads are not accepted.';
}

function preData(message: string): S3Error {
  return s3Error('MaxPostPreDataLengthExceededError', `Your POST request fields preceding the upload file were too large. ${message}`);
}

function malformed(detail: string): S3Error {
  return s3Error('MalformedPOSTRequest', `The body of your POST request is not well-formed multipart/form-data. ${detail}`);
}

function mapError(e: MultipartError): S3Error {
  switch (e._tag) {
    case 'ReachedLimit':
      return preData(`Limit reached: ${e.limit}.`);
    case 'BadHeaders':
      return e.error.reason === 'HeaderTooLarge' || e.error.reason === 'TooManyHeaders' ? preData('A part header is too large.') : malformed('A part header is invalid.');
    case 'InvalidDisposition':
      return malformed('A part has no form-data name.');
    case 'EndNotReached':
      return malformed('The body ended before the closing boundary.');
    case 'InvalidBoundary':
      return s3Error('RequestIsNotMultiPartContent');
  }
}

/** Form fields that become object headers (S3's POST field names → PUT header names). */
const HEADER_FIELDS: Readonly<Record<string, string>> = {
  'cache-control': 'cache-control',
  'content-type': 'content-type',
  'content-disposition': 'content-disposition',
  'content-encoding': 'content-encoding',
  'content-language': 'content-language',
  expires: 'expires',
  acl: 'x-amz-acl',
  tagging: 'x-amz-tagging',
};

function objectHeader(name: string): string | undefined {
  if (HEADER_FIELDS[name] !== undefined) return HEADER_FIELDS[name];
  const amz =
    name.startsWith('x-amz-meta-') ||
    name === 'x-amz-storage-class' ||
    name === 'x-amz-website-redirect-location' ||
    name.startsWith('x-amz-server-side-encryption') ||
    name.startsWith('x-amz-checksum-') ||
    name.startsWith('x-amz-object-lock-') ||
    /^x-amz-grant-(read|read-acp|write-acp|full-control)$/.test(name);
  return amz ? name : undefined;
}

function baseFilename(name: string | undefined): string {
  if (name === undefined) return '';
  const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return cut === -1 ? name : name.slice(cut + 1);
}

/**
 * Reads an anonymous form's fields (up to the file part).
 * @throws S3Error RequestIsNotMultiPartContent, MalformedPOSTRequest, MaxPostPreDataLengthExceededError,
 *   IncorrectNumberOfFilesInPostRequest, InvalidArgument (no key, duplicate field), UserKeyMustBeSpecified.
 */
export async function readAnonymousForm(body: ReadableStream<Uint8Array>, contentType: string, limits: FormLimits = DEFAULT_LIMITS): Promise<AnonymousForm> {
  const reader = body.getReader();
  const raw: { name: string; value: string }[] = [];
  let fileInfo: { filename: string | undefined } | undefined;
  let pending: Uint8Array[] = [];
  let error: S3Error | undefined;
  let fileEnded = false;
  let parserDone = false;
  let bodyDone = false;
  let values = 0;
  const fail = (e: S3Error): void => {
    if (fileEnded && e.code !== 'IncorrectNumberOfFilesInPostRequest') return;
    error ??= e;
  };
  const parser: Parser = makeParser({
    headers: { 'content-type': contentType },
    isFile: (info) => info.name.toLowerCase() === 'file',
    maxFieldSize: limits.maxFieldSize,
    onField: (info: PartInfo, value: Uint8Array) => {
      if (fileInfo !== undefined) return;
      if (raw.length >= limits.maxFields) return fail(preData(`More than ${limits.maxFields} fields.`));
      if ((values += value.length) > limits.maxPreDataLength) return fail(preData(`Field values exceed ${limits.maxPreDataLength} bytes.`));
      try {
        raw.push({ name: info.name, value: decodeField(info, value) });
      } catch {
        fail(malformed('A field is not valid text.'));
      }
    },
    onFile: (info: PartInfo) => {
      if (fileInfo !== undefined) {
        fail(s3Error('IncorrectNumberOfFilesInPostRequest'));
        return () => {};
      }
      fileInfo = { filename: info.filename };
      return (chunk) => {
        if (chunk === null) fileEnded = true;
        else if (chunk.length > 0) pending.push(chunk);
      };
    },
    onError: (e) => fail(mapError(e)),
    onDone: () => {
      parserDone = true;
    },
  });
  /** Feeds one read of the body to the parser; returns its size (0 at the end). */
  const readOnce = async (): Promise<number> => {
    const { done, value } = await reader.read();
    if (done) {
      bodyDone = true;
      if (!parserDone) parser.end();
      if (!parserDone && !fileEnded) fail(malformed('The body ended before the closing boundary.'));
      return 0;
    }
    try {
      parser.write(value);
    } catch {
      fail(malformed('A part header could not be decoded.'));
    }
    return value.length;
  };
  const cancel = async (): Promise<void> => {
    bodyDone = true;
    await reader.cancel().catch(() => {});
  };

  try {
    while (fileInfo === undefined && error === undefined && !bodyDone) await readOnce();
    if (error !== undefined) throw error;
    if (fileInfo === undefined) throw parserDone ? s3Error('IncorrectNumberOfFilesInPostRequest') : malformed('The body ended before the closing boundary.');
  } catch (e) {
    await cancel();
    throw e;
  }

  const filename = baseFilename((fileInfo as { filename: string | undefined }).filename);
  const fields = new Map<string, string>();
  const headers: Record<string, string> = {};
  try {
    for (const { name, value } of raw) {
      const lower = name.toLowerCase();
      if (lower === 'file') continue;
      if (fields.has(lower)) throw s3Error('InvalidArgument', `POST form field '${name}' appears more than once.`, { details: { ArgumentName: name } });
      const resolved = value.includes(FILENAME) ? value.split(FILENAME).join(filename) : value;
      fields.set(lower, resolved);
      const header = objectHeader(lower);
      if (header !== undefined) headers[header] = resolved;
    }
    const key = fields.get('key');
    if (key === undefined) {
      throw s3Error('InvalidArgument', "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", { details: { ArgumentName: 'key' } });
    }
    if (key === '') throw s3Error('UserKeyMustBeSpecified', 'User key must have a length greater than zero.');
  } catch (e) {
    await cancel();
    throw e;
  }

  async function* bytes(): AsyncGenerator<Uint8Array> {
    let size = 0;
    let finished = false;
    try {
      for (;;) {
        if (pending.length > 0) {
          const out = pending;
          pending = [];
          for (const chunk of out) {
            if ((size += chunk.length) > FIVE_GIB) throw s3Error('EntityTooLarge', undefined, { details: { MaxSizeAllowed: String(FIVE_GIB) } });
            yield chunk;
          }
          continue;
        }
        if (error !== undefined) throw error;
        if (fileEnded) break;
        if (bodyDone) throw malformed('The body ended before the closing boundary.');
        await readOnce();
      }
      // After the file: read (and ignore) what follows within the limit; a second file fails.
      let trailing = 0;
      while (!bodyDone && !parserDone && error === undefined && trailing <= limits.maxTrailingLength) trailing += await readOnce();
      const late = error as S3Error | undefined; // set by the parser callbacks during the reads above
      if (late?.code === 'IncorrectNumberOfFilesInPostRequest') throw late;
      finished = true;
    } finally {
      if (!finished || !bodyDone) await cancel();
    }
  }

  return { key: fields.get('key')!, fields, headers, file: checksumChecked(bytes(), headers), cancel };
}

const xmlEscape = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

function redirectTarget(value: string | undefined): URL | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/**
 * S3's answer to a stored form (as `VerifiedPost.success` gives it for signed forms): 303 to
 * `success_action_redirect`/`redirect` with bucket, key and etag; else `success_action_status`
 * 201 (PostResponse XML), 200, or 204.
 */
export function formAnswer(fields: ReadonlyMap<string, string>, bucket: string, key: string, etag: string, location: string): { status: number; headers: Record<string, string>; body: string } {
  const target = redirectTarget(fields.get('success_action_redirect')) ?? redirectTarget(fields.get('redirect'));
  if (target !== undefined) {
    target.searchParams.append('bucket', bucket);
    target.searchParams.append('key', key);
    target.searchParams.append('etag', etag);
    return { status: 303, headers: { location: target.toString(), etag }, body: '' };
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<PostResponse><Location>${xmlEscape(location)}</Location><Bucket>${xmlEscape(bucket)}</Bucket>` +
      `<Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(etag)}</ETag></PostResponse>`;
    return { status: 201, headers: { 'content-type': 'application/xml', etag, location }, body };
  }
  return { status: status === '200' ? 200 : 204, headers: { etag, location }, body: '' };
}
