import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseXml } from '@s3kit/xml-shapes';
import { createLocalStore } from '../src/index.js';
import { KeyIndex, type IndexVersion } from '../src/store/key-index.js';
import { versionsPage } from '../src/store/list-versions.js';
import { bodyText, makeStore, md5b64, md5hex, type TestStore } from './helpers.js';

let t: TestStore;
beforeEach(async () => {
  t = await makeStore();
  await t.call('CreateBucket');
});
afterEach(async () => {
  await t.cleanup();
});

const enable = (status = 'Enabled') =>
  t.call('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: `<VersioningConfiguration><Status>${status}</Status></VersioningConfiguration>` });

describe('versioning', () => {
  it('keeps every version in an enabled bucket and hides the key behind a delete marker', async () => {
    expect(await bodyText(await t.call('GetBucketVersioning', { query: { versioning: '' } }))).not.toContain('<Status>');
    await enable();
    expect(await bodyText(await t.call('GetBucketVersioning', { query: { versioning: '' } }))).toContain('<Status>Enabled</Status>');
    const v1 = (await t.call('PutObject', { key: 'k', data: 'one' })).headers['x-amz-version-id']!;
    const v2 = (await t.call('PutObject', { key: 'k', data: 'two' })).headers['x-amz-version-id']!;
    expect(v1).toMatch(/^[0-9a-f]{32}$/);
    expect(v2).not.toBe(v1);
    expect(await bodyText(await t.call('GetObject', { key: 'k' }))).toBe('two');
    expect(await bodyText(await t.call('GetObject', { key: 'k', query: { versionId: v1 } }))).toBe('one');
    const del = await t.call('DeleteObject', { key: 'k' });
    expect(del.headers['x-amz-delete-marker']).toBe('true');
    const marker = del.headers['x-amz-version-id']!;
    const gone = await t.fail('GetObject', { key: 'k' });
    expect([gone.code, gone.status]).toEqual(['NoSuchKey', 404]);
    const named = await t.fail('GetObject', { key: 'k', query: { versionId: marker } });
    expect([named.code, named.status]).toEqual(['MethodNotAllowed', 405]);
    expect((await t.fail('DeleteBucket')).code).toBe('BucketNotEmpty');
    for (const id of [marker, v2, v1]) await t.call('DeleteObject', { key: 'k', query: { versionId: id } });
    expect((await t.call('DeleteBucket')).status).toBe(204);
  });

  it('replaces the null version when suspended and never goes back to unversioned', async () => {
    await t.call('PutObject', { key: 'k', data: 'null-1' });
    await enable();
    const v = (await t.call('PutObject', { key: 'k', data: 'versioned' })).headers['x-amz-version-id']!;
    await enable('Suspended');
    await t.call('PutObject', { key: 'k', data: 'null-2' });
    expect(await bodyText(await t.call('GetObject', { key: 'k', query: { versionId: 'null' } }))).toBe('null-2');
    expect(await bodyText(await t.call('GetObject', { key: 'k', query: { versionId: v } }))).toBe('versioned');
    expect(await bodyText(await t.call('GetBucketVersioning', { query: { versioning: '' } }))).toContain('<Status>Suspended</Status>');
  });
});

const xmlOf = async (query: Record<string, string> = {}): Promise<string> => bodyText(await t.call('ListObjectVersions', { query: { versions: '', ...query } }));
const versionsOf = async (query: Record<string, string> = {}) => parseXml('ListVersionsResult', await xmlOf(query));
/** Every entry in document order, as `key@id` with `!` for a delete marker and `*` for the latest. */
const entries = (xml: string): string[] =>
  [...xml.matchAll(/<(Version|DeleteMarker)><Key>([^<]*)<\/Key><VersionId>([^<]*)<\/VersionId><IsLatest>(true|false)<\/IsLatest>/g)].map(
    (m) => `${m[2]}@${m[3]}${m[1] === 'DeleteMarker' ? '!' : ''}${m[4] === 'true' ? '*' : ''}`,
  );

/** Lists every page with `max-keys`, following NextKeyMarker / NextVersionIdMarker. */
async function allPages(query: Record<string, string>, maxKeys: number): Promise<{ entries: string[]; prefixes: string[]; pages: number }> {
  const out: string[] = [];
  const prefixes: string[] = [];
  let marker: Record<string, string> = {};
  for (let pages = 1; pages < 1000; pages++) {
    const xml = await xmlOf({ ...query, ...marker, 'max-keys': String(maxKeys) });
    const r = parseXml('ListVersionsResult', xml);
    expect(entries(xml).length + r.CommonPrefixes.length).toBeLessThanOrEqual(maxKeys);
    out.push(...entries(xml));
    prefixes.push(...r.CommonPrefixes.map((p) => p.Prefix!));
    if (!r.IsTruncated) return { entries: out, prefixes, pages };
    marker = { 'key-marker': r.NextKeyMarker!, ...(r.NextVersionIdMarker === undefined ? {} : { 'version-id-marker': r.NextVersionIdMarker }) };
  }
  throw new Error('listing did not end');
}

describe('ListObjectVersions', () => {
  /** b: null version then two versions; a: version, marker, version; c: a marker only; 😀 and \uFFFD for byte order. */
  async function history(): Promise<Record<string, string>> {
    const ids: Record<string, string> = {};
    await t.call('PutObject', { key: 'b', data: 'b-null' });
    await enable();
    const put = async (key: string, data: string, name: string) => void (ids[name] = (await t.call('PutObject', { key, data })).headers['x-amz-version-id']!);
    const del = async (key: string, name: string) => void (ids[name] = (await t.call('DeleteObject', { key })).headers['x-amz-version-id']!);
    await put('a', 'a1', 'a1');
    await put('b', 'b1', 'b1');
    await del('a', 'a-dm');
    await put('b', 'b2', 'b2');
    await put('a', 'a2', 'a2');
    await del('c', 'c-dm');
    await put('😀', 'x', 'astral');
    await put('\uFFFD', 'y', 'bmp');
    return ids;
  }

  it('lists every version and delete marker: keys in UTF-8 byte order, newest first, interleaved as they happened', async () => {
    const ids = await history();
    const xml = await xmlOf();
    expect(entries(xml)).toEqual([
      `a@${ids['a2']}*`,
      `a@${ids['a-dm']}!`,
      `a@${ids['a1']}`,
      `b@${ids['b2']}*`,
      `b@${ids['b1']}`,
      'b@null',
      `c@${ids['c-dm']}!*`,
      `\uFFFD@${ids['bmp']}*`,
      `😀@${ids['astral']}*`,
    ]);
    const r = parseXml('ListVersionsResult', xml);
    expect([r.Name, r.KeyMarker, r.VersionIdMarker, r.MaxKeys, r.IsTruncated]).toEqual(['bkt', '', '', 1000, false]);
    const b1 = r.Version.find((v) => v.VersionId === ids['b1'])!;
    expect(b1).toMatchObject({ Key: 'b', ETag: `"${md5hex('b1')}"`, Size: 2, StorageClass: 'STANDARD', Owner: { ID: 's3kit-local' } });
    expect(b1.LastModified).toBeInstanceOf(Date);
    expect(r.DeleteMarker[0]).toMatchObject({ Key: 'a', VersionId: ids['a-dm'], IsLatest: false, Owner: { ID: 's3kit-local' } });
    // ListObjectsV2 shows only keys whose latest version is an object.
    expect(await bodyText(await t.call('ListObjectsV2', { query: { 'list-type': '2' } }))).not.toContain('<Key>c</Key>');
  });

  it('pages with max-keys 1 to 4 through exactly the one-shot listing, resuming inside a key', async () => {
    await history();
    const one = entries(await xmlOf());
    for (const max of [1, 2, 3, 4]) {
      const paged = await allPages({}, max);
      expect(paged.entries).toEqual(one);
      expect(paged.pages).toBe(Math.ceil(one.length / max));
    }
    const first = await versionsOf({ 'max-keys': '2' });
    expect([first.IsTruncated, first.NextKeyMarker, first.NextVersionIdMarker]).toEqual([true, 'a', first.DeleteMarker[0]!.VersionId]);
  });

  it('rolls keys up at the delimiter within the prefix, common prefixes counted in max-keys', async () => {
    await enable();
    for (const k of ['p/a', 'p/a', 'p/d/1', 'p/d/2', 'p/e/1', 'p/z', 'q']) await t.call('PutObject', { key: k, data: k });
    const r = await versionsOf({ prefix: 'p/', delimiter: '/' });
    expect(r.CommonPrefixes.map((p) => p.Prefix)).toEqual(['p/d/', 'p/e/']);
    expect(r.Version.map((v) => v.Key)).toEqual(['p/a', 'p/a', 'p/z']);
    expect([r.Prefix, r.Delimiter]).toEqual(['p/', '/']);
    for (const max of [1, 2, 3]) {
      const paged = await allPages({ prefix: 'p/', delimiter: '/' }, max);
      expect(paged.prefixes).toEqual(['p/d/', 'p/e/']);
      expect(paged.entries.map((e) => e.split('@')[0])).toEqual(['p/a', 'p/a', 'p/z']);
    }
    const page = await versionsOf({ prefix: 'p/', delimiter: '/', 'max-keys': '3' });
    expect([page.IsTruncated, page.NextKeyMarker, page.NextVersionIdMarker]).toEqual([true, 'p/d/', undefined]);
  });

  it('neither skips nor repeats a version when the marker version was deleted between pages', async () => {
    await enable();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.unshift((await t.call('PutObject', { key: 'k', data: String(i) })).headers['x-amz-version-id']!);
    await t.call('PutObject', { key: 'l', data: 'l' });
    const first = await versionsOf({ 'max-keys': '2' });
    expect(first.Version.map((v) => v.VersionId)).toEqual(ids.slice(0, 2));
    await t.call('DeleteObject', { key: 'k', query: { versionId: ids[1]! } });
    const next = await versionsOf({ 'key-marker': 'k', 'version-id-marker': first.NextVersionIdMarker!, 'max-keys': '10' });
    expect(next.Version.map((v) => v.VersionId)).toEqual([...ids.slice(2), next.Version[3]!.VersionId]);
    expect(next.Version.map((v) => v.Key)).toEqual(['k', 'k', 'k', 'l']);
    // Every version of the marker key gone: the listing goes on with the next key.
    for (const id of ids) await t.call('DeleteObject', { key: 'k', query: { versionId: id } });
    expect((await versionsOf({ 'key-marker': 'k', 'version-id-marker': ids[0]! })).Version.map((v) => v.Key)).toEqual(['l']);
    // A key-marker alone starts after every version of that key.
    expect((await versionsOf({ 'key-marker': 'k' })).Version.map((v) => v.Key)).toEqual(['l']);
  });

  it('rejects a version-id-marker without a key-marker, or malformed, with InvalidArgument; caps max-keys at 1000', async () => {
    await enable();
    const id = (await t.call('PutObject', { key: 'k', data: 'x' })).headers['x-amz-version-id']!;
    const alone = await t.fail('ListObjectVersions', { query: { versions: '', 'version-id-marker': id } });
    expect([alone.code, alone.status]).toEqual(['InvalidArgument', 400]);
    const bad = await t.fail('ListObjectVersions', { query: { versions: '', 'key-marker': 'k', 'version-id-marker': 'nope' } });
    expect([bad.code, bad.status]).toEqual(['InvalidArgument', 400]);
    expect((await t.fail('ListObjectVersions', { query: { versions: '', 'max-keys': 'x' } })).code).toBe('InvalidArgument');
    expect((await t.fail('ListObjectVersions', { query: { versions: '', 'encoding-type': 'b64' } })).code).toBe('InvalidArgument');
    expect((await versionsOf({ 'max-keys': '5000' })).MaxKeys).toBe(1000);
    const zero = await versionsOf({ 'max-keys': '0' });
    expect([zero.Version.length, zero.IsTruncated]).toEqual([0, false]);
    expect((await t.fail('ListObjectVersions', { bucket: 'nope', query: { versions: '' } })).code).toBe('NoSuchBucket');
  });

  it('encodes keys, prefix, markers and delimiter with encoding-type=url as S3 does', async () => {
    await enable();
    await t.call('PutObject', { key: 'a b/c+d', data: 'x' });
    await t.call('PutObject', { key: 'a b/c+d', data: 'y' });
    const xml = await xmlOf({ 'encoding-type': 'url', prefix: 'a b/', 'max-keys': '1', 'key-marker': 'a b/' });
    expect(xml).toContain('<Key>a+b/c%2Bd</Key>');
    expect(xml).toContain('<Prefix>a+b/</Prefix>');
    expect(xml).toContain('<KeyMarker>a+b/</KeyMarker>');
    expect(xml).toContain('<NextKeyMarker>a+b/c%2Bd</NextKeyMarker>');
    expect(xml).toContain('<EncodingType>url</EncodingType>');
    expect(parseXml('ListVersionsResult', xml).Version[0]!.Key).toBe('a b/c+d');
  });

  it('lists from the index a restarted store rebuilds or reads back (null version seq included)', async () => {
    const ids = await history();
    const before = entries(await xmlOf());
    await t.store.close();
    const reopened = createLocalStore({ dir: t.dir, fsync: false });
    try {
      const xml = await bodyText(await reopened.handle({ method: 'GET', operation: 'ListObjectVersions', bucket: 'bkt', query: { versions: '' }, headers: {} }));
      expect(entries(xml)).toEqual(before);
      const resumed = await reopened.handle({
        method: 'GET',
        operation: 'ListObjectVersions',
        bucket: 'bkt',
        query: { versions: '', 'key-marker': 'b', 'version-id-marker': ids['b1']! },
        headers: {},
      });
      expect(entries(await bodyText(resumed))[0]).toBe('b@null');
    } finally {
      await reopened.close();
    }
  });
});

describe('versionsPage', () => {
  const v = (id: string, extra: Partial<IndexVersion> = {}): IndexVersion => ({ id, size: 1, etag: 'e', lastModified: 0, ...extra });
  const id = (seq: number): string => seq.toString(16).padStart(16, '0') + '0'.repeat(16);

  it('resumes after a deleted null version by its seq, and after a deleted version by the seq in its id', () => {
    const idx = new KeyIndex(new Map([['k', [v(id(30)), v('null', { seq: 20 }), v(id(10))]]]), ['k']);
    expect(versionsPage(idx, '', '', { key: 'k', versionId: id(25) }, 10).items.map((i) => i.v.id)).toEqual(['null', id(10)]);
    expect(versionsPage(idx, '', '', { key: 'k', versionId: id(15) }, 10).items.map((i) => i.v.id)).toEqual([id(10)]);
    expect(versionsPage(idx, '', '', { key: 'k', versionId: 'null' }, 10).items.map((i) => i.v.id)).toEqual([id(10)]);
    const noNull = new KeyIndex(
      new Map([
        ['k', [v(id(30))]],
        ['m', [v(id(5))]],
      ]),
      ['k', 'm'],
    );
    expect(versionsPage(noNull, '', '', { key: 'k', versionId: 'null' }, 10).items.map((i) => i.key)).toEqual(['m']);
  });

  it('property: pages with any max-keys through exactly the one-shot listing, for any keys, prefix and delimiter', () => {
    const keyArb = fc.stringMatching(/^[ab/]{0,4}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(keyArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 3 })), { selector: ([k]) => k, maxLength: 12 }),
        fc.constantFrom('', 'a', 'b/', 'a/'),
        fc.constantFrom('', '/', 'b'),
        fc.integer({ min: 1, max: 4 }),
        (keys, prefix, delimiter, max) => {
          let seq = 1000;
          const entries = new Map(keys.map(([k, markers]) => [k, markers.map((dm) => v(id(seq--), dm ? { deleteMarker: true } : {}))] as const));
          const idx = KeyIndex.fromEntries([...entries]);
          const one = versionsPage(idx, prefix, delimiter, { key: '' }, 1000);
          const items: string[] = [];
          const prefixes: string[] = [];
          let marker: { key: string; versionId?: string | undefined } = { key: '' };
          for (let pages = 0; ; pages++) {
            expect(pages).toBeLessThan(100);
            const page = versionsPage(idx, prefix, delimiter, marker, max);
            expect(page.items.length + page.prefixes.length).toBeLessThanOrEqual(max);
            items.push(...page.items.map((i) => `${i.key}@${i.v.id}`));
            prefixes.push(...page.prefixes);
            if (!page.truncated) break;
            marker = { key: page.nextKey!, versionId: page.nextVersionId };
          }
          expect(items).toEqual(one.items.map((i) => `${i.key}@${i.v.id}`));
          expect(prefixes).toEqual(one.prefixes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports a stored checksum algorithm and type', async () => {
    const idx = new KeyIndex(new Map([['k', [v(id(1), { checksumAlgorithm: 'CRC32', checksumType: 'FULL_OBJECT' })]]]), ['k']);
    expect(versionsPage(idx, '', '', { key: '' }, 10).items[0]!.v.checksumAlgorithm).toBe('CRC32');
  });
});

describe('versioning responses, as AWS documents them', () => {
  const deleteXml = (objects: { Key: string; VersionId?: string }[]): string =>
    `<Delete>${objects.map((o) => `<Object><Key>${o.Key}</Key>${o.VersionId === undefined ? '' : `<VersionId>${o.VersionId}</VersionId>`}</Object>`).join('')}</Delete>`;
  const deleteObjects = async (objects: { Key: string; VersionId?: string }[]) => {
    const xml = deleteXml(objects);
    return parseXml('DeleteResult', await bodyText(await t.call('DeleteObjects', { query: { delete: '' }, data: xml, headers: { 'content-md5': md5b64(xml) } })));
  };

  it('x-amz-version-id: on writes only with an id; on reads "null" too once the bucket has versioning configured', async () => {
    const unversioned = await t.call('PutObject', { key: 'k', data: '0' });
    expect(unversioned.headers['x-amz-version-id']).toBeUndefined();
    expect((await t.call('HeadObject', { key: 'k' })).headers['x-amz-version-id']).toBeUndefined();
    expect((await t.call('HeadObject', { key: 'k', query: { versionId: 'null' } })).headers['x-amz-version-id']).toBe('null');
    await enable();
    // The object from before versioning is the null version; reads now name it.
    expect((await t.call('GetObject', { key: 'k' })).headers['x-amz-version-id']).toBe('null');
    expect((await t.call('GetObjectTagging', { key: 'k', query: { tagging: '' } })).headers['x-amz-version-id']).toBe('null');
    const v = (await t.call('PutObject', { key: 'k', data: '1' })).headers['x-amz-version-id'];
    expect(v).toMatch(/^[0-9a-f]{32}$/);
    expect((await t.call('HeadObject', { key: 'k' })).headers['x-amz-version-id']).toBe(v);
    await enable('Suspended');
    // AWS's PutObject example "versioning suspended": no x-amz-version-id on the write.
    expect((await t.call('PutObject', { key: 'k', data: '2' })).headers['x-amz-version-id']).toBeUndefined();
    expect((await t.call('HeadObject', { key: 'k' })).headers['x-amz-version-id']).toBe('null');
    const del = await t.call('DeleteObject', { key: 'k' });
    expect(del.headers).toMatchObject({ 'x-amz-delete-marker': 'true', 'x-amz-version-id': 'null' });
  });

  it('DELETE of a missing version is 204; HEAD of a delete marker is 404 (current) or 405 (named) with x-amz-delete-marker', async () => {
    await enable();
    const v = (await t.call('PutObject', { key: 'k', data: 'x' })).headers['x-amz-version-id']!;
    const missingId = v.slice(0, 16) + '0'.repeat(16);
    const gone = await t.call('DeleteObject', { key: 'k', query: { versionId: missingId } });
    expect(gone.status).toBe(204);
    expect(gone.headers['x-amz-delete-marker']).toBeUndefined();
    const marker = (await t.call('DeleteObject', { key: 'k' })).headers['x-amz-version-id']!;
    const head = await t.fail('HeadObject', { key: 'k' });
    expect([head.code, head.status, head.headers?.['x-amz-delete-marker'], head.headers?.['x-amz-version-id']]).toEqual(['NoSuchKey', 404, 'true', marker]);
    const named = await t.fail('HeadObject', { key: 'k', query: { versionId: marker } });
    expect([named.code, named.status, named.headers?.['x-amz-delete-marker']]).toEqual(['MethodNotAllowed', 405, 'true']);
    const nosuch = await t.fail('HeadObject', { key: 'k', query: { versionId: missingId } });
    expect([nosuch.code, nosuch.status]).toEqual(['NoSuchVersion', 404]);
    // Removing the marker by id says it was one, and the object is back.
    const undo = await t.call('DeleteObject', { key: 'k', query: { versionId: marker } });
    expect(undo.headers).toMatchObject({ 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker });
    expect((await t.call('HeadObject', { key: 'k' })).headers['x-amz-version-id']).toBe(v);
  });

  it('DeleteObjects reports VersionId, DeleteMarker and DeleteMarkerVersionId per entry', async () => {
    await enable();
    const v1 = (await t.call('PutObject', { key: 'a', data: '1' })).headers['x-amz-version-id']!;
    await t.call('PutObject', { key: 'b', data: '1' });
    const r = await deleteObjects([{ Key: 'a', VersionId: v1 }, { Key: 'b' }, { Key: 'never' }]);
    expect(r.Deleted[0]).toEqual({ Key: 'a', VersionId: v1 });
    expect(r.Deleted[1]).toMatchObject({ Key: 'b', DeleteMarker: true });
    const bMarker = r.Deleted[1]!.DeleteMarkerVersionId!;
    expect(bMarker).toMatch(/^[0-9a-f]{32}$/);
    // S3 adds a delete marker even for a key that never existed.
    expect(r.Deleted[2]).toMatchObject({ Key: 'never', DeleteMarker: true });
    const again = await deleteObjects([{ Key: 'b', VersionId: bMarker }]);
    expect(again.Deleted[0]).toEqual({ Key: 'b', VersionId: bMarker, DeleteMarker: true, DeleteMarkerVersionId: bMarker });
    const bad = await deleteObjects([{ Key: 'b', VersionId: 'bad' }]);
    expect(bad.Error[0]).toMatchObject({ Key: 'b', VersionId: 'bad', Code: 'InvalidArgument' });
  });

  it('copies from a source version (x-amz-copy-source-version-id); a delete marker source is 404, or 400 when named', async () => {
    await enable();
    const v1 = (await t.call('PutObject', { key: 'src', data: 'one' })).headers['x-amz-version-id']!;
    const v2 = (await t.call('PutObject', { key: 'src', data: 'two' })).headers['x-amz-version-id']!;
    const copy = await t.call('CopyObject', { key: 'dst', headers: { 'x-amz-copy-source': `/bkt/src?versionId=${v1}` } });
    expect(copy.headers['x-amz-copy-source-version-id']).toBe(v1);
    expect(copy.headers['x-amz-version-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(await bodyText(await t.call('GetObject', { key: 'dst' }))).toBe('one');
    const latest = await t.call('CopyObject', { key: 'dst2', headers: { 'x-amz-copy-source': '/bkt/src' } });
    expect(latest.headers['x-amz-copy-source-version-id']).toBe(v2);
    const marker = (await t.call('DeleteObject', { key: 'src' })).headers['x-amz-version-id']!;
    const current = await t.fail('CopyObject', { key: 'dst', headers: { 'x-amz-copy-source': '/bkt/src' } });
    expect([current.code, current.status]).toEqual(['NoSuchKey', 404]);
    const named = await t.fail('CopyObject', { key: 'dst', headers: { 'x-amz-copy-source': `/bkt/src?versionId=${marker}` } });
    expect([named.code, named.status]).toEqual(['InvalidRequest', 400]);
    const missingId = v1.slice(0, 16) + '0'.repeat(16);
    expect((await t.fail('CopyObject', { key: 'dst', headers: { 'x-amz-copy-source': `/bkt/src?versionId=${missingId}` } })).code).toBe('NoSuchVersion');
  });

  it('UploadPartCopy copies a source version; CompleteMultipartUpload gets a version id only when enabled', async () => {
    await enable();
    const v1 = (await t.call('PutObject', { key: 'src', data: 'version-one' })).headers['x-amz-version-id']!;
    await t.call('PutObject', { key: 'src', data: 'version-two!' });
    const upload = async (): Promise<string> => /<UploadId>([^<]+)</.exec(await bodyText(await t.call('CreateMultipartUpload', { key: 'mp', query: { uploads: '' } })))![1]!;
    const id = await upload();
    const pc = await t.call('UploadPartCopy', {
      key: 'mp',
      query: { uploadId: id, partNumber: '1' },
      headers: { 'x-amz-copy-source': `/bkt/src?versionId=${v1}`, 'x-amz-copy-source-range': 'bytes=0-6' },
    });
    expect(pc.headers['x-amz-copy-source-version-id']).toBe(v1);
    const etag = /<ETag>([^<]+)</.exec(await bodyText(pc))![1]!.replace(/&quot;/g, '"');
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
    const done = await t.call('CompleteMultipartUpload', { key: 'mp', query: { uploadId: id }, data: xml });
    expect(done.headers['x-amz-version-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(await bodyText(await t.call('GetObject', { key: 'mp' }))).toBe('version');
    await enable('Suspended');
    const id2 = await upload();
    const pc2 = await t.call('UploadPartCopy', { key: 'mp', query: { uploadId: id2, partNumber: '1' }, headers: { 'x-amz-copy-source': '/bkt/src' } });
    const etag2 = /<ETag>([^<]+)</.exec(await bodyText(pc2))![1]!.replace(/&quot;/g, '"');
    const xml2 = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag2}</ETag></Part></CompleteMultipartUpload>`;
    expect((await t.call('CompleteMultipartUpload', { key: 'mp', query: { uploadId: id2 }, data: xml2 })).headers['x-amz-version-id']).toBeUndefined();
  });

  it('tags a named version; returns tag sets sorted by key in UTF-8 byte order', async () => {
    await enable();
    const v1 = (await t.call('PutObject', { key: 'k', data: '1' })).headers['x-amz-version-id']!;
    await t.call('PutObject', { key: 'k', data: '2', headers: { 'x-amz-tagging': 'cur=1' } });
    const body =
      '<Tagging><TagSet><Tag><Key>😀</Key><Value>4</Value></Tag><Tag><Key>\uFFFD</Key><Value>3</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>';
    const put = await t.call('PutObjectTagging', { key: 'k', query: { tagging: '', versionId: v1 }, data: body });
    expect(put.headers['x-amz-version-id']).toBe(v1);
    const got = await t.call('GetObjectTagging', { key: 'k', query: { tagging: '', versionId: v1 } });
    expect(got.headers['x-amz-version-id']).toBe(v1);
    expect(parseXml('Tagging', await bodyText(got)).TagSet.map((x) => x.Key)).toEqual(['a', 'b', '\uFFFD', '😀']);
    expect(parseXml('Tagging', await bodyText(await t.call('GetObjectTagging', { key: 'k', query: { tagging: '' } }))).TagSet).toEqual([{ Key: 'cur', Value: '1' }]);
    const marker = (await t.call('DeleteObject', { key: 'k' })).headers['x-amz-version-id']!;
    expect((await t.fail('GetObjectTagging', { key: 'k', query: { tagging: '', versionId: marker } })).status).toBe(405);
    expect((await t.fail('PutObjectTagging', { key: 'k', query: { tagging: '' }, data: body })).code).toBe('NoSuchKey');
  });
});
