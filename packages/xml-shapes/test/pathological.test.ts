import { describe, expect, it } from 'vitest';
import { isS3Error } from '@s3kit/errors';
import { parseXml } from '../src/index.js';
import { fxpParser } from '../src/fxp.js';

// Inputs built to make a parser backtrack, recurse or expand. Each must end quickly, in a value
// or an S3Error (MalformedXML / MaxMessageLengthExceeded): never a crash, a hang, or a RangeError.
const MB = 1024 * 1024;
const CASES: Record<string, string> = {
  'a million <': '<'.repeat(MB),
  'a million &': '<Tagging>' + '&'.repeat(MB) + '</Tagging>',
  'unterminated comments': '<Tagging>' + '<!--'.repeat(MB / 4),
  'unterminated CDATA': '<Tagging><TagSet><Tag><Key><![CDATA[' + 'x'.repeat(MB),
  'deep nesting (100k)': '<a>'.repeat(100_000) + '</a>'.repeat(100_000),
  'many attributes': '<Tagging' + ' a="1"'.repeat(100_000) + '/>',
  'repeated attribute': '<Tagging a="1" a="2"/>',
  'unquoted attribute storm': '<Tagging ' + 'a=b '.repeat(100_000) + '>',
  'entity declaration (billion laughs)':
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Tagging><TagSet><Tag><Key>&c;</Key><Value/></Tag></TagSet></Tagging>',
  'external entity (XXE)': '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Tagging><TagSet><Tag><Key>&e;</Key><Value/></Tag></TagSet></Tagging>',
  'wide flat document (20k siblings)': '<ListBucketResult>' + '<Contents><Key>k</Key></Contents>'.repeat(20_000) + '</ListBucketResult>',
  'huge numeric reference': '<Tagging><TagSet><Tag><Key>&#99999999999999999999;</Key><Value/></Tag></TagSet></Tagging>',
  '__proto__ elements': '<Tagging><__proto__><polluted>yes</polluted></__proto__><TagSet/></Tagging>',
};

describe('pathological inputs', () => {
  for (const [parser, use] of [
    ['fast', 'fast'],
    ['fxp', fxpParser],
  ] as const) {
    for (const [name, input] of Object.entries(CASES)) {
      it(`${name} ends (no hang: under 10 s on a loaded 2-core machine) with a value or an S3Error (${parser})`, () => {
        const shape = input.includes('ListBucketResult') ? 'ListBucketResult' : 'Tagging';
        const t0 = performance.now();
        try {
          parseXml(shape, input, { parser: use });
        } catch (e) {
          expect(isS3Error(e), String(e)).toBe(true);
        }
        expect(performance.now() - t0).toBeLessThan(10_000);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      });
    }
  }

  it('parses 20k listing entries into an array (fast)', () => {
    expect(parseXml('ListBucketResult', CASES['wide flat document (20k siblings)']!).Contents).toHaveLength(20_000);
  });
});
