import { S3Error } from '@s3kit/errors';
import { parseErrorXml } from '@s3kit/xml-shapes';

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

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Response headers worth keeping on the error (never auth material). A GET/HEAD of a delete
 * marker answers 404 or 405 with `x-amz-delete-marker` and `x-amz-version-id`: the only way a
 * client (or a gateway passing the error on) tells "deleted" from "never existed".
 */
const KEPT_HEADERS = ['x-amz-bucket-region', 'retry-after', 'location', 'allow', 'x-amz-request-id', 'x-amz-id-2', 'x-amz-delete-marker', 'x-amz-version-id'];

/**
 * @param status HTTP status of the response
 * @param headers lowercase response headers
 * @param body the response body as text (may be empty, e.g. for HEAD)
 * @returns the `S3Error`: `code` from `<Code>` or from the status, `requestId` from
 *   `<RequestId>`/`x-amz-request-id`, `hostId` from `<HostId>`/`x-amz-id-2`, and for region
 *   errors `details.Region` from `x-amz-bucket-region` (or `<Region>`).
 */
export function s3ErrorFromResponse(status: number, headers: HeaderBag, body: string): S3Error {
  let parsed: S3Error | undefined;
  if (body.includes('<Error')) {
    try {
      parsed = parseErrorXml(body, headers as Record<string, string | string[] | undefined>, { status });
    } catch {
      // Not an S3 <Error> document (an HTML page from a proxy, a cut-off body): use the status.
    }
  }
  const details: Record<string, string> = { ...(parsed?.details ?? {}) };
  const bucketRegion = header(headers, 'x-amz-bucket-region');
  if (bucketRegion !== undefined && details['Region'] === undefined) details['Region'] = bucketRegion;
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = header(headers, name);
    if (v !== undefined) kept[name] = v;
  }
  const requestId = parsed?.requestId ?? header(headers, 'x-amz-request-id');
  const hostId = parsed?.hostId ?? header(headers, 'x-amz-id-2');
  const code = parsed?.code ?? codeForStatus(status);
  const message = parsed === undefined ? `${code} (HTTP ${status}) with no S3 error body` : parsed.message;
  return new S3Error(code, {
    status,
    message,
    ...(parsed?.resource === undefined ? {} : { resource: parsed.resource }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(hostId === undefined ? {} : { hostId }),
    details,
    headers: kept,
  });
}
