// One-entry cache: signing many requests within the same second formats the date once.
let lastSecond = NaN;
let lastAmzDate = '';

/** `YYYYMMDDTHHMMSSZ` for a time in ms since the epoch. */
export function toAmzDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second === lastSecond) return lastAmzDate;
  const iso = new Date(ms).toISOString(); // 2013-05-24T00:00:00.000Z
  const out = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  lastSecond = second;
  lastAmzDate = out;
  return out;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Parses `YYYYMMDDTHHMMSSZ` strictly (no rollovers such as month 13 or Feb 30); undefined when
 * malformed. A scan, not a regex: the verifier parses one per request.
 */
export function parseAmzDate(s: string): number | undefined {
  if (s.length !== 16 || s.charCodeAt(8) !== 84 || s.charCodeAt(15) !== 90) return undefined; // T, Z
  const y = digits(s, 0, 4);
  const mo = digits(s, 4, 2);
  const d = digits(s, 6, 2);
  const h = digits(s, 9, 2);
  const mi = digits(s, 11, 2);
  const se = digits(s, 13, 2);
  // Years 0000-0099 are out: Date.UTC would read them as 1900-1999.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return undefined;
  const leap = mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0);
  if (d > DAYS[mo - 1]! + (leap ? 1 : 0)) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, se);
}

/** A clock: ms since the epoch. */
export type Clock = () => number;

export function toMs(d: Date | number): number {
  return typeof d === 'number' ? d : d.getTime();
}
