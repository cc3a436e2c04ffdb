import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStore, type TestStore } from './helpers.js';
import { startGateway, type RunningGateway } from './support/gateway-server.js';
import { gatewayDriver, storeDriver, type DriverResponse, type Send } from './support/s3-driver.js';
import { VersionsModel, type ListedVersion, type ModelVersion } from './support/versions-model.js';

// Model test of the store's versioning (issue 13): random sequences of PutObject, CopyObject,
// DeleteObject (with and without versionId), DeleteObjects (mixed entries) and
// PutBucketVersioning on three keys (and, in an object lock bucket, COMPLIANCE retention),
// each step checked against support/versions-model.ts
// (S3's rules as the AWS user guide states them): every version readable by id with its
// bytes, delete markers (405 by id, 404 NoSuchKey with x-amz-delete-marker as latest),
// NoSuchVersion for ids that are gone, ListObjectsV2 and ListObjectVersions (order and
// paging). Through the store's handle(), and for a few runs through the gateway's handle().

/** UTF-8 order differs from JavaScript's UTF-16 order for the last two (U+FF61 < U+1F600 in UTF-8). */
const KEYS = ['k', '\uff61', '\u{1F600}'] as const;
/** A well-formed version id no key ever had. */
const UNKNOWN_ID = '0123456789abcdef0123456789abcdef';

/** How a step names a version: none (the latest), `null`, one the key had at some point, or an unknown one. */
type Ref = { readonly kind: 'none' } | { readonly kind: 'null' } | { readonly kind: 'seen'; readonly i: number } | { readonly kind: 'unknown' };

type Op =
  | { readonly t: 'put'; readonly key: number }
  | { readonly t: 'copy'; readonly src: number; readonly ref: Ref; readonly dst: number }
  | { readonly t: 'delete'; readonly key: number; readonly ref: Ref }
  | { readonly t: 'deleteObjects'; readonly entries: readonly { readonly key: number; readonly ref: Ref }[] }
  | { readonly t: 'versioning'; readonly status: 'Enabled' | 'Suspended' }
  | { readonly t: 'retain'; readonly key: number; readonly i: number };

const keyArb = fc.integer({ min: 0, max: KEYS.length - 1 });
const refArb: fc.Arbitrary<Ref> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'null' } as const) },
  { weight: 4, arbitrary: fc.nat(7).map((i) => ({ kind: 'seen', i }) as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'unknown' } as const) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: keyArb.map((key) => ({ t: 'put', key }) as const) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('copy' as const), src: keyArb, ref: refArb, dst: keyArb }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('delete' as const), key: keyArb, ref: refArb }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('deleteObjects' as const), entries: fc.array(fc.record({ key: keyArb, ref: refArb }), { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('versioning' as const), status: fc.constantFrom('Enabled' as const, 'Enabled' as const, 'Suspended' as const) }) },
);
const opsArb = fc.array(opArb, { minLength: 1, maxLength: 30, size: 'max' });
/** In an object lock bucket: the same, and COMPLIANCE retention on some object version. */
const lockOpsArb = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: opArb },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('retain' as const), key: keyArb, i: fc.nat(7) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), key: keyArb, ref: fc.nat(7).map((i) => ({ kind: 'seen', i }) as const) }) },
  ),
  { minLength: 1, maxLength: 30, size: 'max' },
);

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const xmlText = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
const field = (xml: string, name: string): string | undefined => {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return m === null ? undefined : xmlText(m[1]!);
};

/** The version id a step names, or undefined for the latest. */
function resolve(m: VersionsModel, key: string, ref: Ref): string | undefined {
  if (ref.kind === 'none') return undefined;
  if (ref.kind === 'null') return 'null';
  if (ref.kind === 'unknown') return UNKNOWN_ID;
  const seen = m.seen.get(key) ?? [];
  return seen.length === 0 ? 'null' : seen[ref.i % seen.length];
}

/** One run: a bucket of its own, the steps, a check after each. */
class Run {
  readonly m = new VersionsModel();
  readonly ids = new Set<string>();
  step = 0;

