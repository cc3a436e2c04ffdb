import type { Router } from '@s3kit/xml-shapes/operations';
import type { GatewayRequest, ParsedRequest } from './types.js';

/**
 * Stage 1: normalize the headers and route the request with the @s3kit/xml-shapes catalogue
 * (path-style and virtual-hosted against the router's base domains). The connection facts
 * (client address, TLS, forwarded host) are carried over for policies and URLs.
 * @throws S3Error from the router: MethodNotAllowed, InvalidBucketName, InvalidURI,
 *   KeyTooLongError, NotImplemented (unmodelled sub-resources), InvalidRequest.
 */
export function parseRequest(req: GatewayRequest, router: Router): ParsedRequest {
  const method = req.method.toUpperCase();
  const headerPairs: [string, string][] = [];
  // Many headers (more than any S3 client sends) go into a dictionary: each name a fast-mode
  // record has not seen before costs it a new hidden class, which unknown names must not multiply.
  const headers = Array.isArray(req.headers) && req.headers.length > MAX_FAST_HEADERS ? (Object.create(null) as Record<string, string>) : headerRecord();
  if (Array.isArray(req.headers)) {
    for (const [n, v] of req.headers as readonly (readonly [string, string])[]) addHeader(headerPairs, headers, n, v);
  } else {
    for (const [n, v] of Object.entries(req.headers as Record<string, string | readonly string[] | undefined>)) {
      if (v === undefined) continue;
      if (typeof v === 'string') addHeader(headerPairs, headers, n, v);
      else for (const one of v) addHeader(headerPairs, headers, n, one);
    }
  }
  const route = router.route(method, headers['host'], req.target, undefined, headers);
  const resource = route.bucket === undefined ? '/' : `/${route.bucket}${route.key === undefined ? '' : `/${route.key}`}`;
  return { method, target: req.target, headerPairs, headers, route, resource, remoteAddress: req.remoteAddress, secure: req.secure, host: req.host };
}

function addHeader(pairs: [string, string][], headers: Record<string, string>, name: string, value: string): void {
  const n = name.toLowerCase();
  pairs.push([n, value]);
  const prev = headers[n];
  headers[n] = prev === undefined ? value : `${prev},${value}`;
}

/**
 * Header records have no prototype (a header named `constructor` or `__proto__` is a plain own
 * property), and are made by a constructor so V8 keeps them in fast mode: `Object.create(null)`
 * objects are dictionaries, about twice as slow to build, read and enumerate.
 */
const HeaderRecord = function HeaderRecord() {} as unknown as new () => Record<string, string>;
HeaderRecord.prototype = Object.freeze(Object.create(null));

/** Above this many header lines a request's record is a dictionary (see parseRequest). */
const MAX_FAST_HEADERS = 32;

/** An empty header record (see {@link HeaderRecord}). */
export function headerRecord(): Record<string, string> {
  return new HeaderRecord();
}
