// Argument parity of the object methods (issue 15): versionId, SSE-C, ranges, conditions,
// response-* overrides and extra query, fGetObject's temp path, conditional putObject and
// upload checksums — each through the gateway on the embedded store AND against Ceph RGW directly.
import { randomBytes } from 'node:crypto';
import { watch, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { isS3Error } from '@s3kit/errors';
import { createChecksum } from '@s3kit/sigv4';
import { S3Client, type ChecksumAlgorithm } from '../src/node.js';
import { startLocalGateway } from './gateway-local.js';
import { bucketName, cleanBucket, reason, rgw } from './helpers.js';

interface Upstream {
  s3: S3Client;
  aws: AwsS3Client;
  close(): Promise<void>;
}

/** The gateway over a fresh embedded store, on 127.0.0.1. */
async function gatewayOnStore(): Promise<Upstream> {
  const g = await startLocalGateway();
  const creds = { accessKeyId: g.accessKeyId, secretAccessKey: g.secretAccessKey };
  return {
    s3: new S3Client({ endpoint: g.endpoint, credentials: creds, region: 'us-east-1' }),
    aws: new AwsS3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: creds }),
    close: () => g.close(),
  };
}

function rgwDirect(): Upstream {
  const creds = { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey };
  return {
    s3: new S3Client({ endpoint: rgw!.endpoint, credentials: creds, region: rgw!.region }),
    aws: new AwsS3Client({ endpoint: rgw!.endpoint, region: rgw!.region, forcePathStyle: true, credentials: creds }),
    async close() {},
  };
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; status: number }> {
  try {
    await p;
  } catch (err) {
    if (isS3Error(err)) return { code: err.code, status: err.status };
    throw err;
  }
  throw new Error('expected a rejection');
}

const KINDS: Array<[name: string, isRgw: boolean, skip: boolean, make: () => Promise<Upstream> | Upstream]> = [
  ['the gateway on the embedded store', false, false, gatewayOnStore],
  [`Ceph RGW directly ${reason}`, true, rgw === undefined, rgwDirect],
];

const ALGORITHMS: ChecksumAlgorithm[] = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'];
const b64 = (alg: ChecksumAlgorithm, data: Uint8Array) => createChecksum(alg).update(data).digestBase64();

