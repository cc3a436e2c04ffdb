// Versioning through the real gateway with the AWS SDK v3, on both upstream kinds (the embedded
// store and Ceph RGW), held to the same assertions: AWS S3's documented behaviour. Where RGW
// answers differently, the case asserts per kind and says so.
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@s3kit/post-policy';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createS3Upstream } from '../src/index.js';
import { sdkFailure } from './support/sdk-errors.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { formData, postForm } from './support/post-forms.js';
import { upstreamKinds, type Target } from './support/targets.js';

const { rgw, reason } = await rgwOrSkip();

/** One listed entry as `key@id` (`!` for a delete marker, `*` for the latest). */
type Entry = string;

/** Every entry of one ListObjectVersions page, in S3's order (keys, then newest first). */
function entriesOf(page: ListObjectVersionsCommandOutput): Entry[] {
  const all = [
    ...(page.Versions ?? []).map((v) => ({ key: v.Key!, id: v.VersionId!, latest: v.IsLatest === true, marker: false, at: v.LastModified!.getTime() })),
    ...(page.DeleteMarkers ?? []).map((v) => ({ key: v.Key!, id: v.VersionId!, latest: v.IsLatest === true, marker: true, at: v.LastModified!.getTime() })),
  ];
  // The SDK splits Version and DeleteMarker into two lists: put them back in key order, newest first.
  all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : b.at - a.at));
  return all.map((e) => `${e.key}@${e.id}${e.marker ? '!' : ''}${e.latest ? '*' : ''}`);
}

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  const onRgw = name.startsWith('Ceph');
  describe.skipIf(noUpstream)(`versioning through the gateway to ${name} (AWS SDK v3)`, () => {
    let target: Target;
    let g: RunningGateway;
    let s3: S3Client;
    const bucket = `vg-${Date.now().toString(36)}-${onRgw ? 'r' : 'l'}`;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream);
      s3 = new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey } });
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    });
    afterAll(async () => {
      s3?.destroy();
      await g?.close();
      await target?.close();
    });

    const put = async (Key: string, Body: string): Promise<string | undefined> => (await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }))).VersionId;
    const text = async (Key: string, VersionId?: string): Promise<string> =>
      (await s3.send(new GetObjectCommand({ Bucket: bucket, Key, ...(VersionId === undefined ? {} : { VersionId }) }))).Body!.transformToString();

    it('gives every write in an enabled bucket a version id and keeps them all readable', async () => {
      expect((await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'pre', Body: 'unversioned' }))).VersionId).toBeUndefined();
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      ids['a1'] = (await put('v/a', 'a-one'))!;
      ids['b1'] = (await put('v/b', 'b-one'))!;
      ids['a2'] = (await put('v/a', 'a-two'))!;
      for (const id of [ids['a1'], ids['b1'], ids['a2']]) expect(id).toMatch(/^[\w.+-]{8,}$/);
      expect(new Set(Object.values(ids)).size).toBe(3);
      expect(await text('v/a')).toBe('a-two');
      expect(await text('v/a', ids['a1'])).toBe('a-one');
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'v/a', VersionId: ids['a1'] }));
      expect([head.VersionId, head.ContentLength]).toEqual([ids['a1'], 5]);
      // The object from before versioning is the null version; AWS names it on reads. RGW sends no x-amz-version-id.
      expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'pre' }))).VersionId).toBe(onRgw ? undefined : 'null');
    });

    it('hides a key behind a delete marker: 404 with x-amz-delete-marker, 405 when the marker is named', async () => {
      const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'v/a' }));
      expect(del.DeleteMarker).toBe(true);
      ids['a-dm'] = del.VersionId!;
      expect(ids['a-dm']).toBeTruthy();
      const gone = await sdkFailure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'v/a' })));
      // RGW answers the 404 without x-amz-delete-marker (AWS sends it); its HEAD has it.
      expect([gone.code, gone.status, gone.headers['x-amz-delete-marker']]).toEqual(['NoSuchKey', 404, onRgw ? undefined : 'true']);
      const head = await sdkFailure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'v/a' })));
      expect([head.status, head.headers['x-amz-delete-marker']]).toEqual([404, onRgw ? undefined : 'true']);
      // RGW answers a HEAD naming the marker 404 without the header; AWS answers 405 MethodNotAllowed.
      const named = await sdkFailure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'v/a', VersionId: ids['a-dm'] })));
      expect([named.status, named.headers['x-amz-delete-marker']]).toEqual(onRgw ? [404, undefined] : [405, 'true']);
      expect(await text('v/a', ids['a2'])).toBe('a-two');
    });

    it('copies from a source version and tags a named version', async () => {
      const copy = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'v/c', CopySource: `${bucket}/v/a?versionId=${ids['a1']}` }));
      if (onRgw) {
        // RGW answers a copy without x-amz-version-id and x-amz-copy-source-version-id (AWS sends both).
        expect([copy.CopySourceVersionId, copy.VersionId]).toEqual([undefined, undefined]);
        ids['c1'] = (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'v/c' }))).Versions![0]!.VersionId!;
      } else {
        expect(copy.CopySourceVersionId).toBe(ids['a1']);
        ids['c1'] = copy.VersionId!;
      }
      expect(ids['c1']).toBeTruthy();
      expect(await text('v/c')).toBe('a-one');
      const named = await sdkFailure(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'v/c', CopySource: `${bucket}/v/a?versionId=${ids['a-dm']}` })));
      // AWS: 400 InvalidRequest "The source of a copy request may not specifically refer to a delete marker by version id."; RGW: 404 NoSuchKey.
      expect([named.code, named.status]).toEqual(onRgw ? ['NoSuchKey', 404] : ['InvalidRequest', 400]);
      const tagged = await s3.send(
        new PutObjectTaggingCommand({
          Bucket: bucket,
          Key: 'v/b',
          VersionId: ids['b1'],
          Tagging: {
            TagSet: [
              { Key: 'z', Value: '1' },
              { Key: 'a', Value: '2' },
            ],
          },
        }),
      );
      expect(tagged.VersionId).toBe(onRgw ? undefined : ids['b1']); // RGW: no x-amz-version-id on PutObjectTagging
      const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'v/b', VersionId: ids['b1'] }));
      expect(tags.TagSet?.map((t) => t.Key)).toEqual(['a', 'z']);
    });

    it('lists versions and delete markers in S3 order and pages through them with MaxKeys 1–3', async () => {
      const all = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'v/' }));
      expect(all.IsTruncated).toBe(false);
      const one = entriesOf(all);
      expect(one).toEqual([`v/a@${ids['a-dm']}!*`, `v/a@${ids['a2']}`, `v/a@${ids['a1']}`, `v/b@${ids['b1']}*`, `v/c@${ids['c1']}*`]);
      for (const MaxKeys of [1, 2, 3]) {
        const paged: Entry[] = [];
        let KeyMarker: string | undefined;
        let VersionIdMarker: string | undefined;
        let pages = 0;
        for (;;) {
          const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'v/', MaxKeys, KeyMarker, VersionIdMarker }));
          pages++;
          paged.push(...entriesOf(page));
          if (page.IsTruncated !== true) break;
          [KeyMarker, VersionIdMarker] = [page.NextKeyMarker, page.NextVersionIdMarker];
          expect(pages).toBeLessThan(20);
        }
        expect(paged).toEqual(one);
        expect(pages).toBe(Math.ceil(one.length / MaxKeys));
      }
      const rolled = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: '/' }));
      expect(rolled.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['v/']);
      expect(rolled.Versions?.map((v) => v.Key)).toEqual(['pre']);
    });

    it('encodes ListObjectVersions keys, prefix and markers with EncodingType=url as S3 does', async () => {
      // The SDK v3 does not decode: the raw values show the encoding. S3 form-encodes UTF-8, keeps '/', space as '+'.
      const key = 'v/e sp+ü';
      const v = await put(key, 'enc');
      try {
        const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'v/e ', EncodingType: 'url', MaxKeys: 1 }));
        expect(page.EncodingType).toBe('url');
        // RGW percent-encodes '/' and space (%2F, %20) where AWS keeps '/' and writes '+', and leaves Prefix unencoded.
        expect([page.Versions?.map((x) => x.Key), page.Prefix]).toEqual(onRgw ? [['v%2Fe%20sp%2B%C3%BC'], 'v/e '] : [['v/e+sp%2B%C3%BC'], 'v/e+']);
      } finally {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: v }));
      }
    });

    it('writes the null version when suspended: no x-amz-version-id on the PUT, "null" on reads', async () => {
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
      expect(await put('v/b', 'b-null')).toBeUndefined();
      expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'v/b' }))).VersionId).toBe(onRgw ? undefined : 'null'); // RGW: none
      expect(await text('v/b', ids['b1'])).toBe('b-one');
      const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'pre' }));
      expect([del.DeleteMarker, del.VersionId]).toEqual([true, 'null']);
    });

    it('deletes every version with DeleteObjects, then DeleteBucket succeeds', async () => {
      await expect(s3.send(new DeleteBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'BucketNotEmpty' });
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId! }));
      expect(objects.length).toBe(7); // pre@null!, v/a ×3, v/b ×2 (null, b1), v/c
      const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
      expect(out.Errors ?? []).toEqual([]);
      expect(out.Deleted?.length).toBe(objects.length);
      const markers = out.Deleted!.filter((d) => d.DeleteMarker === true);
      // Removing a delete marker by id reports it, with DeleteMarkerVersionId = the id. RGW does not
      // report the null delete marker ('pre', made while suspended) as one.
      expect(markers.map((d) => d.VersionId).sort()).toEqual(onRgw ? [ids['a-dm']] : [ids['a-dm'], 'null'].sort());
      for (const m of markers) expect(m.DeleteMarkerVersionId).toBe(m.VersionId);
      const empty = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      expect([empty.Versions ?? [], empty.DeleteMarkers ?? []]).toEqual([[], []]);
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    });

    it('answers a browser POST upload to a versioned bucket with x-amz-version-id (none when suspended)', async () => {
      const Bucket = `${bucket}-post`;
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      const post = createPresignedPost({ bucket: Bucket, key: 'form.txt', credentials: ADMIN, endpoint: g.endpoint, forcePathStyle: true });
      const first = await postForm(post.url, formData(post.fields, 'one'));
      const second = await postForm(post.url, formData(post.fields, 'two'));
      expect([first.status, second.status]).toEqual([204, 204]);
      const posted = [first.headers['x-amz-version-id'], second.headers['x-amz-version-id']];
      const listed = (await s3.send(new ListObjectVersionsCommand({ Bucket }))).Versions!.map((v) => v.VersionId);
      expect(listed).toEqual([posted[1], posted[0]]);
      expect(posted[0]).not.toBe(posted[1]);
      await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } }));
      const third = await postForm(post.url, formData(post.fields, 'three'));
      expect([third.status, third.headers['x-amz-version-id']]).toEqual([204, undefined]);
      const all = (await s3.send(new ListObjectVersionsCommand({ Bucket }))).Versions!.map((v) => ({ Key: v.Key!, VersionId: v.VersionId! }));
      expect(all.map((v) => v.VersionId)).toEqual(['null', posted[1], posted[0]]);
      await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: all } }));
      await s3.send(new DeleteBucketCommand({ Bucket }));
    });
  });
}

