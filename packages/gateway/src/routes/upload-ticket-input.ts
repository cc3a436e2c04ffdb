import { s3Error, type S3Error } from '@s3kit/errors';
import { validBucketName } from '@s3kit/xml-shapes/operations';

/** Bounds of an upload ticket request. */
export const UPLOAD_TICKET_LIMITS = Object.freeze({
  /** Bytes of JSON body read at most (MaxMessageLengthExceeded beyond). */
  maxBodyBytes: 16 * 1024,
  /** Largest `maxBytes` (S3's single-upload limit, 5 GiB). */
  maxObjectBytes: 5 * 1024 ** 3,
  /** Longest `expiresIn` (seconds, as presigned URLs: 7 days). */
  maxExpiresIn: 604_800,
  /** `expiresIn` when the request leaves it out. */
  defaultExpiresIn: 900,
  /** Longest key in UTF-8 bytes (S3's limit). */
  maxKeyBytes: 1024,
  /** Longest file name in UTF-8 bytes. */
  maxFileNameBytes: 255,
  /** Longest content type. */
  maxContentTypeLength: 256,
});

/** A validated `POST /_s3kit/upload-tickets` body. */
export interface UploadTicketInput {
  readonly bucket: string;
  /** Exactly one of `key` and `keyPrefix`. */
  readonly key: string | undefined;
  readonly keyPrefix: string | undefined;
  /** Required with `keyPrefix` (the key is `keyPrefix + fileId + '/' + fileName`); optional with `key`. */
  readonly fileName: string | undefined;
  readonly contentType: string;
  /** Base64 SHA-256 of the file (as `x-amz-checksum-sha256`), normalized from hex when given so. */
  readonly fileContentsSha256: string;
  readonly maxBytes: number;
  readonly expiresIn: number;
}

const FIELDS = ['bucket', 'key', 'keyPrefix', 'fileName', 'contentType', 'fileContentsSha256', 'maxBytes', 'expiresIn'];

// RFC 9110 token / media-type with parameters (quoted values allowed), no CR/LF or controls.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\\\x00-\\x1f\\x7f]|\\\\[^\\x00-\\x1f\\x7f])*"))*$`);
const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;
const HEX_32 = /^[0-9a-fA-F]{64}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

function invalid(name: string, value: unknown, message: string): S3Error {
  const shown = typeof value === 'string' ? value.slice(0, 200) : JSON.stringify(value) ?? String(value);
  return s3Error('InvalidArgument', message, { details: { ArgumentName: name, ArgumentValue: shown } });
}

function hexToBase64(hex: string): string {
  let bin = '';
  for (let i = 0; i < hex.length; i += 2) bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(bin);
}

/** Checks a key or key prefix: UTF-8 text S3 can store, no `${filename}` placeholder (the key must be exact). */
function checkKeyText(name: string, v: string): void {
  if (LONE_SURROGATE.test(v)) throw invalid(name, v, `${name} is not valid UTF-8 text.`);
  if (v.includes('${')) throw invalid(name, v, `${name} must not contain "\${": a ticket binds one exact key, not a \${filename} template.`);
  if (utf8Length(v) > UPLOAD_TICKET_LIMITS.maxKeyBytes) throw s3Error('KeyTooLongError', `${name} is longer than ${UPLOAD_TICKET_LIMITS.maxKeyBytes} bytes.`, { details: { ArgumentName: name } });
}

/**
 * The final object key of a ticket: `key`, or `keyPrefix + fileId + '/' + fileName`.
 * @throws S3Error KeyTooLongError (400) when the composed key passes 1024 UTF-8 bytes.
 */
export function ticketKey(input: UploadTicketInput, fileId: string): string {
  if (input.key !== undefined) return input.key;
  const key = `${input.keyPrefix ?? ''}${fileId}/${input.fileName ?? ''}`;
  if (utf8Length(key) > UPLOAD_TICKET_LIMITS.maxKeyBytes) {
    throw s3Error('KeyTooLongError', `keyPrefix + fileId + "/" + fileName is longer than ${UPLOAD_TICKET_LIMITS.maxKeyBytes} bytes.`, { details: { ArgumentName: 'keyPrefix' } });
  }
  return key;
}

