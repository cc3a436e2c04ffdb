import { describe, expect, it } from 'vitest';
import { DataCache } from './data-cache.js';

const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);

describe('DataCache', () => {
  it('keeps whole files by path and answers them until forgotten or cleared', () => {
    const c = new DataCache(1000, 100);
    c.keep('/a', bytes(10, 7));
    expect(c.get('/a')).toEqual(bytes(10, 7));
    expect(c.get('/b')).toBeUndefined();
    c.forget('/a');
    expect([c.get('/a'), c.bytes]).toEqual([undefined, 0]);
    c.keep('/a', bytes(10));
    c.keep('/b', bytes(20));
    c.clear();
    expect([c.get('/a'), c.get('/b'), c.bytes]).toEqual([undefined, undefined, 0]);
  });

  it('drops the least recently used files beyond maxBytes (a hit counts as a use)', () => {
    const c = new DataCache(30, 100);
    c.keep('/a', bytes(10));
    c.keep('/b', bytes(10));
    c.keep('/c', bytes(10));
    c.get('/a');
    c.keep('/d', bytes(10));
    expect(['/a', '/b', '/c', '/d'].map((p) => c.get(p) !== undefined)).toEqual([true, false, true, true]);
    expect(c.bytes).toBe(30);
    c.keep('/e', bytes(25));
    expect(['/a', '/c', '/d', '/e'].map((p) => c.get(p) !== undefined)).toEqual([false, false, false, true]);
    expect(c.bytes).toBe(25);
  });

  it('keeps no file larger than maxEntry or maxBytes, and counts a path kept twice once', () => {
    const c = new DataCache(50, 20);
    c.keep('/big', bytes(21));
    c.keep('/huge', bytes(60));
    expect([c.get('/big'), c.get('/huge'), c.bytes]).toEqual([undefined, undefined, 0]);
    c.keep('/a', bytes(10));
    c.keep('/a', bytes(15));
    expect([c.get('/a')?.length, c.bytes]).toEqual([15, 15]);
  });
});
