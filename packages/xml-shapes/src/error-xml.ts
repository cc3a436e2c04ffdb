import { S3Error } from '@s3kit/errors';
import { scanXml, type XmlDocument } from './fast-scan.js';
import { bodyText, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH } from './xml-guard.js';
import { escapeText, malformed } from './xml-text.js';

const STANDARD = new Set(['Code', 'Message', 'Resource', 'RequestId', 'HostId']);

/** Response headers, as a Web `Headers` or a record with lowercase names. */
export type ErrorHeaders = Headers | Readonly<Record<string, string | readonly string[] | number | undefined>>;

function header(headers: ErrorHeaders | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const v = (headers as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
}

// What the AWS SDKs call an error response without a body (HEAD requests), by status.
const BODYLESS: Readonly<Record<number, string>> = {
  301: 'PermanentRedirect',
  304: 'NotModified',
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  412: 'PreconditionFailed',
  416: 'InvalidRange',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** Options for {@link parseErrorXml}. */
export interface ParseErrorOptions {
  /** The response's HTTP status; overrides the table's status for the code. */
  readonly status?: number;
  /** Largest body accepted. **Default:** 16 MiB. */
  readonly maxBytes?: number;
}

/** Builds the S3Error an `<Error>` document describes. */
export function errorFromDocument(doc: XmlDocument, headers?: ErrorHeaders, status?: number): S3Error {
  if (doc.name !== 'Error') throw malformed(`expected <Error>, found <${doc.name}>`);
  const fields: Record<string, string> = {};
  const details: Record<string, string> = {};
  const v = doc.value;
  if (typeof v !== 'string') {
    for (const name in v) {
      if (name.charCodeAt(0) === 64 /* @ */ || name === '#text') continue;
      const raw = v[name];
      const first = Array.isArray(raw) ? raw[0] : raw;
      const text = typeof first === 'string' ? first : typeof first?.['#text'] === 'string' ? first['#text'] : '';
      if (STANDARD.has(name)) fields[name] = text;
      else details[name] = text;
    }
  }
  const code = fields['Code'];
  if (code === undefined || code === '') throw malformed('<Error> needs a <Code> element');
  const requestId = fields['RequestId'] ?? header(headers, 'x-amz-request-id');
  const hostId = fields['HostId'] ?? header(headers, 'x-amz-id-2');
  return new S3Error(code, {
    // Ceph RGW sends <Message></Message>; an empty message falls back to the table's.
    ...(fields['Message'] === undefined || fields['Message'] === '' ? {} : { message: fields['Message'] }),
    ...(status === undefined ? {} : { status }),
    ...(fields['Resource'] === undefined ? {} : { resource: fields['Resource'] }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(hostId === undefined ? {} : { hostId }),
    details,
  });
}

/**
 * Parses an S3 `<Error>` body into an {@link S3Error}: code, message, resource, request id and
 * host id (falling back to the `x-amz-request-id` / `x-amz-id-2` headers), and every other
 * child element (`StringToSign`, `Key`, `BucketName`, …) in `details`. An empty body (HEAD
 * responses) gives the code the AWS SDKs use for the status (`NotFound` for 404, …).
 *
 * @throws S3Error MalformedXML when the body is not an `<Error>` document.
 * @example parseErrorXml('<Error><Code>NoSuchKey</Code></Error>').status // 404
 */
export function parseErrorXml(body: string | Uint8Array, headers?: ErrorHeaders, options: ParseErrorOptions = {}): S3Error {
  const text = bodyText(body, options.maxBytes ?? DEFAULT_MAX_BYTES);
  if (text.trim() === '') {
    const status = options.status;
    const code = status === undefined ? 'UnknownError' : (BODYLESS[status] ?? `Http${status}`);
    const requestId = header(headers, 'x-amz-request-id');
    const hostId = header(headers, 'x-amz-id-2');
    return new S3Error(code, {
      ...(status === undefined ? {} : { status }),
      ...(requestId === undefined ? {} : { requestId }),
      ...(hostId === undefined ? {} : { hostId }),
    });
  }
  return errorFromDocument(scanXml(text, DEFAULT_MAX_DEPTH), headers, options.status);
}

/** Options for {@link buildErrorXml}; each overrides the error's own field. */
export interface BuildErrorOptions {
  readonly requestId?: string;
  readonly hostId?: string;
  readonly resource?: string;
}

const XML_NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/**
 * Renders an S3Error as S3's `<Error>` body: Code, Message, the details, Resource, RequestId,
 * HostId. Only details whose names start with an upper-case letter are written (S3's own
 * fields such as `StringToSign`); lower-case ones such as `reason` are for logs only.
 *
 * @example buildErrorXml(new S3Error('NoSuchKey', { resource: '/b/k' }), { requestId: 'R1' })
 */
export function buildErrorXml(err: S3Error, options: BuildErrorOptions = {}): string {
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeText(err.code)}</Code><Message>${escapeText(err.message)}</Message>`;
  for (const [name, value] of Object.entries(err.details)) {
    const c = name.charCodeAt(0);
    if (c < 65 || c > 90 || !XML_NAME.test(name) || STANDARD.has(name)) continue;
    out += `<${name}>${escapeText(value)}</${name}>`;
  }
  const resource = options.resource ?? err.resource;
  const requestId = options.requestId ?? err.requestId;
  const hostId = options.hostId ?? err.hostId;
  if (resource !== undefined) out += `<Resource>${escapeText(resource)}</Resource>`;
  if (requestId !== undefined) out += `<RequestId>${escapeText(requestId)}</RequestId>`;
  if (hostId !== undefined) out += `<HostId>${escapeText(hostId)}</HostId>`;
  return out + '</Error>';
}
