import { uriDecode, uriEncode } from './encoding.js';
import { canonicalHeaderValue, type HeaderMap } from './headers.js';

/**
 * Canonical URI. S3 rules (default): each path segment is decoded once and encoded once, no
 * dot-segment removal, no slash collapsing, so `a//b`, `./x`, `%2F` and trailing `/` keep their
 * meaning. `normalize` applies the generic-service rules (RFC 3986 dot removal, `//` → `/`).
 */
export function canonicalUri(rawPath: string, normalize = false): string {
  let path = rawPath === '' ? '/' : rawPath;
  if (normalize) path = normalizePath(path);
  // Fast path: nothing that needs decoding or encoding.
  let plain = true;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (
      !(
        (c >= 97 && c <= 122) ||
        (c >= 65 && c <= 90) ||
        (c >= 48 && c <= 57) ||
        c === 47 ||
        c === 45 ||
        c === 46 ||
        c === 95 ||
        c === 126
      )
    ) {
      plain = false;
      break;
    }
  }
  if (plain) return path;
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) segments[i] = uriEncode(uriDecode(segments[i]!));
  return segments.join('/');
}

function normalizePath(path: string): string {
  const out: string[] = [];
  const segments = path.split('/');
  for (const seg of segments) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  const trailing = path.endsWith('/') || path.endsWith('/.') || path.endsWith('/..');
  const joined = '/' + out.join('/');
  return trailing && out.length > 0 ? joined + '/' : joined;
}

/** One decoded query parameter. */
export type QueryParam = readonly [name: string, value: string];

/** Parses a raw query string into decoded pairs (`+` is a space; `a` alone is `a=`). */
export function parseQuery(raw: string): QueryParam[] {
  const out: QueryParam[] = [];
  if (raw === '') return out;
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf('&', start);
    if (end === -1) end = raw.length;
    if (end > start) {
      const piece = raw.slice(start, end);
      const eq = piece.indexOf('=');
      out.push(
        eq === -1 ? [uriDecode(piece, true), ''] : [uriDecode(piece.slice(0, eq), true), uriDecode(piece.slice(eq + 1), true)],
      );
    }
    start = end + 1;
  }
  return out;
}

/** Canonical query string from decoded pairs, optionally leaving one name out (`X-Amz-Signature`). */
export function canonicalQuery(params: readonly QueryParam[], omit?: string): string {
  if (params.length === 0) return '';
  const encoded: string[] = [];
  for (const [k, v] of params) {
    if (k === omit) continue;
    encoded.push(`${uriEncode(k)}=${uriEncode(v)}`);
  }
  // Encoded pairs are ASCII, so code-unit order is byte order. Sorting "k=v" strings sorts
  // by name then value because '=' (0x3D) sorts below every character an encoded name can hold
  // except '%', '-', '.', digits; compare names first explicitly to be exact.
  encoded.sort(comparePairs);
  return encoded.join('&');
}

function comparePairs(a: string, b: string): number {
  const ia = a.indexOf('=');
  const ib = b.indexOf('=');
  const ka = a.slice(0, ia);
  const kb = b.slice(0, ib);
  if (ka !== kb) return ka < kb ? -1 : 1;
  const va = a.slice(ia + 1);
  const vb = b.slice(ib + 1);
  return va < vb ? -1 : va > vb ? 1 : 0;
}

/** Canonical headers block (each `name:value\n`) for the given sorted names. */
export function canonicalHeaders(headers: HeaderMap, sortedNames: readonly string[]): string {
  let out = '';
  for (const name of sortedNames) out += `${name}:${canonicalHeaderValue(headers.get(name) ?? '')}\n`;
  return out;
}

export function canonicalRequest(
  method: string,
  uri: string,
  query: string,
  headers: HeaderMap,
  sortedNames: readonly string[],
  payloadHash: string,
): string {
  return `${method}\n${uri}\n${query}\n${canonicalHeaders(headers, sortedNames)}\n${sortedNames.join(';')}\n${payloadHash}`;
}
