import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../src/index.js';
import { EXCHANGE_ABORT, ExchangeAbort } from '../src/pipeline/abort.js';
import { bodyBytes, bodyText, failingBody, listFiles, makeStore, md5b64, md5hex, type TestStore } from './helpers.js';

let t: TestStore;
beforeEach(async () => {
  t = await makeStore();
  await t.call('CreateBucket');
});
afterEach(async () => {
  await t.cleanup();
});

describe('createLocalStore', () => {
  it('rejects a missing dir with TypeError', () => {
    expect(() => createLocalStore({ dir: '' })).toThrow(TypeError);
  });

  it('answers operations it does not implement with NotImplemented (501)', async () => {
    const err = await t.fail('PutBucketPolicy', { method: 'PUT' });
    expect([err.code, err.status]).toEqual(['NotImplemented', 501]);
  });
});

describe('buckets', () => {
  it('creates, lists, heads and deletes a bucket', async () => {
    await t.call('CreateBucket', { bucket: 'second.bucket-2' });
    const list = await bodyText(await t.call('ListBuckets', { bucket: undefined }));
    expect([...list.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1])).toEqual(['bkt', 'second.bucket-2']);
    expect(list).toMatch(/<CreationDate>\d{4}-\d\d-\d\dT[\d:.]+Z<\/CreationDate>/);
    expect((await t.call('HeadBucket', { bucket: 'second.bucket-2' })).status).toBe(200);
    expect((await t.call('DeleteBucket', { bucket: 'second.bucket-2' })).status).toBe(204);
    expect((await t.fail('HeadBucket', { bucket: 'second.bucket-2' })).code).toBe('NoSuchBucket');
  });

  it('re-creates a bucket you own with 200 in us-east-1 (S3 legacy) and BucketAlreadyOwnedByYou (409) elsewhere', async () => {
    await t.call('PutObject', { key: 'kept', data: 'x' });
    expect((await t.call('CreateBucket')).status).toBe(200);
    expect((await t.call('HeadObject', { key: 'kept' })).status).toBe(200);
    const eu = await makeStore({ region: 'eu-west-1' });
    try {
      await eu.call('CreateBucket');
      const err = await eu.fail('CreateBucket');
      expect([err.code, err.status]).toEqual(['BucketAlreadyOwnedByYou', 409]);
    } finally {
      await eu.cleanup();
    }
  });

  it.each(['ab', 'a'.repeat(64), 'Upper', 'under_score', '192.168.1.1', '-start', 'end-', 'a..b', '../x'])('rejects bucket name %j with InvalidBucketName (400)', async (bucket) => {
    const err = await t.fail('CreateBucket', { bucket });
    expect([err.code, err.status]).toEqual(['InvalidBucketName', 400]);
  });

  it('refuses to delete a bucket with objects (BucketNotEmpty, 409) but deletes one with only uploads in progress', async () => {
    await t.call('PutObject', { key: 'k', data: 'x' });
    expect((await t.fail('DeleteBucket')).code).toBe('BucketNotEmpty');
    await t.call('DeleteObject', { key: 'k' });
    await t.call('CreateMultipartUpload', { key: 'big' });
    expect((await t.call('DeleteBucket')).status).toBe(204);
    expect((await t.fail('ListMultipartUploads', { query: { uploads: '' } })).code).toBe('NoSuchBucket');
  });

  it('answers NoSuchBucket (404) for object operations on a missing bucket', async () => {
    expect((await t.fail('PutObject', { bucket: 'nope', key: 'k', data: 'x' })).code).toBe('NoSuchBucket');
    expect((await t.fail('GetObject', { bucket: 'nope', key: 'k' })).code).toBe('NoSuchBucket');
    expect((await t.fail('ListObjectsV2', { bucket: 'nope' })).code).toBe('NoSuchBucket');
    expect((await t.fail('DeleteBucket', { bucket: 'nope' })).code).toBe('NoSuchBucket');
  });

  it('reports the location and an empty versioning configuration', async () => {
    expect(await bodyText(await t.call('GetBucketLocation', { query: { location: '' } }))).toContain('<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>');
    expect(await bodyText(await t.call('GetBucketVersioning', { query: { versioning: '' } }))).toContain('<VersioningConfiguration');
  });

  it('rejects a location constraint for another region with IllegalLocationConstraintException', async () => {
    const data = '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>';
    const err = await t.fail('CreateBucket', { bucket: 'other', data });
    expect(err.code).toBe('IllegalLocationConstraintException');
  });
});

