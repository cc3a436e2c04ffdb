import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptRange, encryptor, keyMatches, newIv, newSeed } from '../src/store/sse-cipher.js';
import { segmentsEncryptor } from '../src/store/sse.js';

// The cipher of the store's encryption at rest (fast-check): any segment layout (a PUT, or the
// parts of a multipart upload, empty ones included) written in arbitrary chunks decrypts to the
// plaintext over any byte range, whichever block boundaries the segments and the range cross.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-sse-cipher-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(Buffer.from(c));
  return Buffer.concat(out);
}

describe('sse-cipher', () => {
  it('decrypts every range of every segment layout exactly; re-encrypting the plaintext gives the stored bytes', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 64 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('SSE-C' as const, 'SSE-S3' as const),
        async (sizes, chunk, a, b, type) => {
          const total = sizes.reduce((s, x) => s + x, 0);
          fc.pre(total > 0);
          const root = randomBytes(32);
          const seed = newSeed(type, root);
          const ivs = sizes.map(() => newIv());
          const plain = randomBytes(total);
          // Each segment encrypted on its own, fed in `chunk`-byte pieces, as parts are written.
          const stored: Buffer[] = [];
          let off = 0;
          for (const [i, size] of sizes.entries()) {
            const e = encryptor(seed, root, ivs[i]!);
            for (let p = off; p < off + size; p += chunk) stored.push(e.update(plain.subarray(p, Math.min(p + chunk, off + size))));
            off += size;
          }
          const cipher = Buffer.concat(stored);
          expect(cipher.length).toBe(total);
          const path = join(dir, `f${n++}`);
          await writeFile(path, cipher);
          const fh = await open(path, 'r');
          try {
            const start = a % total;
            const end = start + (b % (total - start));
            const sse = { ...seed, ivs };
            expect((await collect(decryptRange(fh, sse, root, sizes, { start, end }))).equals(plain.subarray(start, end + 1))).toBe(true);
            expect((await collect(decryptRange(fh, sse, root, sizes, undefined))).equals(plain)).toBe(true);
            const again = segmentsEncryptor(seed, root, sizes, ivs);
            const re: Buffer[] = [];
            for (let p = 0; p < total; p += chunk) re.push(Buffer.from(again.update(plain.subarray(p, p + chunk))));
            expect(Buffer.concat(re).equals(cipher)).toBe(true);
          } finally {
            await fh.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('tells the key an SSE-C seed was made with from any other; an SSE-S3 seed keeps no check', () => {
    const root = randomBytes(32);
    const seed = newSeed('SSE-C', root);
    expect(keyMatches(seed, root)).toBe(true);
    expect(keyMatches(seed, randomBytes(32))).toBe(false);
    expect(keyMatches(seed, randomBytes(10))).toBe(false);
    expect(newSeed('SSE-S3', root).check).toBeUndefined();
    expect(JSON.stringify(seed)).not.toContain(root.toString('base64'));
  });

  it('carries the counter across the whole IV at 2^128 wrap-around offsets', async () => {
    const root = randomBytes(32);
    const seed = newSeed('SSE-S3', root);
    const iv = Buffer.alloc(16, 0xff).toString('base64'); // every counter increment carries out
    const plain = randomBytes(100);
    const cipher = encryptor(seed, root, iv).update(plain);
    const path = join(dir, 'wrap');
    await writeFile(path, cipher);
    const fh = await open(path, 'r');
    try {
      expect((await collect(decryptRange(fh, { ...seed, ivs: [iv] }, root, [100], { start: 17, end: 70 }))).equals(plain.subarray(17, 71))).toBe(true);
    } finally {
      await fh.close();
    }
  });
});
