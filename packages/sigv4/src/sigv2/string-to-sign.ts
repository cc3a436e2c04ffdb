import { uriDecode } from '../encoding.js';
import type { HeaderInput } from '../headers.js';
import { eachQueryPiece } from '../query-pieces.js';
import { splitUrl } from '../url.js';
import { SIGV2_SUBRESOURCES } from './subresources.js';

/** A request as SigV2 sees it. */
export interface V2Request {
  method: string;
  /** Absolute URL, or a request target (`/key?acl`) with a `host` header. Path as sent. */
  url: string | URL;
  /**
   * Headers. Give repeated headers as separate pairs (e.g. Node's `rawHeaders` paired up) or
   * as arrays: SigV2 joins repeated `x-amz-*` values with `,` and no space. A value that is
   * already comma-joined (a Fetch `Headers` joins with `, `) is used as it is.
   */
  headers?: HeaderInput | undefined;
}

/** Where the bucket name of the CanonicalizedResource comes from. */
export interface V2ResourceOptions {
  /**
   * The bucket addressed through the Host header (virtual-hosted style or a CNAME). It is
   * prefixed to the path as `/bucket`. Takes precedence over {@link virtualHost}.
   */
  bucket?: string | undefined;
  /**
   * Find the bucket in the Host header. A list of S3 service endpoints (e.g.
   * `['s3.amazonaws.com', 's3.us-west-1.amazonaws.com']`): a Host equal to one is path-style,
   * `<bucket>.<endpoint>` is virtual-hosted, any other Host is a CNAME whose whole name (port
   * dropped) is the bucket, as S3 does. Or a function from the Host (lowercase, no port) to the
   * bucket (`undefined` for path-style). Default: none (path-style: the path already starts
   * with the bucket).
   */
  virtualHost?: readonly string[] | ((host: string) => string | undefined) | undefined;
  /** Query parameters kept in the resource. Default {@link SIGV2_SUBRESOURCES}. */
  subresources?: ReadonlySet<string> | undefined;
}

export interface V2StringToSignOptions extends V2ResourceOptions {
  /**
   * Where an `x-amz-date` header goes. `'amz-header'` (default; the S3 guide's rule, and what
   * s3cmd, boto and Ceph do): the Date line is empty and `x-amz-date` is listed with the other
   * `x-amz-*` headers. `'date-line'`: its value replaces the Date line and it is not listed
   * (the form of the guide's published DELETE example). `'keep-date'`: the `Date` header stays
   * on the Date line and `x-amz-date` is listed (what MinIO and Ceph compute, and minio-go signs).
   */
  amzDate?: 'amz-header' | 'date-line' | 'keep-date' | undefined;
  /** Query auth: the `Expires` value (epoch seconds) takes the Date line. */
  expires?: string | undefined;
  /** Extra `x-amz-*` values that came as query parameters (query auth). */
  amzQuery?: ReadonlyArray<readonly [string, string]> | undefined;
}

/** Lowercase name → every value sent, in order. */
export type V2HeaderValues = Map<string, string[]>;

/** Collects headers keeping repeated values apart (lowercase names). */
export function collectV2Headers(input: HeaderInput | undefined): V2HeaderValues {
  const map: V2HeaderValues = new Map();
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    const list = map.get(key);
    if (list === undefined) map.set(key, [value]);
    else list.push(value);
  };
  if (input === undefined) return map;
  if (typeof (input as { forEach?: unknown }).forEach === 'function' && !Array.isArray(input) && !(input instanceof Map)) {
    (input as { forEach(cb: (value: string, name: string) => void): void }).forEach((v, k) => void add(k, v));
    return map;
  }
  if (typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [k, v] of input as Iterable<readonly [string, string]>) add(k, v);
    return map;
  }
  for (const [k, v] of Object.entries(input as Record<string, string | number | readonly string[] | undefined>)) {
    if (v === undefined) continue;
    if (typeof v === 'string') add(k, v);
    else if (typeof v === 'number') add(k, String(v));
    else for (const item of v) add(k, item);
  }
  return map;
}

