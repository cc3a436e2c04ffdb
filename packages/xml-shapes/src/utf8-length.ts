/**
 * The UTF-8 length of `s` in bytes, without encoding it (S3 limits keys to 1024 UTF-8 bytes).
 * A lone surrogate counts as a pair would; check well-formedness first where it matters.
 */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
