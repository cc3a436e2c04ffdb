import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalQuery, parseQuery } from '../canonical.js';
import { canonicalReceivedQuery, parseReceivedQuery } from './query.js';

// Raw query strings as clients send them: SigV4-encoded, encodeURIComponent, lowercase escapes,
// '+' for space, stray '%', bare names, empty pieces, unicode left raw.
const piece = fc.oneof(
  fc.constantFrom('%2F', '%2f', '%20', '+', '%', '%G1', '%41', '%7E', '~', '=', '%3D', '%E4%B8%AD', '%e4%b8%ad', '%C3', '中', 'é', '!', '*', "'", '&', ''),
  fc.string({ unit: 'grapheme-ascii', maxLength: 3 }),
);
const rawQuery = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));

describe('received query canonicalization', () => {
  it('equals parseQuery + canonicalQuery for any raw query (fast path or not)', () => {
    fc.assert(
      fc.property(rawQuery, fc.constantFrom(undefined, 'X-Amz-Signature', 'a'), (raw, omit) => {
        const ours = parseReceivedQuery(raw);
        const ref = parseQuery(raw);
        expect(ours.map((p) => [p.name, p.value])).toEqual(ref.map(([k, v]) => [k, v]));
        expect(canonicalReceivedQuery(ours, omit)).toBe(canonicalQuery(ref, omit));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps SigV4-encoded tokens as they are and re-encodes the rest', () => {
    const [cred, lower] = parseReceivedQuery('X-Amz-Credential=AK%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&a=%2f');
    expect(cred).toEqual({ name: 'X-Amz-Credential', value: 'AK/20130524/us-east-1/s3/aws4_request', encName: 'X-Amz-Credential', encValue: 'AK%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' });
    expect(lower).toEqual({ name: 'a', value: '/', encName: 'a', encValue: '%2F' });
  });
});
