import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../src/index.js';
import { compareKeys } from '../src/store/key-order.js';
import { listPage } from '../src/store/listing.js';
import { bodyText, listFiles, makeStore, type TestStore } from './helpers.js';

let t: TestStore;
beforeEach(async () => {
  t = await makeStore();
  await t.call('CreateBucket');
});
afterEach(async () => {
  await t.cleanup();
});

const tags = (xml: string, name: string): string[] => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);
const tag = (xml: string, name: string): string | undefined => tags(xml, name)[0];
const keysOf = (xml: string): string[] => [...xml.matchAll(/<Contents><Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
const prefixesOf = (xml: string): string[] => [...xml.matchAll(/<CommonPrefixes><Prefix>([^<]*)<\/Prefix>/g)].map((m) => m[1]!);

async function put(...keys: string[]): Promise<void> {
  for (const key of keys) await t.call('PutObject', { key, data: key });
}

async function v2(query: Record<string, string>): Promise<string> {
  return bodyText(await t.call('ListObjectsV2', { query: { 'list-type': '2', ...query } }));
}

async function v1(query: Record<string, string>): Promise<string> {
  return bodyText(await t.call('ListObjects', { query }));
}

describe('compareKeys (UTF-8 byte order)', () => {
  it('orders astral characters after U+E000–U+FFFF, as UTF-8 bytes do', () => {
    const keys = ['😀', '\uFFFD', 'a', '\uE000', 'é'];
    const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
    expect(byBytes).toEqual(['a', 'é', '\uE000', '\uFFFD', '😀']);
  });

  it('agrees with Buffer.compare of the UTF-8 encodings for any strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 500 },
    );
  });
});