/**
 * Validates the JSON body of an upload ticket request.
 * @throws S3Error InvalidRequest (not a JSON object), InvalidArgument (a field missing, of the wrong
 *   type, out of range, or unknown: `ArgumentName` names it), InvalidBucketName, KeyTooLongError.
 */
export function parseUploadTicketInput(text: string): UploadTicketInput {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw s3Error('InvalidRequest', `The upload ticket request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw s3Error('InvalidRequest', 'The upload ticket request body must be a JSON object.');
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!FIELDS.includes(k)) throw invalid(k, o[k], `Unknown field ${JSON.stringify(k)} (expected: ${FIELDS.join(', ')}).`);
  }
  const str = (name: string, required: boolean): string | undefined => {
    const v = o[name];
    if (v === undefined || v === null) {
      if (required) throw invalid(name, '', `${name} is required.`);
      return undefined;
    }
    if (typeof v !== 'string') throw invalid(name, v, `${name} must be a string.`);
    return v;
  };
  const int = (name: string, min: number, max: number, def?: number): number => {
    const v = o[name];
    if ((v === undefined || v === null) && def !== undefined) return def;
    if (v === undefined || v === null) throw invalid(name, '', `${name} is required.`);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw invalid(name, v, `${name} must be an integer from ${min} to ${max}.`);
    return v;
  };

  const bucket = str('bucket', true)!;
  if (!validBucketName(bucket)) throw s3Error('InvalidBucketName', `The specified bucket is not valid: ${JSON.stringify(bucket.slice(0, 100))}.`, { resource: bucket.slice(0, 100) });

  const key = str('key', false);
  const keyPrefix = str('keyPrefix', false);
  if (key !== undefined && keyPrefix !== undefined) throw invalid('keyPrefix', keyPrefix, 'Give key or keyPrefix, not both.');
  if (key === undefined && keyPrefix === undefined) throw invalid('key', '', 'key or keyPrefix is required.');
  if (key !== undefined) {
    if (key === '') throw invalid('key', key, 'key must not be empty.');
    checkKeyText('key', key);
  }
  if (keyPrefix !== undefined) checkKeyText('keyPrefix', keyPrefix);

  const fileName = str('fileName', keyPrefix !== undefined);
  if (fileName !== undefined) {
    if (fileName === '' || fileName === '.' || fileName === '..') throw invalid('fileName', fileName, 'fileName must be a file name (not empty, "." or "..").');
    if (/[/\\]/.test(fileName)) throw invalid('fileName', fileName, 'fileName must not contain "/" or "\\" (a name, not a path).');
    if (CONTROL.test(fileName) || LONE_SURROGATE.test(fileName)) throw invalid('fileName', fileName, 'fileName must not contain control characters or invalid UTF-16.');
    if (fileName.includes('${')) throw invalid('fileName', fileName, 'fileName must not contain "${".');
    if (utf8Length(fileName) > UPLOAD_TICKET_LIMITS.maxFileNameBytes) throw invalid('fileName', fileName, `fileName is longer than ${UPLOAD_TICKET_LIMITS.maxFileNameBytes} bytes.`);
  }

  const contentType = str('contentType', true)!;
  if (contentType.length > UPLOAD_TICKET_LIMITS.maxContentTypeLength || !MEDIA_TYPE.test(contentType)) {
    throw invalid('contentType', contentType, 'contentType must be a media type such as "image/png" or "text/plain; charset=utf-8".');
  }

  const sha = str('fileContentsSha256', true)!;
  let fileContentsSha256: string;
  // Re-encoded so a non-canonical last character still names the digest the browser's form will carry.
  if (BASE64_32.test(sha)) fileContentsSha256 = btoa(atob(sha));
  else if (HEX_32.test(sha)) fileContentsSha256 = hexToBase64(sha);
  else throw invalid('fileContentsSha256', sha, 'fileContentsSha256 must be the SHA-256 of the file: base64 of 32 bytes (as x-amz-checksum-sha256) or 64 hex digits.');

  const maxBytes = int('maxBytes', 1, UPLOAD_TICKET_LIMITS.maxObjectBytes);
  const expiresIn = int('expiresIn', 1, UPLOAD_TICKET_LIMITS.maxExpiresIn, UPLOAD_TICKET_LIMITS.defaultExpiresIn);
  return { bucket, key, keyPrefix, fileName, contentType, fileContentsSha256, maxBytes, expiresIn };
}
