/**
 * S3 Select values. CSV fields are strings; JSON brings numbers, booleans, objects, arrays.
 * Integers are `bigint` (S3's 8-byte int), floats and decimals `number`.
 */

/** A timestamp: UTC instant, its local offset and the precision it was written with. */
export interface Timestamp {
  readonly kind: 'timestamp';
  /** Milliseconds since the epoch (UTC). */
  readonly ms: number;
  /** The local offset in minutes east of UTC. */
  readonly offset: number;
  /** The precision the text had: year, month, day, minute, second or fraction. */
  readonly precision: 'year' | 'month' | 'day' | 'minute' | 'second' | 'fraction';
}

/** The MISSING value: an absent column or key (distinct from NULL). */
export const MISSING: unique symbol = Symbol('MISSING');
export type Missing = typeof MISSING;

export type Value = null | Missing | string | number | bigint | boolean | Timestamp | readonly unknown[] | { readonly [k: string]: unknown };

export function isTimestamp(v: unknown): v is Timestamp {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'timestamp' && typeof (v as { ms?: unknown }).ms === 'number' && !Array.isArray(v);
}

export function isAbsent(v: Value): v is null | Missing {
  return v === null || v === MISSING;
}

export function isNumber(v: Value): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

const INT = /^\s*[+-]?\d+\s*$/;
const FLOAT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A string read as a number (CAST of CSV text, arithmetic), or undefined. */
export function parseNumber(s: string): number | bigint | undefined {
  if (isShortDigits(s)) return bigint(+s);
  if (INT.test(s)) return BigInt(s.trim());
  if (FLOAT.test(s)) return Number(s);
  return undefined;
}

const SMALL = Array.from({ length: 4096 }, (_, i) => BigInt(i));

/** `n` (a safe integer) as a bigint; small ones shared, so scans of small numbers allocate none. */
export function bigint(n: number): bigint {
  return n >= 0 && n < SMALL.length ? SMALL[n]! : BigInt(n);
}

/** Up to 15 ASCII digits: exact as a double, the common CSV integer. */
function isShortDigits(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The text of a value in CSV output and string casts. */
export function textOf(v: Value): string {
  if (v === null || v === MISSING) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return String(v);
  if (isTimestamp(v)) return timestampText(v);
  return jsonText(v);
}

/** The JSON text of a value (bigints exact, timestamps as their text). */
export function jsonText(v: unknown): string {
  if (v === null || v === undefined || v === MISSING) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (isTimestamp(v)) return JSON.stringify(timestampText(v));
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== MISSING) parts.push(`${JSON.stringify(k)}:${jsonText(x)}`);
  return `{${parts.join(',')}}`;
}

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');

/** The W3C/Ion text of a timestamp at its own precision. */
export function timestampText(t: Timestamp): string {
  const d = new Date(t.ms + t.offset * 60_000);
  const y = pad(d.getUTCFullYear(), 4);
  if (t.precision === 'year') return `${y}T`;
  const m = pad(d.getUTCMonth() + 1);
  if (t.precision === 'month') return `${y}-${m}T`;
  const day = `${y}-${m}-${pad(d.getUTCDate())}`;
  if (t.precision === 'day') return day;
  let time = `${day}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  if (t.precision !== 'minute') time += `:${pad(d.getUTCSeconds())}`;
  if (t.precision === 'fraction') time += `.${pad(d.getUTCMilliseconds(), 3)}`;
  return time + offsetText(t.offset);
}

export function offsetText(offset: number): string {
  if (offset === 0) return 'Z';
  return `${offset < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

const TS = /^(\d{4})(?:T|-(\d{2})(?:T|-(\d{2})(?:T(?:(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2}))?)?)?)$/;

/** Parses S3's timestamp text (W3C date-time); undefined when it is not one. */
export function parseTimestamp(s: string): Timestamp | undefined {
  const m = TS.exec(s.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, sec, frac, off] = m;
  const offset = off === undefined || off === 'Z' ? 0 : (off.startsWith('-') ? -1 : 1) * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6)));
  const local = Date.UTC(Number(y), Number(mo ?? 1) - 1, Number(d ?? 1), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000));
  if (Number.isNaN(local)) return undefined;
  const precision = frac !== undefined ? 'fraction' : sec !== undefined ? 'second' : mi !== undefined ? 'minute' : d !== undefined ? 'day' : mo !== undefined ? 'month' : 'year';
  return { kind: 'timestamp', ms: local - offset * 60_000, offset, precision };
}
