/**
 * Calls `each(name, value)` for every piece of a raw query string, in order, both still encoded:
 * `value` is `undefined` for a piece without `=` (`?acl`); empty pieces (`a&&b`) are skipped.
 * The one query splitter of the signer, the V4 and V2 verifiers and the classifier.
 */
export function eachQueryPiece(raw: string, each: (name: string, value: string | undefined) => void): void {
  // The first '=' at or after `start` (-1: none left), searched again only once passed: linear.
  let eq = raw.indexOf('=');
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf('&', start);
    if (end === -1) end = raw.length;
    if (end > start) {
      if (eq !== -1 && eq < start) eq = raw.indexOf('=', start);
      if (eq === -1 || eq > end) each(raw.slice(start, end), undefined);
      else each(raw.slice(start, eq), raw.slice(eq + 1, end));
    }
    start = end + 1;
  }
}