describe('PutObject / GetObject / HeadObject', () => {
  it('round-trips bytes, ETag (MD5), content type and metadata', async () => {
    const data = Buffer.from('hello world');
    const put = await t.call('PutObject', {
      key: 'dir/hello.txt',
      data,
      headers: {
        'content-type': 'text/plain',
        'x-amz-meta-color': 'blue',
        'cache-control': 'no-cache',
        'content-disposition': 'attachment',
        'content-md5': md5b64(data),
      },
    });
    expect(put.headers['etag']).toBe(`"${md5hex(data)}"`);
    const get = await t.call('GetObject', { key: 'dir/hello.txt' });
    expect(get.status).toBe(200);
    expect(get.headers).toMatchObject({
      'content-type': 'text/plain',
      'content-length': '11',
      etag: `"${md5hex(data)}"`,
      'x-amz-meta-color': 'blue',
      'cache-control': 'no-cache',
      'content-disposition': 'attachment',
      'accept-ranges': 'bytes',
    });
    expect(get.headers['last-modified']).toMatch(/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
    expect(await bodyBytes(get)).toEqual(data);
    const head = await t.call('HeadObject', { key: 'dir/hello.txt' });
    expect(head.body).toBeUndefined();
    expect(head.headers['content-length']).toBe('11');
  });

  it('defaults the content type to binary/octet-stream and stores empty objects', async () => {
    await t.call('PutObject', { key: 'empty', data: '' });
    const get = await t.call('GetObject', { key: 'empty' });
    expect(get.headers['content-type']).toBe('binary/octet-stream');
    expect(get.headers['etag']).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    expect((await bodyBytes(get)).length).toBe(0);
  });

  it('accepts Web ReadableStream and Node stream bodies', async () => {
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('web '));
        c.enqueue(new TextEncoder().encode('stream'));
        c.close();
      },
    });
    await t.call('PutObject', { key: 'w', body: web, headers: { 'content-length': '10' } });
    expect(await bodyText(await t.call('GetObject', { key: 'w' }))).toBe('web stream');
    await t.call('PutObject', { key: 'n', body: Readable.from([Buffer.from('node')]), headers: {} });
    expect(await bodyText(await t.call('GetObject', { key: 'n' }))).toBe('node');
  });

  it('answers NoSuchKey (404) for a missing key', async () => {
    const err = await t.fail('GetObject', { key: 'missing' });
    expect([err.code, err.status, err.resource]).toEqual(['NoSuchKey', 404, '/bkt/missing']);
    expect((await t.fail('HeadObject', { key: 'missing' })).code).toBe('NoSuchKey');
  });

  it('replaces an object on overwrite and leaves exactly one data file', async () => {
    await t.call('PutObject', { key: 'k', data: 'first version' });
    await t.call('PutObject', { key: 'k', data: 'second' });
    expect(await bodyText(await t.call('GetObject', { key: 'k' }))).toBe('second');
    const files = (await listFiles(t.dir)).filter((f) => f.includes('/objects/'));
    expect(files.filter((f) => f.endsWith('.data'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });

  it('keeps a reader on the old content while a writer replaces it', async () => {
    await t.call('PutObject', { key: 'k', data: 'old content' });
    const get = await t.call('GetObject', { key: 'k' });
    await t.call('PutObject', { key: 'k', data: 'new content!' });
    expect(await bodyText(get)).toBe('old content');
    expect(await bodyText(await t.call('GetObject', { key: 'k' }))).toBe('new content!');
  });

  it('ends concurrent PUTs of one key with one complete object, never a torn one', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(64 * 1024 + i, 65 + i));
    await Promise.all(bodies.map((data) => t.call('PutObject', { key: 'race', data })));
    const got = await bodyBytes(await t.call('GetObject', { key: 'race' }));
    expect(bodies.some((b) => b.equals(got))).toBe(true);
    const files = (await listFiles(t.dir)).filter((f) => f.includes('/objects/'));
    expect(files).toHaveLength(2);
  });

  it.each([['../x'], ['../../etc/passwd'], ['a//b'], [' '], ['%2F'], ['/leading'], ['trailing/'], ['.'], ['..'], ['ünïcødé/日本語/😀'], ['tab\tnew\nline\r'], ['k'.repeat(1024)], ['é'.repeat(512)]])(
    'stores key %j safely inside the data directory',
    async (key) => {
      await t.call('PutObject', { key, data: `v:${key}` });
      expect(await bodyText(await t.call('GetObject', { key }))).toBe(`v:${key}`);
      const list = await t.call('ListObjectsV2', { query: { 'list-type': '2', 'encoding-type': 'url' } });
      // S3's encoding-type=url: form encoding of the UTF-8 bytes, '/' kept, space as '+'.
      expect(await bodyText(list)).toContain(`<Key>${encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+')}</Key>`);
      // And the SSE-S3 store key (every bucket's default encryption).
      for (const f of await listFiles(t.dir)) expect(f).toMatch(/^(sse-s3\.key|buckets\/bkt\/(bucket\.json|objects\/[0-9a-f]{2}\/[0-9a-f]{64}(\.json|\.[0-9a-f]{16}\.data)))$/);
      await t.call('DeleteObject', { key });
      expect((await t.fail('HeadObject', { key })).code).toBe('NoSuchKey');
    },
  );

  it('rejects a key over 1024 UTF-8 bytes with KeyTooLongError (400)', async () => {
    const err = await t.fail('PutObject', { key: 'é'.repeat(513), data: 'x' });
    expect([err.code, err.status]).toEqual(['KeyTooLongError', 400]);
  });

  it('rejects a key with a lone surrogate with InvalidArgument', async () => {
    expect((await t.fail('PutObject', { key: 'a\ud800b', data: 'x' })).code).toBe('InvalidArgument');
  });

  it('refuses incomplete SSE-C headers with InvalidArgument (400), and object lock headers in a bucket without object lock with InvalidRequest (400) as S3', async () => {
    const err = await t.fail('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' } });
    expect([err.code, err.status]).toEqual(['InvalidArgument', 400]);
    const lock = await t.fail('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-object-lock-mode': 'GOVERNANCE' } });
    expect([lock.code, lock.status]).toEqual(['InvalidRequest', 400]);
  });

  it('refuses user metadata over 2 KB with MetadataTooLarge', async () => {
    const err = await t.fail('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-meta-big': 'v'.repeat(2100) } });
    expect(err.code).toBe('MetadataTooLarge');
  });

  it('serves the null version by versionId and refuses a malformed versionId with InvalidArgument', async () => {
    await t.call('PutObject', { key: 'k', data: 'x' });
    expect((await t.call('GetObject', { key: 'k', query: { versionId: 'null' } })).status).toBe(200);
    expect((await t.fail('GetObject', { key: 'k', query: { versionId: 'abc' } })).code).toBe('InvalidArgument');
    expect((await t.fail('GetObject', { key: 'k', query: { versionId: '0'.repeat(32) } })).code).toBe('NoSuchVersion');
  });

  it('supports conditional writes: If-None-Match * (412 when present) and If-Match', async () => {
    await t.call('PutObject', { key: 'c', data: 'one', headers: { 'if-none-match': '*' } });
    const err = await t.fail('PutObject', { key: 'c', data: 'two', headers: { 'if-none-match': '*' } });
    expect([err.code, err.status]).toEqual(['PreconditionFailed', 412]);
    expect((await t.fail('PutObject', { key: 'c', data: 'two', headers: { 'if-match': '"0"' } })).code).toBe('PreconditionFailed');
    await t.call('PutObject', { key: 'c', data: 'two', headers: { 'if-match': `"${md5hex('one')}"` } });
    expect(await bodyText(await t.call('GetObject', { key: 'c' }))).toBe('two');
    expect((await t.fail('PutObject', { key: 'nokey', data: 'x', headers: { 'if-match': '*' } })).code).toBe('NoSuchKey');
    expect((await listFiles(t.dir)).filter((f) => f.startsWith('tmp/'))).toEqual([]);
  });
});

