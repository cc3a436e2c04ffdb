import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksumBase64, createChecksum, type ChecksumAlgorithm } from '@s3kit/sigv4';
import { bodyBytes, bodyText, listFiles, makeStore, type TestStore } from './helpers.js';

const MIN = 1024;
let t: TestStore;
beforeEach(async () => {
  t = await makeStore({ minPartSize: MIN });
  await t.call('CreateBucket');
});
afterEach(async () => {
  await t.cleanup();
});

const tag = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const ALGS: ChecksumAlgorithm[] = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'];
const ENABLED = { 'x-amz-checksum-mode': 'ENABLED' };

/** S3's composite checksum: the algorithm over the raw part digests, then -N. */
function composite(alg: ChecksumAlgorithm, parts: Buffer[]): string {
  const sum = createChecksum(alg);
  for (const p of parts) sum.update(createChecksum(alg).update(p).digest());
  return `${sum.digestBase64()}-${parts.length}`;
}

async function expectNoObject(key: string): Promise<void> {
  expect((await t.fail('HeadObject', { key })).code).toBe('NoSuchKey');
  expect((await listFiles(t.dir)).filter((f) => f.startsWith('tmp/'))).toEqual([]);
}

describe('stored checksums on PutObject / GetObject / HeadObject', () => {
  it.each(ALGS)('stores a %s header checksum, answers it on PUT and returns it only with x-amz-checksum-mode: ENABLED', async (alg) => {
    const value = checksumBase64(alg, Buffer.from('hello'));
    const put = await t.call('PutObject', { key: 'k', data: 'hello', headers: { [`x-amz-checksum-${alg}`]: value } });
    expect(put.headers).toMatchObject({ [`x-amz-checksum-${alg}`]: value, 'x-amz-checksum-type': 'FULL_OBJECT' });
    expect((await t.call('HeadObject', { key: 'k' })).headers[`x-amz-checksum-${alg}`]).toBeUndefined();
    const head = await t.call('HeadObject', { key: 'k', headers: ENABLED });
    expect(head.headers).toMatchObject({ [`x-amz-checksum-${alg}`]: value, 'x-amz-checksum-type': 'FULL_OBJECT' });
    const get = await t.call('GetObject', { key: 'k', headers: ENABLED });
    expect(get.headers[`x-amz-checksum-${alg}`]).toBe(value);
    expect(await bodyText(get)).toBe('hello');
  });

  it('computes the algorithm named by x-amz-sdk-checksum-algorithm alone, and by the gateway trailer hint', async () => {
    await t.call('PutObject', { key: 'a', data: 'abc', headers: { 'x-amz-sdk-checksum-algorithm': 'CRC32C' } });
    expect((await t.call('HeadObject', { key: 'a', headers: ENABLED })).headers['x-amz-checksum-crc32c']).toBe(checksumBase64('crc32c', Buffer.from('abc')));
    await t.call('PutObject', { key: 'b', data: 'abc', headers: { 'x-s3kit-trailer': 'x-amz-checksum-crc64nvme' } });
    expect((await t.call('HeadObject', { key: 'b', headers: ENABLED })).headers['x-amz-checksum-crc64nvme']).toBe(checksumBase64('crc64nvme', Buffer.from('abc')));
  });

  it('stores no checksum when none was asked for (S3 now adds CRC64NVME by default; the store does not)', async () => {
    const put = await t.call('PutObject', { key: 'k', data: 'abc' });
    expect(Object.keys(put.headers).filter((h) => h.startsWith('x-amz-checksum'))).toEqual([]);
    const head = await t.call('HeadObject', { key: 'k', headers: ENABLED });
    expect(Object.keys(head.headers).filter((h) => h.startsWith('x-amz-checksum'))).toEqual([]);
  });

  it('refuses a mismatching checksum with BadDigest (400) and stores nothing', async () => {
    for (const alg of ALGS) {
      const wrong = checksumBase64(alg, Buffer.from('other'));
      const err = await t.fail('PutObject', { key: 'k', data: 'abc', headers: { [`x-amz-checksum-${alg}`]: wrong } });
      expect([err.code, err.status]).toEqual(['BadDigest', 400]);
    }
    await expectNoObject('k');
  });

  it('refuses malformed values, two checksum headers and an unknown algorithm with InvalidRequest (400)', async () => {
    const cases: Record<string, string>[] = [
      { 'x-amz-checksum-sha256': 'AAAA' },
      { 'x-amz-checksum-crc32': 'not base64!' },
      { 'x-amz-checksum-crc32': checksumBase64('crc32', Buffer.from('abc')), 'x-amz-checksum-sha1': checksumBase64('sha1', Buffer.from('abc')) },
      { 'x-amz-sdk-checksum-algorithm': 'MD4' },
      { 'x-amz-sdk-checksum-algorithm': 'SHA1', 'x-amz-checksum-crc32': checksumBase64('crc32', Buffer.from('abc')) },
    ];
    for (const headers of cases) {
      const err = await t.fail('PutObject', { key: 'k', data: 'abc', headers });
      expect([err.code, err.status]).toEqual(['InvalidRequest', 400]);
    }
    await expectNoObject('k');
  });

  it('does not return the checksum for a Range GET (it covers the whole object)', async () => {
    await t.call('PutObject', { key: 'k', data: 'hello', headers: { 'x-amz-checksum-sha1': checksumBase64('sha1', Buffer.from('hello')) } });
    const res = await t.call('GetObject', { key: 'k', headers: { ...ENABLED, range: 'bytes=0-1' } });
    expect(res.status).toBe(206);
    expect(res.headers['x-amz-checksum-sha1']).toBeUndefined();
    await bodyBytes(res);
  });

  it('keeps the checksum per version', async () => {
    await t.call('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' });
    const v1 = (await t.call('PutObject', { key: 'k', data: 'one', headers: { 'x-amz-checksum-crc32': checksumBase64('crc32', Buffer.from('one')) } })).headers['x-amz-version-id']!;
    await t.call('PutObject', { key: 'k', data: 'two' });
    expect((await t.call('HeadObject', { key: 'k', headers: ENABLED })).headers['x-amz-checksum-crc32']).toBeUndefined();
    const old = await t.call('HeadObject', { key: 'k', query: { versionId: v1 }, headers: ENABLED });
    expect(old.headers['x-amz-checksum-crc32']).toBe(checksumBase64('crc32', Buffer.from('one')));
  });
});