  constructor(
    readonly send: Send,
    readonly bucket: string,
    readonly lock: boolean,
  ) {
    if (lock) this.m.versioning = 'Enabled'; // object lock turns versioning on
  }

  /** The id of a new version or delete marker as the answer gave it, checked against the bucket state. */
  newId(res: DriverResponse, what: string): string {
    const id = res.headers['x-amz-version-id'];
    if (!this.m.newIds) {
      // S3 answers `null` (or nothing, unversioned) for the null version.
      expect([undefined, 'null'], `${what}: version id of a null version`).toContain(id);
      return 'null';
    }
    expect(id, `${what}: a new version id`).toMatch(/^[0-9a-f]{32}$/);
    expect(this.ids.has(id!), `${what}: version id ${id} given twice`).toBe(false);
    this.ids.add(id!);
    return id!;
  }

  async apply(op: Op): Promise<void> {
    const step = this.step++;
    const m = this.m;
    switch (op.t) {
      case 'put': {
        const key = KEYS[op.key]!;
        const body = `body ${step} of ${key}`;
        const res = await this.send({ op: 'PutObject', method: 'PUT', key, body });
        expect(res.status, `put ${key}: ${res.code}`).toBe(200);
        expect(res.headers['etag']).toBe(`"${md5(body)}"`);
        m.write(key, this.newId(res, `put ${key}`), body);
        return;
      }
      case 'copy':
        return this.copy(KEYS[op.src]!, op.ref, KEYS[op.dst]!);
      case 'delete': {
        const key = KEYS[op.key]!;
        const id = resolve(m, key, op.ref);
        const res = await this.send({ op: 'DeleteObject', method: 'DELETE', key, query: id === undefined ? {} : { versionId: id } });
        if (id !== undefined && m.locked(key, id, Date.now())) {
          // COMPLIANCE: no one deletes the version before its date; a DELETE without id still adds a marker.
          expect([res.status, res.code], `delete locked ${key}?versionId=${id}`).toEqual([403, 'AccessDenied']);
          return;
        }
        expect(res.status, `delete ${key} ${id}: ${res.code}`).toBe(204);
        this.deleted(key, id, { versionId: res.headers['x-amz-version-id'], marker: res.headers['x-amz-delete-marker'] === 'true' }, res);
        return;
      }
      case 'deleteObjects':
        return this.deleteObjects(op.entries.map((e) => ({ key: KEYS[e.key]!, id: resolve(m, KEYS[e.key]!, e.ref) })));
      case 'versioning': {
        const body = `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>${op.status}</Status></VersioningConfiguration>`;
        const res = await this.send({ op: 'PutBucketVersioning', method: 'PUT', query: { versioning: '' }, body });
        if (this.lock && op.status === 'Suspended') {
          expect([res.status, res.code], 'suspending an object lock bucket').toEqual([409, 'InvalidBucketState']);
          return;
        }
        expect(res.status, `versioning ${op.status}: ${res.code}`).toBe(200);
        m.versioning = op.status;
        return;
      }
      case 'retain':
        return this.retain(KEYS[op.key]!, op.i);
    }
  }

  /** PutObjectRetention COMPLIANCE on one of the key's object versions (extending any it has). */
  async retain(key: string, i: number): Promise<void> {
    const objects = this.m.versions(key).filter((v) => !v.marker);
    const v = objects[i % Math.max(1, objects.length)];
    if (v === undefined) return;
    const until = Math.max(v.retainUntil ?? 0, Date.now() + 86_400_000) + 1000 * (1 + i);
    const body = `<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>${new Date(until).toISOString()}</RetainUntilDate></Retention>`;
    const headers = { 'content-md5': createHash('md5').update(body).digest('base64') };
    const res = await this.send({ op: 'PutObjectRetention', method: 'PUT', key, query: { retention: '', versionId: v.id }, headers, body });
    expect(res.status, `retain ${key}?versionId=${v.id}: ${res.code}`).toBe(200);
    this.m.setRetention(key, v.id, until);
  }

