import type { IncomingMessage } from 'node:http';
import { s3Error, type S3Error } from '@s3kit/errors';

/**
 * Bytes of the request line and header section as received. Node's own `maxHeaderSize` check
 * can be passed by many small headers (and `maxHeadersCount` silently drops the excess), so
 * the listener counts every header itself (the server sets `maxHeadersCount: 0`).
 */
export function headerSectionBytes(req: IncomingMessage): number {
  // rawHeaders are latin1 strings: one char per byte.
  let n = (req.method?.length ?? 0) + (req.url?.length ?? 0) + 13;
  for (const h of req.rawHeaders) n += h.length + 2;
  return n + 2;
}

/**
 * The S3 error for a request that cannot go to the gateway as it is: an HTTP/1.1 request
 * without `Host` (RFC 9112 §3.2; Node's `requireHostHeader` would answer an empty 400), or a
 * header section over `maxHeaderSize` bytes.
 */
export function malformedRequest(req: IncomingMessage, maxHeaderSize: number): S3Error | undefined {
  if (headerSectionBytes(req) > maxHeaderSize) return s3Error('RequestHeaderSectionTooLarge');
  if (req.httpVersion === '1.1' && req.headers.host === undefined) return s3Error('InvalidRequest', 'Missing required header for this request: Host.');
  return undefined;
}

const QUERY_SIGNATURE = /[?&](?:X-Amz-Signature|Signature)=/i;

/**
 * True for a request with no signature in its headers or query: anonymous requests, and POST
 * forms, whose policy signature is known only once the form was read (their slot is then promoted).
 */
export function isUnsigned(req: IncomingMessage): boolean {
  return req.headers.authorization === undefined && !QUERY_SIGNATURE.test(req.url ?? '');
}
