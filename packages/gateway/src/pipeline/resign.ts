import type { AbortSignalLike, TransportRequest } from '@s3kit/http-transport';
import { STREAMING_UNSIGNED_PAYLOAD_TRAILER, checksumAlgorithmOf, chunkedHeaders, chunkedLengths, encodeChunked, uriEncode } from '@s3kit/sigv4';
import { asAsyncIterable, type UpstreamRequest } from '../upstreams/upstream.js';
import { EXCHANGE_ABORT, abortOf, type AbortableRequest } from './abort.js';
import { isDigestParam } from './digests.js';
import { withoutHopByHop } from './hop-by-hop.js';
import type { Authenticated, ParsedRequest } from './types.js';

/** Client authentication in the query (SigV4 presign and SigV2 query auth): never forwarded. */
const AUTH_QUERY = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
  'awsaccesskeyid',
  'signature',
  'expires',
]);

/** Client authentication and framing headers: never forwarded as they are. */
const AUTH_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'x-amz-content-sha256',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-decoded-content-length',
  'x-amz-trailer',
  'host',
  'expect',
  'date',
]);

/**
 * Carries the client's trailer checksum algorithm to a remote upstream that takes trailers
 * (`profile.trailers`), which re-frames the body with its own trailer. Never sent as is.
 */
export const TRAILER_HINT = 'x-s3kit-trailer';

/**
 * Stage 4a: the request in upstream terms, with the client's auth removed (header and query)
 * and `aws-chunked` framing replaced by the decoded body and its length. `Content-MD5` and
 * `x-amz-checksum-*` headers stay (those of a signed query become headers), so the upstream
 * checks the data too. A verified hex SHA-256
 * stays as `x-amz-content-sha256` (the body forwarded is exactly the signed one), so a remote
 * upstream can be asked to check it again.
 */
