/**
 * S3 orders keys by their UTF-8 bytes. JavaScript compares UTF-16 code units, which agrees
 * with UTF-8 byte order everywhere except that surrogates (U+D800–U+DFFF, used for astral
 * characters, UTF-8 lead byte 0xF0) sort before U+E000–U+FFFF (lead byte 0xEE/0xEF) in
 * UTF-16 but after them in UTF-8. This comparison fixes that case without encoding.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) return fixup(x) - fixup(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

function fixup(c: number): number {
  // Surrogates move above U+FFFF; U+E000–U+FFFF move down into the gap they left.
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

/** First index in sorted `keys` whose key is >= `key` (or > `key` when `after`). */
export function lowerBound(keys: readonly string[], key: string, after = false): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(keys[mid]!, key);
    if (c < 0 || (after && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when `s` has no lone surrogates (so it has a UTF-8 form). */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c > 0xdbff) return false;
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}