  async copy(src: string, ref: Ref, dst: string): Promise<void> {
    const m = this.m;
    const id = resolve(m, src, ref);
    const source = id === undefined ? m.latest(src) : m.find(src, id);
    const headers: Record<string, string> = { 'x-amz-copy-source': `/${this.bucket}/${encodeURIComponent(src)}${id === undefined ? '' : `?versionId=${id}`}` };
    // A copy onto itself must change something (S3: InvalidRequest otherwise).
    if (src === dst && id === undefined) headers['x-amz-metadata-directive'] = 'REPLACE';
    const res = await this.send({ op: 'CopyObject', method: 'PUT', key: dst, headers });
    const what = `copy ${src}@${id} to ${dst}`;
    if (source === undefined || (source.marker && id === undefined)) {
      expect([res.status, res.code], what).toEqual([404, id === undefined ? 'NoSuchKey' : 'NoSuchVersion']);
      return;
    }
    if (source.marker) {
      // AWS CopyObject: "If you specify versionId in x-amz-copy-source and the versionId is a
      // delete marker, Amazon S3 returns an HTTP 400 error".
      expect([res.status, res.code], what).toEqual([400, 'InvalidRequest']);
      return;
    }
    expect(res.status, `${what}: ${res.code}`).toBe(200);
    expect(field(res.body, 'ETag')).toBe(`"${md5(source.body!)}"`);
    if (source.id !== 'null' || id !== undefined) expect(res.headers['x-amz-copy-source-version-id'], what).toBe(source.id);
    m.write(dst, this.newId(res, what), source.body!);
  }

  /** Applies a delete to the model and checks what the answer said it did. */
  deleted(key: string, id: string | undefined, said: { versionId: string | undefined; marker: boolean }, res: DriverResponse): void {
    const m = this.m;
    const what = `delete ${key}${id === undefined ? '' : `?versionId=${id}`}`;
    if (id === undefined) {
      if (m.versioning === undefined) {
        expect(said.marker, what).toBe(false);
        m.deleteCurrent(key, 'null');
        return;
      }
      expect(said.marker, `${what}: a delete marker`).toBe(true);
      m.deleteCurrent(key, this.newId({ ...res, headers: { ...res.headers, 'x-amz-version-id': said.versionId ?? '' } }, what));
      if (!m.newIds) expect(said.versionId, what).toBe('null');
      return;
    }
    const removed = m.deleteVersion(key, id);
    if (removed === undefined) return; // S3 answers 204 for a version that is not there
    expect(said.versionId, what).toBe(id);
    expect(said.marker, `${what}: removed a delete marker`).toBe(removed.marker);
  }

  async deleteObjects(entries: { key: string; id: string | undefined }[]): Promise<void> {
    const xml = '<Delete>' + entries.map((e) => `<Object><Key>${e.key}</Key>${e.id === undefined ? '' : `<VersionId>${e.id}</VersionId>`}</Object>`).join('') + '</Delete>';
    const res = await this.send({
      op: 'DeleteObjects',
      method: 'POST',
      query: { delete: '' },
      headers: { 'content-md5': createHash('md5').update(xml).digest('base64') },
      body: xml,
    });
    expect(res.status, `DeleteObjects: ${res.code}`).toBe(200);
    const done = [...res.body.matchAll(/<Deleted>([\s\S]*?)<\/Deleted>/g)].map((x) => x[1]!);
    const failed = [...res.body.matchAll(/<Error>([\s\S]*?)<\/Error>/g)].map((x) => x[1]!);
    const now = Date.now();
    const refused = entries.map((e) => e.id !== undefined && this.m.locked(e.key, e.id, now));
    expect([done.length, failed.length], 'one Deleted per entry, an Error per locked version').toEqual([refused.filter((r) => !r).length, refused.filter((r) => r).length]);
    // S3 does not promise the request's order: each entry takes the first result naming its key and version.
    const take = (from: string[], e: { key: string; id: string | undefined }): string => {
      const at = from.findIndex((x) => field(x, 'Key') === e.key && field(x, 'VersionId') === e.id);
      expect(at, `a result for ${e.key}${e.id === undefined ? '' : `?versionId=${e.id}`}`).toBeGreaterThanOrEqual(0);
      return from.splice(at, 1)[0]!;
    };
    entries.forEach((e, i) => {
      if (refused[i]) {
        expect(field(take(failed, e), 'Code')).toBe('AccessDenied');
        return;
      }
      const d = take(done, e);
      const marker = field(d, 'DeleteMarker') === 'true';
      const markerId = field(d, 'DeleteMarkerVersionId');
      // DeleteMarkerVersionId: the marker made, or the marker removed by its id.
      if (marker) expect(markerId, 'DeleteMarkerVersionId').toBe(e.id ?? markerId);
      this.deleted(e.key, e.id, { versionId: e.id ?? markerId, marker }, res);
    });
  }

