import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWriteConditionsAtCommit } from '../src/store/conditions.js';
import type { ObjectMeta } from '../src/store/versions.js';
import { bodyText, listFiles, makeStore, md5hex, type TestStore } from './helpers.js';

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
const versioning = (status: string) =>
  t.call('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: `<VersioningConfiguration><Status>${status}</Status></VersioningConfiguration>` });

/** A body whose last byte waits for `release()`: the request has started, its commit has not. */
function heldBody(data: string): { body: AsyncGenerator<Uint8Array>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const body = (async function* () {
    yield Buffer.from(data.slice(0, -1));
    await gate;
    yield Buffer.from(data.slice(-1));
  })();
  return { body, release };
}

async function multipart(key: string, data: Buffer): Promise<{ id: string; xml: string }> {
  const id = tag(await bodyText(await t.call('CreateMultipartUpload', { key, query: { uploads: '' } })), 'UploadId')!;
  const etag = (await t.call('UploadPart', { key, query: { uploadId: id, partNumber: '1' }, data })).headers['etag']!;
  return { id, xml: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>` };
}

describe('conditional writes (PutObject, CompleteMultipartUpload)', () => {
  it('If-None-Match: * writes only a new key (412 PreconditionFailed otherwise); a delete marker counts as missing', async () => {
    expect((await t.call('PutObject', { key: 'k', data: 'one', headers: { 'if-none-match': '*' } })).status).toBe(200);
    const err = await t.fail('PutObject', { key: 'k', data: 'two', headers: { 'if-none-match': '*' } });
    expect([err.code, err.status]).toEqual(['PreconditionFailed', 412]);
    expect(await bodyText(await t.call('GetObject', { key: 'k' }))).toBe('one');
    await versioning('Enabled');
    await t.call('DeleteObject', { key: 'k' });
    expect((await t.call('PutObject', { key: 'k', data: 'three', headers: { 'if-none-match': '*' } })).status).toBe(200);
  });

  it('If-None-Match with an ETag is 501 NotImplemented, as S3 answers (only * is allowed on writes)', async () => {
    const err = await t.fail('PutObject', { key: 'k', data: 'x', headers: { 'if-none-match': '"abc"' } });
    expect([err.code, err.status]).toEqual(['NotImplemented', 501]);
    expect((await t.fail('HeadObject', { key: 'k' })).code).toBe('NoSuchKey');
  });

  it('If-Match writes only over that ETag: 412 for another, 404 NoSuchKey for a missing key, * for any object', async () => {
    expect((await t.fail('PutObject', { key: 'k', data: 'x', headers: { 'if-match': `"${md5hex('x')}"` } })).code).toBe('NoSuchKey');
    await t.call('PutObject', { key: 'k', data: 'one' });
    const err = await t.fail('PutObject', { key: 'k', data: 'two', headers: { 'if-match': `"${md5hex('other')}"` } });
    expect([err.code, err.status]).toEqual(['PreconditionFailed', 412]);
    expect((await t.call('PutObject', { key: 'k', data: 'two', headers: { 'if-match': `"${md5hex('one')}"` } })).status).toBe(200);
    expect((await t.call('PutObject', { key: 'k', data: 'three', headers: { 'if-match': '*' } })).status).toBe(200);
    expect(await bodyText(await t.call('GetObject', { key: 'k' }))).toBe('three');
  });

  it('CopyObject: If-None-Match: * and If-Match on the destination (412), as S3', async () => {
    await t.call('PutObject', { key: 'src', data: 'source' });
    await t.call('PutObject', { key: 'dst', data: 'old' });
    const copy = (headers: Record<string, string>) => t.call('CopyObject', { key: 'dst', headers: { 'x-amz-copy-source': '/bkt/src', ...headers } });
    expect((await t.fail('CopyObject', { key: 'dst', headers: { 'x-amz-copy-source': '/bkt/src', 'if-none-match': '*' } })).code).toBe('PreconditionFailed');
    expect((await t.fail('CopyObject', { key: 'dst', headers: { 'x-amz-copy-source': '/bkt/src', 'if-match': `"${md5hex('source')}"` } })).code).toBe('PreconditionFailed');
    expect((await copy({ 'if-match': `"${md5hex('old')}"` })).status).toBe(200);
    expect(await copy({ 'if-none-match': '*' }).catch((e: { code: string }) => e.code)).toBe('PreconditionFailed');
    expect((await t.call('CopyObject', { key: 'fresh', headers: { 'x-amz-copy-source': '/bkt/src', 'if-none-match': '*' } })).status).toBe(200);
    expect(await bodyText(await t.call('GetObject', { key: 'dst' }))).toBe('source');
  });

  it('answers 409 ConditionalRequestConflict when the condition held at the start but a racing write changed the key before the commit', async () => {
    const held = heldBody('mine');
    const racing = t.call('PutObject', { key: 'k', body: held.body, headers: { 'if-none-match': '*', 'content-length': '4' } });
    await new Promise((r) => setTimeout(r, 20));
    await t.call('PutObject', { key: 'k', data: 'theirs' });
    held.release();
    const err = await racing.then(
      () => undefined,
      (e: unknown) => e as { code: string; status: number },
    );
    expect([err?.code, err?.status]).toEqual(['ConditionalRequestConflict', 409]);
    expect(await bodyText(await t.call('GetObject', { key: 'k' }))).toBe('theirs');
    expect((await listFiles(t.dir)).filter((f) => f.startsWith('tmp/'))).toEqual([]);
  });

  it('CompleteMultipartUpload: If-None-Match: * (412), If-Match (412/200), and 409 when a PUT raced it', async () => {
    const data = Buffer.alloc(10, 'm');
    await t.call('PutObject', { key: 'k', data: 'one' });
    const a = await multipart('k', data);
    expect((await t.fail('CompleteMultipartUpload', { key: 'k', query: { uploadId: a.id }, data: a.xml, headers: { 'if-none-match': '*' } })).code).toBe('PreconditionFailed');
    expect((await t.fail('CompleteMultipartUpload', { key: 'k', query: { uploadId: a.id }, data: a.xml, headers: { 'if-match': '"0"' } })).code).toBe('PreconditionFailed');
    const ok = await t.call('CompleteMultipartUpload', { key: 'k', query: { uploadId: a.id }, data: a.xml, headers: { 'if-match': `"${md5hex('one')}"` } });
    expect(ok.status).toBe(200);
    await bodyText(ok);
    const b = await multipart('new', data);
    const held = heldBody(b.xml);
    const racing = t.call('CompleteMultipartUpload', { key: 'new', query: { uploadId: b.id }, body: held.body, headers: { 'if-none-match': '*' } });
    await new Promise((r) => setTimeout(r, 20));
    // The Complete reads its body before checking; the racing PUT lands after the start check.
    held.release();
    await new Promise((r) => setImmediate(r));
    await t.call('PutObject', { key: 'new', data: 'theirs' });
    const res = await racing.then(
      () => 'completed',
      (e: { code: string }) => e.code,
    );
    // Either the Complete got in first (then the PUT replaced it) or the PUT did (409): never 412, never a lost PUT.
    expect(['completed', 'ConditionalRequestConflict']).toContain(res);
    expect(await bodyText(await t.call('GetObject', { key: 'new' }))).toBe('theirs');
  });
});

describe('the commit-time check (what a Complete racing a PUT meets under the key lock)', () => {
  const current = { etag: md5hex('theirs') } as ObjectMeta;
  it('turns a condition that no longer holds into 409 ConditionalRequestConflict, and passes one that holds', () => {
    for (const [headers, now] of [
      [{ 'if-none-match': '*' }, current],
      [{ 'if-match': `"${md5hex('mine')}"` }, current],
      [{ 'if-match': '*' }, undefined],
    ] as const) {
      expect(() => checkWriteConditionsAtCommit(headers, now, '/bkt/k')).toThrow(expect.objectContaining({ code: 'ConditionalRequestConflict', status: 409 }));
    }
    expect(() => checkWriteConditionsAtCommit({ 'if-none-match': '*' }, undefined, '/bkt/k')).not.toThrow();
    expect(() => checkWriteConditionsAtCommit({ 'if-match': `"${md5hex('theirs')}"` }, current, '/bkt/k')).not.toThrow();
  });
});

describe('conditional deletes (DeleteObject If-Match, DeleteObjects ETag)', () => {
  it('deletes only with the current ETag (412 otherwise), * for any object, 404 NoSuchKey for a missing key', async () => {
    await t.call('PutObject', { key: 'k', data: 'one' });
    const err = await t.fail('DeleteObject', { key: 'k', headers: { 'if-match': '"0"' } });
    expect([err.code, err.status]).toEqual(['PreconditionFailed', 412]);
    expect((await t.call('DeleteObject', { key: 'k', headers: { 'if-match': `"${md5hex('one')}"` } })).status).toBe(204);
    expect((await t.fail('HeadObject', { key: 'k' })).code).toBe('NoSuchKey');
    expect((await t.fail('DeleteObject', { key: 'k', headers: { 'if-match': '*' } })).code).toBe('NoSuchKey');
    await t.call('PutObject', { key: 'k', data: 'two' });
    expect((await t.call('DeleteObject', { key: 'k', headers: { 'if-match': '*' } })).status).toBe(204);
  });

  it('in a versioned bucket checks the current version: a current delete marker is 404 NoSuchKey, even for a named version', async () => {
    await versioning('Enabled');
    const v1 = (await t.call('PutObject', { key: 'k', data: 'one' })).headers['x-amz-version-id']!;
    await t.call('PutObject', { key: 'k', data: 'two' });
    // Named version v1, condition on the current version ("two").
    expect((await t.fail('DeleteObject', { key: 'k', query: { versionId: v1 }, headers: { 'if-match': `"${md5hex('one')}"` } })).code).toBe('PreconditionFailed');
    const marker = await t.call('DeleteObject', { key: 'k', headers: { 'if-match': `"${md5hex('two')}"` } });
    expect(marker.headers['x-amz-delete-marker']).toBe('true');
    expect((await t.fail('DeleteObject', { key: 'k', headers: { 'if-match': '*' } })).code).toBe('NoSuchKey');
    expect((await t.call('DeleteObject', { key: 'k', query: { versionId: v1 } })).status).toBe(204);
  });

  it('DeleteObjects entries with ETag: matching ones are deleted, the others answer PreconditionFailed / NoSuchKey', async () => {
    await t.call('PutObject', { key: 'a', data: 'A' });
    await t.call('PutObject', { key: 'b', data: 'B' });
    const body =
      `<Delete><Object><Key>a</Key><ETag>"${md5hex('A')}"</ETag></Object><Object><Key>b</Key><ETag>"${md5hex('x')}"</ETag></Object>` + `<Object><Key>c</Key><ETag>*</ETag></Object></Delete>`;
    const xml = await bodyText(await t.call('DeleteObjects', { query: { delete: '' }, data: body, headers: { 'content-md5': Buffer.from(md5hex(body), 'hex').toString('base64') } }));
    expect([...xml.matchAll(/<Deleted><Key>([^<]*)<\/Key>/g)].map((m) => m[1])).toEqual(['a']);
    expect([...xml.matchAll(/<Error><Key>([^<]*)<\/Key><Code>([^<]*)<\/Code>/g)].map((m) => `${m[1]}:${m[2]}`)).toEqual(['b:PreconditionFailed', 'c:NoSuchKey']);
    expect(await bodyText(await t.call('GetObject', { key: 'b' }))).toBe('B');
  });
});

describe('repeated CompleteMultipartUpload', () => {
  it('answers the same ETag and version id again instead of NoSuchUpload, without a second version', async () => {
    await versioning('Enabled');
    const { id, xml } = await multipart('k', Buffer.from('data'));
    const first = await t.call('CompleteMultipartUpload', { key: 'k', query: { uploadId: id }, data: xml });
    const firstXml = await bodyText(first);
    const again = await t.call('CompleteMultipartUpload', { key: 'k', query: { uploadId: id }, data: xml });
    expect([again.status, again.headers['x-amz-version-id'], tag(await bodyText(again), 'ETag')]).toEqual([200, first.headers['x-amz-version-id'], tag(firstXml, 'ETag')]);
    const versions = await bodyText(await t.call('ListObjectVersions', { query: { versions: '' } }));
    expect(versions.match(/<Version>/g)?.length).toBe(1);
    // Another key, or an id never used, is still NoSuchUpload.
    expect((await t.fail('CompleteMultipartUpload', { key: 'other', query: { uploadId: id }, data: xml })).code).toBe('NoSuchUpload');
    expect((await t.fail('CompleteMultipartUpload', { key: 'k', query: { uploadId: 'f'.repeat(32) }, data: xml })).code).toBe('NoSuchUpload');
  });

  it('after a crash between the commit and the upload removal, answers the committed result and removes the upload', async () => {
    const { id, xml } = await multipart('k', Buffer.from('data'));
    const uploadDir = join(t.dir, 'buckets', 'bkt', 'uploads', id);
    const saved = join(t.dir, 'saved-upload');
    await cp(uploadDir, saved, { recursive: true });
    const first = await t.call('CompleteMultipartUpload', { key: 'k', query: { uploadId: id }, data: xml });
    const etag = tag(await bodyText(first), 'ETag');
    await cp(saved, uploadDir, { recursive: true }); // as if the removal never happened
    const again = await t.call('CompleteMultipartUpload', { key: 'k', query: { uploadId: id }, data: xml });
    expect([again.status, tag(await bodyText(again), 'ETag')]).toEqual([200, etag]);
    expect((await listFiles(t.dir)).filter((f) => f.includes('/uploads/'))).toEqual([]);
  });
});