// A remote upstream whose answers carry the versioning headers AWS sends (RGW omits some of them):
// the gateway must hand them to the client as they came, on successes and on errors alike.
describe('versioning headers from a remote upstream pass through the gateway', () => {
  let fake: Server;
  let g: RunningGateway;
  let s3: S3Client;
  const ID = '3HL4kqtJvjVBH40Nrjfkd';
  beforeAll(async () => {
    fake = createServer((req, res) => {
      req.resume();
      const url = req.url ?? '';
      if (req.method === 'HEAD' && url.includes('versionId=')) {
        res.writeHead(405, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': ID, allow: 'DELETE' }).end();
      } else if (req.method === 'HEAD') {
        res.writeHead(404, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': ID }).end();
      } else if (req.method === 'PUT' && req.headers['x-amz-copy-source'] !== undefined) {
        const body = '<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag></CopyObjectResult>';
        res.writeHead(200, { 'content-type': 'application/xml', 'x-amz-version-id': 'new-version', 'x-amz-copy-source-version-id': ID }).end(body);
      } else {
        res.writeHead(204, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': ID }).end();
      }
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const upstream = createS3Upstream({
      endpoint: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'fake', secretAccessKey: 'fake-secret' },
    });
    g = await startGateway(upstream);
    s3 = new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey } });
  });
  afterAll(async () => {
    s3?.destroy();
    await g?.close();
    await new Promise((r) => fake?.close(r));
  });

  it('x-amz-version-id, x-amz-delete-marker and x-amz-copy-source-version-id reach the client', async () => {
    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'bkt', Key: 'k' }));
    expect([del.DeleteMarker, del.VersionId]).toEqual([true, ID]);
    const copy = await s3.send(new CopyObjectCommand({ Bucket: 'bkt', Key: 'k2', CopySource: `bkt/k?versionId=${ID}` }));
    expect([copy.VersionId, copy.CopySourceVersionId]).toEqual(['new-version', ID]);
    const head = await sdkFailure(s3.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'k' })));
    expect([head.status, head.headers['x-amz-delete-marker'], head.headers['x-amz-version-id']]).toEqual([404, 'true', ID]);
    const named = await sdkFailure(s3.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'k', VersionId: ID })));
    expect([named.status, named.headers['x-amz-delete-marker']]).toEqual([405, 'true']);
  });
});
