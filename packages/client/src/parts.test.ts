import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedAll, chunks, MAX_PARTS, MiB, PartPool, partSizeFor, unknownLengthPartSize } from './parts.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('part sizing and chunking', () => {
  it('partSizeFor keeps any size up to 5 TiB within 10,000 whole-MiB parts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 * 1024 * 1024 * MiB }), (size) => {
        const ps = partSizeFor(size, 8 * MiB);
        expect(ps % MiB).toBe(0);
        expect(ps).toBeGreaterThanOrEqual(8 * MiB);
        expect(Math.ceil(size / ps)).toBeLessThanOrEqual(MAX_PARTS);
      }),
    );
    expect(partSizeFor(5 * 1024 * 1024 * MiB, 8 * MiB)).toBe(525 * MiB);
  });

  it('unknown-length part sizes grow so 10,000 parts exceed 5 TiB', () => {
    let total = 0;
    for (let n = 1; n <= MAX_PARTS; n++) total += unknownLengthPartSize(n, 8 * MiB);
    expect(total).toBeGreaterThan(5 * 1024 * 1024 * MiB);
    expect(unknownLengthPartSize(1, 8 * MiB)).toBe(8 * MiB);
    expect(unknownLengthPartSize(1001, 8 * MiB)).toBe(16 * MiB);
  });

  it('chunks cuts any stream into exact parts whose concatenation is the input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 20 }), fc.integer({ min: 1, max: 40 }), async (pieces, size) => {
        const input = Buffer.concat(pieces);
        const parts = await collect(chunks(Readable.from(pieces.map((p) => Buffer.from(p))), () => size));
        expect(Buffer.concat(parts).equals(input)).toBe(true);
        for (const p of parts.slice(0, -1)) expect(p.length).toBe(size);
        const fromBuffer = await collect(chunks(input, () => size));
        expect(fromBuffer.map((p) => p.length)).toEqual(parts.map((p) => p.length));
      }),
    );
  });

  it('boundedAll never runs more than the limit at once and stops at the first failure', async () => {
    let running = 0;
    let peak = 0;
    const r = await boundedAll([1, 2, 3, 4, 5, 6, 7], 3, async (x) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((res) => setTimeout(res, 5));
      running--;
      return x * 2;
    });
    expect([r, peak]).toEqual([[2, 4, 6, 8, 10, 12, 14], 3]);
    let started = 0;
    const err = await boundedAll([1, 2, 3, 4, 5, 6, 7, 8, 9], 2, async (x) => {
      started++;
      await new Promise((res) => setTimeout(res, 5));
      if (x === 2) throw new Error('part 2 failed');
      return x;
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('part 2 failed');
    expect(started).toBeLessThan(9);
  });
});

describe('PartPool', () => {
  it('hands back a returned buffer of the same size instead of allocating, and keeps at most max', async () => {
    const pool = new PartPool(1);
    const a = pool.take(16);
    pool.give(a);
    expect(pool.take(16)).toBe(a);
    pool.give(a);
    pool.give(Buffer.alloc(16)); // over max: dropped
    expect(pool.take(16)).toBe(a);
    expect(pool.take(16)).not.toBe(a);
    // chunks() with a pool fills parts from it.
    const parts = await collect(chunks(Readable.from([Buffer.from('abcdefgh')]), () => 4, pool));
    expect(parts.map((p) => Buffer.from(p).toString())).toEqual(['abcd', 'efgh']);
  });
});
