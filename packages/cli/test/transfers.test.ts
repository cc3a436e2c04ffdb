// Transfers at scale through the binary installed from the packed tarballs, against both upstream
// kinds: a 500-file tree up and down, a multi-GiB file (2 GiB on the embedded store, 1 GiB on
// RGW's small memstore) with SHA-256 compared, mirror twice (size/mtime and ETag), include/exclude,
// stdin/stdout, checksums, kill -9 then resume (fewer bytes sent, counted by a proxy), Ctrl-C and
// SIGTERM aborting uploads and --keep-partial keeping one.
import { execFile } from 'node:child_process';
import { stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, bucketName, cleanBucket, gatewayServer, Home, reason, rgw, rgwServer, treeHashes, type Server } from './cli.js';
import { manyFiles, randomFile, sha256File } from './files.js';
import { countingProxy, type CountingProxy } from './proxy.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const sh = promisify(execFile);

function suite(kind: string, start: () => Promise<Server>, bigSize: number): void {
  let server: Server;
  let home: Home;
  let slow: CountingProxy;
  const bucket = bucketName(`x${kind}`);
  const run = (...args: string[]) => home.run(args);
  const lines = (r: { stdout: string }) => r.stdout.split('\n').filter(Boolean);
  const openUploads = async (prefix = ''): Promise<string[]> => {
    const keys: string[] = [];
    for await (const u of server.s3.listIncompleteUploads(bucket, prefix)) keys.push(u.key);
    return keys;
  };
  /** Waits until the open upload of `key` has at least `n` parts stored. */
  const partsStored = async (key: string, n: number): Promise<void> => {
    for (let i = 0; i < 3000; i++) {
      for await (const u of server.s3.listIncompleteUploads(bucket, key)) {
        let count = 0;
        for await (const _ of server.s3.listParts(bucket, key, u.uploadId)) count++;
        if (u.key === key && count >= n) return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no upload of ${key} with ${n} parts`);
  };

  beforeAll(async () => {
    server = await start();
    home = await Home.create();
    // Uploads through `slow` go at 40 MiB/s: still running when a test interrupts them.
    slow = await countingProxy(server.endpoint, 40 * MiB);
    for (const [name, url] of [
      ['t', server.endpoint],
      ['slow', slow.endpoint],
    ]) {
      const r = await run('alias', 'set', name!, url!, server.accessKey, server.secretKey, '--region', 'us-east-1');
      expect(r.code, r.stderr).toBe(0);
    }
    await server.s3.makeBucket(bucket);
  });
  afterAll(async () => {
    await cleanBucket(server.s3, bucket);
    await slow.close();
    await server.close();
    await home.close();
  });

  it('cp -r moves a 500-file tree up and down intact; mirror twice transfers nothing the second time', async () => {
    const src = join(home.dir, 'many');
    await manyFiles(src, 500);
    const up = await run('cp', '-r', '--parallel', '8', '-q', src, `t/${bucket}/many/`);
    expect(up.code, up.stderr).toBe(0);
    const du = JSON.parse((await run('du', '--json', `t/${bucket}/many/`)).stdout);
    expect(du.objects).toBe(500);
    const down = join(home.dir, 'many-back');
    expect((await run('cp', '-r', '-q', `t/${bucket}/many`, down)).code).toBe(0);
    expect(await treeHashes(down)).toEqual(await treeHashes(src));

    const first = await run('mirror', '--json', src, `t/${bucket}/m/`);
    expect(first.code, first.stderr).toBe(0);
    expect(lines(first)).toHaveLength(500);
    expect((await run('mirror', '--json', src, `t/${bucket}/m/`)).stdout).toBe('');
    expect((await run('mirror', '--json', '--compare', 'etag', src, `t/${bucket}/m/`)).stdout).toBe('');
    expect((await run('mirror', '--compare', 'etag', `t/${bucket}/m/`, down)).stdout).toBe('');

    // Same size, same date, other bytes: only the ETag comparison sees it.
    const rel = 'd3/s1/file-0010.log';
    const before = await stat(join(src, rel));
    await writeFile(join(src, rel), Buffer.alloc(before.size, 7));
    await utimes(join(src, rel), before.atime, before.mtime);
    expect((await run('mirror', src, `t/${bucket}/m/`)).stdout).toBe('');
    const byEtag = await run('mirror', '--json', '--compare', 'etag', src, `t/${bucket}/m/`);
    expect(lines(byEtag).map((l) => JSON.parse(l).target)).toEqual([`t/${bucket}/m/${rel}`]);
  });

  it('mirror --include/--exclude choose the paths on both sides, --delete removes only chosen ones', async () => {
    const src = join(home.dir, 'many');
    const dry = await run('mirror', '--dry-run', '--exclude', '*.log', src, `t/${bucket}/f/`);
    expect(lines(dry)).toHaveLength(450);
    expect(dry.stdout).not.toMatch(/\.log/);
    const only = await run('mirror', '--json', '--include', 'd1/**', '--exclude', '*/s2/*', src, `t/${bucket}/f/`);
    const targets = lines(only).map((l) => JSON.parse(l).target as string);
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.every((t) => t.startsWith(`t/${bucket}/f/d1/`) && !t.includes('/s2/'))).toBe(true);
    // --delete with an include: the rest of the target is outside the filter and stays.
    const del = await run('mirror', '--delete', '--dry-run', '--include', 'd1/s0/*', join(home.dir, 'empty-dir'), `t/${bucket}/f/`);
    expect(lines(del).every((l) => /^would remove t\/\S+\/f\/d1\/s0\//.test(l))).toBe(true);
    expect(lines(del).length).toBeGreaterThan(0);
  });

  it(`cp moves a ${bigSize / GiB} GiB file up and down, streamed, SHA-256 intact`, async () => {
    const big = join(home.dir, 'big.bin');
    const sha = await randomFile(big, bigSize);
    const up = await run('cp', '--json', '--part-size', '64MiB', '--concurrency', '4', big, `t/${bucket}/big.bin`);
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ status: 'success', size: bigSize });
    expect((await server.s3.statObject(bucket, 'big.bin')).size).toBe(bigSize);
    const back = join(home.dir, 'big.back');
    const down = await run('cp', `t/${bucket}/big.bin`, back);
    expect(down.code, down.stderr).toBe(0);
    expect(await sha256File(back)).toBe(sha);
    await sh('rm', ['-f', big, back]);
    await server.s3.removeObject(bucket, 'big.bin');
  }, 300_000);

  it('cp - uploads standard input (a pipe), cp KEY - streams to standard output', async () => {
    const file = join(home.dir, 'stdin.bin');
    const sha = await randomFile(file, 21 * MiB);
    await sh('sh', ['-c', `cat '${file}' | '${BIN}' cp -q - t/${bucket}/stdin.bin`], { env: home.env });
    expect((await server.s3.statObject(bucket, 'stdin.bin')).size).toBe(21 * MiB);
    const out = join(home.dir, 'stdout.bin');
    const r = await sh('sh', ['-c', `'${BIN}' cp t/${bucket}/stdin.bin - > '${out}'`], { env: home.env });
    expect(r.stderr).toMatch(/stdin\.bin -> - \(21 MiB\)/);
    expect(await sha256File(out)).toBe(sha);
    const bad = await run('cp', '-r', '-', `t/${bucket}/x/`);
    expect(bad.code).toBe(2);
  });

  it('cp --checksum sends the chosen checksum (single and multipart); others are usage errors', async () => {
    const file = join(home.dir, 'sum.bin');
    const sha = await randomFile(file, 12 * MiB);
    for (const [alg, extra] of [
      ['CRC32C', ['--part-size', '5MiB']],
      ['SHA256', []],
    ] as const) {
      const r = await run('cp', '--checksum', alg, ...extra, file, `t/${bucket}/sum-${alg}.bin`);
      expect(r.code, r.stderr).toBe(0);
      const back = join(home.dir, `sum-${alg}.back`);
      expect((await run('cp', `t/${bucket}/sum-${alg}.bin`, back)).code).toBe(0);
      expect(await sha256File(back)).toBe(sha);
      // Ceph RGW 16 ignores x-amz-checksum-*; the gateway stores and returns it.
      if (kind === 'gw') expect(Object.keys((await server.s3.statObject(bucket, `sum-${alg}.bin`, { checksumMode: true })).checksums ?? {})).toContain(alg.toLowerCase());
    }
    const bad = await run('cp', '--checksum', 'MD5', file, `t/${bucket}/x`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('s3kit: UsageError: --checksum: one of CRC32, CRC32C, CRC64NVME, SHA1, SHA256; got MD5\n');
  });

  it('after kill -9 mid-upload, cp resumes: the stored parts are reused and fewer bytes are sent', async () => {
    const file = join(home.dir, 'resume.bin');
    const size = 64 * MiB;
    const sha = await randomFile(file, size);
    const child = home.spawn(['cp', '--part-size', '5MiB', '--concurrency', '2', file, `slow/${bucket}/resume.bin`]);
    await partsStored('resume.bin', 4);
    child.kill('SIGKILL');
    expect((await child.result).signal).toBe('SIGKILL');
    expect(await openUploads('resume')).toEqual(['resume.bin']);

    const counted = await countingProxy(server.endpoint);
    try {
      expect((await run('alias', 'set', 'c', counted.endpoint, server.accessKey, server.secretKey, '--region', 'us-east-1')).code).toBe(0);
      const r = await run('cp', '--json', '--part-size', '5MiB', file, `c/${bucket}/resume.bin`);
      expect(r.code, r.stderr).toBe(0);
      const reused = JSON.parse(r.stdout).reusedBytes as number;
      expect(reused).toBeGreaterThanOrEqual(4 * 5 * MiB);
      // What went over the wire: the other parts (plus requests' headers), not the whole file.
      expect(counted.sent).toBeLessThan(size - reused + MiB);
      expect(counted.sent).toBeGreaterThanOrEqual(size - reused);
    } finally {
      await counted.close();
    }
    expect(await openUploads('resume')).toEqual([]);
    const back = join(home.dir, 'resume.back');
    expect((await run('cp', `t/${bucket}/resume.bin`, back)).code).toBe(0);
    expect(await sha256File(back)).toBe(sha);
    // Its multipart ETag (13 parts of 5 MiB) computed from the file: mirror --compare etag copies nothing.
    expect(await server.s3.statObject(bucket, 'resume.bin')).toMatchObject({ etag: expect.stringMatching(/-13$/) });
    const same = await run('mirror', '--compare', 'etag', '--include', 'resume.bin', home.dir, `t/${bucket}/`);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toBe('');
  });

  it('Ctrl-C with --keep-partial keeps the upload (the next cp resumes it); SIGTERM aborts it and exits 143', async () => {
    const file = join(home.dir, 'keep.bin');
    const sha = await randomFile(file, 64 * MiB);
    const kept = home.spawn(['cp', '--keep-partial', '--part-size', '5MiB', '--concurrency', '2', file, `slow/${bucket}/keep.bin`]);
    await partsStored('keep.bin', 2);
    kept.kill('SIGINT');
    const k = await kept.result;
    expect(k.code).toBe(130);
    expect(k.stderr).toBe('s3kit: Interrupted\n');
    expect(await openUploads('keep')).toEqual(['keep.bin']);
    const resumed = await run('cp', '--json', '--part-size', '5MiB', file, `t/${bucket}/keep.bin`);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).reusedBytes).toBeGreaterThanOrEqual(2 * 5 * MiB);
    expect(await openUploads('keep')).toEqual([]);
    const back = join(home.dir, 'keep.back');
    expect((await run('cp', `t/${bucket}/keep.bin`, back)).code).toBe(0);
    expect(await sha256File(back)).toBe(sha);

    const term = home.spawn(['cp', '--part-size', '5MiB', '--concurrency', '2', file, `slow/${bucket}/term.bin`]);
    await partsStored('term.bin', 2);
    term.kill('SIGTERM');
    expect((await term.result).code).toBe(143);
    expect(await openUploads('term')).toEqual([]);
  });
}

describe('s3kit transfers through the gateway on the embedded store', () => suite('gw', gatewayServer, 2 * GiB));
describe.skipIf(!rgw)(`s3kit transfers against Ceph RGW ${reason}`, () => suite('rgw', async () => rgwServer(), 1 * GiB));
