import { isUriEncoded, uriDecode, uriEncode } from './encoding.js';
import { canonicalHeaderValue, type HeaderMap } from './headers.js';
import { eachQueryPiece } from './query-pieces.js';

/**
 * Canonical URI. S3 rules (default): each path segment is decoded once and encoded once, no
 * dot-segment removal, no slash collapsing, so `a//b`, `./x`, `%2F` and trailing `/` keep their
 * meaning. `normalize` applies the generic-service rules (RFC 3986 dot removal, `//` → `/`).
 */
export function canonicalUri(rawPath: string, normalize = false): string {
  let path = rawPath === '' ? '/' : rawPath;
  if (normalize) path = normalizePath(path);
  // Fast path: the path is already canonical (unreserved bytes, `/`, and `%XX` escapes in
  // uppercase hex of bytes that must stay escaped), so decode-then-encode would return it as is.
  if (isUriEncoded(path, true)) return path;
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
  eachQueryPiece(raw, (name, value) => void out.push([uriDecode(name, true), value === undefined ? '' : uriDecode(value, true)]));
  return out;
}

/** One query name or value in canonical encoding: as it is when already canonical, else decoded and re-encoded. */
function canonicalPiece(raw: string): string {
  return isUriEncoded(raw) ? raw : uriEncode(uriDecode(raw, true));
}

/**
 * A raw query string as canonically encoded `[name, value]` pairs, in the order given (what
 * {@link parseQuery} then encoding each gives, without the round trip for pieces that a
 * SigV4-style client already sent canonical).
 */
export function encodedQueryPairs(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  eachQueryPiece(raw, (name, value) => void out.push([canonicalPiece(name), value === undefined ? '' : canonicalPiece(value)]));
  return out;
}

/** Canonical query string from decoded pairs, optionally leaving one name out (`X-Amz-Signature`). */
export function canonicalQuery(params: readonly QueryParam[], omit?: string): string {
  if (params.length === 0) return '';
  const encoded: Array<[string, string]> = [];
  for (const [k, v] of params) {
    if (k === omit) continue;
    encoded.push([uriEncode(k), uriEncode(v)]);
  }
  return joinEncodedQuery(encoded);
}

/** Sorts already-encoded `[name, value]` pairs (in place) and joins them as a canonical query. */
export function joinEncodedQuery(encoded: Array<[string, string]>): string {
  // Encoded names and values are ASCII, so code-unit order is byte order: sort by name, then value.
  // Insertion sort for the usual handful of parameters: no comparator calls (Array#sort's are
  // most of the cost at this size).
  if (encoded.length > 16) encoded.sort(comparePairs);
  else {
    for (let i = 1; i < encoded.length; i++) {
      const v = encoded[i]!;
      let j = i - 1;
      while (j >= 0 && (encoded[j]![0] > v[0] || (encoded[j]![0] === v[0] && encoded[j]![1] > v[1]))) {
        encoded[j + 1] = encoded[j]!;
        j--;
      }
      encoded[j + 1] = v;
    }
  }
  let out = '';
  for (let i = 0; i < encoded.length; i++) out += (i === 0 ? '' : '&') + encoded[i]![0] + '=' + encoded[i]![1];
  return out;
}

function comparePairs(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Canonical headers block (each `name:value\n`) for the given sorted names. */
export function canonicalHeaders(headers: HeaderMap, sortedNames: readonly string[]): string {
  let out = '';
  for (let i = 0; i < sortedNames.length; i++) {
    const name = sortedNames[i]!;
    const value = headers.get(name);
    out += name + ':' + (value === undefined ? '' : canonicalHeaderValue(value)) + '\n';
  }
  return out;
}

export function canonicalRequest(
  method: string,
  uri: string,
  query: string,
  headers: HeaderMap,
  sortedNames: readonly string[],
  payloadHash: string,
  /** `sortedNames.join(';')`, when the caller already has it. */
  signedHeaders: string = sortedNames.join(';'),
): string {
  return `${method}\n${uri}\n${query}\n${canonicalHeaders(headers, sortedNames)}\n${signedHeaders}\n${payloadHash}`;
}
