import { STATUS_CODES } from 'node:http';
import { s3Error, type S3Error } from '@s3kit/errors';
import { buildErrorXml } from '@s3kit/xml-shapes';

/**
 * The S3 error for an HTTP request Node's parser refused (the server's `clientError` event):
 * oversized headers (`HPE_HEADER_OVERFLOW`) are `RequestHeaderSectionTooLarge`, Node's header
 * and request timeouts `RequestTimeout`, anything else malformed `InvalidRequest` (all 400).
 */
export function clientErrorOf(err: { code?: string | undefined }): S3Error {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return s3Error('RequestHeaderSectionTooLarge');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return s3Error('RequestTimeout');
    default:
      return s3Error('InvalidRequest', 'The HTTP request could not be parsed.');
  }
}

/** A complete raw HTTP/1.1 response carrying `e` as S3 error XML, closing the connection. */
export function rawErrorResponse(e: S3Error): string {
  const xml = buildErrorXml(e, {});
  let head = `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? 'Error'}\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(xml)}\r\n`;
  for (const [name, value] of Object.entries(e.headers)) head += `${name}: ${value}\r\n`;
  return `${head}Connection: close\r\n\r\n${xml}`;
}

/**
 * The raw HTTP response for a request Node's parser refused before any handler ran (the
 * server's `clientError` event): S3 error XML with the S3 code ({@link clientErrorOf}), then
 * the connection closes.
 */
export function clientErrorResponse(err: { code?: string | undefined }): string {
  return rawErrorResponse(clientErrorOf(err));
}