for (const [name, isRgw, skip, make] of KINDS) {
  describe.skipIf(skip)(`object arguments: ${name}`, () => {
    let up: Upstream;
    let s3: S3Client;
    let dir: string;
    const bucket = bucketName('args');
    const text = async (p: Promise<{ text(): Promise<string> }>) => (await p).text();

    beforeAll(async () => {
      up = await make();
      s3 = up.s3;
      dir = await mkdtemp(join(tmpdir(), 's3kit-client-args-'));
      await s3.makeBucket(bucket);
    });
    afterAll(async () => {
      await cleanBucket(s3, bucket);
      await s3.close();
      up.aws.destroy();
      await up.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('versionId: getObject, statObject and fGetObject read an older version', async () => {
      // Its own bucket: Ceph RGW 16.2 evaluates PutObject conditions differently once versioning is on.
      const bucket = bucketName('args-ver');
      await s3.makeBucket(bucket);
      onTestFinished(() => cleanBucket(s3, bucket));
      await up.aws.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      const v1 = await s3.putObject(bucket, 'ver', 'first');
      const v2 = await s3.putObject(bucket, 'ver', 'second!');
      expect(v1.versionId).toBeTruthy();
      expect(v2.versionId).not.toBe(v1.versionId);
      expect(await text(s3.getObject(bucket, 'ver'))).toBe('second!');
      expect(await text(s3.getObject(bucket, 'ver', { versionId: v1.versionId! }))).toBe('first');
      const st = await s3.statObject(bucket, 'ver', { versionId: v1.versionId! });
      expect([st.size, st.versionId]).toEqual([5, v1.versionId]);
      const file = join(dir, 'ver.txt');
      const fst = await s3.fGetObject(bucket, 'ver', file, { versionId: v1.versionId! });
      expect([readFileSync(file, 'utf8'), fst.versionId]).toEqual(['first', v1.versionId]);
      expect(await rejection(s3.statObject(bucket, 'ver', { versionId: 'no-such-version' }))).toMatchObject({ status: isRgw ? 404 : 400 });
      // If-None-Match: * in a versioned bucket: S3 refuses (the key has a current version); Ceph RGW 16.2 writes a new version.
      const create = s3.putObject(bucket, 'ver', 'third', { ifNoneMatch: '*' });
      if (isRgw) expect((await create).versionId).toBeTruthy();
      else expect(await rejection(create)).toEqual({ code: 'PreconditionFailed', status: 412 });
    });

    it('SSE-C: the key is needed to read; stat, ranges and fGetObject with it', async () => {
      const key = randomBytes(32);
      const sse = { type: 'SSE-C' as const, key };
      await s3.putObject(bucket, 'ssec', 'customer-encrypted', { sse });
      const noKey = await rejection(s3.getObject(bucket, 'ssec'));
      // Ceph RGW 16.2 says InvalidArgument where AWS (and the store) say InvalidRequest.
      expect(noKey).toEqual({ code: isRgw ? 'InvalidArgument' : 'InvalidRequest', status: 400 });
      const wrongKey = await rejection(s3.getObject(bucket, 'ssec', { sse: { type: 'SSE-C', key: randomBytes(32) } }));
      // S3 (and the store): AccessDenied 403; Ceph RGW 16.2: InvalidArgument 400.
      expect(wrongKey).toEqual(isRgw ? { code: 'InvalidArgument', status: 400 } : { code: 'AccessDenied', status: 403 });
      expect(await text(s3.getObject(bucket, 'ssec', { sse }))).toBe('customer-encrypted');
      expect(await text(s3.getObject(bucket, 'ssec', { sse, offset: 9, length: 9 }))).toBe('encrypted');
      const st = await s3.statObject(bucket, 'ssec', { sse });
      expect(st.size).toBe(18);
      expect(st.headers['x-amz-server-side-encryption-customer-algorithm']).toBe('AES256');
      const file = join(dir, 'ssec.txt');
      await s3.fGetObject(bucket, 'ssec', file, { sse });
      expect(readFileSync(file, 'utf8')).toBe('customer-encrypted');
    });

    it('Range: offset/length and offset alone answer 206 with the total size in stat', async () => {
      await s3.putObject(bucket, 'range', '0123456789');
      const part = await s3.getObject(bucket, 'range', { offset: 2, length: 3 });
      expect([await part.text(), part.stat.size, part.stat.headers['content-range']]).toEqual(['234', 10, 'bytes 2-4/10']);
      expect(await text(s3.getObject(bucket, 'range', { offset: 7 }))).toBe('789');
      expect(await rejection(s3.getObject(bucket, 'range', { offset: 20 }))).toEqual({ code: 'InvalidRange', status: 416 });
      const file = join(dir, 'range.txt');
      await s3.fGetObject(bucket, 'range', file, { offset: 5, length: 2 });
      expect(readFileSync(file, 'utf8')).toBe('56');
    });

    it('If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since on getObject and statObject', async () => {
      const { etag } = await s3.putObject(bucket, 'cond', 'conditional');
      const past = new Date(Date.now() - 86_400_000);
      const future = new Date(Date.now() + 86_400_000);
      expect(await text(s3.getObject(bucket, 'cond', { ifMatch: `"${etag}"` }))).toBe('conditional');
      expect(await rejection(s3.getObject(bucket, 'cond', { ifMatch: '"0123"' }))).toEqual({ code: 'PreconditionFailed', status: 412 });
      expect((await rejection(s3.getObject(bucket, 'cond', { ifNoneMatch: `"${etag}"` }))).status).toBe(304);
      expect(await text(s3.getObject(bucket, 'cond', { ifNoneMatch: '"0123"' }))).toBe('conditional');
      // Not modified since its own Last-Modified (a future date is ignored as invalid, RFC 9110).
      const lastModified = (await s3.statObject(bucket, 'cond')).lastModified!;
      expect((await rejection(s3.getObject(bucket, 'cond', { ifModifiedSince: lastModified }))).status).toBe(304);
      expect(await text(s3.getObject(bucket, 'cond', { ifModifiedSince: past }))).toBe('conditional');
      expect(await rejection(s3.getObject(bucket, 'cond', { ifUnmodifiedSince: past }))).toMatchObject({ status: 412 });
      expect(await text(s3.getObject(bucket, 'cond', { ifUnmodifiedSince: future }))).toBe('conditional');
      // HEAD: the same answers without a body (S3 sends no error code on HEAD).
      expect((await s3.statObject(bucket, 'cond', { ifMatch: etag })).etag).toBe(etag);
      expect((await rejection(s3.statObject(bucket, 'cond', { ifMatch: '"0123"' }))).status).toBe(412);
      expect((await rejection(s3.statObject(bucket, 'cond', { ifNoneMatch: etag }))).status).toBe(304);
      expect((await rejection(s3.statObject(bucket, 'cond', { ifUnmodifiedSince: past }))).status).toBe(412);
    });

    it('response-* overrides and extra query/headers', async () => {
      await s3.putObject(bucket, 'resp', '{}', { contentType: 'application/json' });
      const o = await s3.getObject(bucket, 'resp', {
        responseHeaders: { 'content-type': 'text/plain', 'response-content-disposition': 'attachment; filename="r.txt"', 'cache-control': 'no-cache' },
      });
      await o.dump();
      expect([o.stat.contentType, o.stat.headers['content-disposition'], o.stat.headers['cache-control']]).toEqual(['text/plain', 'attachment; filename="r.txt"', 'no-cache']);
      const q = await s3.getObject(bucket, 'resp', { query: { 'response-content-language': 'fr' }, headers: { Range: 'bytes=0-0' } });
      expect([await q.text(), q.stat.headers['content-language']]).toEqual(['{', 'fr']);
    });

    it('conditional putObject: ifNoneMatch "*" creates once; ifMatch overwrites only the matching ETag', async () => {
      const first = await s3.putObject(bucket, 'cput', 'one', { ifNoneMatch: '*' });
      expect(await rejection(s3.putObject(bucket, 'cput', 'two', { ifNoneMatch: '*' }))).toEqual({ code: 'PreconditionFailed', status: 412 });
      expect(await rejection(s3.putObject(bucket, 'cput', 'three', { ifMatch: '0123456789abcdef0123456789abcdef' }))).toEqual({ code: 'PreconditionFailed', status: 412 });
      const quoted = s3.putObject(bucket, 'cput', 'quoted', { ifMatch: `"${first.etag}"` });
      // Ceph RGW 16.2 compares If-Match on PutObject with the bare ETag: a quoted one never matches.
      if (isRgw) expect(await rejection(quoted)).toEqual({ code: 'PreconditionFailed', status: 412 });
      else await quoted;
      const current = (await s3.statObject(bucket, 'cput')).etag;
      const ok = await s3.putObject(bucket, 'cput', 'four', { ifMatch: current });
      expect(ok.etag).not.toBe(current);
      expect(await text(s3.getObject(bucket, 'cput'))).toBe('four');
      // A missing key: S3 (and the store) answer NoSuchKey; Ceph RGW 16.2 PreconditionFailed.
      expect(await rejection(s3.putObject(bucket, 'cput-missing', 'x', { ifMatch: ok.etag }))).toEqual(isRgw ? { code: 'PreconditionFailed', status: 412 } : { code: 'NoSuchKey', status: 404 });
      await expect(s3.putObject(bucket, 'cput', 'x', { ifNoneMatch: 'etag' as '*' })).rejects.toThrow(TypeError);
    });

    it('conditional multipart putObject: the condition goes on CompleteMultipartUpload', async () => {
      const data = randomBytes(6 * 1024 * 1024);
      await s3.putObject(bucket, 'cmp', 'exists');
      const over = s3.putObject(bucket, 'cmp', data, { partSize: 5 * 1024 * 1024, ifNoneMatch: '*' });
      if (isRgw) {
        // Ceph RGW 16.2 ignores conditions on CompleteMultipartUpload: the object is replaced.
        await over;
        expect((await s3.statObject(bucket, 'cmp')).size).toBe(data.length);
      } else {
        expect(await rejection(over)).toEqual({ code: 'PreconditionFailed', status: 412 });
        expect(await text(s3.getObject(bucket, 'cmp'))).toBe('exists');
      }
      const up = await s3.putObject(bucket, 'cmp-new', data, { partSize: 5 * 1024 * 1024, ifNoneMatch: '*' });
      expect((await s3.statObject(bucket, 'cmp-new')).etag).toBe(up.etag);
    });

    for (const location of ['header', 'trailer'] as const) {
      it(`checksumAlgorithm (${location}): each algorithm is sent, returned, and stored (statObject checksums)`, async () => {
        const data = randomBytes(100_000);
        if (isRgw && location === 'trailer') {
          // Ceph RGW 16.2 predates STREAMING-UNSIGNED-PAYLOAD-TRAILER: it refuses the body.
          expect(await rejection(s3.putObject(bucket, 'sum-trailer', data, { checksumAlgorithm: 'crc32', checksumLocation: location }))).toEqual({ code: 'XAmzContentSHA256Mismatch', status: 400 });
          return;
        }
        for (const alg of ALGORITHMS) {
          const key = `sum-${location}-${alg}`;
          const put = await s3.putObject(bucket, key, data, { checksumAlgorithm: alg.toUpperCase() as Uppercase<ChecksumAlgorithm>, checksumLocation: location });
          expect(put.checksum).toBe(b64(alg, data));
          const st = await s3.statObject(bucket, key);
          expect(st.size).toBe(data.length);
          // Ceph RGW 16.2 keeps no checksums (it verifies none either); the store keeps them.
          expect(st.checksums).toEqual(isRgw ? {} : { [alg]: b64(alg, data) });
          const got = await s3.getObject(bucket, key, { checksumMode: true });
          expect(Buffer.from(await got.bytes()).equals(data)).toBe(true);
          expect(got.stat.checksums).toEqual(st.checksums);
          expect((await s3.statObject(bucket, key, { checksumMode: false })).checksums).toEqual({});
        }
      });
    }

    it('cross-client: the AWS SDK reads back the checksum @s3kit/client sent, and the other way round', async () => {
      const data = randomBytes(4096);
      await s3.putObject(bucket, 'x-ours', data, { checksumAlgorithm: 'crc32c' });
      const head = await up.aws.send(new HeadObjectCommand({ Bucket: bucket, Key: 'x-ours', ChecksumMode: 'ENABLED' }));
      expect(head.ChecksumCRC32C).toBe(isRgw ? undefined : b64('crc32c', data));
      await up.aws.send(new PutObjectCommand({ Bucket: bucket, Key: 'x-sdk', Body: data, ChecksumAlgorithm: 'SHA256' }));
      expect((await s3.statObject(bucket, 'x-sdk')).checksums.sha256).toBe(isRgw ? undefined : b64('sha256', data));
    });

    it('checksumAlgorithm on a multipart upload: per-part checksums, COMPOSITE (CRC32C) and FULL_OBJECT (CRC64NVME); fPutObject too', async () => {
      const MiB = 1024 * 1024;
      const data = randomBytes(11 * MiB);
      const opts = { partSize: 5 * MiB } as const;
      const composite = await s3.putObject(bucket, 'mp-crc32c', data, { ...opts, checksumAlgorithm: 'crc32c' });
      const full = await s3.putObject(bucket, 'mp-crc64', data, { ...opts, checksumAlgorithm: 'crc64nvme' });
      const file = join(dir, 'mp.bin');
      writeFileSync(file, data);
      const fromFile = await s3.fPutObject(bucket, 'mp-sha256', file, { ...opts, checksumAlgorithm: 'SHA256' });
      // COMPOSITE: the checksum of the parts' checksums, `-<parts>`; FULL_OBJECT: the whole object's.
      const parts = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB, 10 * MiB), data.subarray(10 * MiB)];
      const compositeOf = (alg: ChecksumAlgorithm) => `${b64(alg, Buffer.concat(parts.map((p) => createChecksum(alg).update(p).digest())))}-3`;
      const stats = await Promise.all(['mp-crc32c', 'mp-crc64', 'mp-sha256'].map((k) => s3.statObject(bucket, k)));
      if (isRgw) {
        // Ceph RGW 16.2 accepts the headers and <Checksum*> elements but keeps and returns no checksum.
        expect([composite.checksum, full.checksum, fromFile.checksum]).toEqual([undefined, undefined, undefined]);
        expect(stats.map((st) => st.checksums)).toEqual([{}, {}, {}]);
      } else {
        expect([composite.checksum, full.checksum, fromFile.checksum]).toEqual([compositeOf('crc32c'), b64('crc64nvme', data), compositeOf('sha256')]);
        expect(stats.map((st) => [st.checksums, st.checksumType])).toEqual([
          [{ crc32c: compositeOf('crc32c') }, 'COMPOSITE'],
          [{ crc64nvme: b64('crc64nvme', data) }, 'FULL_OBJECT'],
          [{ sha256: compositeOf('sha256') }, 'COMPOSITE'],
        ]);
      }
      expect(stats.map((st) => st.size)).toEqual([data.length, data.length, data.length]);
    });

    it('a wrong checksum is refused (store: BadDigest); fPutObject sends one too', async () => {
      const data = Buffer.from('checksummed');
      const bad = s3.putObject(bucket, 'sum-bad', data, { headers: { 'x-amz-checksum-crc32': b64('crc32', Buffer.from('other')) } });
      if (isRgw)
        await bad; // RGW 16.2 ignores x-amz-checksum-* headers
      else expect(await rejection(bad)).toEqual({ code: 'BadDigest', status: 400 });
      const file = join(dir, 'up.bin');
      writeFileSync(file, data);
      const put = await s3.fPutObject(bucket, 'sum-file', file, { checksumAlgorithm: 'sha256' });
      expect(put.checksum).toBe(b64('sha256', data));
      expect((await s3.statObject(bucket, 'sum-file')).checksums.sha256).toBe(isRgw ? undefined : b64('sha256', data));
    });

    it('fGetObject: a failed or aborted download leaves neither the file nor a temp file', async () => {
      const file = join(dir, 'dl', 'big.bin');
      const sub = join(dir, 'dl');
      await import('node:fs/promises').then((fs) => fs.mkdir(sub));
      // A failure before any byte (missing key): nothing written.
      expect(await rejection(s3.fGetObject(bucket, 'no-such-key', file))).toMatchObject({ code: 'NoSuchKey', status: 404 });
      expect(readdirSync(sub)).toEqual([]);
      // An abort mid-download: stop as soon as the temp file appears.
      await s3.putObject(bucket, 'big', randomBytes(32 * 1024 * 1024));
      const ac = new AbortController();
      const w = watch(sub, () => ac.abort(new Error('stop')));
      try {
        await expect(s3.fGetObject(bucket, 'big', file, { signal: ac.signal })).rejects.toThrow();
      } finally {
        w.close();
      }
      expect(ac.signal.aborted).toBe(true);
      expect(readdirSync(sub)).toEqual([]);
      // An existing file is replaced only by a complete download, and kept on failure.
      writeFileSync(file, 'old');
      await expect(s3.fGetObject(bucket, 'big', file, { ifMatch: '"0123"' })).rejects.toMatchObject({ code: 'PreconditionFailed' });
      expect([readFileSync(file, 'utf8'), readdirSync(sub)]).toEqual(['old', ['big.bin']]);
      const st = await s3.fGetObject(bucket, 'big', file);
      expect([existsSync(file), readFileSync(file).length, st.size]).toEqual([true, 32 * 1024 * 1024, 32 * 1024 * 1024]);
      expect(readdirSync(sub)).toEqual(['big.bin']);
    });
  });
}
