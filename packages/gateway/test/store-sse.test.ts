import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyBytes, bodyText, listFiles, makeStore, md5b64, md5hex, type TestStore } from './helpers.js';

// Server-side encryption of the embedded store, spec-driven through handle(): bucket default
// encryption (SSE-S3 for every bucket, as AWS since 2023), SSE-S3 and SSE-C at rest, ranges,
// partNumber, multipart, copies, and S3's errors for missing, wrong or malformed keys.

const MIN = 1024;
let t: TestStore;
beforeEach(async () => {
  t = await makeStore({ minPartSize: MIN });
  await t.call('CreateBucket');
});
afterEach(async () => {
  await t.cleanup();
});

const KEY = randomBytes(32);
const OTHER = randomBytes(32);
const H = 'x-amz-server-side-encryption-customer-';
const C = 'x-amz-copy-source-server-side-encryption-customer-';

function ssec(key: Buffer, prefix = H): Record<string, string> {
  return { [`${prefix}algorithm`]: 'AES256', [`${prefix}key`]: key.toString('base64'), [`${prefix}key-md5`]: md5b64(key) };
}

const tag = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** The data files of the bucket's objects, read raw. */
async function storedData(): Promise<Buffer[]> {
  const files = (await listFiles(t.dir)).filter((f) => f.includes('/objects/') && f.endsWith('.data'));
  return Promise.all(files.map((f) => readFile(join(t.dir, f))));
}

describe('bucket encryption (Put/Get/DeleteBucketEncryption)', () => {
  const config = (alg: string, extra = ''): string =>
    `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>${alg}</SSEAlgorithm>${extra}</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`;
  const put = (xml: string, headers: Record<string, string> = { 'content-md5': md5b64(xml) }) => t.call('PutBucketEncryption', { method: 'PUT', query: { encryption: '' }, data: xml, headers });
  const get = async (): Promise<string> => bodyText(await t.call('GetBucketEncryption', { method: 'GET', query: { encryption: '' } }));

  it('answers SSE-S3 (AES256, no bucket key) for a bucket without a configuration, as AWS since 2023', async () => {
    const xml = await get();
    expect(xml).toContain('<ServerSideEncryptionConfiguration');
    expect(tag(xml, 'SSEAlgorithm')).toBe('AES256');
    expect(tag(xml, 'BucketKeyEnabled')).toBe('false');
  });

  it('stores AES256 with BucketKeyEnabled, and DeleteBucketEncryption (204) goes back to the default', async () => {
    expect((await put(config('AES256'))).status).toBe(200);
    expect(tag(await get(), 'BucketKeyEnabled')).toBe('true');
    expect((await t.call('DeleteBucketEncryption', { method: 'DELETE', query: { encryption: '' } })).status).toBe(204);
    const after = await get();
    expect([tag(after, 'SSEAlgorithm'), tag(after, 'BucketKeyEnabled')]).toEqual(['AES256', 'false']);
  });

  it('refuses aws:kms and aws:kms:dsse (no key source) and a KMSMasterKeyID with AES256 with InvalidArgument (400)', async () => {
    for (const xml of [config('aws:kms'), config('aws:kms:dsse'), config('AES256', '<KMSMasterKeyID>k</KMSMasterKeyID>')]) {
      const err = await t.fail('PutBucketEncryption', { method: 'PUT', query: { encryption: '' }, data: xml, headers: { 'content-md5': md5b64(xml) } });
      expect([err.code, err.status]).toEqual(['InvalidArgument', 400]);
    }
    expect((await t.fail('PutBucketEncryption', { method: 'PUT', query: { encryption: '' }, data: config('aws:kms'), headers: { 'content-md5': md5b64(config('aws:kms')) } })).message).toMatch(/KMS/);
  });

  it('refuses an unknown algorithm, no rule, two rules and other XML with MalformedXML; no digest with InvalidRequest; a missing bucket with NoSuchBucket', async () => {
    const two = config('AES256').replace(
      '</ServerSideEncryptionConfiguration>',
      '<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>',
    );
    for (const xml of [
      config('AES128'),
      '<ServerSideEncryptionConfiguration/>',
      two,
      '<Other/>',
      '<ServerSideEncryptionConfiguration><Rule><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>',
    ]) {
      const err = await t.fail('PutBucketEncryption', { method: 'PUT', query: { encryption: '' }, data: xml, headers: { 'content-md5': md5b64(xml) } });
      expect([xml, err.code, err.status]).toEqual([xml, 'MalformedXML', 400]);
    }
    const nodigest = await t.fail('PutBucketEncryption', { method: 'PUT', query: { encryption: '' }, data: config('AES256'), headers: {} });
    expect([nodigest.code, nodigest.status]).toEqual(['InvalidRequest', 400]);
    for (const op of ['GetBucketEncryption', 'DeleteBucketEncryption']) {
      expect((await t.fail(op, { bucket: 'nope', method: op.startsWith('Get') ? 'GET' : 'DELETE', query: { encryption: '' } })).code).toBe('NoSuchBucket');
    }
  });
});

