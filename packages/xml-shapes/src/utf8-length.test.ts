import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Length } from './utf8-length.js';

describe('utf8Length', () => {
  it('is the length TextEncoder writes, for any well-formed string (1- to 4-byte characters)', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (s) => utf8Length(s) === enc.encode(s).length),
      { numRuns: 2000 },
    );
    expect(['', 'a', 'é', '€', '😀', 'a€😀é'].map(utf8Length)).toEqual([0, 1, 2, 3, 4, 10]);
  });
});
