import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus, matches, type StoreEvent } from '../src/store/events.js';
import { eventKey } from '../src/store/event-records.js';
import { bodyText, makeStore, md5b64, md5hex, type TestStore } from './helpers.js';
import { EventLines } from './support/event-lines.js';

// ListenBucketNotification in the embedded store, through handle(): one record per committed
// change, in commit order, only once durable, filtered; listeners bounded and cleaned up.

let t: TestStore;
let now = Date.now();
let overflows: { bucket: string | undefined; queued: number }[];
beforeEach(async () => {
  now = Date.now();
  overflows = [];
  t = await makeStore({ minPartSize: 1024, lifecycle: { now: () => now, intervalMs: 0 }, events: { maxQueued: 64, keepAliveMs: 50, onOverflow: (i) => overflows.push(i) } });
  await t.call('CreateBucket');
});
afterEach(async () => {
  await t.cleanup();
});

/** A listener of `bucket`, or of every bucket (ListenNotification) for `null`. */
const listen = async (query: Record<string, string> = {}, bucket: string | null = 'bkt', signal?: AbortSignal): Promise<EventLines> => {
  const res = await t.call(bucket === null ? 'ListenNotification' : 'ListenBucketNotification', {
    bucket: bucket ?? undefined,
    query: { events: 's3:ObjectCreated:*,s3:ObjectRemoved:*,s3:LifecycleExpiration:*', ...query },
    signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/json');
  return new EventLines(res.body);
};
const put = (key: string, data = 'x', headers: Record<string, string> = {}) => t.call('PutObject', { key, data, headers });
const versioning = (status: string) =>
  t.call('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: `<VersioningConfiguration><Status>${status}</Status></VersioningConfiguration>` });
const names = (rs: { eventName: string; s3: { object: { key: string } } }[]): string[] => rs.map((r) => `${r.eventName} ${r.s3.object.key}`);

describe('event records', () => {
  it('PutObject, CopyObject and DeleteObject in an unversioned bucket: S3 records, URL-encoded keys, no version ids', async () => {
    const l = await listen();
    const r1 = await put('dir/red flower.jpg', 'hello', { 'content-type': 'image/jpeg', 'x-amz-meta-color': 'red', 'user-agent': 'test-agent/1', host: 'h.example:9000' });
    await t.call('CopyObject', { key: 'copy', headers: { 'x-amz-copy-source': '/bkt/dir/red%20flower.jpg' } });
    await t.call('DeleteObject', { key: 'copy' });
    await t.call('DeleteObject', { key: 'never-was' }); // nothing committed: no event
    const [created, copied, removed] = await l.take(3);
    await l.none();
    expect(created).toMatchObject({
      eventVersion: '2.0',
      eventSource: 'minio:s3',
      awsRegion: 'us-east-1',
      eventName: 's3:ObjectCreated:Put',
      s3: {
        configurationId: 'Config',
        bucket: { name: 'bkt', arn: 'arn:aws:s3:::bkt' },
        object: { key: 'dir/red+flower.jpg', size: 5, eTag: md5hex('hello'), contentType: 'image/jpeg', userMetadata: { 'content-type': 'image/jpeg', 'x-amz-meta-color': 'red' } },
      },
      source: { host: 'h.example', port: '9000', userAgent: 'test-agent/1' },
    });
    expect(created!.s3.object.versionId).toBeUndefined();
    expect(Math.abs(Date.parse(created!.eventTime) - Date.now())).toBeLessThan(10_000);
    expect(r1.headers['etag']).toBe(`"${created!.s3.object.eTag}"`);
    expect(names([copied!, removed!])).toEqual(['s3:ObjectCreated:Copy copy', 's3:ObjectRemoved:Delete copy']);
    expect(removed!.s3.object.size).toBeUndefined();
    expect(created!.s3.object.sequencer < copied!.s3.object.sequencer && copied!.s3.object.sequencer < removed!.s3.object.sequencer).toBe(true);
  });

  it('versioned deletes: a delete marker is DeleteMarkerCreated; removing a version or a marker is Delete, with its version id', async () => {
    await versioning('Enabled');
    const l = await listen();
    const v1 = (await put('k', 'one')).headers['x-amz-version-id']!;
    const marker = (await t.call('DeleteObject', { key: 'k' })).headers['x-amz-version-id']!;
    await t.call('DeleteObject', { key: 'k', query: { versionId: marker } });
    await t.call('DeleteObject', { key: 'k', query: { versionId: v1 } });
    const rs = await l.take(4);
    expect(rs.map((r) => [r.eventName, r.s3.object.versionId])).toEqual([
      ['s3:ObjectCreated:Put', v1],
      ['s3:ObjectRemoved:DeleteMarkerCreated', marker],
      ['s3:ObjectRemoved:Delete', marker],
      ['s3:ObjectRemoved:Delete', v1],
    ]);
    await versioning('Suspended');
    await put('k', 'null');
    await t.call('DeleteObject', { key: 'k' });
    expect((await l.take(2)).map((r) => [r.eventName, r.s3.object.versionId])).toEqual([
      ['s3:ObjectCreated:Put', 'null'],
      ['s3:ObjectRemoved:DeleteMarkerCreated', 'null'],
    ]);
  });

  it('DeleteObjects: one record per key it removed', async () => {
    await put('a');
    await put('b');
    const l = await listen();
    const body = '<Delete><Object><Key>a</Key></Object><Object><Key>b</Key></Object><Object><Key>c</Key></Object></Delete>';
    await t.call('DeleteObjects', { query: { delete: '' }, data: body, headers: { 'content-md5': md5b64(body) } });
    expect(names(await l.take(2))).toEqual(['s3:ObjectRemoved:Delete a', 's3:ObjectRemoved:Delete b']);
    await l.none();
  });

  it('CompleteMultipartUpload: one record when it commits, none for the parts or a repeated Complete', async () => {
    const l = await listen();
    const created = await bodyText(await t.call('CreateMultipartUpload', { key: 'big', query: { uploads: '' } }));
    const uploadId = /<UploadId>([^<]+)</.exec(created)![1]!;
    const part = 'p'.repeat(2048);
    const e1 = (await t.call('UploadPart', { key: 'big', query: { partNumber: '1', uploadId }, data: part })).headers['etag']!;
    const e2 = (await t.call('UploadPart', { key: 'big', query: { partNumber: '2', uploadId }, data: 'end' })).headers['etag']!;
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${e1}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>${e2}</ETag></Part></CompleteMultipartUpload>`;
    await bodyText(await t.call('CompleteMultipartUpload', { key: 'big', query: { uploadId }, data: xml }));
    const [r] = await l.take(1);
    expect(r).toMatchObject({ eventName: 's3:ObjectCreated:CompleteMultipartUpload', s3: { object: { key: 'big', size: 2051 } } });
    expect(r!.s3.object.eTag).toMatch(/-2$/);
    await bodyText(await t.call('CompleteMultipartUpload', { key: 'big', query: { uploadId }, data: xml }));
    await l.none();
  });

  it('lifecycle expirations: s3:LifecycleExpiration:Delete unversioned, DeleteMarkerCreated versioned', async () => {
    await put('old/a');
    const lc = '<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>old/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>';
    await t.call('PutBucketLifecycleConfiguration', { method: 'PUT', query: { lifecycle: '' }, data: lc, headers: { 'content-md5': md5b64(lc) } });
    const l = await listen();
    now += 3 * 86_400_000;
    await t.store.runLifecycle();
    expect(names(await l.take(1))).toEqual(['s3:LifecycleExpiration:Delete old/a']);
    await versioning('Enabled');
    await put('old/b');
    now += 3 * 86_400_000;
    await t.store.runLifecycle();
    const [created, expired] = await l.take(2);
    expect(names([created!, expired!])).toEqual(['s3:ObjectCreated:Put old/b', 's3:LifecycleExpiration:DeleteMarkerCreated old/b']);
    expect(expired!.s3.object.versionId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('failed and refused writes commit nothing and send nothing', async () => {
    const l = await listen();
    await t.fail('PutObject', { key: 'bad', data: 'abc', headers: { 'content-md5': md5b64('xyz') } });
    await put('k', 'v');
    await t.fail('PutObject', { key: 'k', data: 'again', headers: { 'if-none-match': '*' } });
    expect(names(await l.take(1))).toEqual(['s3:ObjectCreated:Put k']);
    await l.none();
  });
});

describe('filters', () => {
  it('prefix, suffix and event names (exact and family wildcards)', async () => {
    const photos = await listen({ prefix: 'photos/', suffix: '.jpg' });
    const removals = await listen({ events: 's3:ObjectRemoved:*' });
    const puts = await listen({ events: 's3:ObjectCreated:Put' });
    await put('photos/a.jpg');
    await put('photos/a.png');
    await put('docs/b.jpg');
    await t.call('CopyObject', { key: 'photos/c.jpg', headers: { 'x-amz-copy-source': '/bkt/docs/b.jpg' } });
    await t.call('DeleteObject', { key: 'photos/a.jpg' });
    expect(names(await photos.take(3))).toEqual(['s3:ObjectCreated:Put photos/a.jpg', 's3:ObjectCreated:Copy photos/c.jpg', 's3:ObjectRemoved:Delete photos/a.jpg']);
    expect(names(await removals.take(1))).toEqual(['s3:ObjectRemoved:Delete photos/a.jpg']);
    expect(names(await puts.take(3))).toEqual(['s3:ObjectCreated:Put photos/a.jpg', 's3:ObjectCreated:Put photos/a.png', 's3:ObjectCreated:Put docs/b.jpg']);
    await Promise.all([photos.none(), removals.none(), puts.none()]);
  });

  it('a bucket listener hears its bucket only; ListenNotification (no bucket) hears every bucket', async () => {
    await t.call('CreateBucket', { bucket: 'other' });
    const one = await listen();
    const all = await listen({}, null);
    await put('a');
    await t.call('PutObject', { bucket: 'other', key: 'b', data: 'x' });
    expect(names(await one.take(1))).toEqual(['s3:ObjectCreated:Put a']);
    expect((await all.take(2)).map((r) => `${r.s3.bucket.name}/${r.s3.object.key}`)).toEqual(['bkt/a', 'other/b']);
    await one.none();
  });

  it('refuses unknown event names, over-long prefixes and missing buckets with S3 errors; accepts MinIO names it never sends', async () => {
    const bad = await t.fail('ListenBucketNotification', { query: { events: 's3:ObjectCreated:Put,s3:Nonsense:*' } });
    expect([bad.code, bad.status]).toEqual(['InvalidArgument', 400]);
    expect((await t.fail('ListenBucketNotification', { query: { events: 'ObjectCreated' } })).code).toBe('InvalidArgument');
    expect((await t.fail('ListenBucketNotification', { query: { events: 's3:ObjectCreated:*', prefix: 'p'.repeat(1025) } })).code).toBe('InvalidArgument');
    const missing = await t.fail('ListenBucketNotification', { bucket: 'nope', query: { events: 's3:ObjectCreated:*' } });
    expect([missing.code, missing.status]).toEqual(['NoSuchBucket', 404]);
    expect((await t.fail('ListenBucketNotification', { bucket: 'Bad_Name', query: { events: 's3:ObjectCreated:*' } })).code).toBe('InvalidBucketName');
    const accessed = await listen({ events: 's3:ObjectAccessed:*' });
    await put('k');
    await bodyText(await t.call('GetObject', { key: 'k' }));
    await accessed.none();
  });

  it('matches(): bucket, prefix, suffix and name patterns', () => {
    const e: StoreEvent = { name: 's3:ObjectCreated:Put', bucket: 'b', key: 'a/b.txt', time: 0, sequencer: '0' };
    expect(matches({ prefix: 'a/', suffix: '.txt', names: ['s3:ObjectCreated:*'] }, e)).toBe(true);
    expect(matches({ bucket: 'c', prefix: '', suffix: '', names: ['s3:ObjectCreated:*'] }, e)).toBe(false);
    expect(matches({ prefix: '', suffix: '', names: ['s3:ObjectCreated:Post', 's3:ObjectRemoved:*'] }, e)).toBe(false);
    expect(matches({ prefix: '', suffix: '', names: [] }, e)).toBe(false);
    expect(eventKey('a b/c=d+é')).toBe('a+b/c%3Dd%2B%C3%A9');
  });
});

describe('order, durability, keep-alives', () => {
  it('concurrent writes: one record per acknowledged write, sequencers in commit order, each readable when its record arrives', async () => {
    const l = await listen();
    const keys = Array.from({ length: 40 }, (_, i) => `k${i % 8}/${i}`);
    await Promise.all(keys.map((k, i) => put(k, `v${i}`)));
    const rs = await l.take(keys.length);
    expect(new Set(rs.map((r) => r.s3.object.key))).toEqual(new Set(keys));
    const seqs = rs.map((r) => r.s3.object.sequencer);
    expect(seqs).toEqual([...seqs].sort());
    expect(new Set(seqs).size).toBe(seqs.length);
    // Published after the metadata rename: the object it names is there.
    for (const r of rs.slice(0, 5)) expect(await bodyText(await t.call('GetObject', { key: r.s3.object.key }))).toMatch(/^v\d+$/);
  });

  it('one key overwritten concurrently: the records come in the order the versions were committed', async () => {
    await versioning('Enabled');
    const l = await listen();
    await Promise.all(Array.from({ length: 10 }, (_, i) => put('same', `v${i}`)));
    const rs = await l.take(10);
    const listed = await bodyText(await t.call('ListObjectVersions', { query: { versions: '' } }));
    const ids = [...listed.matchAll(/<VersionId>([^<]+)<\/VersionId>/g)].map((m) => m[1]!).reverse(); // oldest first
    expect(rs.map((r) => r.s3.object.versionId)).toEqual(ids);
  });

  it('sends a blank keep-alive line when nothing happens, and the store close ends the stream', async () => {
    const l = await listen();
    await l.none(200);
    expect(l.blanks).toBeGreaterThanOrEqual(2);
    await t.store.close();
    expect(await l.ends()).toBe('end');
    expect(t.store.listeners).toBe(0);
  });
});

describe('listener lifetime', () => {
  it('a destroyed stream (client gone) or an aborted signal removes its listener at once', async () => {
    const res = await t.call('ListenBucketNotification', { query: { events: 's3:ObjectCreated:*' } });
    expect(t.store.listeners).toBe(1);
    (res.body as unknown as { destroy(): void }).destroy();
    expect(t.store.listeners).toBe(0);
    const ac = new AbortController();
    const l = await listen({}, 'bkt', ac.signal);
    expect(t.store.listeners).toBe(1);
    ac.abort();
    expect(t.store.listeners).toBe(0);
    expect(await l.ends()).toBe('error');
    const again = await listen();
    await again.close();
    expect(t.store.listeners).toBe(0);
    await put('k'); // publishing with no listener is a no-op
  });

  it('a listener that does not read is disconnected after maxQueued events; writes never wait for it', async () => {
    const slow = await listen();
    const fast = await listen();
    const reading = fast.take(200, 30_000);
    const started = performance.now();
    for (let i = 0; i < 200; i++) await put(`k${i}`);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(overflows).toEqual([{ bucket: 'bkt', queued: 64 }]);
    expect(t.store.listeners).toBe(1); // the reader that keeps up stays
    expect(await slow.ends()).toBe('error');
    expect((await reading).map((r) => r.s3.object.key)).toEqual(Array.from({ length: 200 }, (_, i) => `k${i}`));
  });

  it('EventBus: queue bound validated; overflow reported once; a closed bus ends new subscriptions', async () => {
    expect(() => new EventBus({ maxQueued: 0 })).toThrow(TypeError);
    const seen: number[] = [];
    const bus = new EventBus({ maxQueued: 2, onOverflow: (i) => seen.push(i.queued) });
    let overflowed = 0;
    const sub = bus.subscribe({ prefix: '', suffix: '', names: ['s3:ObjectCreated:*'] }, { onReady: () => {}, onOverflow: () => overflowed++, onEnd: () => {} });
    const e: StoreEvent = { name: 's3:ObjectCreated:Put', bucket: 'b', key: 'k', time: 0, sequencer: '0' };
    for (let i = 0; i < 5; i++) bus.publish(e);
    expect([overflowed, seen, bus.listeners, sub.queued]).toEqual([1, [2], 0, 0]);
    bus.close();
    let ended = false;
    bus.subscribe({ prefix: '', suffix: '', names: [] }, { onReady: () => {}, onOverflow: () => {}, onEnd: () => (ended = true) });
    await Promise.resolve();
    expect([ended, bus.listeners]).toEqual([true, 0]);
  });
});

describe('a failing listener', () => {
  it('is dropped without failing the write that published', async () => {
    const bus = new EventBus();
    const sub = bus.subscribe(
      { prefix: '', suffix: '', names: ['s3:ObjectCreated:*'] },
      {
        onReady: () => {
          throw new Error('boom');
        },
        onOverflow: () => {},
        onEnd: () => {},
      },
    );
    expect(() => bus.publish({ name: 's3:ObjectCreated:Put', bucket: 'b', key: 'k', time: 0, sequencer: '0' })).not.toThrow();
    expect([bus.listeners, sub.queued]).toEqual([0, 0]);
  });
});
