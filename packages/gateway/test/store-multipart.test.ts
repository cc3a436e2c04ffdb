import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyBytes, bodyText, failingBody, listFiles, makeStore, md5hex, type TestStore } from './helpers.js';

const MIN = 1024; // minPartSize for these tests (S3's 5 MiB is exercised by the real-client tests)
let t: TestStore;
beforeEach(async () => {
  t = await makeStore({ minPartSize: MIN });
  await t.call('CreateBucket');
});
afterEach(async () => {
  await t.cleanup();
});

const tag = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const all = (xml: string, name: string): string[] => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);

async function create(key: string, headers: Record<string, string> = {}): Promise<string> {
  const xml = await bodyText(await t.call('CreateMultipartUpload', { key, query: { uploads: '' }, headers }));
  expect(tag(xml, 'Key')).toBe(key.replace(/&/g, '&amp;'));
  return tag(xml, 'UploadId')!;
}

async function part(key: string, uploadId: string, n: number, data: Buffer): Promise<string> {
  const res = await t.call('UploadPart', { key, query: { uploadId, partNumber: String(n) }, data });
  return res.headers['etag']!;
}

function completeXml(parts: [number, string][]): string {
  return `<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
}

async function complete(key: string, uploadId: string, parts: [number, string][], headers: Record<string, string> = {}) {
  return t.call('CompleteMultipartUpload', { key, query: { uploadId }, data: completeXml(parts), headers });
}

function multipartEtag(parts: Buffer[]): string {
  const h = createHash('md5');
  for (const p of parts) h.update(createHash('md5').update(p).digest());
  return `"${h.digest('hex')}-${parts.length}"`;
}

describe('multipart upload', () => {
  const p1 = Buffer.alloc(MIN, 'a');
  const p2 = Buffer.alloc(MIN + 7, 'b');
  const p3 = Buffer.from('tail');

  it('assembles parts in order with ETag md5(part md5s)-N, keeping metadata from Create', async () => {
    const id = await create('big/file.bin', { 'content-type': 'video/mp4', 'x-amz-meta-k': 'v', 'x-amz-tagging': 'x=y' });
    const e1 = await part('big/file.bin', id, 1, p1);
    const e3 = await part('big/file.bin', id, 3, p3);
    const e2 = await part('big/file.bin', id, 2, p2);
    expect(e1).toBe(`"${md5hex(p1)}"`);
    const res = await complete('big/file.bin', id, [
      [1, e1],
      [2, e2.slice(1, -1)],
      [3, e3],
    ]);
    const xml = await bodyText(res);
    expect(tag(xml, 'ETag')).toBe(multipartEtag([p1, p2, p3]));
    expect(tag(xml, 'Bucket')).toBe('bkt');
    const get = await t.call('GetObject', { key: 'big/file.bin' });
    expect(get.headers).toMatchObject({ 'content-type': 'video/mp4', 'x-amz-meta-k': 'v', etag: multipartEtag([p1, p2, p3]), 'x-amz-tagging-count': '1' });
    expect((await bodyBytes(get)).equals(Buffer.concat([p1, p2, p3]))).toBe(true);
    // The upload is gone, its files too.
    expect((await t.fail('ListParts', { key: 'big/file.bin', query: { uploadId: id } })).code).toBe('NoSuchUpload');
    expect((await listFiles(t.dir)).filter((f) => f.includes('/uploads/') || f.startsWith('tmp/'))).toEqual([]);
  });

  it('serves GetObject?partNumber=n of a multipart object with x-amz-mp-parts-count', async () => {
    const id = await create('k');
    const e1 = await part('k', id, 1, p1);
    const e2 = await part('k', id, 2, p3);
    await complete('k', id, [
      [1, e1],
      [2, e2],
    ]);
    const res = await t.call('GetObject', { key: 'k', query: { partNumber: '2' } });
    expect([res.status, res.headers['x-amz-mp-parts-count'], res.headers['content-range']]).toEqual([206, '2', `bytes ${MIN}-${MIN + 3}/${MIN + 4}`]);
    expect(await bodyText(res)).toBe('tail');
    expect((await t.call('HeadObject', { key: 'k', query: { partNumber: '1' } })).headers['content-length']).toBe(String(MIN));
  });

  it('uses the last upload of a part number', async () => {
    const id = await create('k');
    await part('k', id, 1, Buffer.alloc(MIN, 'x'));
    const e1 = await part('k', id, 1, p1);
    await complete('k', id, [[1, e1]]);
    expect((await bodyBytes(await t.call('GetObject', { key: 'k' }))).equals(p1)).toBe(true);
  });

  it('may complete with a subset of the uploaded parts', async () => {
    const id = await create('k');
    const e1 = await part('k', id, 1, p1);
    await part('k', id, 2, p2);
    const e3 = await part('k', id, 3, p3);
    await complete('k', id, [
      [1, e1],
      [3, e3],
    ]);
    expect((await bodyBytes(await t.call('GetObject', { key: 'k' }))).equals(Buffer.concat([p1, p3]))).toBe(true);
  });

  it('rejects parts out of order with InvalidPartOrder, a wrong ETag or missing part with InvalidPart, small parts with EntityTooSmall', async () => {
    const id = await create('k');
    const e1 = await part('k', id, 1, Buffer.alloc(MIN - 1, 'a'));
    const e2 = await part('k', id, 2, p3);
    expect(
      await complete('k', id, [
        [2, e2],
        [1, e1],
      ]).catch((e: { code: string }) => e.code),
    ).toBe('InvalidPartOrder');
    expect(
      await complete('k', id, [
        [1, e1],
        [1, e1],
      ]).catch((e: { code: string }) => e.code),
    ).toBe('InvalidPartOrder');
    expect(
      await complete('k', id, [
        [1, '"0"'],
        [2, e2],
      ]).catch((e: { code: string }) => e.code),
    ).toBe('InvalidPart');
    expect(
      await complete('k', id, [
        [1, e1],
        [5, e2],
      ]).catch((e: { code: string }) => e.code),
    ).toBe('InvalidPart');
    const small = await t.fail('CompleteMultipartUpload', {
      key: 'k',
      query: { uploadId: id },
      data: completeXml([
        [1, e1],
        [2, e2],
      ]),
    });
    expect([small.code, small.status]).toEqual(['EntityTooSmall', 400]);
    // A small last part alone is fine.
    await complete('k', id, [[1, e1]]);
    expect((await t.call('HeadObject', { key: 'k' })).headers['content-length']).toBe(String(MIN - 1));
  });

  it('rejects an empty or malformed part list with MalformedXML', async () => {
    const id = await create('k');
    expect((await t.fail('CompleteMultipartUpload', { key: 'k', query: { uploadId: id }, data: '<CompleteMultipartUpload/>' })).code).toBe('MalformedXML');
    expect((await t.fail('CompleteMultipartUpload', { key: 'k', query: { uploadId: id }, data: '<CompleteMultipartUpload><Part><ETag>x</ETag></Part></CompleteMultipartUpload>' })).code).toBe(
      'MalformedXML',
    );
    expect((await t.fail('CompleteMultipartUpload', { key: 'k', query: { uploadId: id }, data: '<Complete' })).code).toBe('MalformedXML');
  });

  it('answers NoSuchUpload for unknown, malformed, path-like or other-key upload ids', async () => {
    const id = await create('k');
    for (const uploadId of ['0'.repeat(32), '../../../etc', id.toUpperCase(), '']) {
      expect((await t.fail('UploadPart', { key: 'k', query: { uploadId, partNumber: '1' }, data: 'x' })).code).toBe('NoSuchUpload');
    }
    expect((await t.fail('UploadPart', { key: 'other', query: { uploadId: id, partNumber: '1' }, data: 'x' })).code).toBe('NoSuchUpload');
    expect((await listFiles(t.dir)).filter((f) => f.startsWith('tmp/'))).toEqual([]);
  });

  it.each(['0', '10001', 'x', '-1'])('rejects partNumber %s with InvalidArgument', async (partNumber) => {
    const id = await create('k');
    expect((await t.fail('UploadPart', { key: 'k', query: { uploadId: id, partNumber }, data: 'x' })).code).toBe('InvalidArgument');
  });

  it('aborts an upload (204), removing all its parts; later calls answer NoSuchUpload', async () => {
    const id = await create('k');
    await part('k', id, 1, p1);
    expect((await t.call('AbortMultipartUpload', { key: 'k', query: { uploadId: id } })).status).toBe(204);
    expect((await t.fail('AbortMultipartUpload', { key: 'k', query: { uploadId: id } })).code).toBe('NoSuchUpload');
    expect((await t.fail('UploadPart', { key: 'k', query: { uploadId: id, partNumber: '2' }, data: 'x' })).code).toBe('NoSuchUpload');
    expect((await listFiles(t.dir)).filter((f) => !f.endsWith('bucket.json') && f !== 'sse-s3.key')).toEqual([]);
  });

  it('leaves no part when a part upload fails midway, is aborted, or has a bad digest', async () => {
    const id = await create('k');
    await expect(t.call('UploadPart', { key: 'k', query: { uploadId: id, partNumber: '1' }, body: failingBody(Buffer.alloc(10)), headers: {} })).rejects.toThrow();
    expect((await t.fail('UploadPart', { key: 'k', query: { uploadId: id, partNumber: '1' }, data: 'abc', headers: { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' } })).code).toBe('BadDigest');
    expect((await t.fail('UploadPart', { key: 'k', query: { uploadId: id, partNumber: '1' }, data: 'abc', headers: { 'content-length': '9' } })).code).toBe('IncompleteBody');
    const ac = new AbortController();
    ac.abort();
    await expect(t.call('UploadPart', { key: 'k', query: { uploadId: id, partNumber: '1' }, data: 'abc', signal: ac.signal })).rejects.toMatchObject({ code: 'RequestTimeout' });
    expect(all(await bodyText(await t.call('ListParts', { key: 'k', query: { uploadId: id } })), 'PartNumber')).toEqual([]);
    expect((await listFiles(t.dir)).filter((f) => f.startsWith('tmp/') || f.endsWith('.data'))).toEqual([]);
  });

  it('honours If-None-Match: * on CompleteMultipartUpload and then keeps the upload', async () => {
    await t.call('PutObject', { key: 'k', data: 'exists' });
    const id = await create('k');
    const e1 = await part('k', id, 1, p3);
    const err = await t.fail('CompleteMultipartUpload', { key: 'k', query: { uploadId: id }, data: completeXml([[1, e1]]), headers: { 'if-none-match': '*' } });
    expect(err.code).toBe('PreconditionFailed');
    expect(await bodyText(await t.call('GetObject', { key: 'k' }))).toBe('exists');
    expect((await listFiles(t.dir)).filter((f) => f.startsWith('tmp/'))).toEqual([]);
    await complete('k', id, [[1, e1]]);
    expect(await bodyText(await t.call('GetObject', { key: 'k' }))).toBe('tail');
  });
});

describe('multipart concurrency', () => {
  it('keeps one whole version of a part uploaded concurrently, and completes with it', async () => {
    const id = await create('k');
    const bodies = Array.from({ length: 6 }, (_, i) => Buffer.alloc(MIN + i * 10, 97 + i));
    await Promise.all(bodies.map((b) => part('k', id, 1, b)));
    const xml = await bodyText(await t.call('ListParts', { key: 'k', query: { uploadId: id } }));
    const etag = tag(xml, 'ETag')!;
    const winner = bodies.find((b) => `"${md5hex(b)}"` === etag)!;
    expect(winner).toBeDefined();
    expect(tag(xml, 'Size')).toBe(String(winner.length));
    await complete('k', id, [[1, etag]]);
    expect((await bodyBytes(await t.call('GetObject', { key: 'k' }))).equals(winner)).toBe(true);
    expect((await listFiles(t.dir)).filter((f) => f.includes('/uploads/') || f.startsWith('tmp/'))).toEqual([]);
  });

  it('lets exactly one of a racing Complete and Abort win, leaving a whole object or none', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `race-${round}`;
      const id = await create(key);
      const e1 = await part(key, id, 1, Buffer.alloc(MIN, 1));
      const e2 = await part(key, id, 2, Buffer.alloc(10, 2));
      const [c, a] = await Promise.allSettled([
        complete(key, id, [
          [1, e1],
          [2, e2],
        ]),
        t.call('AbortMultipartUpload', { key, query: { uploadId: id } }),
      ]);
      expect([c.status, a.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
      const rejected = (c.status === 'rejected' ? c.reason : (a as PromiseRejectedResult).reason) as { code: string };
      expect(rejected.code).toBe('NoSuchUpload');
      if (c.status === 'fulfilled') expect((await t.call('HeadObject', { key })).headers['content-length']).toBe(String(MIN + 10));
      else expect((await t.fail('HeadObject', { key })).code).toBe('NoSuchKey');
    }
    expect((await listFiles(t.dir)).filter((f) => f.includes('/uploads/') || f.startsWith('tmp/'))).toEqual([]);
  });
});

describe('UploadPartCopy', () => {
  it('copies a byte range of an object into a part', async () => {
    const src = Buffer.from('0123456789'.repeat(200));
    await t.call('PutObject', { key: 'src', data: src });
    const id = await create('dst');
    const res = await t.call('UploadPartCopy', {
      key: 'dst',
      query: { uploadId: id, partNumber: '1' },
      headers: { 'x-amz-copy-source': '/bkt/src', 'x-amz-copy-source-range': 'bytes=0-1099' },
    });
    const xml = await bodyText(res);
    const e1 = tag(xml, 'ETag')!.replace(/&quot;/g, '"');
    expect(e1).toBe(`"${md5hex(src.subarray(0, 1100))}"`);
    const res2 = await t.call('UploadPartCopy', { key: 'dst', query: { uploadId: id, partNumber: '2' }, headers: { 'x-amz-copy-source': 'bkt/src' } });
    const e2 = tag(await bodyText(res2), 'ETag')!.replace(/&quot;/g, '"');
    await complete('dst', id, [
      [1, e1],
      [2, e2],
    ]);
    expect((await bodyBytes(await t.call('GetObject', { key: 'dst' }))).equals(Buffer.concat([src.subarray(0, 1100), src]))).toBe(true);
  });

  it('rejects a range outside the source with InvalidRange (416), a malformed one with InvalidArgument, a missing source with NoSuchKey', async () => {
    await t.call('PutObject', { key: 'src', data: 'short' });
    const id = await create('dst');
    const copy = (range: string) => t.fail('UploadPartCopy', { key: 'dst', query: { uploadId: id, partNumber: '1' }, headers: { 'x-amz-copy-source': '/bkt/src', 'x-amz-copy-source-range': range } });
    for (const range of ['bytes=0-5', 'bytes=3-2', 'bytes=5-5']) {
      const bad = await copy(range);
      expect([bad.code, bad.status, bad.headers['Content-Range']]).toEqual(['InvalidRange', 416, 'bytes */5']);
    }
    for (const range of ['bytes=0-', 'bytes=-2', '0-2', 'bytes=0-1,2-3', 'bytes=a-b']) {
      const bad = await copy(range);
      expect([bad.code, bad.status]).toEqual(['InvalidArgument', 400]);
    }
    expect((await t.fail('UploadPartCopy', { key: 'dst', query: { uploadId: id, partNumber: '1' }, headers: { 'x-amz-copy-source': '/bkt/none' } })).code).toBe('NoSuchKey');
  });
});

describe('ListParts / ListMultipartUploads', () => {
  it('pages parts with max-parts and part-number-marker', async () => {
    const id = await create('k');
    for (const n of [1, 2, 3, 10]) await part('k', id, n, Buffer.from(`p${n}`));
    const p1 = await bodyText(await t.call('ListParts', { key: 'k', query: { uploadId: id, 'max-parts': '2' } }));
    expect(all(p1, 'PartNumber')).toEqual(['1', '2']);
    expect([tag(p1, 'IsTruncated'), tag(p1, 'NextPartNumberMarker')]).toEqual(['true', '2']);
    const p2 = await bodyText(await t.call('ListParts', { key: 'k', query: { uploadId: id, 'part-number-marker': '2' } }));
    expect(all(p2, 'PartNumber')).toEqual(['3', '10']);
    expect(all(p2, 'Size')).toEqual(['2', '3']);
    expect(tag(p2, 'IsTruncated')).toBe('false');
  });

  it('lists uploads by key with prefix, delimiter, key-marker and upload-id-marker', async () => {
    const a1 = await create('a/1');
    await new Promise((r) => setTimeout(r, 5)); // uploads of one key list by initiation time
    const a1b = await create('a/1');
    await create('a/2');
    await create('b&c');
    await create('z/9');
    const xml = await bodyText(await t.call('ListMultipartUploads', { query: { uploads: '' } }));
    expect(all(xml, 'Key')).toEqual(['a/1', 'a/1', 'a/2', 'b&amp;c', 'z/9']);
    expect(all(xml, 'UploadId').slice(0, 2)).toEqual([a1, a1b]);
    const grouped = await bodyText(await t.call('ListMultipartUploads', { query: { uploads: '', delimiter: '/' } }));
    expect(all(grouped, 'Key')).toEqual(['b&amp;c']);
    expect(all(grouped, 'Prefix').filter((p) => p !== '')).toEqual(['a/', 'z/']);
    const prefixed = await bodyText(await t.call('ListMultipartUploads', { query: { uploads: '', prefix: 'a/' } }));
    expect(all(prefixed, 'Key')).toEqual(['a/1', 'a/1', 'a/2']);
    const paged = await bodyText(await t.call('ListMultipartUploads', { query: { uploads: '', 'max-uploads': '1' } }));
    expect([tag(paged, 'IsTruncated'), tag(paged, 'NextKeyMarker'), tag(paged, 'NextUploadIdMarker')]).toEqual(['true', 'a/1', a1]);
    const next = await bodyText(await t.call('ListMultipartUploads', { query: { uploads: '', 'key-marker': 'a/1', 'upload-id-marker': a1 } }));
    expect(all(next, 'UploadId')[0]).toBe(a1b);
    const afterKey = await bodyText(await t.call('ListMultipartUploads', { query: { uploads: '', 'key-marker': 'a/1' } }));
    expect(all(afterKey, 'Key')).toEqual(['a/2', 'b&amp;c', 'z/9']);
  });
});
