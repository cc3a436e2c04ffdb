import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketName, cleanBucket, client, reason, rgw } from './helpers.js';

const MiB = 1024 * 1024;

/** A deterministic generated stream of `total` bytes in 64 KiB pieces (never held whole). */
function generated(total: number): Readable {
  let sent = 0;
  const piece = Buffer.alloc(64 * 1024);
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(piece.length, total - sent);
      piece.fill(sent / 65536);
      this.push(Buffer.from(piece.subarray(0, n)));
      sent += n;
    },
  });
}

describe.skipIf(!rgw)(`memory: streamed upload and download against Ceph RGW ${reason}`, () => {
  const s3 = rgw ? client({ partSize: 5 * MiB, concurrency: 2 }) : undefined!;
  const bucket = bucketName('mem');
  beforeAll(() => s3.makeBucket(bucket));
  afterAll(async () => {
    await cleanBucket(s3, bucket);
    await s3.close();
  });

  it('a 192 MiB generated stream goes up (unknown length) and comes back with RSS growth well under its size (bench does 2 GiB)', async () => {
    const total = 192 * MiB;
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      await s3.putObject(bucket, 'gen', generated(total));
      const obj = await s3.getObject(bucket, 'gen');
      const hash = createHash('sha256');
      let n = 0;
      for await (const c of obj) {
        hash.update(c as Buffer);
        n += (c as Buffer).length;
      }
      const expected = createHash('sha256');
      for await (const c of generated(total)) expected.update(c as Buffer);
      expect(n).toBe(total);
      expect(hash.digest('hex')).toBe(expected.digest('hex'));
    } finally {
      clearInterval(timer);
    }
    // Parts in flight: 2 x 5 MiB + one being filled; the rest is garbage awaiting GC (measured
    // ~55-60 MiB for 96 MiB and for 512 MiB alike). Buffering the object would need 192 MiB.
    expect(peak - before).toBeLessThan(128 * MiB);
  });
});
