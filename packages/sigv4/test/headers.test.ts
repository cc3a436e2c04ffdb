import { describe, expect, it } from 'vitest';
import { toHeaderMap } from '../src/index.js';

describe('toHeaderMap', () => {
  it('joins names that differ only in case, in the order given, wherever the capitals are', () => {
    expect([...toHeaderMap({ host: 'a', Host: 'b', 'x-amz-meta-k': 'c' })]).toEqual([
      ['host', 'a,b'],
      ['x-amz-meta-k', 'c'],
    ]);
    expect([...toHeaderMap({ Host: 'a', 'x-amz-meta-k': 'c', host: 'b', 'X-Amz-Meta-K': 'd' })]).toEqual([
      ['host', 'a,b'],
      ['x-amz-meta-k', 'c,d'],
    ]);
  });

  it('takes numbers, arrays and skips undefined in a record', () => {
    expect([...toHeaderMap({ 'content-length': 5, accept: ['a', 'b'], 'x-none': undefined, etag: 'e' })]).toEqual([
      ['content-length', '5'],
      ['accept', 'a,b'],
      ['etag', 'e'],
    ]);
  });

  it('joins repeated pairs', () => {
    expect([
      ...toHeaderMap([
        ['X-A', '1'],
        ['x-a', '2'],
      ]),
    ]).toEqual([['x-a', '1,2']]);
  });
});