/** Unfolds folded lines (`CRLF` + whitespace → one space) and trims. */
function unfold(value: string): string {
  return /[\r\n]/.test(value) ? value.replace(/[ \t]*\r?\n[ \t]*/g, ' ').trim() : value.trim();
}

function single(headers: V2HeaderValues, name: string): string {
  const v = headers.get(name);
  return v === undefined ? '' : v.map(unfold).join(',');
}

/** The Host (lowercase, port dropped) of a request, from the `host` header or the URL. */
export function v2Host(headers: V2HeaderValues, urlHost: string): string {
  const raw = headers.get('host')?.[0] ?? urlHost;
  const host = raw.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/** The bucket a Host names, per {@link V2ResourceOptions.virtualHost}. */
export function bucketFromHost(host: string, virtualHost: V2ResourceOptions['virtualHost']): string | undefined {
  if (virtualHost === undefined || host === '') return undefined;
  if (typeof virtualHost === 'function') return virtualHost(host);
  for (const endpoint of virtualHost) {
    const e = endpoint.toLowerCase();
    if (host === e) return undefined;
    if (host.endsWith(`.${e}`)) return host.slice(0, host.length - e.length - 1);
  }
  return host;
}

/**
 * CanonicalizedResource: `/bucket` (virtual-hosted or CNAME), the path exactly as sent
 * (percent-encoding kept, case included), then the sub-resource parameters sorted by name,
 * values decoded once, `name` alone when sent without `=`.
 */
export function canonicalResourceV2(path: string, rawQuery: string, bucket: string | undefined, subresources: ReadonlySet<string>): string {
  let out = bucket === undefined || bucket === '' ? path : `/${bucket}${path}`;
  if (rawQuery === '') return out;
  const kept: Array<[string, string]> = [];
  eachQueryPiece(rawQuery, (rawName, rawValue) => {
    const name = uriDecode(rawName);
    if (subresources.has(name)) kept.push([name, rawValue === undefined ? name : `${name}=${uriDecode(rawValue)}`]);
  });
  if (kept.length === 0) return out;
  // Stable sort by name (byte order: names are ASCII).
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  out += '?' + kept.map((k) => k[1]).join('&');
  return out;
}

/**
 * The SigV2 (S3 REST) string to sign:
 * `VERB\nContent-MD5\nContent-Type\nDate\n` + CanonicalizedAmzHeaders + CanonicalizedResource.
 */
export function stringToSignV2(request: V2Request, options: V2StringToSignOptions = {}): string {
  const url = splitUrl(request.url);
  const headers = collectV2Headers(request.headers);
  return buildStringToSign(request.method, url.path, url.query, url.host, headers, options);
}

/** {@link stringToSignV2} over already split parts (used by the signer and the verifier). */
export function buildStringToSign(method: string, path: string, rawQuery: string, urlHost: string, headers: V2HeaderValues, options: V2StringToSignOptions): string {
  const amz = new Map<string, string[]>();
  for (const [name, values] of headers) if (name.startsWith('x-amz-')) amz.set(name, values.slice());
  for (const [name, value] of options.amzQuery ?? []) {
    const list = amz.get(name);
    if (list === undefined) amz.set(name, [value]);
    else list.push(value);
  }
  let date: string;
  if (options.expires !== undefined) {
    date = options.expires;
  } else if (amz.has('x-amz-date')) {
    if (options.amzDate === 'date-line') {
      date = amz.get('x-amz-date')!.map(unfold).join(',');
      amz.delete('x-amz-date');
    } else {
      date = options.amzDate === 'keep-date' ? single(headers, 'date') : '';
    }
  } else {
    date = single(headers, 'date');
  }
  let s = `${method.toUpperCase()}\n${single(headers, 'content-md5')}\n${single(headers, 'content-type')}\n${date}\n`;
  const names = [...amz.keys()].sort();
  for (const name of names) s += `${name}:${amz.get(name)!.map(unfold).join(',')}\n`;
  const bucket = options.bucket ?? bucketFromHost(v2Host(headers, urlHost), options.virtualHost);
  return s + canonicalResourceV2(path, rawQuery, bucket, options.subresources ?? SIGV2_SUBRESOURCES);
}