describe('stored checksums on CopyObject', () => {
  it("keeps the source's algorithm, or computes x-amz-checksum-algorithm when asked", async () => {
    await t.call('PutObject', { key: 'src', data: 'data', headers: { 'x-amz-checksum-sha256': checksumBase64('sha256', Buffer.from('data')) } });
    const copy = await t.call('CopyObject', { key: 'c1', headers: { 'x-amz-copy-source': '/bkt/src' } });
    const xml = await bodyText(copy);
    expect([tag(xml, 'ChecksumSHA256'), tag(xml, 'ChecksumType')]).toEqual([checksumBase64('sha256', Buffer.from('data')), 'FULL_OBJECT']);
    expect((await t.call('HeadObject', { key: 'c1', headers: ENABLED })).headers['x-amz-checksum-sha256']).toBe(checksumBase64('sha256', Buffer.from('data')));
    await bodyText(await t.call('CopyObject', { key: 'c2', headers: { 'x-amz-copy-source': '/bkt/src', 'x-amz-checksum-algorithm': 'CRC32' } }));
    const head = await t.call('HeadObject', { key: 'c2', headers: ENABLED });
    expect([head.headers['x-amz-checksum-crc32'], head.headers['x-amz-checksum-sha256']]).toEqual([checksumBase64('crc32', Buffer.from('data')), undefined]);
    const bad = await t.fail('CopyObject', { key: 'c3', headers: { 'x-amz-copy-source': '/bkt/src', 'x-amz-checksum-algorithm': 'MD5' } });
    expect(bad.code).toBe('InvalidRequest');
  });
});