describe('reads after writes (recently read records are kept in memory)', () => {
  const text = async (key: string, bucket = 'bkt'): Promise<string> => bodyText(await t.call('GetObject', { key, bucket }));

  it('a read always sees the last overwrite, delete and re-create of a key it read before', async () => {
    await t.call('PutObject', { key: 'k', data: 'one' });
    expect(await text('k')).toBe('one');
    await t.call('PutObject', { key: 'k', data: 'two' });
    expect(await text('k')).toBe('two');
    expect((await t.call('HeadObject', { key: 'k' })).headers['content-length']).toBe('3');
    await t.call('DeleteObject', { key: 'k' });
    expect((await t.fail('GetObject', { key: 'k' })).code).toBe('NoSuchKey');
    expect((await t.fail('HeadObject', { key: 'k' })).code).toBe('NoSuchKey');
    await t.call('PutObject', { key: 'k', data: 'three' });
    expect(await text('k')).toBe('three');
  });

  it('a key read as missing, then written, is found; a deleted and re-created bucket has none of its old keys', async () => {
    expect((await t.fail('GetObject', { key: 'later' })).code).toBe('NoSuchKey');
    await t.call('PutObject', { key: 'later', data: 'here' });
    expect(await text('later')).toBe('here');
    await t.call('CreateBucket', { bucket: 'again' });
    await t.call('PutObject', { bucket: 'again', key: 'x', data: 'old' });
    expect(await text('x', 'again')).toBe('old');
    await t.call('DeleteObject', { bucket: 'again', key: 'x' });
    await t.call('DeleteBucket', { bucket: 'again' });
    await t.call('CreateBucket', { bucket: 'again' });
    expect((await t.fail('GetObject', { bucket: 'again', key: 'x' })).code).toBe('NoSuchKey');
  });

  it('delete markers and versions of a versioned bucket read right after each change', async () => {
    await t.call('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' });
    const v1 = (await t.call('PutObject', { key: 'v', data: 'first' })).headers['x-amz-version-id']!;
    expect(await text('v')).toBe('first');
    await t.call('PutObject', { key: 'v', data: 'second' });
    expect(await text('v')).toBe('second');
    await t.call('DeleteObject', { key: 'v' });
    expect((await t.fail('GetObject', { key: 'v' })).code).toBe('NoSuchKey');
    expect(await bodyText(await t.call('GetObject', { key: 'v', query: { versionId: v1 } }))).toBe('first');
    await t.call('DeleteObject', { key: 'v', query: { versionId: v1 } });
    expect((await t.fail('GetObject', { key: 'v', query: { versionId: v1 } })).code).toBe('NoSuchVersion');
  });

  it('a PUT into an object directory removed since it was made makes it again; into a bucket removed meanwhile, NoSuchBucket (404)', async () => {
    await t.call('PutObject', { key: 'a', data: 'one' });
    const objects = join(t.dir, 'buckets', 'bkt', 'objects');
    const [sub] = await readdir(objects);
    await rm(join(objects, sub!), { recursive: true });
    await t.call('PutObject', { key: 'a', data: 'two' });
    expect(await text('a')).toBe('two');
    // The bucket's directory goes behind the store's back (a DeleteBucket racing this upload).
    await rename(join(t.dir, 'buckets', 'bkt'), join(t.dir, 'gone'));
    const err = await t.fail('PutObject', { key: 'a', data: 'three' });
    expect([err.code, err.status]).toEqual(['NoSuchBucket', 404]);
  });

  it('reads follow overwrites of another size, a version over 64 KiB (streamed, not read whole), deletes and old versions', async () => {
    await t.call('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' });
    const bodies = ['x'.repeat(100), 'yy', 'z'.repeat(70 * 1024), 'w'];
    const ids: string[] = [];
    for (const body of bodies) {
      ids.push((await t.call('PutObject', { key: 'k', data: body })).headers['x-amz-version-id']!);
      expect(await text('k')).toBe(body);
    }
    for (const [i, body] of bodies.entries()) expect(await bodyText(await t.call('GetObject', { key: 'k', query: { versionId: ids[i]! } }))).toBe(body);
    await t.call('DeleteObject', { key: 'k', query: { versionId: ids[1]! } });
    expect((await t.fail('GetObject', { key: 'k', query: { versionId: ids[1]! } })).code).toBe('NoSuchVersion');
    await t.call('DeleteObject', { key: 'k' });
    expect((await t.fail('GetObject', { key: 'k' })).code).toBe('NoSuchKey');
    expect(await bodyText(await t.call('GetObject', { key: 'k', query: { versionId: ids[0]! } }))).toBe(bodies[0]);
  });

  it('a data file shorter than its metadata is served as it is (as a read stream would), and whole again once it is', async () => {
    await t.call('PutObject', { key: 'short', data: 'abcdefgh' });
    const [file] = (await listFiles(t.dir)).filter((f) => f.includes('/objects/') && f.endsWith('.data'));
    const stored = await readFile(join(t.dir, file!));
    await writeFile(join(t.dir, file!), stored.subarray(0, 3));
    expect(await text('short')).toBe('abc');
    await writeFile(join(t.dir, file!), stored);
    expect(await text('short')).toBe('abcdefgh');
  });

  it('reads racing writes on the same keys end on what the files hold (a second store on the directory agrees)', async () => {
    const keys = ['r0', 'r1', 'r2'];
    const last = new Map<string, string>();
    const writer = (async () => {
      for (let i = 0; i < 60; i++) {
        const key = keys[i % keys.length]!;
        if (i % 7 === 6) {
          await t.call('DeleteObject', { key });
          last.delete(key);
        } else {
          await t.call('PutObject', { key, data: `w${i}` });
          last.set(key, `w${i}`);
        }
      }
    })();
    let stop = false;
    const readers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        for (const key of keys) await t.call('GetObject', { key }).then(bodyText, () => undefined);
        // A missing key read from memory does no I/O: let the writer's file work run.
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    await writer;
    stop = true;
    await Promise.all(readers);
    const fresh = createLocalStore({ dir: t.dir, fsync: false });
    try {
      for (const key of keys) {
        const want = last.get(key);
        const got = await text(key).catch(() => undefined);
        const onDisk = await fresh.handle({ method: 'GET', operation: 'GetObject', bucket: 'bkt', key, query: {}, headers: {} }).then(bodyText, () => undefined);
        expect([key, got, onDisk]).toEqual([key, want, want]);
      }
    } finally {
      await fresh.close();
    }
  });
});

