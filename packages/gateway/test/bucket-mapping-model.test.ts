import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseXml } from '@s3kit/xml-shapes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore, mapBuckets, type LocalStore, type Upstream } from '../src/index.js';
import { bodyText } from './helpers.js';

const P = 'ten/';

let dir: string;
let store: LocalStore;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-mapping-model-'));
  store = createLocalStore({ dir, fsync: false });
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** What a client of the prefixed mapping must see: the model of one complete paged listing. */
function model(upstreamKeys: readonly string[], prefix: string, delimiter: string | undefined): { keys: string[]; prefixes: string[] } {
  // An upstream object named exactly like the prefix would be an empty key: never shown.
  const client = [...new Set(upstreamKeys.filter((k) => k.startsWith(P) && k.length > P.length).map((k) => k.slice(P.length)))].filter((k) => k.startsWith(prefix)).sort();
  if (delimiter === undefined) return { keys: client, prefixes: [] };
  const keys: string[] = [];
  const prefixes = new Set<string>();
  for (const k of client) {
    const i = k.indexOf(delimiter, prefix.length);
    if (i === -1) keys.push(k);
    else prefixes.add(k.slice(0, i + delimiter.length));
  }
  return { keys, prefixes: [...prefixes].sort() };
}

async function listAll(up: Upstream, bucket: string, v2: boolean, prefix: string, delimiter: string | undefined, maxKeys: number): Promise<{ keys: string[]; prefixes: string[] }> {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  let marker: string | undefined;
  for (let page = 0; page < 200; page++) {
    const query: Record<string, string> = { 'max-keys': String(maxKeys), ...(prefix === '' ? {} : { prefix }), ...(delimiter === undefined ? {} : { delimiter }) };
    if (v2) {
      query['list-type'] = '2';
      if (token !== undefined) query['continuation-token'] = token;
    } else if (marker !== undefined) query['marker'] = marker;
    const res = await up.handle({ method: 'GET', operation: v2 ? 'ListObjectsV2' : 'ListObjects', bucket, query, headers: {} });
    const d = parseXml('ListBucketResult', await bodyText(res));
    expect(d.Name).toBe(bucket);
    const pageKeys = (d.Contents ?? []).map((c) => c.Key);
    const pagePrefixes = (d.CommonPrefixes ?? []).map((c) => c.Prefix!);
    keys.push(...pageKeys);
    prefixes.push(...pagePrefixes);
    if (d.IsTruncated !== true) return { keys, prefixes };
    token = d.NextContinuationToken;
    marker = d.NextMarker ?? [...pageKeys, ...pagePrefixes].sort().at(-1);
  }
  throw new Error('listing did not end');
}

describe('mapBuckets listing model (fast-check, embedded store)', () => {
  it('paged ListObjects v1/v2 through a prefixed mapping equal the model: every key under the prefix once, none outside, delimiter groups right', async () => {
    let n = 0;
    const keyArb = fc.oneof(
      fc.stringMatching(/^[ab/]{1,6}$/).map((k) => P + k),
      fc.stringMatching(/^[ab/]{1,6}$/).map((k) => `te${k}`),
      fc.stringMatching(/^[ab/]{1,6}$/),
      fc.constantFrom('ten', 'ten0', 'tem/a', 'ten/'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(keyArb, { maxLength: 14 }),
        fc.constantFrom('', 'a', 'a/', 'b/a', '/'),
        fc.option(fc.constant('/'), { nil: undefined }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (upstreamKeys, prefix, delimiter, maxKeys, v2) => {
          const bucket = `model-${n++}`;
          await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket, query: {}, headers: {} });
          for (const key of upstreamKeys) {
            await store.handle({
              method: 'PUT',
              operation: 'PutObject',
              bucket,
              key,
              query: {},
              headers: { 'content-length': '1' },
              body: (async function* () {
                yield new Uint8Array([1]);
              })(),
            });
          }
          const up = mapBuckets(store, [{ bucket: 'client', upstreamBucket: bucket, prefix: P }]);
          const got = await listAll(up, 'client', v2, prefix, delimiter, maxKeys);
          const want = model(upstreamKeys, prefix, delimiter);
          expect(got.keys).toEqual(want.keys);
          expect([...got.prefixes].sort()).toEqual(want.prefixes);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});