describe('ListObjectsV2', () => {
  beforeEach(async () => {
    await put('a.txt', 'photos/2024/1.jpg', 'photos/2024/2.jpg', 'photos/2025/1.jpg', 'photos/readme', 'z', '\uFFFD', '😀');
  });

  it('lists every key in UTF-8 byte order with size, ETag, date and KeyCount', async () => {
    const xml = await v2({});
    expect(keysOf(xml)).toEqual(['a.txt', 'photos/2024/1.jpg', 'photos/2024/2.jpg', 'photos/2025/1.jpg', 'photos/readme', 'z', '\uFFFD', '😀']);
    expect(tag(xml, 'KeyCount')).toBe('8');
    expect(tag(xml, 'IsTruncated')).toBe('false');
    expect(tag(xml, 'MaxKeys')).toBe('1000');
    expect(xml).toContain('<Contents><Key>a.txt</Key><LastModified>');
    expect(xml).toContain('<Size>5</Size><StorageClass>STANDARD</StorageClass></Contents>');
    expect(xml).not.toContain('<Owner>');
    expect(await v2({ 'fetch-owner': 'true' })).toContain('<Owner><ID>');
  });

  it('rolls keys up into CommonPrefixes at the delimiter, within the prefix', async () => {
    const root = await v2({ delimiter: '/' });
    expect(keysOf(root)).toEqual(['a.txt', 'z', '\uFFFD', '😀']);
    expect(prefixesOf(root)).toEqual(['photos/']);
    const photos = await v2({ delimiter: '/', prefix: 'photos/' });
    expect(keysOf(photos)).toEqual(['photos/readme']);
    expect(prefixesOf(photos)).toEqual(['photos/2024/', 'photos/2025/']);
    expect(tag(photos, 'KeyCount')).toBe('3');
    expect(tag(photos, 'Prefix')).toBe('photos/');
    expect(tag(photos, 'Delimiter')).toBe('/');
  });

  it('pages with max-keys and an opaque continuation token, common prefixes counted once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const xml = await v2({ delimiter: '/', 'max-keys': '2', ...(token === undefined ? {} : { 'continuation-token': token }) });
      seen.push(...keysOf(xml), ...prefixesOf(xml));
      token = tag(xml, 'NextContinuationToken');
      expect(tag(xml, 'IsTruncated')).toBe(token === undefined ? 'false' : 'true');
      pages++;
    } while (token !== undefined);
    expect(seen).toEqual(['a.txt', 'photos/', 'z', '\uFFFD', '😀']);
    expect(pages).toBe(3);
  });

  it('starts after start-after and ignores it when a continuation token is given', async () => {
    expect(keysOf(await v2({ 'start-after': 'photos/2025/1.jpg' }))).toEqual(['photos/readme', 'z', '\uFFFD', '😀']);
    const first = await v2({ 'max-keys': '1' });
    const next = await v2({ 'start-after': 'z', 'continuation-token': tag(first, 'NextContinuationToken')! });
    expect(keysOf(next)[0]).toBe('photos/2024/1.jpg');
  });

  it('encodes keys, prefixes and delimiter with encoding-type=url as S3 does ("/" kept, space as "+")', async () => {
    await put('with space/and+plus&amp');
    const xml = await v2({ 'encoding-type': 'url', prefix: 'with space/', delimiter: '+' });
    expect(tag(xml, 'EncodingType')).toBe('url');
    expect(tag(xml, 'Prefix')).toBe('with+space/');
    expect(tag(xml, 'Delimiter')).toBe('%2B');
    expect(prefixesOf(xml)).toEqual(['with+space/and%2B']);
    expect(decodeURIComponent(prefixesOf(xml)[0]!.replace(/\+/g, ' '))).toBe('with space/and+');
    const all = await v2({ 'encoding-type': 'url' });
    expect(keysOf(all)).toContain('%EF%BF%BD');
    expect(keysOf(all)).toContain('%F0%9F%98%80');
  });

  it('caps max-keys at 1000, returns nothing for max-keys=0, and rejects a bad max-keys with InvalidArgument', async () => {
    expect(tag(await v2({ 'max-keys': '5000' }), 'MaxKeys')).toBe('1000');
    const zero = await v2({ 'max-keys': '0' });
    expect([keysOf(zero).length, tag(zero, 'IsTruncated')]).toEqual([0, 'false']);
    const err = await t.fail('ListObjectsV2', { query: { 'list-type': '2', 'max-keys': '-1' } });
    expect([err.code, err.status]).toEqual(['InvalidArgument', 400]);
  });

  it('treats an empty continuation-token as absent', async () => {
    const xml = await v2({ 'continuation-token': '', 'start-after': 'z' });
    expect(keysOf(xml)).toEqual(['\uFFFD', '😀']);
    expect(xml).not.toContain('<ContinuationToken>');
  });

  it('rejects a continuation token it did not issue and an unknown encoding-type with InvalidArgument', async () => {
    expect((await t.fail('ListObjectsV2', { query: { 'list-type': '2', 'continuation-token': '!!!' } })).code).toBe('InvalidArgument');
    expect((await t.fail('ListObjectsV2', { query: { 'list-type': '2', 'encoding-type': 'base64' } })).code).toBe('InvalidArgument');
  });

  it('rebuilds the index from the metadata files when a new store opens the directory', async () => {
    const reopened = createLocalStore({ dir: t.dir, fsync: false });
    const res = await reopened.handle({ method: 'GET', operation: 'ListObjectsV2', bucket: 'bkt', query: { 'list-type': '2' }, headers: {} });
    expect(keysOf(await bodyText(res))).toEqual(keysOf(await v2({})));
  });

  it('reflects deletes and overwrites in later listings', async () => {
    await t.call('DeleteObject', { key: 'z' });
    await t.call('PutObject', { key: 'a.txt', data: 'longer content' });
    const xml = await v2({ prefix: 'a' });
    expect(keysOf(xml)).toEqual(['a.txt']);
    expect(tag(xml, 'Size')).toBe('14');
    expect(keysOf(await v2({}))).not.toContain('z');
  });
});