  /** Everything a client can read agrees with the model. */
  async check(): Promise<void> {
    const m = this.m;
    const status = field((await this.send({ op: 'GetBucketVersioning', method: 'GET', query: { versioning: '' } })).body, 'Status');
    expect(status, 'GetBucketVersioning').toBe(m.versioning);
    const listed = await this.send({ op: 'ListObjectsV2', method: 'GET', query: { 'list-type': '2' } });
    expect(
      [...listed.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((x) => xmlText(x[1]!)),
      'ListObjectsV2',
    ).toEqual(m.listedKeys());
    expect(await this.listVersions(1000), 'ListObjectVersions').toEqual(this.expectedVersions());
    for (const key of KEYS) {
      await this.checkLatest(key, m.latest(key));
      for (const id of new Set([...(m.seen.get(key) ?? []), 'null'])) await this.checkVersion(key, id, m.find(key, id));
    }
  }

  async checkLatest(key: string, v: ModelVersion | undefined): Promise<void> {
    const res = await this.send({ op: 'GetObject', method: 'GET', key });
    if (v === undefined || v.marker) {
      expect([res.status, res.code], `GET ${key}`).toEqual([404, 'NoSuchKey']);
      expect(res.headers['x-amz-delete-marker'], `GET ${key}: x-amz-delete-marker`).toBe(v === undefined ? undefined : 'true');
      if (v !== undefined) expect(res.headers['x-amz-version-id'], `GET ${key}: the marker's id`).toBe(v.id);
      return;
    }
    expect([res.status, res.body], `GET ${key}`).toEqual([200, v.body]);
    if (v.id !== 'null') expect(res.headers['x-amz-version-id']).toBe(v.id);
  }

  async checkVersion(key: string, id: string, v: ModelVersion | undefined): Promise<void> {
    const res = await this.send({ op: 'GetObject', method: 'GET', key, query: { versionId: id } });
    const what = `GET ${key}?versionId=${id}`;
    if (v === undefined) {
      expect([res.status, res.code], what).toEqual([404, 'NoSuchVersion']);
    } else if (v.marker) {
      expect([res.status, res.code, res.headers['x-amz-delete-marker']], what).toEqual([405, 'MethodNotAllowed', 'true']);
    } else {
      expect([res.status, res.body, res.headers['x-amz-version-id']], what).toEqual([200, v.body, id]);
    }
  }

  expectedVersions(): (ListedVersion & { etag?: string; size?: number })[] {
    return this.m.listedVersions().map((l) => {
      const v = this.m.find(l.key, l.id)!;
      return v.marker ? l : { ...l, etag: `"${md5(v.body!)}"`, size: Buffer.byteLength(v.body!) };
    });
  }

  /** Every entry of ListObjectVersions, following key-marker / version-id-marker in pages of `max`. */
  async listVersions(max: number): Promise<(ListedVersion & { etag?: string; size?: number })[]> {
    const out: (ListedVersion & { etag?: string; size?: number })[] = [];
    let markers: Record<string, string> = {};
    for (let page = 0; page < 100; page++) {
      const res = await this.send({ op: 'ListObjectVersions', method: 'GET', query: { versions: '', 'max-keys': String(max), ...markers } });
      expect(res.status, `ListObjectVersions: ${res.code}`).toBe(200);
      const entries = [...res.body.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g)];
      expect(entries.length).toBeLessThanOrEqual(max);
      for (const [, kind, x] of entries) {
        const base = { key: field(x!, 'Key')!, id: field(x!, 'VersionId')!, latest: field(x!, 'IsLatest') === 'true', marker: kind === 'DeleteMarker' };
        out.push(kind === 'DeleteMarker' ? base : { ...base, etag: field(x!, 'ETag')!, size: Number(field(x!, 'Size')) });
      }
      if (field(res.body, 'IsTruncated') !== 'true') return out;
      markers = { 'key-marker': field(res.body, 'NextKeyMarker')!, 'version-id-marker': field(res.body, 'NextVersionIdMarker')! };
    }
    throw new Error('ListObjectVersions never ended');
  }
}

