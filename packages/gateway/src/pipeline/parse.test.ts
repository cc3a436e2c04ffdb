import { createRouter } from '@s3kit/xml-shapes/operations';
import { describe, expect, it } from 'vitest';
import { parseRequest } from './parse.js';

const router = createRouter({ baseDomains: [] });

describe('parseRequest headers', () => {
  it('keeps headers named like prototype properties as plain own entries, joined when repeated', () => {
    const parsed = parseRequest(
      {
        method: 'get',
        target: '/bucket/k',
        headers: [
          ['Host', 'localhost'],
          ['Constructor', 'a'],
          ['__proto__', 'b'],
          ['constructor', 'c'],
          ['toString', 'd'],
        ],
      },
      router,
    );
    expect(Object.keys(parsed.headers)).toEqual(['host', 'constructor', '__proto__', 'tostring']);
    // biome-ignore lint/suspicious/noProto: the point of the test
    expect([parsed.headers['constructor'], parsed.headers['__proto__'], parsed.headers['tostring']]).toEqual(['a,c', 'b', 'd']);
    expect(parsed.headers instanceof Object).toBe(false);
    expect('hasOwnProperty' in parsed.headers).toBe(false);
    expect(parsed.headerPairs).toEqual([
      ['host', 'localhost'],
      ['constructor', 'a'],
      ['__proto__', 'b'],
      ['constructor', 'c'],
      ['tostring', 'd'],
    ]);
    expect([parsed.method, parsed.route.operation]).toEqual(['GET', 'GetObject']);
  });

  it('reads many headers the same way (past 32 lines the record is a dictionary, still without a prototype)', () => {
    const many: [string, string][] = [
      ['Host', 'localhost'],
      ['constructor', 'a'],
    ];
    for (let i = 0; i < 40; i++) many.push([`X-Amz-Meta-K${i}`, String(i)]);
    many.push(['X-Amz-Meta-K0', 'again']);
    const parsed = parseRequest({ method: 'GET', target: '/bucket/k', headers: many }, router);
    expect(Object.keys(parsed.headers)).toHaveLength(42);
    expect([parsed.headers['constructor'], parsed.headers['x-amz-meta-k0'], parsed.headers['x-amz-meta-k39']]).toEqual(['a', '0,again', '39']);
    expect(parsed.headers instanceof Object).toBe(false);
    expect(parsed.headerPairs).toHaveLength(43);
  });
});
