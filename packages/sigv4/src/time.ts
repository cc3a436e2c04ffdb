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

/** Parses `YYYYMMDDTHHMMSSZ` strictly; undefined when malformed. */
export function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m;
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +se!);
  // Reject rollovers such as month 13 or Feb 30.
  return toAmzDate(ms) === s ? ms : undefined;
}

/** A clock: ms since the epoch. */
export type Clock = () => number;

export function toMs(d: Date | number): number {
  return typeof d === 'number' ? d : d.getTime();
}
