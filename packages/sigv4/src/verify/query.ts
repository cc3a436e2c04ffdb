import { isUriEncoded, uriDecode, uriEncode } from '../encoding.js';
import { eachQueryPiece } from '../query-pieces.js';

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
  eachQueryPiece(raw, (rawName, rawValue) => {
    const [name, encName] = token(rawName);
    if (rawValue === undefined) out.push({ name, value: '', encName, encValue: '' });
    else {
      const [value, encValue] = token(rawValue);
      out.push({ name, value, encName, encValue });
    }
  });
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
