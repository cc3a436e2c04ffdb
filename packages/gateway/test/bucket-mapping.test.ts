import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { SigV4Signer } from '@s3kit/sigv4';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore, createS3Upstream, mapBuckets, type LocalStore, type S3Upstream, type Upstream } from '../src/index.js';
import { bodyText } from './helpers.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';

const { rgw, reason } = await rgwOrSkip();

/** Direct access to the upstream bucket, bypassing the gateway and the mapping. */
interface Backend {
  readonly upstream: Upstream;
  readonly bucket: string;
  put(key: string, body: string): Promise<void>;
  /** The object's text, or undefined when missing. */
  get(key: string): Promise<string | undefined>;
  close(): Promise<void>;
}

async function localBackend(): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 's3kit-mapping-'));
  const store: LocalStore = createLocalStore({ dir, fsync: false });
  const bucket = 'upstream-real';
  await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket, query: {}, headers: {} });
  return {
    upstream: store,
    bucket,
    async put(key, body) {
      const data = Buffer.from(body);
      await store.handle({
        method: 'PUT',
        operation: 'PutObject',
        bucket,
        key,
        query: {},
        headers: { 'content-length': String(data.length) },
        body: (async function* () {
          yield data;
        })(),
      });
    },
    async get(key) {
      try {
        return await bodyText(await store.handle({ method: 'GET', operation: 'GetObject', bucket, key, query: {}, headers: {} }));
      } catch (err) {
        if ((err as { code?: string }).code === 'NoSuchKey') return undefined;
        throw err;
      }
    },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function rgwBackend(): Promise<Backend> {
  const creds = { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey };
  const direct = new S3Client({ endpoint: rgw!.endpoint, region: rgw!.region, forcePathStyle: true, credentials: creds });
  const bucket = `gw-prefix-${Date.now().toString(36)}`;
  await direct.send(new CreateBucketCommand({ Bucket: bucket }));
  const upstream: S3Upstream = createS3Upstream({ endpoint: rgw!.endpoint, region: rgw!.region, credentials: creds, profile: { checksumHeaders: false } });
  return {
    upstream,
    bucket,
    async put(key, body) {
      await direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async get(key) {
      try {
        return await (await direct.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw err;
      }
    },
    async close() {
      direct.destroy();
      await upstream.close();
    },
  };
}

function suite(name: string, make: () => Promise<Backend>): void {
  describe(name, () => {
    let be: Backend;
    let g: RunningGateway;
    let s3: S3Client;
    const signer = new SigV4Signer({ credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, region: 'us-east-1' });

    beforeAll(async () => {
      be = await make();
      // Keys outside tenant-a/ that the tenant must never see or touch.
      for (const k of ['outside.txt', 'tenant-a', 'tenant-ab/x.txt', 'tenant-b/secret.txt', 'tenant-0.txt']) await be.put(k, `outsider ${k}`);
      const mapped = mapBuckets(be.upstream, [
        { bucket: 'tenant', upstreamBucket: be.bucket, prefix: 'tenant-a/' },
        { bucket: 'other', upstreamBucket: be.bucket, prefix: 'tenant-b/' },
      ]);
      g = await startGateway(mapped);
      s3 = new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey } });
      for (const k of ['a.txt', 'dir/b.txt', 'dir/sub/c.txt', 'dir/with space.txt', 'z.txt']) await s3.send(new PutObjectCommand({ Bucket: 'tenant', Key: k, Body: `body of ${k}` }));
    });
    afterAll(async () => {
      s3?.destroy();
      await g?.close();
      await be?.close();
    });

    async function listAll(extra: { Prefix?: string; StartAfter?: string } = {}): Promise<string[]> {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const r = await s3.send(new ListObjectsV2Command({ Bucket: 'tenant', MaxKeys: 2, ...extra, ...(token ? { ContinuationToken: token } : {}) }));
        expect(r.Name).toBe('tenant');
        keys.push(...(r.Contents ?? []).map((c) => c.Key!));
        token = r.NextContinuationToken;
      } while (token !== undefined);
      return keys;
    }

    it('PutObject stores under the prefix upstream; GetObject and HeadObject read it back by the client key', async () => {
      expect(await be.get('tenant-a/a.txt')).toBe('body of a.txt');
      expect(await be.get('a.txt')).toBeUndefined();
      expect(await (await s3.send(new GetObjectCommand({ Bucket: 'tenant', Key: 'dir/b.txt' }))).Body!.transformToString()).toBe('body of dir/b.txt');
      expect((await s3.send(new HeadObjectCommand({ Bucket: 'tenant', Key: 'a.txt' }))).ContentLength).toBe('body of a.txt'.length);
      await expect(s3.send(new GetObjectCommand({ Bucket: 'tenant', Key: 'outside.txt' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    });

    it('ListObjectsV2 pages (MaxKeys 2, continuation, StartAfter) show exactly the keys under the prefix, without it', async () => {
      expect(await listAll()).toEqual(['a.txt', 'dir/b.txt', 'dir/sub/c.txt', 'dir/with space.txt', 'z.txt']);
      expect(await listAll({ StartAfter: 'dir/sub/c.txt' })).toEqual(['dir/with space.txt', 'z.txt']);
      expect(await listAll({ Prefix: 'dir/' })).toEqual(['dir/b.txt', 'dir/sub/c.txt', 'dir/with space.txt']);
      // A StartAfter below the prefix's range does not reach outside it.
      expect(await listAll({ StartAfter: '' })).toHaveLength(5);
    });

    it('delimiter listings: CommonPrefixes and Prefix are stripped (v2 and v1, with Marker)', async () => {
      const root = await s3.send(new ListObjectsV2Command({ Bucket: 'tenant', Delimiter: '/' }));
      expect((root.Contents ?? []).map((c) => c.Key)).toEqual(['a.txt', 'z.txt']);
      expect((root.CommonPrefixes ?? []).map((c) => c.Prefix)).toEqual(['dir/']);
      expect(root.KeyCount).toBe(3);
      const dir = await s3.send(new ListObjectsV2Command({ Bucket: 'tenant', Delimiter: '/', Prefix: 'dir/' }));
      expect(dir.Prefix).toBe('dir/');
      expect((dir.Contents ?? []).map((c) => c.Key)).toEqual(['dir/b.txt', 'dir/with space.txt']);
      expect((dir.CommonPrefixes ?? []).map((c) => c.Prefix)).toEqual(['dir/sub/']);
      const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'tenant', Marker: 'dir/b.txt', MaxKeys: 2 }));
      expect(v1.Name).toBe('tenant');
      expect(v1.Marker).toBe('dir/b.txt');
      expect((v1.Contents ?? []).map((c) => c.Key)).toEqual(['dir/sub/c.txt', 'dir/with space.txt']);
      expect(v1.IsTruncated).toBe(true);
      const v1d = await s3.send(new ListObjectsCommand({ Bucket: 'tenant', Delimiter: '/', MaxKeys: 1 }));
      expect((v1d.Contents ?? []).map((c) => c.Key)).toEqual(['a.txt']);
      expect(v1d.NextMarker).toBe('a.txt');
    });

    it('encoding-type=url listings are rebuilt URL-encoded, keys without the prefix', async () => {
      const signed = signer.sign({ method: 'GET', url: `${g.endpoint}/tenant?list-type=2&encoding-type=url&prefix=dir%2Fw` });
      const res = await fetch(signed.url, { headers: signed.headers });
      const xml = await res.text();
      expect(res.status).toBe(200);
      expect(xml).toContain('<EncodingType>url</EncodingType>');
      expect(xml).toMatch(/<Key>dir(%2F|\/)with(%20|\+)space\.txt<\/Key>/);
      expect(xml).not.toContain('tenant-a');
      expect(xml).toContain('<Name>tenant</Name>');
    });

    it('CopyObject and UploadPartCopy read and write under the prefixes of both mappings', async () => {
      await s3.send(new CopyObjectCommand({ Bucket: 'tenant', Key: 'copy.txt', CopySource: 'tenant/a.txt' }));
      expect(await be.get('tenant-a/copy.txt')).toBe('body of a.txt');
      await s3.send(new CopyObjectCommand({ Bucket: 'other', Key: 'from-a.txt', CopySource: 'tenant/dir/with%20space.txt' }));
      expect(await be.get('tenant-b/from-a.txt')).toBe('body of dir/with space.txt');
      const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'tenant', Key: 'mp.txt' }));
      expect(up.Bucket).toBe('tenant');
      expect(up.Key).toBe('mp.txt');
      try {
        const part = await s3.send(new UploadPartCopyCommand({ Bucket: 'tenant', Key: 'mp.txt', UploadId: up.UploadId!, PartNumber: 1, CopySource: 'tenant/z.txt' }));
        const parts = await s3.send(new ListPartsCommand({ Bucket: 'tenant', Key: 'mp.txt', UploadId: up.UploadId! }));
        expect(parts.Bucket).toBe('tenant');
        expect(parts.Key).toBe('mp.txt');
        expect(parts.Parts?.map((p) => p.PartNumber)).toEqual([1]);
        const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'tenant' }));
        expect(uploads.Bucket).toBe('tenant');
        expect(uploads.Uploads?.map((u) => u.Key)).toEqual(['mp.txt']);
        const done = await s3.send(
          new CompleteMultipartUploadCommand({ Bucket: 'tenant', Key: 'mp.txt', UploadId: up.UploadId!, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult!.ETag! }] } }),
        );
        expect(done.Key).toBe('mp.txt');
        expect(done.Bucket).toBe('tenant');
        expect(await be.get('tenant-a/mp.txt')).toBe('body of z.txt');
      } catch (err) {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: 'tenant', Key: 'mp.txt', UploadId: up.UploadId! })).catch(() => undefined);
        throw err;
      }
    });

    it('a multipart upload in another tenant is not listed; UploadPart works under the prefix', async () => {
      const other = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'other', Key: 'hidden.bin' }));
      const mine = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'tenant', Key: 'dir/up.bin' }));
      try {
        await s3.send(new UploadPartCommand({ Bucket: 'tenant', Key: 'dir/up.bin', UploadId: mine.UploadId!, PartNumber: 1, Body: 'part' }));
        const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'tenant', Prefix: 'dir/' }));
        expect(uploads.Uploads?.map((u) => u.Key)).toEqual(['dir/up.bin']);
        expect(uploads.Prefix).toBe('dir/');
      } finally {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: 'other', Key: 'hidden.bin', UploadId: other.UploadId! }));
        await s3.send(new AbortMultipartUploadCommand({ Bucket: 'tenant', Key: 'dir/up.bin', UploadId: mine.UploadId! }));
      }
    });

    it('DeleteObject and DeleteObjects act under the prefix; results name client keys; a ".." key is refused (InvalidArgument)', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'tenant', Key: 'del-1.txt', Body: '1' }));
      await s3.send(new PutObjectCommand({ Bucket: 'tenant', Key: 'del-2.txt', Body: '2' }));
      await s3.send(new DeleteObjectCommand({ Bucket: 'tenant', Key: 'del-1.txt' }));
      expect(await be.get('tenant-a/del-1.txt')).toBeUndefined();
      const r = await s3.send(new DeleteObjectsCommand({ Bucket: 'tenant', Delete: { Objects: [{ Key: 'del-2.txt' }, { Key: 'copy.txt' }] } }));
      expect((r.Deleted ?? []).map((d) => d.Key).sort()).toEqual(['copy.txt', 'del-2.txt']);
      expect(await be.get('tenant-a/del-2.txt')).toBeUndefined();
      expect(await be.get('tenant-a/copy.txt')).toBeUndefined();
      await expect(s3.send(new DeleteObjectsCommand({ Bucket: 'tenant', Delete: { Objects: [{ Key: '../outside.txt' }] } }))).rejects.toMatchObject({ name: 'InvalidArgument' });
      expect(await be.get('outside.txt')).toBe('outsider outside.txt');
      expect(await be.get('tenant-b/secret.txt')).toBe('outsider tenant-b/secret.txt');
    });

    it('an upstream error (NoSuchKey) names the client key, not the upstream bucket or the prefix', async () => {
      const signed = signer.sign({ method: 'GET', url: `${g.endpoint}/tenant/dir/missing.txt` });
      const res = await fetch(signed.url, { headers: signed.headers });
      const xml = await res.text();
      expect(res.status).toBe(404);
      expect(xml).toContain('<Code>NoSuchKey</Code>');
      expect(xml).not.toContain('tenant-a');
      expect(xml).not.toContain(be.bucket);
    });

    it('ListObjectVersions shows only versions under the prefix, keys without it', async () => {
      const r = await s3.send(new ListObjectVersionsCommand({ Bucket: 'tenant', Prefix: 'dir/' }));
      expect(r.Name).toBe('tenant');
      expect(r.Prefix).toBe('dir/');
      expect((r.Versions ?? []).map((v) => v.Key)).toEqual(['dir/b.txt', 'dir/sub/c.txt', 'dir/with space.txt']);
      const d = await s3.send(new ListObjectVersionsCommand({ Bucket: 'tenant', Delimiter: '/' }));
      expect((d.CommonPrefixes ?? []).map((c) => c.Prefix)).toEqual(['dir/']);
      expect((d.Versions ?? []).every((v) => !v.Key!.startsWith('tenant') && !v.Key!.startsWith('outside'))).toBe(true);
    });

    it('ListBuckets names the mapped client buckets instead of the upstream bucket they share', async () => {
      const names = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
      expect(names).toContain('tenant');
      expect(names).toContain('other');
      expect(names).not.toContain(be.bucket);
    });

    it('CreateBucket and DeleteBucket on a prefixed mapping answer NotImplemented (501)', async () => {
      await expect(s3.send(new CreateBucketCommand({ Bucket: 'tenant' }))).rejects.toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
      await expect(s3.send(new DeleteBucketCommand({ Bucket: 'tenant' }))).rejects.toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
      expect(await be.get('tenant-a/a.txt')).toBe('body of a.txt');
    });
  });
}

suite('bucket mapping with a key prefix, embedded store', localBackend);
describe.skipIf(!rgw)(`bucket mapping with a key prefix, Ceph RGW ${reason}`, () => {
  suite('against RGW', rgwBackend);
});
