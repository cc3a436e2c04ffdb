import { S3Error } from '@s3kit/errors';

/**
 * Turns a non-2xx S3 response (status, headers, body text) into an `S3Error`.
 * Runtime-neutral: used by the undici interceptor and by the fetch transport.
 */

/** Codes for error responses without an S3 `<Error>` body (HEAD, proxies, load balancers). */
const STATUS_CODES: Record<number, string> = {
  301: 'PermanentRedirect',
  307: 'TemporaryRedirect',
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  411: 'MissingContentLength',
  412: 'PreconditionFailed',
  416: 'InvalidRange',
  429: 'SlowDown',
  500: 'InternalError',
  501: 'NotImplemented',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** The S3 code a status maps to when the response has no `<Error>` body. */
export function codeForStatus(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'InternalError' : `Http${status}`);
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (hex !== undefined) return String.fromCodePoint(Number.parseInt(hex, 16));
    if (dec !== undefined) return String.fromCodePoint(Number.parseInt(dec, 10));
    return NAMED[name ?? ''] ?? '';
  });
}

const ERROR_ELEMENT = /<Error\b[^>]*>([\s\S]*?)<\/Error>/;
const CHILD = /<([A-Za-z][\w.-]*)\b[^>]*?(?:\/>|>([^<]*)<\/\1>)/g;

/**
 * Reads the flat child elements of an S3 `<Error>` document. Returns undefined when the text
 * holds no `<Error>` element. Nested elements are skipped (S3 error bodies are flat).
 *
 * TODO(xml-shapes): switch to `parseErrorXml` from `@s3kit/xml-shapes` once it is published;
 * this local extractor exists because that package was still being written.
 */
export function parseErrorFields(xml: string): Record<string, string> | undefined {
  const match = ERROR_ELEMENT.exec(xml);
  if (!match) return undefined;
  const fields: Record<string, string> = {};
  const inner = match[1] ?? '';
  CHILD.lastIndex = 0;
  for (let m = CHILD.exec(inner); m !== null; m = CHILD.exec(inner)) {
    const name = m[1] as string;
    if (!(name in fields)) fields[name] = decodeXml((m[2] ?? '').trim());
  }
  return fields;
}

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Response headers worth keeping on the error (never auth material). */
const KEPT_HEADERS = ['x-amz-bucket-region', 'retry-after', 'location', 'allow', 'x-amz-request-id', 'x-amz-id-2'];

/**
 * @param status HTTP status of the response
 * @param headers lowercase response headers
 * @param body the response body as text (may be empty, e.g. for HEAD)
 * @returns the `S3Error`: `code` from `<Code>` or from the status, `requestId` from
 *   `<RequestId>`/`x-amz-request-id`, `hostId` from `<HostId>`/`x-amz-id-2`, and for region
 *   errors `details.Region` from `x-amz-bucket-region` (or `<Region>`).
 */
export function s3ErrorFromResponse(status: number, headers: HeaderBag, body: string): S3Error {
  const fields = body.length > 0 ? parseErrorFields(body) : undefined;
  const { Code, Message, Resource, RequestId, HostId, ...rest } = fields ?? {};
  const details: Record<string, string> = rest;
  const bucketRegion = header(headers, 'x-amz-bucket-region');
  if (bucketRegion !== undefined && details['Region'] === undefined) details['Region'] = bucketRegion;
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = header(headers, name);
    if (v !== undefined) kept[name] = v;
  }
  const requestId = RequestId || header(headers, 'x-amz-request-id');
  const hostId = HostId || header(headers, 'x-amz-id-2');
  const code = Code || codeForStatus(status);
  const message = Message || (fields === undefined ? `${code} (HTTP ${status}) with no S3 error body` : undefined);
  return new S3Error(code, {
    status,
    ...(message === undefined ? {} : { message }),
    ...(Resource ? { resource: Resource } : {}),
    ...(requestId ? { requestId } : {}),
    ...(hostId ? { hostId } : {}),
    details,
    headers: kept,
  });
}
