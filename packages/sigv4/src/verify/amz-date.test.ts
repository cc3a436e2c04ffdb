import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseAmzDate, toAmzDate } from '../time.js';
import { parseAmzDateStrict } from './amz-date.js';

describe('parseAmzDateStrict', () => {
  it('agrees with parseAmzDate on every real timestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59) }), (ms) => {
        const s = toAmzDate(ms);
        expect(parseAmzDateStrict(s)).toBe(parseAmzDate(s));
        expect(parseAmzDateStrict(s)).toBe(Math.floor(ms / 1000) * 1000);
      }),
    );
  });

  it('agrees with parseAmzDate on near-miss strings (rollovers, wrong letters, lengths)', () => {
    const digit = fc.constantFrom(...'0123456789');
    const near = fc
      .tuple(fc.array(digit, { minLength: 8, maxLength: 8 }), fc.constantFrom('T', 't', ' '), fc.array(digit, { minLength: 6, maxLength: 6 }), fc.constantFrom('Z', 'z', ''))
      .map(([d, t, h, z]) => `${d.join('')}${t}${h.join('')}${z}`);
    fc.assert(
      fc.property(fc.oneof(near, fc.string({ maxLength: 17 })), (s) => {
        expect(parseAmzDateStrict(s)).toBe(parseAmzDate(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects Feb 29 outside leap years and accepts it in them', () => {
    expect(parseAmzDateStrict('20230229T000000Z')).toBeUndefined();
    expect(parseAmzDateStrict('19000229T000000Z')).toBeUndefined();
    expect(parseAmzDateStrict('20000229T000000Z')).toBe(Date.UTC(2000, 1, 29));
  });
});
