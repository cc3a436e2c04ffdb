import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseAmzDate, toAmzDate } from './time.js';

/** The obvious reading, as an oracle: a regex, then a round trip that rejects rollovers (month 13, Feb 30). */
function reference(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m;
  const date = new Date(0);
  date.setUTCFullYear(+y!, +mo! - 1, +d!);
  date.setUTCHours(+h!, +mi!, +se!);
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z` === s && +y! >= 100 ? date.getTime() : undefined;
}

describe('parseAmzDate', () => {
  it('reads back every toAmzDate timestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59) }), (ms) => {
        const s = toAmzDate(ms);
        expect(parseAmzDate(s)).toBe(Math.floor(ms / 1000) * 1000);
        expect(parseAmzDate(s)).toBe(reference(s));
      }),
    );
  });

  it('agrees with the regex reading on near-miss strings (rollovers, wrong letters, lengths, years before 100)', () => {
    const digit = fc.constantFrom(...'0123456789');
    const near = fc
      .tuple(fc.array(digit, { minLength: 8, maxLength: 8 }), fc.constantFrom('T', 't', ' '), fc.array(digit, { minLength: 6, maxLength: 6 }), fc.constantFrom('Z', 'z', ''))
      .map(([d, t, h, z]) => `${d.join('')}${t}${h.join('')}${z}`);
    fc.assert(
      fc.property(fc.oneof(near, fc.string({ maxLength: 17 })), (s) => {
        expect(parseAmzDate(s)).toBe(reference(s));
      }),
      { numRuns: 2000 },
    );
    expect(parseAmzDate('00500101T000000Z')).toBeUndefined();
    expect(parseAmzDate('01000101T000000Z')).toBe(reference('01000101T000000Z'));
  });

  it('rejects Feb 29 outside leap years and accepts it in them', () => {
    expect(parseAmzDate('20230229T000000Z')).toBeUndefined();
    expect(parseAmzDate('19000229T000000Z')).toBeUndefined();
    expect(parseAmzDate('20000229T000000Z')).toBe(Date.UTC(2000, 1, 29));
  });
});
