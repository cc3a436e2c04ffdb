// Its own module: the router's module-level tables stay out of bundles that only check names.

/**
 * S3 bucket naming rules: 3–63 characters of `a-z 0-9 . -`, starting and ending with a letter
 * or digit, no `..`, `.-` or `-.`, and not an IPv4 address. Legacy names also allow `A-Z` and
 * `_` and up to 255 characters.
 */
export function validBucketName(name: string, legacy = false): boolean {
  const len = name.length;
  if (len < 3 || len > (legacy ? 255 : 63)) return false;
  let prev = 46; // treat the start as after a dot, so a leading '.' or '-' fails
  let dots = 0;
  let digitsAndDotsOnly = true;
  for (let i = 0; i < len; i++) {
    const c = name.charCodeAt(i);
    const lowerAlnum = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (lowerAlnum || (legacy && ((c >= 65 && c <= 90) || c === 95))) {
      if (!(c >= 48 && c <= 57)) digitsAndDotsOnly = false;
    } else if (c === 46) {
      if (prev === 46 || prev === 45) return false;
      dots++;
    } else if (c === 45) {
      if (prev === 46) return false;
      digitsAndDotsOnly = false;
    } else {
      return false;
    }
    prev = c;
  }
  if (prev === 46 || prev === 45) return false;
  if (digitsAndDotsOnly && dots === 3) return false; // looks like an IPv4 address
  return true;
}