describe('nothing partial, ever', () => {
  async function expectNoObject(key: string): Promise<void> {
    expect((await t.fail('HeadObject', { key })).code).toBe('NoSuchKey');
    const files = await listFiles(t.dir);
    expect(files.filter((f) => f.startsWith('tmp/') || f.includes('/objects/'))).toEqual([]);
  }

  it('leaves no object when the body stream errors midway', async () => {
    await expect(t.call('PutObject', { key: 'p', body: failingBody(Buffer.alloc(1000, 1)), headers: { 'content-length': '5000' } })).rejects.toThrow('client went away');
    await expectNoObject('p');
  });

  it('leaves no object when the request is aborted mid-upload (stalled body)', async () => {
    const ac = new AbortController();
    async function* stalled(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(100);
      await new Promise(() => {}); // never resolves: only the signal can end this upload
    }
    const p = t.call('PutObject', { key: 'p', body: stalled(), headers: { 'content-length': '1000' }, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const err = await p.catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('RequestTimeout');
    await expectNoObject('p');
  });

  it("leaves no object when the gateway's exchange abort ends a stalled upload (the store takes it as it is, no AbortSignal)", async () => {
    const abort = new ExchangeAbort();
    async function* stalled(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(100);
      await new Promise(() => {});
    }
    const init = { key: 'p', body: stalled(), headers: { 'content-length': '1000' }, [EXCHANGE_ABORT]: abort };
    const p = t.call('PutObject', init);
    setTimeout(() => abort.abort(new Error('client went away')), 20);
    const err = await p.catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('RequestTimeout');
    await expectNoObject('p');
  });

  it("destroys a streamed download when the gateway's exchange abort fires", async () => {
    await t.call('PutObject', { key: 'big', data: Buffer.alloc(256 * 1024, 7) });
    const abort = new ExchangeAbort();
    const init = { key: 'big', [EXCHANGE_ABORT]: abort };
    const res = await t.call('GetObject', init);
    const body = res.body as Readable;
    expect(body).toBeInstanceOf(Readable);
    const closed = new Promise((resolve) => body.once('close', resolve));
    abort.abort(new Error('client went away'));
    await closed;
    expect(body.destroyed).toBe(true);
  });

  it('leaves no object and the old content when an overwrite is aborted', async () => {
    await t.call('PutObject', { key: 'p', data: 'keep me' });
    const ac = new AbortController();
    ac.abort();
    await expect(t.call('PutObject', { key: 'p', data: 'new', signal: ac.signal })).rejects.toMatchObject({ code: 'RequestTimeout' });
    expect(await bodyText(await t.call('GetObject', { key: 'p' }))).toBe('keep me');
  });

  it('leaves no object on a Content-MD5 mismatch (BadDigest, 400)', async () => {
    const err = await t.fail('PutObject', { key: 'p', data: 'abc', headers: { 'content-md5': md5b64('abd') } });
    expect([err.code, err.status]).toEqual(['BadDigest', 400]);
    await expectNoObject('p');
  });

  it('rejects a malformed Content-MD5 with InvalidDigest', async () => {
    expect((await t.fail('PutObject', { key: 'p', data: 'abc', headers: { 'content-md5': 'nope' } })).code).toBe('InvalidDigest');
    await expectNoObject('p');
  });

  it('leaves no object on an x-amz-checksum-crc32 / sha256 mismatch (BadDigest)', async () => {
    expect((await t.fail('PutObject', { key: 'p', data: 'abc', headers: { 'x-amz-checksum-crc32': 'AAAAAA==' } })).code).toBe('BadDigest');
    expect((await t.fail('PutObject', { key: 'p', data: 'abc', headers: { 'x-amz-checksum-sha256': Buffer.alloc(32).toString('base64') } })).code).toBe('BadDigest');
    await expectNoObject('p');
  });

  it('leaves no object when a hex x-amz-content-sha256 does not match (XAmzContentSHA256Mismatch)', async () => {
    const err = await t.fail('PutObject', { key: 'p', data: 'abc', headers: { 'x-amz-content-sha256': '0'.repeat(64) } });
    expect([err.code, err.status]).toEqual(['XAmzContentSHA256Mismatch', 400]);
    await expectNoObject('p');
    const { createHash } = await import('node:crypto');
    const ok = createHash('sha256').update('abc').digest('hex');
    expect((await t.call('PutObject', { key: 'p', data: 'abc', headers: { 'x-amz-content-sha256': ok } })).status).toBe(200);
    expect((await t.call('PutObject', { key: 'q', data: 'abc', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })).status).toBe(200);
  });

  it('accepts matching x-amz-checksum-crc32 and sha256 headers (one per request, as S3 requires)', async () => {
    const { crc32 } = await import('node:zlib');
    const b = Buffer.alloc(4);
    b.writeUInt32BE(crc32('abc'));
    const { createHash } = await import('node:crypto');
    expect((await t.call('PutObject', { key: 'p', data: 'abc', headers: { 'x-amz-checksum-crc32': b.toString('base64') } })).status).toBe(200);
    const sha = createHash('sha256').update('abc').digest('base64');
    expect((await t.call('PutObject', { key: 'p', data: 'abc', headers: { 'x-amz-checksum-sha256': sha } })).status).toBe(200);
  });

  it('leaves no object when the body is shorter than Content-Length (IncompleteBody)', async () => {
    const err = await t.fail('PutObject', { key: 'p', data: 'abc', headers: { 'content-length': '10' } });
    expect([err.code, err.status]).toEqual(['IncompleteBody', 400]);
    await expectNoObject('p');
  });

  it('leaves no object when the body is longer than its declared decoded length', async () => {
    const err = await t.fail('PutObject', { key: 'p', data: 'abcdef', headers: { 'x-amz-decoded-content-length': '3' } });
    expect(err.code).toBe('InvalidRequest');
    await expectNoObject('p');
  });

  it('leaves no object when the object is larger than maxObjectSize (EntityTooLarge)', async () => {
    const small = await makeStore({ maxObjectSize: 10 });
    try {
      await small.call('CreateBucket');
      expect((await small.fail('PutObject', { key: 'p', data: 'x'.repeat(11), headers: { 'content-length': undefined } })).code).toBe('EntityTooLarge');
      expect((await listFiles(small.dir)).filter((f) => f.startsWith('tmp/') || f.includes('/objects/'))).toEqual([]);
    } finally {
      await small.cleanup();
    }
  });

  it('removes data files a crash left unreferenced, however young, in the start sweep', async () => {
    const { writeFile, mkdir } = await import('node:fs/promises');
    await t.call('PutObject', { key: 'live', data: 'x' });
    const live = (await listFiles(t.dir)).filter((f) => f.endsWith('.data'));
    const dir = `${t.dir}/buckets/bkt/objects/ab`;
    await mkdir(dir, { recursive: true });
    await writeFile(`${dir}/${'ab'.padEnd(64, '0')}.${'1'.repeat(16)}.data`, 'orphan');
    await writeFile(`${dir}/${'ab'.padEnd(64, '0')}.${'2'.repeat(16)}.data`, 'just renamed when the process died');
    const again = createLocalStore({ dir: t.dir, fsync: false });
    const summary = await again.swept;
    expect(summary).toMatchObject({ files: 2, bytes: 6 + 34, tempFiles: 0, complete: true });
    const left = (await listFiles(t.dir)).filter((f) => f.endsWith('.data'));
    expect(left).toEqual(live);
    await again.close();
  });

  it('clears temp files a crash left behind when a store starts', async () => {
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(`${t.dir}/tmp`, { recursive: true });
    await writeFile(`${t.dir}/tmp/put-leftover`, 'partial');
    const again = createLocalStore({ dir: t.dir, fsync: false });
    await again.handle({ method: 'GET', operation: 'ListBuckets', query: {}, headers: {} });
    expect((await listFiles(t.dir)).filter((f) => f.startsWith('tmp/'))).toEqual([]);
  });
});

describe('Range and conditional GET', () => {
  const data = '0123456789';
  const etag = `"${md5hex(data)}"`;
  beforeEach(async () => {
    await t.call('PutObject', { key: 'r', data });
  });

  it.each([
    ['bytes=0-3', '0123', 'bytes 0-3/10'],
    ['bytes=5-', '56789', 'bytes 5-9/10'],
    ['bytes=-3', '789', 'bytes 7-9/10'],
    ['bytes=8-100', '89', 'bytes 8-9/10'],
    ['bytes=-20', '0123456789', 'bytes 0-9/10'],
  ])('serves Range %s with 206 and Content-Range', async (range, body, cr) => {
    const res = await t.call('GetObject', { key: 'r', headers: { range } });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(cr);
    expect(res.headers['content-length']).toBe(String(body.length));
    expect(await bodyText(res)).toBe(body);
  });

  it.each(['bytes=10-', 'bytes=10-20', 'bytes=-0'])('answers unsatisfiable Range %s with InvalidRange (416) and Content-Range bytes */10', async (range) => {
    const err = await t.fail('GetObject', { key: 'r', headers: { range } });
    expect([err.code, err.status, err.headers['Content-Range']]).toEqual(['InvalidRange', 416, 'bytes */10']);
  });

  it.each(['bytes=5-2', 'items=0-1', 'bytes=0-1,3-4'])('ignores a Range S3 ignores (%s) and serves the whole object', async (range) => {
    const res = await t.call('GetObject', { key: 'r', headers: { range } });
    expect(res.status).toBe(200);
    expect(await bodyText(res)).toBe(data);
  });

  it('answers any Range on an empty object with InvalidRange', async () => {
    await t.call('PutObject', { key: 'e', data: '' });
    expect((await t.fail('GetObject', { key: 'e', headers: { range: 'bytes=0-' } })).code).toBe('InvalidRange');
  });

  const past = 'Mon, 01 Jan 2001 00:00:00 GMT';
  const future = 'Fri, 01 Jan 2100 00:00:00 GMT';
  it.each([
    [{ 'if-match': etag }, 200],
    [{ 'if-match': '"other"' }, 412],
    [{ 'if-match': '*' }, 200],
    [{ 'if-none-match': etag }, 304],
    [{ 'if-none-match': '"other", "x"' }, 200],
    [{ 'if-modified-since': future }, 304],
    [{ 'if-modified-since': past }, 200],
    [{ 'if-unmodified-since': past }, 412],
    [{ 'if-unmodified-since': future }, 200],
    // S3 precedence: If-Match true wins over If-Unmodified-Since false.
    [{ 'if-match': etag, 'if-unmodified-since': past }, 200],
    // If-None-Match false wins over If-Modified-Since true... and the reverse gives 304.
    [{ 'if-none-match': '"other"', 'if-modified-since': future }, 200],
    [{ 'if-none-match': etag, 'if-modified-since': past }, 304],
    [{ 'if-match': '"other"', 'if-none-match': etag }, 412],
    [{ 'if-modified-since': 'not a date' }, 200],
  ] as const)('evaluates conditional headers %j to %i', async (headers, status) => {
    if (status === 200) {
      expect((await t.call('GetObject', { key: 'r', headers })).status).toBe(200);
      expect((await t.call('HeadObject', { key: 'r', headers })).status).toBe(200);
    } else {
      const err = await t.fail('GetObject', { key: 'r', headers });
      expect(err.status).toBe(status);
      expect(err.code).toBe(status === 304 ? 'NotModified' : 'PreconditionFailed');
      if (status === 304) expect(err.headers['ETag']).toBe(etag);
    }
  });

  it('applies response-* query overrides', async () => {
    const res = await t.call('GetObject', {
      key: 'r',
      query: { 'response-content-type': 'text/csv', 'response-content-disposition': 'inline', 'response-cache-control': 'max-age=1' },
    });
    expect(res.headers).toMatchObject({ 'content-type': 'text/csv', 'content-disposition': 'inline', 'cache-control': 'max-age=1' });
  });

  it('serves partNumber=1 of a simple object as the whole object and refuses partNumber=2', async () => {
    const res = await t.call('GetObject', { key: 'r', query: { partNumber: '1' } });
    expect([res.status, res.headers['x-amz-mp-parts-count'], await bodyText(res)]).toEqual([206, '1', data]);
    expect((await t.fail('GetObject', { key: 'r', query: { partNumber: '2' } })).status).toBe(416);
    expect((await t.fail('GetObject', { key: 'r', query: { partNumber: 'x' } })).code).toBe('InvalidArgument');
  });
});

describe('CopyObject', () => {
  beforeEach(async () => {
    await t.call('PutObject', { key: 'src key+1', data: 'copy me', headers: { 'content-type': 'text/plain', 'x-amz-meta-a': '1', 'x-amz-tagging': 't=1' } });
  });

  it('copies data, metadata and tags (COPY directive) from a url-encoded source', async () => {
    const res = await t.call('CopyObject', { key: 'dst', headers: { 'x-amz-copy-source': '/bkt/src%20key%2B1' } });
    const xml = await bodyText(res);
    expect(xml).toContain(`<ETag>"${md5hex('copy me')}"</ETag>`);
    const get = await t.call('GetObject', { key: 'dst' });
    expect(get.headers).toMatchObject({ 'content-type': 'text/plain', 'x-amz-meta-a': '1', 'x-amz-tagging-count': '1' });
    expect(await bodyText(get)).toBe('copy me');
  });

  it('replaces metadata and tags with the REPLACE directives', async () => {
    await t.call('CopyObject', {
      key: 'dst',
      headers: {
        'x-amz-copy-source': 'bkt/src%20key%2B1',
        'x-amz-metadata-directive': 'REPLACE',
        'x-amz-tagging-directive': 'REPLACE',
        'content-type': 'application/json',
        'x-amz-meta-b': '2',
      },
    });
    const head = await t.call('HeadObject', { key: 'dst' });
    expect(head.headers['content-type']).toBe('application/json');
    expect(head.headers['x-amz-meta-b']).toBe('2');
    expect(head.headers['x-amz-meta-a']).toBeUndefined();
    expect(head.headers['x-amz-tagging-count']).toBeUndefined();
  });

  it('refuses copying an object onto itself without REPLACE (InvalidRequest)', async () => {
    expect((await t.fail('CopyObject', { key: 'src key+1', headers: { 'x-amz-copy-source': '/bkt/src%20key%2B1' } })).code).toBe('InvalidRequest');
    const ok = await t.call('CopyObject', { key: 'src key+1', headers: { 'x-amz-copy-source': '/bkt/src%20key%2B1', 'x-amz-metadata-directive': 'REPLACE' } });
    expect(ok.status).toBe(200);
  });

  it('answers NoSuchKey for a missing source, InvalidArgument for a malformed versionId or a bad directive', async () => {
    expect((await t.fail('CopyObject', { key: 'd', headers: { 'x-amz-copy-source': '/bkt/none' } })).code).toBe('NoSuchKey');
    expect((await t.fail('CopyObject', { key: 'd', headers: { 'x-amz-copy-source': '/nobucket/none' } })).code).toBe('NoSuchBucket');
    expect((await t.fail('CopyObject', { key: 'd', headers: { 'x-amz-copy-source': '/bkt/src%20key%2B1?versionId=abc' } })).code).toBe('InvalidArgument');
    expect((await t.fail('CopyObject', { key: 'd', headers: { 'x-amz-copy-source': '/bkt/src%20key%2B1', 'x-amz-metadata-directive': 'MOVE' } })).code).toBe('InvalidArgument');
    expect((await t.fail('CopyObject', { key: 'd', headers: { 'x-amz-copy-source': 'justbucket' } })).code).toBe('InvalidArgument');
  });

  it('checks copy-source conditions with PreconditionFailed (412)', async () => {
    const src = '/bkt/src%20key%2B1';
    const etag = `"${md5hex('copy me')}"`;
    expect((await t.fail('CopyObject', { key: 'd', headers: { 'x-amz-copy-source': src, 'x-amz-copy-source-if-match': '"x"' } })).status).toBe(412);
    expect((await t.fail('CopyObject', { key: 'd', headers: { 'x-amz-copy-source': src, 'x-amz-copy-source-if-none-match': etag } })).status).toBe(412);
    expect((await t.fail('CopyObject', { key: 'd', headers: { 'x-amz-copy-source': src, 'x-amz-copy-source-if-modified-since': 'Fri, 01 Jan 2100 00:00:00 GMT' } })).status).toBe(412);
    const ok = await t.call('CopyObject', {
      key: 'd',
      headers: { 'x-amz-copy-source': src, 'x-amz-copy-source-if-match': etag, 'x-amz-copy-source-if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' },
    });
    expect(ok.status).toBe(200);
  });
});

describe('DeleteObject / DeleteObjects', () => {
  it('answers 204 for DeleteObject whether or not the key existed', async () => {
    await t.call('PutObject', { key: 'k', data: 'x' });
    expect((await t.call('DeleteObject', { key: 'k' })).status).toBe(204);
    expect((await t.call('DeleteObject', { key: 'k' })).status).toBe(204);
  });

  function deleteXml(keys: string[], quiet = false): string {
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    return `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${quiet ? '<Quiet>true</Quiet>' : ''}${keys.map((k) => `<Object><Key>${esc(k)}</Key></Object>`).join('')}</Delete>`;
  }

  it('deletes many keys, including a single space and markup characters, and reports each', async () => {
    const keys = [' ', 'a&b<c>', 'x/y', 'missing'];
    for (const k of keys.slice(0, 3)) await t.call('PutObject', { key: k, data: 'x' });
    const xml = deleteXml(keys);
    const res = await t.call('DeleteObjects', { query: { delete: '' }, data: xml, headers: { 'content-md5': md5b64(xml) } });
    const text = await bodyText(res);
    expect([...text.matchAll(/<Deleted><Key>([^<]*)<\/Key><\/Deleted>/g)].map((m) => m[1])).toEqual([' ', 'a&amp;b&lt;c&gt;', 'x/y', 'missing']);
    for (const k of keys) expect((await t.fail('HeadObject', { key: k })).code).toBe('NoSuchKey');
  });

  it('reports only errors in Quiet mode', async () => {
    await t.call('PutObject', { key: 'a', data: 'x' });
    const xml = deleteXml(['a', 'é'.repeat(600)], true);
    const text = await bodyText(await t.call('DeleteObjects', { query: { delete: '' }, data: xml, headers: { 'content-md5': md5b64(xml) } }));
    expect(text).not.toContain('<Deleted>');
    expect(text).toContain('<Code>KeyTooLongError</Code>');
  });

  it('requires Content-MD5 or a checksum (InvalidRequest) and verifies it (BadDigest)', async () => {
    const xml = deleteXml(['a']);
    expect((await t.fail('DeleteObjects', { query: { delete: '' }, data: xml })).code).toBe('InvalidRequest');
    expect((await t.fail('DeleteObjects', { query: { delete: '' }, data: xml, headers: { 'content-md5': md5b64('x') } })).code).toBe('BadDigest');
    const { crc32 } = await import('node:zlib');
    const b = Buffer.alloc(4);
    b.writeUInt32BE(crc32(xml));
    expect((await t.call('DeleteObjects', { query: { delete: '' }, data: xml, headers: { 'x-amz-checksum-crc32': b.toString('base64') } })).status).toBe(200);
  });

  it.each([
    ['not xml', 'garbage'],
    ['wrong root', '<Nope><Object><Key>a</Key></Object></Nope>'],
    ['no objects', '<Delete></Delete>'],
    ['doctype', '<!DOCTYPE x [<!ENTITY e "x">]><Delete><Object><Key>&e;</Key></Object></Delete>'],
    ['an <Error> document (cannot choose the error code)', '<Error><Code>AccessDenied</Code><Message>x</Message></Error>'],
    ['1001 keys', deleteXml(Array.from({ length: 1001 }, (_, i) => `k${i}`))],
  ])('rejects a %s body with MalformedXML', async (_, xml) => {
    const err = await t.fail('DeleteObjects', { query: { delete: '' }, data: xml, headers: { 'content-md5': md5b64(xml) } });
    expect(err.code).toBe('MalformedXML');
  });
});

describe('object tagging', () => {
  beforeEach(async () => {
    await t.call('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-tagging': 'a=1&b=two%20words' } });
  });

  it('stores x-amz-tagging on PUT and returns it from GetObjectTagging', async () => {
    const xml = await bodyText(await t.call('GetObjectTagging', { key: 'k', query: { tagging: '' } }));
    expect(xml).toContain('<TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>two words</Value></Tag></TagSet>');
    expect((await t.call('HeadObject', { key: 'k' })).headers['x-amz-tagging-count']).toBe('2');
  });

  it('replaces tags with PutObjectTagging and removes them with DeleteObjectTagging (204), keeping the data', async () => {
    await t.call('PutObjectTagging', { key: 'k', query: { tagging: '' }, data: '<Tagging><TagSet><Tag><Key>z</Key><Value></Value></Tag></TagSet></Tagging>' });
    expect(await bodyText(await t.call('GetObjectTagging', { key: 'k', query: { tagging: '' } }))).toContain('<Tag><Key>z</Key><Value></Value></Tag>');
    expect((await t.call('DeleteObjectTagging', { key: 'k', query: { tagging: '' } })).status).toBe(204);
    expect(await bodyText(await t.call('GetObjectTagging', { key: 'k', query: { tagging: '' } }))).toContain('<TagSet></TagSet>');
    expect(await bodyText(await t.call('GetObject', { key: 'k' }))).toBe('x');
  });

  it.each([
    ['11 tags', Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])],
    ['a 129-character key', [['k'.repeat(129), 'v']]],
    ['a 257-character value', [['k', 'v'.repeat(257)]]],
    ['an empty key', [['', 'v']]],
    [
      'duplicate keys',
      [
        ['k', '1'],
        ['k', '2'],
      ],
    ],
    ['an aws: prefix', [['aws:x', '1']]],
  ])('rejects %s with InvalidTag (400)', async (_, tags) => {
    const xml = `<Tagging><TagSet>${tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`;
    const err = await t.fail('PutObjectTagging', { key: 'k', query: { tagging: '' }, data: xml });
    expect([err.code, err.status]).toEqual(['InvalidTag', 400]);
  });

  it('accepts 10 tags with 128-character keys and 256-character values', async () => {
    const tags = Array.from({ length: 10 }, (_, i) => [`${i}`.padEnd(128, 'k'), 'v'.repeat(256)]);
    const xml = `<Tagging><TagSet>${tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`;
    expect((await t.call('PutObjectTagging', { key: 'k', query: { tagging: '' }, data: xml })).status).toBe(200);
  });

  it('answers NoSuchKey for tagging a missing object and InvalidTag for a bad x-amz-tagging header', async () => {
    expect((await t.fail('GetObjectTagging', { key: 'none', query: { tagging: '' } })).code).toBe('NoSuchKey');
    expect((await t.fail('PutObjectTagging', { key: 'none', query: { tagging: '' }, data: '<Tagging><TagSet/></Tagging>' })).code).toBe('NoSuchKey');
    expect((await t.fail('PutObject', { key: 'n', data: 'x', headers: { 'x-amz-tagging': 'a=1&a=2' } })).code).toBe('InvalidTag');
  });
});
