import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyText, makeStore, type TestStore } from './helpers.js';

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
