// The progress bar: drawn and redrawn in place on a TTY (throttled), silent otherwise.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, bucketName, cleanBucket, gatewayServer, Home } from './cli.js';
import { humanDuration, humanSize, parseSize } from '../src/format.js';
import { bar, Progress } from '../src/progress.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, columns: 100, write: (s: string) => chunks.push(s) } };
}

describe('progress', () => {
  it('draws per-file and total lines with rate and ETA, redraws in place, ends with a summary', () => {
    let now = 0;
    const { chunks, out } = sink(true);
    const p = new Progress(out, { clock: () => now, intervalMs: 100 });
    p.plan(2, 2048);
    const a = p.start('a.bin', 1024);
    now = 1000;
    a.update(512);
    const drawn = chunks.join('');
    expect(drawn).toContain('a.bin');
    expect(drawn).toMatch(/Total 0\/2 +\[#+ +\] +25% 512 B\/2\.0 KiB 512 B\/s ETA 0:03/);
    chunks.length = 0;
    now = 1050;
    a.update(600); // throttled: under 100 ms since the last draw
    expect(chunks).toEqual([]);
    a.done();
    expect(chunks.join('')).toMatch(/^\x1b\[2A\x1b\[J/); // the two lines are cleared, then redrawn
    p.log(out, 'a.bin -> t/b/a.bin');
    p.finish();
    expect(chunks.join('')).toContain('a.bin -> t/b/a.bin\n');
    expect(chunks[chunks.length - 1]).toMatch(/^1 file\(s\), 1\.0 KiB in 1\.1 s/);
  });

  it('writes only the logged lines when not a TTY', () => {
    const { chunks, out } = sink(false);
    const p = new Progress(out);
    p.plan(1, 10);
    const f = p.start('x', 10);
    f.update(5);
    f.done();
    p.log(out, 'x -> y');
    p.finish();
    expect(chunks).toEqual(['x -> y\n']);
  });

  it('fits the bar to the width and formats sizes and durations', () => {
    expect(bar('a-very-long-file-name-indeed.bin', 50, 100, 60, '').length).toBeLessThan(60);
    expect(humanSize(1536)).toBe('1.5 KiB');
    expect(humanSize(20 * 1024 * 1024)).toBe('20 MiB');
    expect(parseSize('5MiB')).toBe(5 * 1024 * 1024);
    expect(parseSize('64m')).toBe(64 * 1024 * 1024);
    expect(() => parseSize('five')).toThrow(RangeError);
    expect(humanDuration(3700)).toBe('1:01:40');
  });
});

describe('progress bar in a terminal', () => {
  it('moves on a pseudo-terminal (script(1)) and ends with the summary line', async () => {
    const server = await gatewayServer();
    const home = await Home.create();
    const bucket = bucketName('tty');
    try {
      await server.s3.makeBucket(bucket);
      const file = join(home.dir, 'f.bin');
      await writeFile(file, randomBytes(48 * 1024 * 1024));
      await home.run(['alias', 'set', 't', server.endpoint, server.accessKey, server.secretKey]);
      const log = join(home.dir, 'typescript');
      const command = `stty cols 100; '${BIN}' cp --part-size 5MiB --concurrency 1 '${file}' t/${bucket}/f.bin`;
      await promisify(execFile)('script', ['-qec', command, log], { env: home.env });
      const screen = (await readFile(log, 'utf8')).replace(/\r/g, '');
      const totals = [...screen.matchAll(/^Total +\[[# ]{30}\] +(\d+)% [^\n]* MiB\/s ETA \d+:\d\d$/gm)].map((m) => Number(m[1]));
      expect(totals.length).toBeGreaterThan(2);
      expect(new Set(totals).size).toBeGreaterThan(2); // it moved
      expect(totals[totals.length - 1]).toBe(100);
      expect(screen).toContain('\x1b[2A\x1b[J'); // redrawn in place
      expect(screen).toMatch(new RegExp(`f\\.bin -> t/${bucket}/f\\.bin \\(48 MiB\\)\n`));
      expect(screen).toMatch(/\x1b\[J1 file\(s\), 48 MiB in [\d.]+ s \([\d.]+ [KM]iB\/s\)$/m);
    } finally {
      await cleanBucket(server.s3, bucket);
      await server.close();
      await home.close();
    }
  });
});
