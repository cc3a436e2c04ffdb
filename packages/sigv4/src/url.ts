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
  let protocol: string;
  let i: number;
  // The usual scheme without a slice or a case scan.
  if (url.startsWith('https://')) {
    protocol = 'https:';
    i = 8;
  } else {
    const schemeEnd = url.indexOf('://');
    // A request target ("/path?query") without scheme and host.
    if (schemeEnd === -1) return splitTarget('', '', url);
    protocol = url.slice(0, schemeEnd + 1);
    if (hasUpper(protocol)) protocol = protocol.toLowerCase();
    i = schemeEnd + 3;
  }
  // One pass over the authority: its end, the last `@` (userinfo) and whether it has capitals.
  let hostEnd = i;
  let hostStart = i;
  let upper = false;
  for (; hostEnd < url.length; hostEnd++) {
    const c = url.charCodeAt(hostEnd);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    if (c >= 65 && c <= 90) upper = true;
    else if (c === 64) hostStart = hostEnd + 1; // @
  }
  let host = url.slice(hostStart, hostEnd);
  if (upper) host = host.toLowerCase();
  if ((protocol === 'http:' && host.endsWith(':80')) || (protocol === 'https:' && host.endsWith(':443'))) {
    host = host.slice(0, host.lastIndexOf(':'));
  }
  return splitTarget(protocol, host, url.slice(hostEnd));
}

function hasUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

// Builds the result directly (no object spread: this runs once per signed request).
function splitTarget(protocol: string, host: string, target: string): UrlParts {
  const hash = target.indexOf('#');
  if (hash !== -1) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q + 1);
  return { protocol, host, path: path === '' ? '/' : path, query };
}