describe('index snapshot (close)', () => {
  const list = async (store: ReturnType<typeof createLocalStore>): Promise<string[]> =>
    keysOf(await bodyText(await store.handle({ method: 'GET', operation: 'ListObjectsV2', bucket: 'bkt', query: { 'list-type': '2' }, headers: {} })));
  const snapshot = async (): Promise<boolean> => (await listFiles(t.dir)).includes('buckets/bkt/index.json');

  it('saves the index on close and lists from it after a restart', async () => {
    await put('b', 'a', '😀');
    expect(await list(t.store)).toEqual(['a', 'b', '😀']);
    await t.store.close();
    expect(await snapshot()).toBe(true);
    const again = createLocalStore({ dir: t.dir, fsync: false });
    expect(await list(again)).toEqual(['a', 'b', '😀']);
  });

  it('answers ServiceUnavailable (503) after close', async () => {
    await t.store.close();
    const err = await t.fail('HeadBucket');
    expect([err.code, err.status]).toEqual(['ServiceUnavailable', 503]);
  });

  it('deletes the snapshot before the first change, so a crash afterwards rebuilds an exact index', async () => {
    await put('a');
    await list(t.store);
    await t.store.close();
    // Second run: changes the bucket without listing, then "crashes" (no close).
    const second = createLocalStore({ dir: t.dir, fsync: false });
    await second.handle({ method: 'PUT', operation: 'PutObject', bucket: 'bkt', key: 'new', query: {}, headers: {} });
    expect(await snapshot()).toBe(false);
    await second.handle({ method: 'DELETE', operation: 'DeleteObject', bucket: 'bkt', key: 'a', query: {}, headers: {} });
    const third = createLocalStore({ dir: t.dir, fsync: false });
    expect(await list(third)).toEqual(['new']);
  });

  it('keeps a snapshot read at start only until the first change', async () => {
    await put('a');
    await list(t.store);
    await t.store.close();
    const second = createLocalStore({ dir: t.dir, fsync: false });
    expect(await list(second)).toEqual(['a']);
    await second.handle({ method: 'PUT', operation: 'PutObject', bucket: 'bkt', key: 'b', query: {}, headers: {} });
    expect(await list(second)).toEqual(['a', 'b']);
    const afterCrash = createLocalStore({ dir: t.dir, fsync: false });
    expect(await list(afterCrash)).toEqual(['a', 'b']);
  });
});

describe('ListObjects (v1)', () => {
  beforeEach(async () => {
    await put('a/1', 'a/2', 'b', 'c/1', 'd');
  });

  it('pages with marker and reports NextMarker only with a delimiter', async () => {
    const p1 = await v1({ 'max-keys': '2', delimiter: '/' });
    expect([...keysOf(p1), ...prefixesOf(p1)]).toEqual(['b', 'a/']);
    expect(tag(p1, 'NextMarker')).toBe('b');
    const p2 = await v1({ 'max-keys': '2', delimiter: '/', marker: 'b' });
    expect([...keysOf(p2), ...prefixesOf(p2)]).toEqual(['d', 'c/']);
    expect(tag(p2, 'IsTruncated')).toBe('false');
    const noDelim = await v1({ 'max-keys': '2' });
    expect(keysOf(noDelim)).toEqual(['a/1', 'a/2']);
    expect(tag(noDelim, 'IsTruncated')).toBe('true');
    expect(tag(noDelim, 'NextMarker')).toBeUndefined();
    expect(keysOf(await v1({ marker: 'a/2' }))).toEqual(['b', 'c/1', 'd']);
  });

  it('does not return a common prefix again after a marker equal to it', async () => {
    const xml = await v1({ delimiter: '/', marker: 'a/' });
    expect(prefixesOf(xml)).toEqual(['c/']);
    expect(keysOf(xml)).toEqual(['b', 'd']);
    expect(tag(xml, 'Marker')).toBe('a/');
    expect(xml).toContain('<Owner><ID>');
  });
});

describe('listPage (model check)', () => {
  function model(keys: string[], prefix: string, delimiter: string): string[] {
    const out: string[] = [];
    for (const k of [...keys].sort(compareKeys)) {
      if (!k.startsWith(prefix)) continue;
      const d = delimiter === '' ? -1 : k.indexOf(delimiter, prefix.length);
      const item = d === -1 ? k : k.slice(0, d + delimiter.length);
      if (out[out.length - 1] !== item) out.push(item);
    }
    return out;
  }

  it('pages through exactly the items of a one-shot listing, for any keys, prefix, delimiter and page size', () => {
    const keyArb = fc.string({ unit: fc.constantFrom('a', 'b', '/', '-', 'é', '😀'), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.uniqueArray(keyArb, { maxLength: 30 }),
        fc.string({ unit: fc.constantFrom('a', '/', '😀'), maxLength: 2 }),
        fc.constantFrom('', '/', 'a', '-'),
        fc.integer({ min: 1, max: 5 }),
        (keys, prefix, delimiter, size) => {
          const sorted = [...keys].sort(compareKeys);
          const got: string[] = [];
          let after = '';
          for (let guard = 0; guard < 100; guard++) {
            const page = listPage(sorted, prefix, delimiter, after, size);
            const items = [...page.contents, ...page.prefixes].sort(compareKeys);
            got.push(...items);
            if (!page.truncated) break;
            after = page.last!;
          }
          expect(got).toEqual(model(keys, prefix, delimiter));
        },
      ),
      { numRuns: 400 },
    );
  });
});
