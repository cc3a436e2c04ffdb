import { S3Error } from '@s3kit/errors';

/**
 * Escapes element text for XML 1.0. `&`, `<`, `>` become entities; `\r` and the other C0
 * control characters (except tab and newline) become numeric references, so a key such as
 * "a\rb" is not turned into "a\nb" by the receiver's line-end normalization. Whitespace is kept.
 */
export function escapeText(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 38) rep = '&amp;';
    else if (c === 60) rep = '&lt;';
    else if (c === 62) rep = '&gt;';
    else if (c < 32 && c !== 9 && c !== 10) rep = `&#${c};`;
    else continue;
    out += s.slice(last, i) + rep;
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Escapes an attribute value (double-quoted). */
export function escapeAttr(s: string): string {
  return escapeText(s)
    .replace(/"/g, '&quot;')
    .replace(/[\t\n]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the five XML entities and numeric character references. Any other entity is an error:
 * without a DTD none can be defined, and DTDs are rejected.
 *
 * @throws S3Error MalformedXML
 */
export function decodeEntities(s: string): string {
  let amp = s.indexOf('&');
  if (amp === -1) return s;
  let out = '';
  let last = 0;
  while (amp !== -1) {
    const semi = s.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > 12) throw malformed('an unterminated entity reference');
    const name = s.slice(amp + 1, semi);
    let rep: string | undefined;
    if (name.charCodeAt(0) === 35 /* # */) {
      const hex = name.charCodeAt(1) === 120; /* x */
      const digits = name.slice(hex ? 2 : 1);
      const valid = digits.length > 0 && (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits);
      const cp = valid ? parseInt(digits, hex ? 16 : 10) : -1;
      if (cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw malformed(`an invalid character reference &${name};`);
      rep = String.fromCodePoint(cp);
    } else {
      rep = NAMED[name];
      if (rep === undefined) throw malformed(`an undefined entity &${name};`);
    }
    out += s.slice(last, amp) + rep;
    last = semi + 1;
    amp = s.indexOf('&', last);
  }
  return out + s.slice(last);
}

/** A MalformedXML error naming what was wrong. */
export function malformed(what: string, cause?: unknown): S3Error {
  return new S3Error('MalformedXML', {
    message: `The XML you provided was not well-formed or did not validate against our published schema: ${what}.`,
    ...(cause === undefined ? {} : { cause }),
  });
}
