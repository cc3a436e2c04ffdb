/** The parts of a request URL SigV4 needs, taken as sent on the wire (no normalization). */
export interface UrlParts {
  protocol: string;
  /** host[:port], default ports dropped. */
  host: string;
  /** Raw path, percent-encoded as sent. Always starts with `/`. */
  path: string;
  /** Raw query without `?` (may be empty). */
  query: string;
}

/**
 * Splits a URL without normalizing it: `new URL()` would resolve `.`/`..` segments and
 * re-encode characters, which changes what S3 signs. URL objects are taken as they are.
 */
export function splitUrl(url: string | URL): UrlParts {
  if (typeof url !== 'string') {
    return { protocol: url.protocol, host: url.host, path: url.pathname || '/', query: url.search.slice(1) };
  }
  let protocol = '';
  let i = 0;
  // The usual scheme without a slice or a case scan.
  if (url.startsWith('https://')) {
    protocol = 'https:';
    i = 8;
  } else {
    const schemeEnd = url.indexOf('://');
    // Else a request target ("/path?query") without scheme and host.
    if (schemeEnd !== -1) {
      protocol = url.slice(0, schemeEnd + 1).toLowerCase();
      i = schemeEnd + 3;
    }
  }
  // Native scans only, each once: the fragment, the query, then the end of the authority.
  let end = url.indexOf('#', i);
  if (end === -1) end = url.length;
  let q = url.indexOf('?', i);
  if (q === -1 || q > end) q = end;
  let host = '';
  let pathStart = i;
  if (protocol !== '') {
    pathStart = url.indexOf('/', i);
    if (pathStart === -1 || pathStart > q) pathStart = q;
    // Userinfo (`user:pass@`) is rare: look for its last `@` only when there is one in the authority.
    let hostStart = url.indexOf('@', i);
    hostStart = hostStart === -1 || hostStart > pathStart ? i : url.lastIndexOf('@', pathStart) + 1;
    // toLowerCase returns an all-lowercase ASCII string as it is, faster than testing it first.
    host = url.slice(hostStart, pathStart).toLowerCase();
    if ((protocol === 'http:' && host.endsWith(':80')) || (protocol === 'https:' && host.endsWith(':443'))) {
      host = host.slice(0, host.lastIndexOf(':'));
    }
  }
  // Built directly (no object spread: this runs once per signed request).
  return { protocol, host, path: pathStart === q ? '/' : url.slice(pathStart, q), query: q === end ? '' : url.slice(q + 1, end) };
}