describe('multipart checksums', () => {
  const p1 = Buffer.alloc(MIN, 'a');
  const p2 = Buffer.from('tail');

  async function create(key: string, headers: Record<string, string>): Promise<string> {
    const res = await t.call('CreateMultipartUpload', { key, query: { uploads: '' }, headers });
    return tag(await bodyText(res), 'UploadId')!;
  }
  async function part(key: string, uploadId: string, n: number, data: Buffer, headers: Record<string, string> = {}) {
    return t.call('UploadPart', { key, query: { uploadId, partNumber: String(n) }, data, headers });
  }
  function completeXml(parts: [number, string, Record<string, string>?][]): string {
    const extra = (x: Record<string, string> = {}): string =>
      Object.entries(x)
        .map(([k, v]) => `<${k}>${v}</${k}>`)
        .join('');
    return `<CompleteMultipartUpload>${parts.map(([n, e, x]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag>${extra(x)}</Part>`).join('')}</CompleteMultipartUpload>`;
  }

  it('COMPOSITE (the default for SHA/CRC32/CRC32C): parts keep checksums, ListParts shows them, Complete answers base64(alg(part digests))-N', async () => {
    const create1 = await t.call('CreateMultipartUpload', { key: 'k', query: { uploads: '' }, headers: { 'x-amz-checksum-algorithm': 'SHA256' } });
    expect(create1.headers).toMatchObject({ 'x-amz-checksum-algorithm': 'SHA256', 'x-amz-checksum-type': 'COMPOSITE' });
    const id = tag(await bodyText(create1), 'UploadId')!;
    const r1 = await part('k', id, 1, p1, { 'x-amz-checksum-sha256': checksumBase64('sha256', p1) });
    expect(r1.headers['x-amz-checksum-sha256']).toBe(checksumBase64('sha256', p1));
    const r2 = await part('k', id, 2, p2); // no checksum sent: computed with the upload's algorithm
    expect(r2.headers['x-amz-checksum-sha256']).toBe(checksumBase64('sha256', p2));
    const uploads = await bodyText(await t.call('ListMultipartUploads', { query: { uploads: '' } }));
    expect([tag(uploads, 'ChecksumAlgorithm'), tag(uploads, 'ChecksumType')]).toEqual(['SHA256', 'COMPOSITE']);
    const list = await bodyText(await t.call('ListParts', { key: 'k', query: { uploadId: id } }));
    expect([tag(list, 'ChecksumAlgorithm'), tag(list, 'ChecksumType'), tag(list, 'ChecksumSHA256')]).toEqual(['SHA256', 'COMPOSITE', checksumBase64('sha256', p1)]);
    // A COMPOSITE upload's Complete must list every part's checksum (S3: InvalidRequest otherwise).
    const missingSum = await t.fail('CompleteMultipartUpload', {
      key: 'k',
      query: { uploadId: id },
      data: completeXml([
        [1, r1.headers['etag']!, { ChecksumSHA256: checksumBase64('sha256', p1) }],
        [2, r2.headers['etag']!],
      ]),
    });
    expect([missingSum.code, missingSum.status, missingSum.message]).toEqual([
      'InvalidRequest',
      400,
      'The upload was created using a sha256 checksum. The complete request must include the checksum for each part. It was missing for part 2 in the request.',
    ]);
    const xml = await bodyText(
      await t.call('CompleteMultipartUpload', {
        key: 'k',
        query: { uploadId: id },
        data: completeXml([
          [1, r1.headers['etag']!, { ChecksumSHA256: checksumBase64('sha256', p1) }],
          [2, r2.headers['etag']!, { ChecksumSHA256: checksumBase64('sha256', p2) }],
        ]),
      }),
    );
    const want = composite('sha256', [p1, p2]);
    expect([tag(xml, 'ChecksumSHA256'), tag(xml, 'ChecksumType')]).toEqual([want, 'COMPOSITE']);
    const head = await t.call('HeadObject', { key: 'k', headers: ENABLED });
    expect(head.headers).toMatchObject({ 'x-amz-checksum-sha256': want, 'x-amz-checksum-type': 'COMPOSITE' });
    const p = await t.call('HeadObject', { key: 'k', query: { partNumber: '2' }, headers: ENABLED });
    expect(p.headers['x-amz-checksum-sha256']).toBe(checksumBase64('sha256', p2));
  });

  it('FULL_OBJECT (CRC64NVME by default, CRC32/CRC32C when asked): the CRC of the whole data, and a Complete x-amz-checksum-* header is checked', async () => {
    const id = await create('k', { 'x-amz-checksum-algorithm': 'CRC64NVME' });
    const e1 = (await part('k', id, 1, p1, { 'x-amz-checksum-crc64nvme': checksumBase64('crc64nvme', p1) })).headers['etag']!;
    const e2 = (await part('k', id, 2, p2)).headers['etag']!;
    const whole = checksumBase64('crc64nvme', Buffer.concat([p1, p2]));
    const wrong = await t.fail('CompleteMultipartUpload', {
      key: 'k',
      query: { uploadId: id },
      data: completeXml([
        [1, e1],
        [2, e2],
      ]),
      headers: { 'x-amz-checksum-crc64nvme': checksumBase64('crc64nvme', p1) },
    });
    expect([wrong.code, wrong.status]).toEqual(['BadDigest', 400]);
    const xml = await bodyText(
      await t.call('CompleteMultipartUpload', {
        key: 'k',
        query: { uploadId: id },
        data: completeXml([
          [1, e1],
          [2, e2],
        ]),
        headers: { 'x-amz-checksum-crc64nvme': whole },
      }),
    );
    expect([tag(xml, 'ChecksumCRC64NVME'), tag(xml, 'ChecksumType')]).toEqual([whole, 'FULL_OBJECT']);
    const id2 = await create('k2', { 'x-amz-checksum-algorithm': 'crc32', 'x-amz-checksum-type': 'FULL_OBJECT' });
    const f1 = (await part('k2', id2, 1, p1)).headers['etag']!;
    const f2 = (await part('k2', id2, 2, p2)).headers['etag']!;
    await bodyText(
      await t.call('CompleteMultipartUpload', {
        key: 'k2',
        query: { uploadId: id2 },
        data: completeXml([
          [1, f1],
          [2, f2],
        ]),
      }),
    );
    const head = await t.call('HeadObject', { key: 'k2', headers: ENABLED });
    expect(head.headers).toMatchObject({ 'x-amz-checksum-crc32': checksumBase64('crc32', Buffer.concat([p1, p2])), 'x-amz-checksum-type': 'FULL_OBJECT' });
  });

  it('refuses bad checksum settings on Create with InvalidRequest (400)', async () => {
    const bad: Record<string, string>[] = [
      { 'x-amz-checksum-algorithm': 'SHA1', 'x-amz-checksum-type': 'FULL_OBJECT' },
      { 'x-amz-checksum-algorithm': 'CRC64NVME', 'x-amz-checksum-type': 'COMPOSITE' },
      { 'x-amz-checksum-algorithm': 'MD5' },
      { 'x-amz-checksum-type': 'COMPOSITE' },
      { 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-type': 'PARTIAL' },
    ];
    for (const headers of bad) {
      const err = await t.fail('CreateMultipartUpload', { key: 'k', query: { uploads: '' }, headers });
      expect([err.code, err.status]).toEqual(['InvalidRequest', 400]);
    }
  });

  it('refuses a part checksum of another algorithm (InvalidRequest), a bad part checksum (BadDigest) and a mismatching listed checksum (InvalidPart)', async () => {
    const id = await create('k', { 'x-amz-checksum-algorithm': 'CRC32' });
    expect((await t.fail('UploadPart', { key: 'k', query: { uploadId: id, partNumber: '1' }, data: p1, headers: { 'x-amz-checksum-sha1': checksumBase64('sha1', p1) } })).code).toBe('InvalidRequest');
    expect((await t.fail('UploadPart', { key: 'k', query: { uploadId: id, partNumber: '1' }, data: p1, headers: { 'x-amz-checksum-crc32': checksumBase64('crc32', p2) } })).code).toBe('BadDigest');
    const e1 = (await part('k', id, 1, p1)).headers['etag']!;
    const err = await t.fail('CompleteMultipartUpload', { key: 'k', query: { uploadId: id }, data: completeXml([[1, e1, { ChecksumCRC32: checksumBase64('crc32', p2) }]]) });
    expect([err.code, err.status]).toEqual(['InvalidPart', 400]);
    const other = await t.fail('CompleteMultipartUpload', { key: 'k', query: { uploadId: id }, data: completeXml([[1, e1, { ChecksumSHA1: checksumBase64('sha1', p1) }]]) });
    expect(other.code).toBe('InvalidPart');
    await bodyText(await t.call('CompleteMultipartUpload', { key: 'k', query: { uploadId: id }, data: completeXml([[1, e1, { ChecksumCRC32: checksumBase64('crc32', p1) }]]) }));
  });

  it('UploadPartCopy gets the upload algorithm; an upload without one keeps a part checksum the client sent but the object has none', async () => {
    await t.call('PutObject', { key: 'src', data: p1 });
    const id = await create('k', { 'x-amz-checksum-algorithm': 'CRC32C' });
    const copy = await bodyText(await t.call('UploadPartCopy', { key: 'k', query: { uploadId: id, partNumber: '1' }, headers: { 'x-amz-copy-source': '/bkt/src' } }));
    expect(tag(copy, 'ChecksumCRC32C')).toBe(checksumBase64('crc32c', p1));
    const plain = await create('p', {});
    const r = await part('p', plain, 1, p2, { 'x-amz-checksum-crc32': checksumBase64('crc32', p2) });
    expect(r.headers['x-amz-checksum-crc32']).toBe(checksumBase64('crc32', p2));
    await bodyText(await t.call('CompleteMultipartUpload', { key: 'p', query: { uploadId: plain }, data: completeXml([[1, r.headers['etag']!]]) }));
    const head = await t.call('HeadObject', { key: 'p', headers: ENABLED });
    expect(Object.keys(head.headers).filter((h) => h.startsWith('x-amz-checksum'))).toEqual([]);
  });
});

describe('GetObjectAttributes', () => {
  const attrs = (key: string, names: string, headers: Record<string, string> = {}, query: Record<string, string> = {}) =>
    t.call('GetObjectAttributes', { key, query: { attributes: '', ...query }, headers: { 'x-amz-object-attributes': names, ...headers } });

  it('answers the requested attributes of a single-part object, with Last-Modified (ETag unquoted, no ObjectParts)', async () => {
    const sha = checksumBase64('sha256', Buffer.from('hello'));
    await t.call('PutObject', { key: 'k', data: 'hello', headers: { 'x-amz-checksum-sha256': sha } });
    const res = await attrs('k', 'ETag, Checksum,ObjectParts,StorageClass,ObjectSize');
    const xml = await bodyText(res);
    expect(xml).toContain('<GetObjectAttributesResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/">');
    expect([tag(xml, 'ETag'), tag(xml, 'ChecksumSHA256'), tag(xml, 'ChecksumType'), tag(xml, 'StorageClass'), tag(xml, 'ObjectSize')]).toEqual([
      '5d41402abc4b2a76b9719d911017c592',
      sha,
      'FULL_OBJECT',
      'STANDARD',
      '5',
    ]);
    expect(xml).not.toContain('ObjectParts');
    expect(res.headers['last-modified']).toMatch(/GMT$/);
    expect(tag(await bodyText(await attrs('k', 'ObjectSize')), 'ETag')).toBeUndefined();
  });

  it('pages ObjectParts of a multipart object with checksums (x-amz-max-parts, x-amz-part-number-marker); PartsCount only without checksums', async () => {
    const parts = [Buffer.alloc(MIN, 'a'), Buffer.alloc(MIN, 'b'), Buffer.from('c')];
    const id = tag(await bodyText(await t.call('CreateMultipartUpload', { key: 'm', query: { uploads: '' }, headers: { 'x-amz-checksum-algorithm': 'CRC32' } })), 'UploadId')!;
    const etags: string[] = [];
    for (const [i, p] of parts.entries()) etags.push((await t.call('UploadPart', { key: 'm', query: { uploadId: id, partNumber: String(i + 1) }, data: p })).headers['etag']!);
    const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag><ChecksumCRC32>${checksumBase64('crc32', parts[i]!)}</ChecksumCRC32></Part>`).join('')}</CompleteMultipartUpload>`;
    await bodyText(await t.call('CompleteMultipartUpload', { key: 'm', query: { uploadId: id }, data: xml }));
    const page1 = await bodyText(await attrs('m', 'ObjectParts,Checksum', { 'x-amz-max-parts': '2' }));
    expect([tag(page1, 'PartsCount'), tag(page1, 'IsTruncated'), tag(page1, 'NextPartNumberMarker'), tag(page1, 'MaxParts')]).toEqual(['3', 'true', '2', '2']);
    expect([...page1.matchAll(/<Part><PartNumber>(\d+)<\/PartNumber><Size>(\d+)<\/Size><ChecksumCRC32>([^<]*)</g)].map((m) => [m[1], m[2], m[3]])).toEqual([
      ['1', String(MIN), checksumBase64('crc32', parts[0]!)],
      ['2', String(MIN), checksumBase64('crc32', parts[1]!)],
    ]);
    expect(tag(page1, 'ChecksumType')).toBe('COMPOSITE');
    const page2 = await bodyText(await attrs('m', 'ObjectParts', { 'x-amz-max-parts': '2', 'x-amz-part-number-marker': '2' }));
    expect([tag(page2, 'IsTruncated'), tag(page2, 'PartNumber'), tag(page2, 'Size')]).toEqual(['false', '3', '1']);
    // Without checksums S3 gives only the count.
    const id2 = tag(await bodyText(await t.call('CreateMultipartUpload', { key: 'n', query: { uploads: '' } })), 'UploadId')!;
    const e = (await t.call('UploadPart', { key: 'n', query: { uploadId: id2, partNumber: '1' }, data: 'x' })).headers['etag']!;
    await bodyText(
      await t.call('CompleteMultipartUpload', {
        key: 'n',
        query: { uploadId: id2 },
        data: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${e}</ETag></Part></CompleteMultipartUpload>`,
      }),
    );
    const plain = await bodyText(await attrs('n', 'ObjectParts'));
    expect([tag(plain, 'PartsCount'), plain.includes('<Part>')]).toEqual(['1', false]);
  });

  it('reads a named version, answers x-amz-version-id, and treats delete markers as GetObject does', async () => {
    await t.call('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' });
    const v1 = (await t.call('PutObject', { key: 'k', data: 'first' })).headers['x-amz-version-id']!;
    await t.call('PutObject', { key: 'k', data: 'second!' });
    const old = await attrs('k', 'ObjectSize', {}, { versionId: v1 });
    expect([old.headers['x-amz-version-id'], tag(await bodyText(old), 'ObjectSize')]).toEqual([v1, '5']);
    const marker = (await t.call('DeleteObject', { key: 'k' })).headers['x-amz-version-id']!;
    const gone = await t.fail('GetObjectAttributes', { key: 'k', query: { attributes: '' }, headers: { 'x-amz-object-attributes': 'ETag' } });
    expect([gone.code, gone.status]).toEqual(['NoSuchKey', 404]);
    const named = await t.fail('GetObjectAttributes', { key: 'k', query: { attributes: '', versionId: marker }, headers: { 'x-amz-object-attributes': 'ETag' } });
    expect([named.code, named.status]).toEqual(['MethodNotAllowed', 405]);
    expect((await t.fail('GetObjectAttributes', { key: 'k', query: { attributes: '', versionId: '0'.repeat(32) }, headers: { 'x-amz-object-attributes': 'ETag' } })).code).toBe('NoSuchVersion');
  });

  it('refuses a missing, empty or unknown attribute and a bad x-amz-max-parts with InvalidArgument (400)', async () => {
    await t.call('PutObject', { key: 'k', data: 'x' });
    for (const headers of [
      {},
      { 'x-amz-object-attributes': '' },
      { 'x-amz-object-attributes': 'ETag,Size' },
      { 'x-amz-object-attributes': 'etag' },
      { 'x-amz-object-attributes': 'ETag', 'x-amz-max-parts': '-1' },
    ]) {
      const err = await t.fail('GetObjectAttributes', { key: 'k', query: { attributes: '' }, headers });
      expect([err.code, err.status]).toEqual(['InvalidArgument', 400]);
    }
    expect((await t.fail('GetObjectAttributes', { key: 'nope', query: { attributes: '' }, headers: { 'x-amz-object-attributes': 'ETag' } })).code).toBe('NoSuchKey');
  });
});