describe('SSE-S3', () => {
  it('encrypts every new object at rest with the store key (a 0600 file of 32 bytes) and answers x-amz-server-side-encryption: AES256 on PUT, GET and HEAD', async () => {
    const data = Buffer.from('plaintext that must not be on disk '.repeat(50));
    const put = await t.call('PutObject', { key: 'k', data });
    expect(put.headers['x-amz-server-side-encryption']).toBe('AES256');
    expect(put.headers['etag']).toBe(`"${md5hex(data)}"`); // SSE-S3 keeps the MD5 ETag, as S3
    const [onDisk] = await storedData();
    expect(onDisk!.length).toBe(data.length);
    expect(onDisk!.includes(data.subarray(0, 16))).toBe(false);
    const get = await t.call('GetObject', { key: 'k' });
    expect(get.headers['x-amz-server-side-encryption']).toBe('AES256');
    expect(await bodyBytes(get)).toEqual(data);
    expect((await t.call('HeadObject', { key: 'k' })).headers['x-amz-server-side-encryption']).toBe('AES256');
    const st = await stat(join(t.dir, 'sse-s3.key'));
    expect([st.size, st.mode & 0o777]).toEqual([32, 0o600]);
  });

  it('accepts x-amz-server-side-encryption: AES256; refuses aws:kms, aws:kms:dsse (no key source) and unknown values with InvalidArgument (400)', async () => {
    expect((await t.call('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-server-side-encryption': 'AES256' } })).headers['x-amz-server-side-encryption']).toBe('AES256');
    for (const v of ['aws:kms', 'aws:kms:dsse', 'AES128']) {
      const err = await t.fail('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-server-side-encryption': v } });
      expect([v, err.code, err.status]).toEqual([v, 'InvalidArgument', 400]);
    }
  });

  it('refuses x-amz-server-side-encryption on GET and HEAD with InvalidArgument (400), as S3', async () => {
    await t.call('PutObject', { key: 'k', data: 'x' });
    for (const op of ['GetObject', 'HeadObject']) {
      const err = await t.fail(op, { key: 'k', headers: { 'x-amz-server-side-encryption': 'AES256' } });
      expect([err.code, err.status]).toEqual(['InvalidArgument', 400]);
    }
  });

  it('answers InvalidRequest (400) for SSE-C headers on an SSE-S3 object', async () => {
    await t.call('PutObject', { key: 'k', data: 'x' });
    const err = await t.fail('GetObject', { key: 'k', headers: ssec(KEY) });
    expect([err.code, err.status, err.message]).toEqual(['InvalidRequest', 400, 'The encryption parameters are not applicable to this object.']);
  });

  it('multipart: Create, UploadPart and Complete answer AES256; a FULL_OBJECT checksum is of the plaintext', async () => {
    const create = await t.call('CreateMultipartUpload', { key: 'mp', query: { uploads: '' }, headers: { 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-type': 'FULL_OBJECT' } });
    expect(create.headers['x-amz-server-side-encryption']).toBe('AES256');
    const id = tag(await bodyText(create), 'UploadId')!;
    const parts = [randomBytes(MIN + 5), randomBytes(333)];
    const etags: string[] = [];
    for (const [i, p] of parts.entries()) {
      const res = await t.call('UploadPart', { key: 'mp', query: { uploadId: id, partNumber: String(i + 1) }, data: p });
      expect(res.headers['x-amz-server-side-encryption']).toBe('AES256');
      expect(res.headers['etag']).toBe(`"${md5hex(p)}"`);
      etags.push(res.headers['etag']!);
    }
    const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const done = await t.call('CompleteMultipartUpload', { key: 'mp', query: { uploadId: id }, data: xml });
    expect(done.headers['x-amz-server-side-encryption']).toBe('AES256');
    const whole = Buffer.concat(parts);
    const got = await t.call('GetObject', { key: 'mp', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(await bodyBytes(got)).toEqual(whole);
    const { crc32 } = await import('node:zlib').then((z) => z as unknown as { crc32?: (b: Buffer) => number });
    if (crc32 !== undefined) {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(crc32(whole));
      expect(got.headers['x-amz-checksum-crc32']).toBe(b.toString('base64'));
    }
    expect(await bodyBytes(await t.call('GetObject', { key: 'mp', query: { partNumber: '2' } }))).toEqual(parts[1]);
  });
});

describe('SSE-C', () => {
  it('encrypts at rest with the customer key, answers the algorithm and key MD5, keeps no key, and an ETag that is not the MD5 of the plaintext', async () => {
    const data = Buffer.from('secret customer data '.repeat(100));
    const put = await t.call('PutObject', { key: 'k', data, headers: ssec(KEY) });
    expect(put.headers[`${H}algorithm`]).toBe('AES256');
    expect(put.headers[`${H}key-md5`]).toBe(md5b64(KEY));
    expect(put.headers['x-amz-server-side-encryption']).toBeUndefined();
    expect(put.headers['etag']).not.toBe(`"${md5hex(data)}"`);
    const [onDisk] = await storedData();
    expect(onDisk!.includes(data.subarray(0, 16))).toBe(false);
    expect(put.headers['etag']).toBe(`"${md5hex(onDisk!)}"`); // the MD5 of the stored ciphertext
    for (const f of (await listFiles(t.dir)).filter((x) => x.endsWith('.json'))) {
      const text = await readFile(join(t.dir, f), 'utf8');
      expect(text).not.toContain(KEY.toString('base64'));
      expect(text).not.toContain(md5b64(KEY));
      expect(text).not.toContain(KEY.toString('hex'));
    }
    const get = await t.call('GetObject', { key: 'k', headers: ssec(KEY) });
    expect([get.headers[`${H}algorithm`], get.headers[`${H}key-md5`], get.headers['etag']]).toEqual(['AES256', md5b64(KEY), put.headers['etag']]);
    expect(await bodyBytes(get)).toEqual(data);
    const head = await t.call('HeadObject', { key: 'k', headers: ssec(KEY) });
    expect([head.status, head.headers['content-length'], head.headers[`${H}key-md5`]]).toEqual([200, String(data.length), md5b64(KEY)]);
    // As S3, a read may leave out the key MD5.
    const { [`${H}key-md5`]: _md5, ...noMd5 } = ssec(KEY);
    expect(await bodyBytes(await t.call('GetObject', { key: 'k', headers: noMd5 }))).toEqual(data);
  });

  it('refuses a read without the key (InvalidRequest, 400), with a wrong key (AccessDenied, 403) or a mismatching key MD5 (InvalidArgument, 400)', async () => {
    await t.call('PutObject', { key: 'k', data: 'x', headers: ssec(KEY) });
    for (const op of ['GetObject', 'HeadObject']) {
      const none = await t.fail(op, { key: 'k' });
      expect([none.code, none.status]).toEqual(['InvalidRequest', 400]);
      expect(none.message).toMatch(/stored using a form of Server Side Encryption/);
      const wrong = await t.fail(op, { key: 'k', headers: ssec(OTHER) });
      expect([wrong.code, wrong.status]).toEqual(['AccessDenied', 403]);
      const short = await t.fail(op, { key: 'k', headers: ssec(randomBytes(10)) });
      expect([short.code, short.status]).toEqual(['AccessDenied', 403]);
      const md5 = await t.fail(op, { key: 'k', headers: { ...ssec(KEY), [`${H}key-md5`]: md5b64(OTHER) } });
      expect([md5.code, md5.status]).toEqual(['InvalidArgument', 400]);
    }
  });

  it('a small SSE-C object read again still needs its key, and a Range of it decrypts the right bytes', async () => {
    const data = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'.repeat(3));
    await t.call('PutObject', { key: 'k', data, headers: ssec(KEY) });
    expect(await bodyBytes(await t.call('GetObject', { key: 'k', headers: ssec(KEY) }))).toEqual(data);
    expect((await t.fail('GetObject', { key: 'k' })).code).toBe('InvalidRequest');
    expect((await t.fail('GetObject', { key: 'k', headers: ssec(OTHER) })).code).toBe('AccessDenied');
    const range = await t.call('GetObject', { key: 'k', headers: { ...ssec(KEY), range: 'bytes=17-40' } });
    expect([range.status, await bodyBytes(range)]).toEqual([206, data.subarray(17, 41)]);
    expect(await bodyBytes(await t.call('GetObject', { key: 'k', headers: ssec(KEY) }))).toEqual(data);
  });

  it('GetObjectAttributes of an SSE-C object needs its key, as S3', async () => {
    await t.call('PutObject', { key: 'k', data: 'attrs', headers: ssec(KEY) });
    const q = { query: { attributes: '' }, key: 'k' };
    const attrs = { 'x-amz-object-attributes': 'ObjectSize' };
    expect((await t.fail('GetObjectAttributes', { ...q, headers: attrs })).code).toBe('InvalidRequest');
    expect((await t.fail('GetObjectAttributes', { ...q, headers: { ...attrs, ...ssec(OTHER) } })).code).toBe('AccessDenied');
    expect(tag(await bodyText(await t.call('GetObjectAttributes', { ...q, headers: { ...attrs, ...ssec(KEY) } })), 'ObjectSize')).toBe('5');
  });

  it.each([
    ['only the algorithm', { [`${H}algorithm`]: 'AES256' }, 'InvalidArgument'],
    ['no algorithm', { [`${H}key`]: KEY.toString('base64'), [`${H}key-md5`]: md5b64(KEY) }, 'InvalidArgument'],
    ['no key MD5', { [`${H}algorithm`]: 'AES256', [`${H}key`]: KEY.toString('base64') }, 'InvalidArgument'],
    ['a 16-byte key', ssec(randomBytes(16)), 'InvalidArgument'],
    ['a mismatching key MD5', { ...ssec(KEY), [`${H}key-md5`]: md5b64('x') }, 'InvalidArgument'],
    ['algorithm AES128', { ...ssec(KEY), [`${H}algorithm`]: 'AES128' }, 'InvalidEncryptionAlgorithmError'],
    ['SSE-C with x-amz-server-side-encryption', { ...ssec(KEY), 'x-amz-server-side-encryption': 'AES256' }, 'InvalidArgument'],
  ])('refuses a PUT with %s (400, %s as S3) and stores nothing', async (_name, headers, code) => {
    const err = await t.fail('PutObject', { key: 'k', data: 'x', headers });
    expect([err.code, err.status]).toEqual([code, 400]);
    expect((await t.fail('HeadObject', { key: 'k' })).code).toBe('NoSuchKey');
  });

  it('decrypts any Range and suffix range exactly', async () => {
    const data = randomBytes(100_003);
    await t.call('PutObject', { key: 'r', data, headers: ssec(KEY) });
    const ranges: [number, number][] = [
      [0, 0],
      [0, 15],
      [1, 16],
      [15, 17],
      [16, 31],
      [17, 70_000],
      [99_990, 100_002],
      [4095, 4097],
      [65_535, 65_537],
    ];
    for (const [a, b] of ranges) {
      const res = await t.call('GetObject', { key: 'r', headers: { ...ssec(KEY), range: `bytes=${a}-${b}` } });
      expect([res.status, res.headers['content-range']]).toEqual([206, `bytes ${a}-${b}/${data.length}`]);
      expect((await bodyBytes(res)).equals(data.subarray(a, b + 1))).toBe(true);
    }
    expect((await bodyBytes(await t.call('GetObject', { key: 'r', headers: { ...ssec(KEY), range: 'bytes=-37' } }))).equals(data.subarray(-37))).toBe(true);
    expect((await t.fail('GetObject', { key: 'r', headers: { range: 'bytes=0-9' } })).code).toBe('InvalidRequest');
  });

  describe('multipart', () => {
    async function upload(key: string, parts: Buffer[], headers: Record<string, string>, completeHeaders: Record<string, string> = {}): Promise<Record<string, string>> {
      const create = await t.call('CreateMultipartUpload', { key, query: { uploads: '' }, headers });
      const id = tag(await bodyText(create), 'UploadId')!;
      const etags: string[] = [];
      for (const [i, p] of parts.entries()) {
        const res = await t.call('UploadPart', { key, query: { uploadId: id, partNumber: String(i + 1) }, data: p, headers: ssec(KEY) });
        expect([res.headers[`${H}algorithm`], res.headers[`${H}key-md5`]]).toEqual(['AES256', md5b64(KEY)]);
        expect(res.headers['etag']).not.toBe(`"${md5hex(p)}"`);
        etags.push(res.headers['etag']!);
      }
      const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      const done = await t.call('CompleteMultipartUpload', { key, query: { uploadId: id }, data: xml, headers: completeHeaders });
      expect(tag(await bodyText(done), 'ETag')).toMatch(new RegExp(`^&quot;[0-9a-f]{32}-${parts.length}&quot;$|^"[0-9a-f]{32}-${parts.length}"$`));
      return { ...create.headers, id };
    }

    it('Create answers the algorithm and key MD5; parts need the same key; GET, partNumber and ranges across parts decrypt', async () => {
      const parts = [randomBytes(MIN + 17), randomBytes(MIN), randomBytes(99)];
      const created = await upload('mp', parts, ssec(KEY));
      expect([created[`${H}algorithm`], created[`${H}key-md5`]]).toEqual(['AES256', md5b64(KEY)]);
      const whole = Buffer.concat(parts);
      expect((await bodyBytes(await t.call('GetObject', { key: 'mp', headers: ssec(KEY) }))).equals(whole)).toBe(true);
      const p2 = await t.call('GetObject', { key: 'mp', query: { partNumber: '2' }, headers: ssec(KEY) });
      expect([p2.headers['x-amz-mp-parts-count'], (await bodyBytes(p2)).equals(parts[1]!)]).toEqual(['3', true]);
      const a = MIN + 10;
      const b = 2 * MIN + 30;
      const r = await t.call('GetObject', { key: 'mp', headers: { ...ssec(KEY), range: `bytes=${a}-${b}` } });
      expect((await bodyBytes(r)).equals(whole.subarray(a, b + 1))).toBe(true);
      expect((await t.fail('GetObject', { key: 'mp', headers: ssec(OTHER) })).code).toBe('AccessDenied');
    });

    it('refuses a part without the key or with another key (InvalidRequest, 400)', async () => {
      const id = tag(await bodyText(await t.call('CreateMultipartUpload', { key: 'mp', query: { uploads: '' }, headers: ssec(KEY) })), 'UploadId')!;
      const none = await t.fail('UploadPart', { key: 'mp', query: { uploadId: id, partNumber: '1' }, data: 'x' });
      expect([none.code, none.status]).toEqual(['InvalidRequest', 400]);
      const other = await t.fail('UploadPart', { key: 'mp', query: { uploadId: id, partNumber: '1' }, data: 'x', headers: ssec(OTHER) });
      expect([other.code, other.status]).toEqual(['InvalidRequest', 400]);
    });

    it('a FULL_OBJECT checksum upload needs the key at Complete too, and its checksum is of the plaintext', async () => {
      const parts = [randomBytes(MIN), randomBytes(10)];
      const sum = { 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-type': 'FULL_OBJECT' };
      const create = await t.call('CreateMultipartUpload', { key: 'f', query: { uploads: '' }, headers: { ...ssec(KEY), ...sum } });
      const id = tag(await bodyText(create), 'UploadId')!;
      const etags: string[] = [];
      for (const [i, p] of parts.entries()) etags.push((await t.call('UploadPart', { key: 'f', query: { uploadId: id, partNumber: String(i + 1) }, data: p, headers: ssec(KEY) })).headers['etag']!);
      const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      expect((await t.fail('CompleteMultipartUpload', { key: 'f', query: { uploadId: id }, data: xml })).code).toBe('InvalidRequest');
      await t.call('CompleteMultipartUpload', { key: 'f', query: { uploadId: id }, data: xml, headers: ssec(KEY) });
      const got = await t.call('GetObject', { key: 'f', headers: { ...ssec(KEY), 'x-amz-checksum-mode': 'ENABLED' } });
      expect((await bodyBytes(got)).equals(Buffer.concat(parts))).toBe(true);
      expect(got.headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    });

    it('UploadPartCopy decrypts a range of an SSE-C source with its key into a part of the target key', async () => {
      const src = randomBytes(3000);
      await t.call('PutObject', { key: 'src', data: src, headers: ssec(OTHER) });
      const id = tag(await bodyText(await t.call('CreateMultipartUpload', { key: 'dst', query: { uploads: '' }, headers: ssec(KEY) })), 'UploadId')!;
      const noSrcKey = await t.fail('UploadPartCopy', { key: 'dst', query: { uploadId: id, partNumber: '1' }, headers: { 'x-amz-copy-source': '/bkt/src', ...ssec(KEY) } });
      expect([noSrcKey.code, noSrcKey.status]).toEqual(['InvalidRequest', 400]);
      const copied = await t.call('UploadPartCopy', {
        key: 'dst',
        query: { uploadId: id, partNumber: '1' },
        headers: { 'x-amz-copy-source': '/bkt/src', 'x-amz-copy-source-range': 'bytes=7-1500', ...ssec(KEY), ...ssec(OTHER, C) },
      });
      expect(copied.headers[`${H}key-md5`]).toBe(md5b64(KEY));
      const etag = tag(await bodyText(copied), 'ETag')!.replace(/&quot;/g, '"');
      await t.call('CompleteMultipartUpload', {
        key: 'dst',
        query: { uploadId: id },
        data: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
      });
      expect((await bodyBytes(await t.call('GetObject', { key: 'dst', headers: ssec(KEY) }))).equals(src.subarray(7, 1501))).toBe(true);
    });
  });

  describe('CopyObject', () => {
    const copy = (key: string, headers: Record<string, string>) => t.call('CopyObject', { key, headers: { 'x-amz-copy-source': '/bkt/src', ...headers } });

    it('copies SSE-C → SSE-S3 with the source key, SSE-S3 → SSE-C with the target key, and SSE-C → SSE-C with another key', async () => {
      const data = randomBytes(5000);
      await t.call('PutObject', { key: 'src', data, headers: ssec(KEY) });
      const plain = await copy('plain', ssec(KEY, C));
      expect(plain.headers['x-amz-server-side-encryption']).toBe('AES256');
      expect((await bodyBytes(await t.call('GetObject', { key: 'plain' }))).equals(data)).toBe(true);
      const rekeyed = await copy('rekeyed', { ...ssec(KEY, C), ...ssec(OTHER) });
      expect([rekeyed.headers[`${H}algorithm`], rekeyed.headers[`${H}key-md5`]]).toEqual(['AES256', md5b64(OTHER)]);
      expect((await bodyBytes(await t.call('GetObject', { key: 'rekeyed', headers: ssec(OTHER) }))).equals(data)).toBe(true);
      expect((await t.fail('GetObject', { key: 'rekeyed', headers: ssec(KEY) })).code).toBe('AccessDenied');
      await t.call('CopyObject', { key: 'back', headers: { 'x-amz-copy-source': '/bkt/plain', ...ssec(KEY) } });
      expect((await bodyBytes(await t.call('GetObject', { key: 'back', headers: ssec(KEY) }))).equals(data)).toBe(true);
    });

    it('rotates the key of an object onto itself (a copy that changes encryption is legal)', async () => {
      await t.call('PutObject', { key: 'src', data: 'rotate me', headers: ssec(KEY) });
      await copy('src', { ...ssec(KEY, C), ...ssec(OTHER) });
      expect(await bodyText(await t.call('GetObject', { key: 'src', headers: ssec(OTHER) }))).toBe('rotate me');
    });

    it('refuses a copy of an SSE-C source without its key (InvalidRequest, 400) or with a wrong one (AccessDenied, 403), and a source key for an SSE-S3 source (InvalidRequest)', async () => {
      await t.call('PutObject', { key: 'src', data: 'x', headers: ssec(KEY) });
      const fail = (headers: Record<string, string>) => t.fail('CopyObject', { key: 'd', headers: { 'x-amz-copy-source': '/bkt/src', ...headers } });
      const none = await fail({});
      expect([none.code, none.status]).toEqual(['InvalidRequest', 400]);
      const wrong = await fail(ssec(OTHER, C));
      expect([wrong.code, wrong.status]).toEqual(['AccessDenied', 403]);
      await t.call('PutObject', { key: 'src', data: 'x' });
      const notApplicable = await fail(ssec(KEY, C));
      expect([notApplicable.code, notApplicable.status]).toEqual(['InvalidRequest', 400]);
      expect((await t.fail('HeadObject', { key: 'd' })).code).toBe('NoSuchKey');
    });
  });
});
