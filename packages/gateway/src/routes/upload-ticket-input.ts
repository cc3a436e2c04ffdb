import { s3Error, type S3Error } from '@s3kit/errors';
import { utf8Length, validBucketName } from '@s3kit/xml-shapes/operations';

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

/** Q Apps' `DocumentScope`: a file of the application, or of one session of it. */
export type UploadTicketScope = 'APPLICATION' | 'SESSION';

/** A validated `POST /_s3kit/upload-tickets` body. */
export interface UploadTicketInput {
  readonly bucket: string;
  /** `APPLICATION` (the default) or `SESSION`. */
  readonly scope: UploadTicketScope;
  /** The session's id, lower-cased; set exactly when `scope` is `SESSION`. */
  readonly sessionId: string | undefined;
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

const FIELDS = ['bucket', 'key', 'keyPrefix', 'fileName', 'contentType', 'fileContentsSha256', 'maxBytes', 'expiresIn', 'scope', 'sessionId'];
const SCOPES: readonly string[] = ['APPLICATION', 'SESSION'];
// Q Apps' session id pattern (a v4/v5 UUID), any case.
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
// What a session-scoped key may not hold, so no reader that normalizes paths or decodes percent
// escapes sees it outside its session: `.`/`..`/empty segments, `\`, controls, an escaped `/`, `\` or `.`.
const UNSAFE_PATH = /(?:^|\/)\.{0,2}(?:\/|$)|\\|[\x00-\x1f\x7f]|%(?:2f|5c|2e)/i;

// RFC 9110 token / media-type with parameters (quoted values allowed), no CR/LF or controls.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\\\x00-\\x1f\\x7f]|\\\\[^\\x00-\\x1f\\x7f])*"))*$`);
const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;
const HEX_32 = /^[0-9a-fA-F]{64}$/;
const CONTROL = /[\x00-\x1f\x7f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function invalid(name: string, value: unknown, message: string): S3Error {
  const shown = typeof value === 'string' ? value.slice(0, 200) : (JSON.stringify(value) ?? String(value));
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
 * The key prefix every file of a session-scoped ticket lies under: `<keyPrefix>sessions/<sessionId>/`
 * (`keyPrefix` empty when the ticket names an exact `key`); `undefined` for the application scope.
 */
export function sessionPrefix(input: Pick<UploadTicketInput, 'scope' | 'sessionId' | 'keyPrefix'>): string | undefined {
  return input.scope === 'SESSION' ? `${input.keyPrefix ?? ''}sessions/${input.sessionId ?? ''}/` : undefined;
}

/**
 * The final object key of a ticket: `key`, or `keyPrefix + fileId + '/' + fileName` — with the
 * session scope, `keyPrefix + 'sessions/' + sessionId + '/' + fileId + '/' + fileName`.
 * @throws S3Error KeyTooLongError (400) when the composed key passes 1024 UTF-8 bytes.
 */
export function ticketKey(input: UploadTicketInput, fileId: string): string {
  if (input.key !== undefined) return input.key;
  const key = `${sessionPrefix(input) ?? input.keyPrefix ?? ''}${fileId}/${input.fileName ?? ''}`;
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
  const { scope, sessionId } = parseScope(str('scope', false), str('sessionId', false));
  if (scope === 'SESSION') checkSessionKey(key, keyPrefix, sessionId!);
  return { bucket, scope, sessionId, key, keyPrefix, fileName, contentType, fileContentsSha256, maxBytes, expiresIn };
}

/** `scope` (default `APPLICATION`) and `sessionId` (required with `SESSION`, refused otherwise; lower-cased). */
function parseScope(scope: string | undefined, sessionId: string | undefined): { scope: UploadTicketScope; sessionId: string | undefined } {
  if (scope !== undefined && !SCOPES.includes(scope)) throw invalid('scope', scope, 'scope must be APPLICATION or SESSION.');
  if ((scope ?? 'APPLICATION') === 'APPLICATION') {
    if (sessionId !== undefined) throw invalid('sessionId', sessionId, 'sessionId is only allowed with scope SESSION.');
    return { scope: 'APPLICATION', sessionId: undefined };
  }
  if (sessionId === undefined) throw invalid('sessionId', '', 'sessionId is required with scope SESSION.');
  if (!SESSION_ID.test(sessionId)) throw invalid('sessionId', sessionId, 'sessionId must be a session UUID (8-4-4-4-12 hex digits, version 4 or 5).');
  return { scope: 'SESSION', sessionId: sessionId.toLowerCase() };
}

/**
 * A session-scoped ticket stays inside its session's prefix: `keyPrefix` is empty or ends with
 * `/`, an exact `key` starts with `sessions/<sessionId>/` (and names a file below it), and neither
 * holds a path trick ({@link UNSAFE_PATH}).
 * @throws S3Error InvalidArgument naming `key` or `keyPrefix`.
 */
function checkSessionKey(key: string | undefined, keyPrefix: string | undefined, sessionId: string): void {
  if (keyPrefix !== undefined) {
    if (keyPrefix !== '' && !keyPrefix.endsWith('/')) throw invalid('keyPrefix', keyPrefix, 'With scope SESSION, keyPrefix must be empty or end with "/".');
    if (keyPrefix !== '' && UNSAFE_PATH.test(keyPrefix.slice(0, -1)))
      throw invalid('keyPrefix', keyPrefix, 'With scope SESSION, keyPrefix must not hold ".", ".." or empty segments, "\\", control characters or an escaped "/", "\\" or ".".');
    return;
  }
  const prefix = sessionPrefix({ scope: 'SESSION', sessionId, keyPrefix: undefined })!;
  if (key === undefined || !key.startsWith(prefix) || key.length === prefix.length) {
    throw invalid('key', key ?? '', `With scope SESSION, key must lie under the session's prefix ${prefix}.`);
  }
  if (UNSAFE_PATH.test(key)) throw invalid('key', key, 'With scope SESSION, key must not hold ".", ".." or empty segments, "\\", control characters or an escaped "/", "\\" or ".".');
}
