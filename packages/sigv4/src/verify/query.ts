import { isUriEncoded, uriDecode, uriEncode } from '../encoding.js';

/** One query parameter as received: decoded, and in SigV4 canonical encoding. */
export interface ReceivedParam {
  /** Decoded name (`+` is a space). */
  readonly name: string;
  /** Decoded value. */
  readonly value: string;
  readonly encName: string;
  readonly encValue: string;
}

function decode(t: string): string {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 37 || c === 43) return uriDecode(t, true);
  }
  return t;
}

function token(t: string): [decoded: string, encoded: string] {
  const decoded = decode(t);
  return [decoded, isUriEncoded(t) ? t : uriEncode(decoded)];
}

/** Splits a raw query string into parameters (`a` alone is `a=`; empty pieces are skipped). */
export function parseReceivedQuery(raw: string): ReceivedParam[] {
  const out: ReceivedParam[] = [];
  if (raw === '') return out;
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf('&', start);
    if (end === -1) end = raw.length;
    if (end > start) {
      const eq = raw.indexOf('=', start);
      if (eq === -1 || eq >= end) {
        const [name, encName] = token(raw.slice(start, end));
        out.push({ name, value: '', encName, encValue: '' });
      } else {
        const [name, encName] = token(raw.slice(start, eq));
        const [value, encValue] = token(raw.slice(eq + 1, end));
        out.push({ name, value, encName, encValue });
      }
    }
    start = end + 1;
  }
  return out;
}

function compare(a: ReceivedParam, b: ReceivedParam): number {
  if (a.encName !== b.encName) return a.encName < b.encName ? -1 : 1;
  return a.encValue < b.encValue ? -1 : a.encValue > b.encValue ? 1 : 0;
}

/** The canonical query string, leaving out parameters named `omit` / `omit2` (decoded names). */
export function canonicalReceivedQuery(params: readonly ReceivedParam[], omit?: string, omit2?: string): string {
  if (params.length === 0) return '';
  const kept: ReceivedParam[] = [];
  for (const p of params) if (p.name !== omit && p.name !== omit2) kept.push(p);
  kept.sort(compare);
  let out = '';
  for (let i = 0; i < kept.length; i++) out += (i === 0 ? '' : '&') + kept[i]!.encName + '=' + kept[i]!.encValue;
  return out;
}
