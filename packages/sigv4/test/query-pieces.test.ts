import { describe, expect, it } from 'vitest';
import { eachQueryPiece } from '../src/query-pieces.js';
import { parseQuery } from '../src/index.js';

const pieces = (raw: string) => {
  const out: Array<[string, string | undefined]> = [];
  eachQueryPiece(raw, (n, v) => void out.push([n, v]));
  return out;
};

describe('eachQueryPiece (the one query splitter)', () => {
  it('gives raw pieces in order: no "=" is undefined, empty pieces are skipped, only the first "=" splits', () => {
    expect(pieces('')).toEqual([]);
    expect(pieces('acl')).toEqual([['acl', undefined]]);
    expect(pieces('a&&b=&=c&d=e=f&')).toEqual([
      ['a', undefined],
      ['b', ''],
      ['', 'c'],
      ['d', 'e=f'],
    ]);
    expect(pieces('x&y&z=1&w')).toEqual([
      ['x', undefined],
      ['y', undefined],
      ['z', '1'],
      ['w', undefined],
    ]);
    expect(parseQuery('a+b=%20c&d')).toEqual([
      ['a b', ' c'],
      ['d', ''],
    ]);
  });
});
