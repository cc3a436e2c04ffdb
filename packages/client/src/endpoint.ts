import { uriEncode } from '@s3kit/sigv4';

/** A parsed endpoint: where requests go and how buckets are addressed. */
export interface Endpoint {
  /** `http:` or `https:` */
  protocol: 'http:' | 'https:';
  hostname: string;
  /** Port when not the protocol's default (`''` otherwise). */
  port: string;
  /** Path prefix from the endpoint URL, without trailing slash (`''` usually). */
  basePath: string;
  /** An AWS S3 host (`s3.amazonaws.com`, `s3.<region>.amazonaws.com`, dualstack). */
  aws: boolean;
  pathStyle: boolean;
  /** Region named by an AWS host (`s3.eu-west-1.amazonaws.com`), if any. */
  hostRegion: string | undefined;
}

const AWS_HOST = /^s3(?:[.-]dualstack)?(?:[.-]([a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * Parses `endpoint` as a URL (`https://host:port/prefix`) or `host[:port]`.
 * Default scheme: `secure` (default `true`) decides. Default `pathStyle`: virtual-hosted for AWS
 * hosts, path-style for everything else (IPs, localhost, S3-compatible servers).
 */
export function parseEndpoint(endpoint: string | URL, secure?: boolean, pathStyle?: boolean): Endpoint {
  let url: URL;
  if (endpoint instanceof URL) url = endpoint;
  else if (typeof endpoint !== 'string' || endpoint === '') throw new TypeError('S3Client: endpoint is required');
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) url = new URL(endpoint);
  else url = new URL(`${secure === false ? 'http' : 'https'}://${endpoint}`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`S3Client: endpoint protocol must be http or https, got ${url.protocol}`);
  if (url.search || url.hash || url.username) throw new TypeError('S3Client: endpoint must not carry a query, fragment or user info');
  if (secure !== undefined && (url.protocol === 'https:') !== secure && /^[a-z]+:\/\//i.test(String(endpoint))) {
    throw new TypeError(`S3Client: endpoint ${url.protocol} contradicts secure: ${String(secure)}`);
  }
  const hostname = url.hostname.toLowerCase();
  const m = AWS_HOST.exec(hostname);
  const aws = m !== null;
  const hostRegion = m?.[1] && m[1] !== 'external-1' ? m[1] : undefined;
  const local = hostname === 'localhost' || IPV4.test(hostname) || hostname.startsWith('[');
  return {
    protocol: url.protocol,
    hostname,
    port: url.port,
    basePath: url.pathname.replace(/\/+$/, ''),
    aws,
    pathStyle: pathStyle ?? (!aws || local),
    hostRegion,
  };
}

/** True for a bucket name usable as a DNS label (and a TLS wildcard match: no dots over https). */
export function virtualHostable(bucket: string, secure: boolean): boolean {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..') || IPV4.test(bucket)) return false;
  return !(secure && bucket.includes('.'));
}

/** The host for a region on AWS (`s3.<region>.amazonaws.com`), or the endpoint's own. */
export function hostFor(ep: Endpoint, region: string): string {
  if (!ep.aws || ep.hostRegion === region) return ep.hostname;
  const dual = ep.hostname.includes('dualstack') ? 'dualstack.' : '';
  return `s3.${dual}${region}.amazonaws.com${ep.hostname.endsWith('.cn') ? '.cn' : ''}`;
}

/** Encodes an object key for the path (`/` kept). */
export function encodeKey(key: string): string {
  return uriEncode(key, true);
}

/**
 * Builds a query string from pairs (values may be empty: `?uploads`; a list repeats the name, as
 * MinIO's `events=`); names and values SigV4-encoded.
 */
export function buildQuery(query: Record<string, string | number | readonly string[] | undefined> | undefined): string {
  if (!query) return '';
  let out = '';
  for (const name of Object.keys(query)) {
    const v = query[name];
    if (v === undefined) continue;
    for (const one of typeof v === 'object' ? v : [v]) out += `${out ? '&' : '?'}${uriEncode(name)}${one === '' ? '' : `=${uriEncode(String(one))}`}`;
  }
  return out;
}

export interface Target {
  origin: string;
  /** path + query, encoded */
  path: string;
}

/** Where a request for (bucket, key) goes in `region`. */
export function targetFor(ep: Endpoint, region: string, bucket: string | undefined, key: string | undefined, query: string): Target {
  const host = hostFor(ep, region);
  const port = ep.port ? `:${ep.port}` : '';
  if (bucket !== undefined && !ep.pathStyle && virtualHostable(bucket, ep.protocol === 'https:')) {
    return { origin: `${ep.protocol}//${bucket}.${host}${port}`, path: `${ep.basePath}/${key === undefined ? '' : encodeKey(key)}${query}` };
  }
  let path = ep.basePath;
  if (bucket !== undefined) path += `/${bucket}`;
  if (key !== undefined) path += `/${encodeKey(key)}`;
  if (path === '') path = '/';
  return { origin: `${ep.protocol}//${host}${port}`, path: path + query };
}