export function toUpstreamRequest(parsed: ParsedRequest, auth: Authenticated, signal: AbortSignalLike | undefined, extra?: Pick<UpstreamRequest, 'requester' | 'owner'>): AbortableRequest {
  const headers = withoutHopByHop(parsed.headers, AUTH_HEADERS);
  const decoded = parsed.headers['x-amz-decoded-content-length'];
  const chunked = auth.payloadMode === 'streaming' || auth.payloadMode === 'streaming-trailer' || auth.payloadMode === 'streaming-unsigned-trailer';
  if (chunked) {
    const rest = (headers['content-encoding'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s !== 'aws-chunked');
    if (rest.length > 0) headers['content-encoding'] = rest.join(',');
    else delete headers['content-encoding'];
    if (decoded !== undefined) headers['content-length'] = decoded;
    else delete headers['content-length'];
    const trailer = parsed.headers['x-amz-trailer'];
    if (trailer?.startsWith('x-amz-checksum-')) headers[TRAILER_HINT] = trailer.trim().toLowerCase();
  }
  if (auth.payloadMode === 'sha256' && auth.body !== undefined) headers['x-amz-content-sha256'] = parsed.headers['x-amz-content-sha256']!.toLowerCase();
  // Digests of a signed query (verified by authenticate) go on as headers, which is where every
  // upstream looks for them (RGW ignores a query Content-MD5; the store records checksums).
  if (auth.queryDigests !== undefined) for (const [name, value] of Object.entries(auth.queryDigests)) headers[name] ??= value;
  const query: Record<string, string> = {};
  const params = parsed.route.params;
  for (const k in params) if (!AUTH_QUERY.has(k.toLowerCase()) && !isDigestParam(k)) query[k] = params[k]!;
  // Built whole here (the gateway's additions included): no copies of it per request.
  const out: { -readonly [K in keyof AbortableRequest]: AbortableRequest[K] } = {
    method: parsed.method,
    operation: parsed.route.operation,
    bucket: parsed.route.bucket,
    key: parsed.route.key,
    query,
    headers,
    body: auth.body,
    // Not `signal`: forward() makes a real AbortSignal of it only for upstreams that need one.
    [EXCHANGE_ABORT]: signal,
  };
  if (extra?.requester !== undefined) out.requester = extra.requester;
  if (extra?.owner !== undefined) out.owner = extra.owner;
  return out;
}

/** How a remote S3 upstream is addressed and what it accepts. */
export interface S3Target {
  /** `http(s)://host[:port]`, no path. */
  readonly endpoint: string;
  readonly addressing: 'path' | 'virtual';
  /** Client bucket → upstream bucket. */
  readonly buckets: Readonly<Record<string, string>>;
  /** Forward `x-amz-checksum-*` / `x-amz-sdk-checksum-algorithm` (false for upstreams that reject or ignore them). */
  readonly checksumHeaders: boolean;
  /** Let the upstream re-check a verified hex SHA-256 (sign it instead of UNSIGNED-PAYLOAD). */
  readonly signPayloadHash: boolean;
  /**
   * The upstream takes `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: a body that came with a trailer
   * checksum is re-framed with the same algorithm, so the upstream verifies and keeps it.
   */
  readonly trailers: boolean;
}

function encodeQuery(query: Readonly<Record<string, string>>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) parts.push(v === '' ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** Endpoints parsed once (they come from the configuration: few). */
const endpoints = new Map<string, { readonly origin: string; readonly protocol: string; readonly host: string }>();

function endpointOf(endpoint: string): { readonly origin: string; readonly protocol: string; readonly host: string } {
  let e = endpoints.get(endpoint);
  if (e === undefined) {
    const url = new URL(endpoint);
    e = { origin: url.origin, protocol: url.protocol, host: url.host };
    if (endpoints.size >= 256) endpoints.clear();
    endpoints.set(endpoint, e);
  }
  return e;
}

/** The upstream URL (origin and encoded path + query) by addressing style and bucket mapping. */
function originAndPath(req: UpstreamRequest, target: S3Target): { origin: string; path: string } {
  const bucket = req.bucket === undefined ? undefined : (target.buckets[req.bucket] ?? req.bucket);
  const keyPath = req.key === undefined ? '' : `/${uriEncode(req.key, true)}`;
  const url = endpointOf(target.endpoint);
  let origin = url.origin;
  let path: string;
  if (bucket === undefined) path = '/';
  else if (target.addressing === 'virtual') {
    origin = `${url.protocol}//${bucket}.${url.host}`;
    path = keyPath === '' ? '/' : keyPath;
  } else path = `/${bucket}${keyPath}`;
  return { origin, path: `${path}${encodeQuery(req.query)}` };
}

/**
 * Stage 4b: the request for a remote S3, ready for the transport's SigV4 signer (which signs
 * with the upstream's credentials, region and a fresh date): URL by the upstream's addressing
 * style and bucket mapping, payload hash (the verified SHA-256, else UNSIGNED-PAYLOAD for
 * streams), and the decoded length.
 */
export function resign(req: AbortableRequest, target: S3Target): TransportRequest {
  const signal = abortOf(req);
  // One pass (no `delete`, which would turn the object into a slow dictionary): what is
  // re-derived for the upstream is taken out, the rest copied.
  const from = req.headers as Readonly<Record<string, string>>;
  const headers: Record<string, string> = {};
  for (const name in from) {
    if (name === 'x-amz-content-sha256' || name === 'content-length' || name === TRAILER_HINT) continue;
    if (!target.checksumHeaders && (name.startsWith('x-amz-checksum-') || name === 'x-amz-sdk-checksum-algorithm')) continue;
    headers[name] = from[name]!;
  }
  const sha = from['x-amz-content-sha256'];
  const length = from['content-length'];
  const trailer = from[TRAILER_HINT];
  const copySource = headers['x-amz-copy-source'];
  if (copySource !== undefined) {
    const m = /^\/?([^/]+)\/(.*)$/.exec(copySource);
    if (m !== null && target.buckets[m[1]!] !== undefined) headers['x-amz-copy-source'] = `/${target.buckets[m[1]!]}/${m[2]}`;
  }
  const algorithm = trailer === undefined ? undefined : checksumAlgorithmOf(trailer);
  if (target.trailers && algorithm !== undefined && req.body !== undefined && length !== undefined) {
    // Re-framed by the gateway: the checksum in the new trailer is computed over the verified
    // bytes; the body still ends only after every client-side check passed.
    const opts = { mode: 'streaming-unsigned-trailer' as const, checksumAlgorithm: algorithm };
    const framing = chunkedHeaders(Number(length), opts);
    for (const name of Object.keys(headers)) if (name.startsWith('x-amz-checksum-')) delete headers[name];
    const { origin, path } = originAndPath(req, target);
    return {
      method: req.method,
      origin,
      path,
      headers: { ...headers, ...framing, 'content-encoding': headers['content-encoding'] ? `aws-chunked,${headers['content-encoding']}` : 'aws-chunked' },
      ...(signal === undefined ? {} : { signal }),
      body: encodeChunked(asAsyncIterable(req.body), undefined, { ...opts, decodedContentLength: Number(length) }),
      contentLength: chunkedLengths(Number(length), opts).contentLength,
      signing: { payloadHash: STREAMING_UNSIGNED_PAYLOAD_TRAILER },
    };
  }
  const { origin, path } = originAndPath(req, target);
  // Fields set one by one (no conditional spreads: one object, no copies per request).
  const out: TransportRequest = { method: req.method, origin, path, headers };
  if (signal !== undefined) out.signal = signal;
  if (req.body !== undefined) {
    out.body = asAsyncIterable(req.body);
    out.contentLength = length === undefined ? 'unknown' : Number(length);
    out.signing = sha !== undefined && target.signPayloadHash ? { payloadHash: sha } : { payload: 'unsigned' };
  }
  return out;
}