async function runAll(send: Send, bucket: string, ops: readonly Op[], pageSize: number, lock = false): Promise<void> {
  const create = await send({ op: 'CreateBucket', method: 'PUT', headers: lock ? { 'x-amz-bucket-object-lock-enabled': 'true' } : {} });
  expect(create.status, `CreateBucket: ${create.code} ${create.body}`).toBe(200);
  const run = new Run(send, bucket, lock);
  for (const op of ops) {
    await run.apply(op);
    await run.check();
  }
  expect(await run.listVersions(pageSize), `ListObjectVersions in pages of ${pageSize}`).toEqual(run.expectedVersions());
}

let t: TestStore;
let gw: RunningGateway;
let buckets = 0;
beforeAll(async () => {
  t = await makeStore();
  gw = await startGateway(t.store);
});
afterAll(async () => {
  await gw?.close();
  await t?.cleanup();
});

const pageArb = fc.integer({ min: 1, max: 4 });

describe('versioning model (issue 13)', () => {
  it('store handle(): random PUT / copy / DELETE / DeleteObjects / versioning sequences agree with the model', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, pageArb, async (ops, page) => {
        const bucket = `model-${++buckets}`;
        await runAll(storeDriver(t.store, bucket), bucket, ops, page);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it('store handle(): the same in an object lock bucket with COMPLIANCE retention (locked versions stay, markers still added)', async () => {
    await fc.assert(
      fc.asyncProperty(lockOpsArb, pageArb, async (ops, page) => {
        const bucket = `model-lock-${++buckets}`;
        await runAll(storeDriver(t.store, bucket), bucket, ops, page, true);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it('CopyObject and UploadPartCopy naming a delete marker by version id: 400 InvalidRequest as S3 (the model found 405)', async () => {
    const send = storeDriver(t.store, 'copy-marker');
    await send({ op: 'CreateBucket', method: 'PUT' });
    const body = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
    await send({ op: 'PutBucketVersioning', method: 'PUT', query: { versioning: '' }, body });
    await send({ op: 'PutObject', method: 'PUT', key: 'k', body: 'x' });
    const marker = (await send({ op: 'DeleteObject', method: 'DELETE', key: 'k' })).headers['x-amz-version-id']!;
    const copy = (source: string) => send({ op: 'CopyObject', method: 'PUT', key: 'dst', headers: { 'x-amz-copy-source': source } });
    expect(await copy(`/copy-marker/k?versionId=${marker}`)).toMatchObject({ status: 400, code: 'InvalidRequest' });
    const latest = await copy('/copy-marker/k');
    expect([latest.status, latest.code, latest.headers['x-amz-delete-marker']]).toEqual([404, 'NoSuchKey', 'true']);
    const init = await send({ op: 'CreateMultipartUpload', method: 'POST', key: 'mp', query: { uploads: '' } });
    const uploadId = /<UploadId>([^<]+)</.exec(init.body)![1]!;
    const part = await send({
      op: 'UploadPartCopy',
      method: 'PUT',
      key: 'mp',
      query: { partNumber: '1', uploadId },
      headers: { 'x-amz-copy-source': `/copy-marker/k?versionId=${marker}` },
    });
    expect(part).toMatchObject({ status: 400, code: 'InvalidRequest' });
  });

  it('gateway handle(): the same through signatures, routing and the XML error answers', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, pageArb, async (ops, page) => {
        const bucket = `model-gw-${++buckets}`;
        await runAll(gatewayDriver(gw.gateway, bucket), bucket, ops, page);
      }),
      { numRuns: 8 },
    );
  }, 60_000);
});
