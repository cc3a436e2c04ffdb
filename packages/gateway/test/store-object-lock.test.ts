import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bodyText, md5b64, makeStore, type TestStore } from './helpers.js';

// Object lock in the embedded store, as AWS S3 documents it (error codes and messages as AWS
// answers them; the gateway suite runs the same rules through real clients and against RGW).

let t: TestStore;
beforeEach(async () => {
  t = await makeStore();
});
afterEach(async () => {
  await t.cleanup();
});

const DAY = 86_400_000;
const future = (days: number): string => new Date(Date.now() + days * DAY).toISOString();

/** A body with its Content-MD5, as SDKs send for the lock operations. */
function xml(data: string): { data: string; headers: Record<string, string> } {
  return { data, headers: { 'content-md5': md5b64(data) } };
}

const lockBucket = (bucket = 'bkt') => t.call('CreateBucket', { bucket, headers: { 'x-amz-bucket-object-lock-enabled': 'true' } });
const putConfig = (body: string, bucket = 'bkt') => t.call('PutObjectLockConfiguration', { method: 'PUT', bucket, query: { 'object-lock': '' }, ...xml(body) });
const failConfig = (body: string, headers?: Record<string, string>) =>
  t.fail('PutObjectLockConfiguration', { method: 'PUT', query: { 'object-lock': '' }, data: body, headers: headers ?? xml(body).headers });
const rule = (inner: string) => `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>${inner}</DefaultRetention></Rule></ObjectLockConfiguration>`;
const retentionXml = (mode: string, until: string) => `<Retention><Mode>${mode}</Mode><RetainUntilDate>${until}</RetainUntilDate></Retention>`;
const putRetention = (key: string, body: string, extra: { versionId?: string; bypass?: boolean } = {}) =>
  t.call('PutObjectRetention', {
    method: 'PUT',
    key,
    query: { retention: '', ...(extra.versionId === undefined ? {} : { versionId: extra.versionId }) },
    data: body,
    headers: { 'content-md5': md5b64(body), ...(extra.bypass === true ? { 'x-amz-bypass-governance-retention': 'true' } : {}) },
  });
const failRetention = (key: string, body: string, extra: { bypass?: boolean } = {}) =>
  t.fail('PutObjectRetention', {
    method: 'PUT',
    key,
    query: { retention: '' },
    data: body,
    headers: { 'content-md5': md5b64(body), ...(extra.bypass === true ? { 'x-amz-bypass-governance-retention': 'true' } : {}) },
  });
const putHold = (key: string, status: string, versionId?: string) =>
  t.call('PutObjectLegalHold', { method: 'PUT', key, query: { 'legal-hold': '', ...(versionId === undefined ? {} : { versionId }) }, ...xml(`<LegalHold><Status>${status}</Status></LegalHold>`) });
/** PutObject with a Content-MD5 (S3 requires a digest on writes with lock parameters). */
const put = (key: string, data: string, headers: Record<string, string> = {}) => t.call('PutObject', { key, data, headers: { 'content-md5': md5b64(data), ...headers } });
const del = (key: string, versionId?: string, headers: Record<string, string> = {}) => t.call('DeleteObject', { key, query: versionId === undefined ? {} : { versionId }, headers });
const delFail = (key: string, versionId: string, headers: Record<string, string> = {}) => t.fail('DeleteObject', { key, query: { versionId }, headers });

describe('object lock on a bucket', () => {
  it('CreateBucket with x-amz-bucket-object-lock-enabled turns on versioning and an empty lock configuration', async () => {
    await lockBucket();
    expect(await bodyText(await t.call('GetBucketVersioning', { query: { versioning: '' } }))).toContain('<Status>Enabled</Status>');
    const cfg = await bodyText(await t.call('GetObjectLockConfiguration', { query: { 'object-lock': '' } }));
    expect(cfg).toContain('<ObjectLockEnabled>Enabled</ObjectLockEnabled>');
    expect(cfg).not.toContain('<Rule>');
    const s = await t.fail('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: '<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>' });
    expect([s.code, s.status]).toEqual(['InvalidBucketState', 409]);
    // "false" is a plain bucket.
    await t.call('CreateBucket', { bucket: 'plain', headers: { 'x-amz-bucket-object-lock-enabled': 'false' } });
    const nf = await t.fail('GetObjectLockConfiguration', { bucket: 'plain', query: { 'object-lock': '' } });
    expect([nf.code, nf.status]).toEqual(['ObjectLockConfigurationNotFoundError', 404]);
  });

  it('keeps a default retention by Days or Years, and clears it with a configuration without Rule', async () => {
    await lockBucket();
    await putConfig(rule('<Mode>GOVERNANCE</Mode><Days>1</Days>'));
    expect(await bodyText(await t.call('GetObjectLockConfiguration', { query: { 'object-lock': '' } }))).toContain(
      '<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule>',
    );
    await putConfig(rule('<Mode>COMPLIANCE</Mode><Years>2</Years>'));
    expect(await bodyText(await t.call('GetObjectLockConfiguration', { query: { 'object-lock': '' } }))).toContain('<Mode>COMPLIANCE</Mode><Years>2</Years>');
    await putConfig('<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>');
    expect(await bodyText(await t.call('GetObjectLockConfiguration', { query: { 'object-lock': '' } }))).not.toContain('<Rule>');
  });

  it('refuses malformed configurations with the codes S3 answers', async () => {
    await lockBucket();
    const cases: [string, string][] = [
      [rule('<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>'), 'MalformedXML'],
      [rule('<Mode>GOVERNANCE</Mode>'), 'MalformedXML'],
      [rule('<Mode>governance</Mode><Days>1</Days>'), 'MalformedXML'],
      [rule('<Days>1</Days>'), 'MalformedXML'],
      [rule('<Mode>GOVERNANCE</Mode><Days>many</Days>'), 'MalformedXML'],
      ['<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled></ObjectLockConfiguration>', 'MalformedXML'],
      ['<ObjectLockConfiguration/>', 'MalformedXML'],
      ['<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule></Rule></ObjectLockConfiguration>', 'MalformedXML'],
      ['not xml', 'MalformedXML'],
      [rule('<Mode>GOVERNANCE</Mode><Days>0</Days>'), 'InvalidRetentionPeriod'],
      [rule('<Mode>GOVERNANCE</Mode><Years>-1</Years>'), 'InvalidRetentionPeriod'],
      [rule('<Mode>GOVERNANCE</Mode><Years>1000000</Years>'), 'InvalidRetentionPeriod'],
    ];
    for (const [body, code] of cases) {
      const e = await failConfig(body);
      expect([body, e.code, e.status]).toEqual([body, code, 400]);
    }
    const noDigest = await failConfig(rule('<Mode>GOVERNANCE</Mode><Days>1</Days>'), {});
    expect([noDigest.code, noDigest.status, noDigest.message]).toEqual(['InvalidRequest', 400, 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*']);
    const badDigest = await failConfig(rule('<Mode>GOVERNANCE</Mode><Days>1</Days>'), { 'content-md5': md5b64('other') });
    expect(badDigest.code).toBe('BadDigest');
  });

  it('enables object lock on an existing bucket only when versioning is Enabled (AWS since 2023)', async () => {
    await t.call('CreateBucket');
    const body = rule('<Mode>GOVERNANCE</Mode><Days>1</Days>');
    const e = await failConfig(body);
    expect([e.code, e.status]).toEqual(['InvalidBucketState', 409]);
    await t.call('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' });
    await putConfig(body);
    expect(await bodyText(await t.call('GetObjectLockConfiguration', { query: { 'object-lock': '' } }))).toContain('<Days>1</Days>');
    const v = (await put('k', 'x')).headers;
    expect(v['x-amz-object-lock-mode']).toBeUndefined(); // PUT answers no lock headers; HEAD does
    expect((await t.call('HeadObject', { key: 'k' })).headers['x-amz-object-lock-mode']).toBe('GOVERNANCE');
    const nb = await t.fail('PutObjectLockConfiguration', { method: 'PUT', bucket: 'nope', query: { 'object-lock': '' }, ...xml(body) });
    expect(nb.code).toBe('NoSuchBucket');
  });

  it('answers InvalidRequest (400) "Bucket is missing Object Lock Configuration" to every lock operation on a plain bucket', async () => {
    await t.call('CreateBucket');
    await put('k', 'x');
    const ops: [string, Record<string, string>, string | undefined][] = [
      ['PutObjectRetention', { retention: '' }, retentionXml('GOVERNANCE', future(1))],
      ['GetObjectRetention', { retention: '' }, undefined],
      ['PutObjectLegalHold', { 'legal-hold': '' }, '<LegalHold><Status>ON</Status></LegalHold>'],
      ['GetObjectLegalHold', { 'legal-hold': '' }, undefined],
    ];
    for (const [op, query, body] of ops) {
      const e = await t.fail(op, { method: body === undefined ? 'GET' : 'PUT', key: 'k', query, ...(body === undefined ? {} : xml(body)) });
      expect([op, e.code, e.status, e.message]).toEqual([op, 'InvalidRequest', 400, 'Bucket is missing Object Lock Configuration']);
    }
    const h = await t.fail('PutObject', { key: 'j', data: 'x', headers: { 'content-md5': md5b64('x'), 'x-amz-object-lock-legal-hold': 'ON' } });
    expect([h.code, h.status, h.message]).toEqual(['InvalidRequest', 400, 'Bucket is missing ObjectLockConfiguration']);
  });
});

describe('object lock on versions', () => {
  beforeEach(async () => {
    await lockBucket();
  });

  it('sets, reads, extends and (only with bypass) shortens a GOVERNANCE retention; HEAD and GET show it', async () => {
    const v = (await put('k', 'data')).headers['x-amz-version-id']!;
    const nf = await t.fail('GetObjectRetention', { key: 'k', query: { retention: '' } });
    expect([nf.code, nf.status]).toEqual(['NoSuchObjectLockConfiguration', 404]);
    const until = new Date(Date.now() + 3 * DAY);
    until.setUTCMilliseconds(0);
    await putRetention('k', retentionXml('GOVERNANCE', until.toISOString()));
    const got = await bodyText(await t.call('GetObjectRetention', { key: 'k', query: { retention: '', versionId: v } }));
    expect(got).toContain(`<Mode>GOVERNANCE</Mode><RetainUntilDate>${until.toISOString()}</RetainUntilDate>`);
    const head = (await t.call('HeadObject', { key: 'k' })).headers;
    expect(head['x-amz-object-lock-mode']).toBe('GOVERNANCE');
    expect(head['x-amz-object-lock-retain-until-date']).toBe(until.toISOString());
    expect(head['x-amz-object-lock-legal-hold']).toBeUndefined();
    expect((await t.call('GetObject', { key: 'k' })).headers['x-amz-object-lock-mode']).toBe('GOVERNANCE');
    // Extend: allowed. Shorten: AccessDenied without bypass, allowed with it.
    await putRetention('k', retentionXml('GOVERNANCE', future(5)));
    const short = await failRetention('k', retentionXml('GOVERNANCE', future(2)));
    expect([short.code, short.status]).toEqual(['AccessDenied', 403]);
    await putRetention('k', retentionXml('GOVERNANCE', future(2)), { bypass: true });
    // Raising GOVERNANCE to COMPLIANCE is a mode change: needs bypass too.
    expect((await failRetention('k', retentionXml('COMPLIANCE', future(6)))).code).toBe('AccessDenied');
    // Removing it (an empty Retention) needs the bypass.
    expect((await failRetention('k', '<Retention/>')).code).toBe('AccessDenied');
    await putRetention('k', '<Retention/>', { bypass: true });
    expect((await t.fail('GetObjectRetention', { key: 'k', query: { retention: '', versionId: v } })).code).toBe('NoSuchObjectLockConfiguration');
    expect((await del('k', v)).status).toBe(204);
    // With the bypass, GOVERNANCE may become COMPLIANCE.
    const w = (await put('k', 'other', { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': future(1) })).headers['x-amz-version-id']!;
    await putRetention('k', retentionXml('COMPLIANCE', future(1)), { versionId: w, bypass: true });
    expect(await bodyText(await t.call('GetObjectRetention', { key: 'k', query: { retention: '', versionId: w } }))).toContain('<Mode>COMPLIANCE</Mode>');
  });

  it('never shortens, removes or changes the mode of a COMPLIANCE retention, bypass or not', async () => {
    await put('k', 'data', { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': future(3) });
    for (const body of [retentionXml('COMPLIANCE', future(1)), retentionXml('GOVERNANCE', future(9)), '<Retention/>']) {
      const e = await failRetention('k', body, { bypass: true });
      expect([e.code, e.status]).toEqual(['AccessDenied', 403]);
    }
    await putRetention('k', retentionXml('COMPLIANCE', future(4)));
    expect(await bodyText(await t.call('GetObjectRetention', { key: 'k', query: { retention: '' } }))).toContain('<Mode>COMPLIANCE</Mode>');
  });

  it('validates Retention bodies: mode, date in the future, both or neither, and a digest', async () => {
    await put('k', 'data');
    for (const [body, code] of [
      [retentionXml('governance', future(1)), 'MalformedXML'],
      [retentionXml('abc', future(1)), 'MalformedXML'],
      ['<Retention><Mode>GOVERNANCE</Mode></Retention>', 'MalformedXML'],
      [`<Retention><RetainUntilDate>${future(1)}</RetainUntilDate></Retention>`, 'MalformedXML'],
      [retentionXml('GOVERNANCE', 'tomorrow'), 'MalformedXML'],
      [retentionXml('GOVERNANCE', '2001-01-01T00:00:00Z'), 'InvalidArgument'],
    ] as const) {
      const e = await failRetention('k', body);
      expect([body, e.code, e.status]).toEqual([body, code, 400]);
    }
    const nd = await t.fail('PutObjectRetention', { method: 'PUT', key: 'k', query: { retention: '' }, data: retentionXml('GOVERNANCE', future(1)) });
    expect([nd.code, nd.status]).toEqual(['InvalidRequest', 400]);
    const nk = await t.fail('PutObjectRetention', { method: 'PUT', key: 'nokey', query: { retention: '' }, ...xml(retentionXml('GOVERNANCE', future(1))) });
    expect(nk.code).toBe('NoSuchKey');
    const nv = await t.fail('GetObjectRetention', { key: 'k', query: { retention: '', versionId: '0'.repeat(32) } });
    expect(nv.code).toBe('NoSuchVersion');
    const bad = await t.fail('GetObjectRetention', { key: 'k', query: { retention: '', versionId: 'zzz' } });
    expect(bad.code).toBe('InvalidArgument');
  });

  it('an expired retention no longer protects and may be replaced freely', async () => {
    const v = (await put('k', 'data')).headers['x-amz-version-id']!;
    await putRetention('k', retentionXml('COMPLIANCE', future(1)));
    expect((await delFail('k', v)).code).toBe('AccessDenied');
    // Two days later (only Date is faked: the store's file I/O runs as usual).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 2 * DAY);
      await putRetention('k', retentionXml('GOVERNANCE', future(1)));
      await putRetention('k', '<Retention/>', { bypass: true });
      expect((await del('k', v)).status).toBe(204);
    } finally {
      vi.useRealTimers();
    }
  });

  it('puts and reads legal holds per version; a hold refuses deletes of that version, even with bypass', async () => {
    const v1 = (await put('k', 'one')).headers['x-amz-version-id']!;
    const v2 = (await put('k', 'two')).headers['x-amz-version-id']!;
    const nf = await t.fail('GetObjectLegalHold', { key: 'k', query: { 'legal-hold': '' } });
    expect([nf.code, nf.status]).toEqual(['NoSuchObjectLockConfiguration', 404]);
    await putHold('k', 'ON', v1);
    expect(await bodyText(await t.call('GetObjectLegalHold', { key: 'k', query: { 'legal-hold': '', versionId: v1 } }))).toContain('<Status>ON</Status>');
    expect((await t.fail('GetObjectLegalHold', { key: 'k', query: { 'legal-hold': '' } })).code).toBe('NoSuchObjectLockConfiguration');
    expect((await t.call('HeadObject', { key: 'k', query: { versionId: v1 } })).headers['x-amz-object-lock-legal-hold']).toBe('ON');
    const e = await delFail('k', v1, { 'x-amz-bypass-governance-retention': 'true' });
    expect([e.code, e.status, e.message]).toEqual(['AccessDenied', 403, 'Access Denied because object protected by object lock.']);
    expect((await del('k', v2)).status).toBe(204);
    await putHold('k', 'OFF', v1);
    expect(await bodyText(await t.call('GetObjectLegalHold', { key: 'k', query: { 'legal-hold': '' } }))).toContain('<Status>OFF</Status>');
    expect((await t.call('HeadObject', { key: 'k' })).headers['x-amz-object-lock-legal-hold']).toBe('OFF');
    expect((await del('k', v1)).status).toBe(204);
    const bad = await t.fail('PutObjectLegalHold', { method: 'PUT', key: 'k2', query: { 'legal-hold': '' }, ...xml('<LegalHold><Status>on</Status></LegalHold>') });
    expect([bad.code, bad.status]).toEqual(['MalformedXML', 400]);
    const nd = await t.fail('PutObjectLegalHold', { method: 'PUT', key: 'k2', query: { 'legal-hold': '' }, data: '<LegalHold><Status>ON</Status></LegalHold>' });
    expect(nd.code).toBe('InvalidRequest');
  });

  it('protects locked versions from DeleteObject and DeleteObjects; a delete without versionId only adds a marker', async () => {
    const g = (await put('g', 'x', { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': future(1) })).headers['x-amz-version-id']!;
    const c = (await put('c', 'x', { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': future(1) })).headers['x-amz-version-id']!;
    const marker = await del('g');
    expect(marker.headers['x-amz-delete-marker']).toBe('true');
    expect((await delFail('g', g)).code).toBe('AccessDenied');
    expect((await delFail('c', c, { 'x-amz-bypass-governance-retention': 'true' })).code).toBe('AccessDenied');
    const body = `<Delete><Object><Key>g</Key><VersionId>${g}</VersionId></Object><Object><Key>c</Key><VersionId>${c}</VersionId></Object></Delete>`;
    const res = await bodyText(await t.call('DeleteObjects', { method: 'POST', query: { delete: '' }, ...xml(body) }));
    expect(res.match(/<Code>AccessDenied<\/Code>/g)).toHaveLength(2);
    const bypass = await bodyText(
      await t.call('DeleteObjects', { method: 'POST', query: { delete: '' }, data: body, headers: { 'content-md5': md5b64(body), 'x-amz-bypass-governance-retention': 'true' } }),
    );
    expect(bypass).toContain(`<Deleted><Key>g</Key><VersionId>${g}</VersionId></Deleted>`);
    expect(bypass).toMatch(/<Error><Key>c<\/Key><VersionId>[0-9a-f]+<\/VersionId><Code>AccessDenied<\/Code>/);
    // The version is still there; its bucket cannot go.
    expect(await bodyText(await t.call('GetObject', { key: 'c', query: { versionId: c } }))).toBe('x');
    expect((await t.fail('DeleteBucket')).code).toBe('BucketNotEmpty');
  });

  it('validates lock headers on PUT as S3 does and requires a digest with them', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ 'x-amz-object-lock-mode': 'GOVERNANCE' }, 'InvalidArgument', 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied'],
      [{ 'x-amz-object-lock-retain-until-date': future(1) }, 'InvalidArgument', 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied'],
      [{ 'x-amz-object-lock-mode': 'Governance', 'x-amz-object-lock-retain-until-date': future(1) }, 'InvalidArgument', 'Unknown wormMode directive.'],
      [{ 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2001-01-01T00:00:00Z' }, 'InvalidArgument', 'The retain until date must be in the future!'],
      [{ 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': 'soon' }, 'InvalidArgument', 'The retain until date must be provided in ISO 8601 format'],
      [{ 'x-amz-object-lock-legal-hold': 'on' }, 'InvalidArgument', "Legal Hold must be either of 'ON' or 'OFF'"],
    ];
    for (const [headers, code, message] of cases) {
      const e = await t.fail('PutObject', { key: 'k', data: 'x', headers: { 'content-md5': md5b64('x'), ...headers } });
      expect([e.code, e.status, e.message]).toEqual([code, 400, message]);
    }
    const nd = await t.fail('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-object-lock-legal-hold': 'ON' } });
    expect([nd.code, nd.status, nd.message]).toEqual(['InvalidRequest', 400, 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters']);
    // A checksum header is digest enough; a plain PUT without lock settings needs none.
    const crc = await t.call('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-checksum-crc32': 'jNwWgw==', 'x-amz-object-lock-legal-hold': 'ON' } });
    expect(crc.status).toBe(200);
    expect((await t.call('PutObject', { key: 'plain', data: 'x' })).status).toBe(200);
    expect((await t.call('HeadObject', { key: 'k' })).headers['x-amz-object-lock-legal-hold']).toBe('ON');
  });

  it('applies the default retention to PUT and copy unless headers name one; a copy does not inherit the source lock', async () => {
    await putConfig(rule('<Mode>COMPLIANCE</Mode><Days>2</Days>'));
    const before = Date.now();
    const p = await t.fail('PutObject', { key: 'k', data: 'x' });
    expect(p.message).toBe('Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
    await put('k', 'x');
    const h = (await t.call('HeadObject', { key: 'k' })).headers;
    expect(h['x-amz-object-lock-mode']).toBe('COMPLIANCE');
    const until = Date.parse(h['x-amz-object-lock-retain-until-date']!);
    expect(until).toBeGreaterThanOrEqual(before + 2 * DAY);
    expect(until).toBeLessThanOrEqual(Date.now() + 2 * DAY);
    const explicit = future(10);
    await put('e', 'x', { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': explicit });
    expect((await t.call('HeadObject', { key: 'e' })).headers['x-amz-object-lock-mode']).toBe('GOVERNANCE');
    await put('src', 'x', { 'x-amz-object-lock-legal-hold': 'ON' });
    await t.call('CopyObject', { method: 'PUT', key: 'copy', headers: { 'x-amz-copy-source': '/bkt/src' } });
    const ch = (await t.call('HeadObject', { key: 'copy' })).headers;
    expect(ch['x-amz-object-lock-legal-hold']).toBeUndefined();
    expect(ch['x-amz-object-lock-mode']).toBe('COMPLIANCE'); // the default retention, not the source's settings
    await t.call('CopyObject', { method: 'PUT', key: 'copy2', headers: { 'x-amz-copy-source': '/bkt/src', 'x-amz-object-lock-legal-hold': 'ON' } });
    expect((await t.call('HeadObject', { key: 'copy2' })).headers['x-amz-object-lock-legal-hold']).toBe('ON');
  });

  it('takes lock headers on CreateMultipartUpload and applies them (or the default retention) at Complete; parts need a digest', async () => {
    const upload = async (key: string, headers: Record<string, string>): Promise<string> => {
      const res = await bodyText(await t.call('CreateMultipartUpload', { method: 'POST', key, query: { uploads: '' }, headers }));
      return /<UploadId>([^<]+)<\/UploadId>/.exec(res)![1]!;
    };
    const complete = async (key: string, id: string) => {
      const part = { key, query: { uploadId: id, partNumber: '1' }, data: 'part' };
      const nd = await t.fail('UploadPart', part);
      expect([nd.code, nd.status, nd.message]).toEqual(['InvalidRequest', 400, 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Part requests with Object Lock parameters']);
      const etag = (await t.call('UploadPart', { ...part, headers: { 'content-md5': md5b64('part') } })).headers['etag']!;
      const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
      return t.call('CompleteMultipartUpload', { method: 'POST', key, query: { uploadId: id }, data: body });
    };
    const until = future(3);
    const id = await upload('mp', { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': until, 'x-amz-object-lock-legal-hold': 'ON' });
    const v = (await complete('mp', id)).headers['x-amz-version-id']!;
    const h = (await t.call('HeadObject', { key: 'mp', query: { versionId: v } })).headers;
    expect([h['x-amz-object-lock-mode'], h['x-amz-object-lock-retain-until-date'], h['x-amz-object-lock-legal-hold']]).toEqual(['COMPLIANCE', until, 'ON']);
    expect((await delFail('mp', v)).code).toBe('AccessDenied');
    const bad = await t.fail('CreateMultipartUpload', { method: 'POST', key: 'x', query: { uploads: '' }, headers: { 'x-amz-object-lock-mode': 'GOVERNANCE' } });
    expect(bad.code).toBe('InvalidArgument');
    await putConfig(rule('<Mode>GOVERNANCE</Mode><Days>1</Days>'));
    const d = await upload('dflt', {});
    await complete('dflt', d);
    expect((await t.call('HeadObject', { key: 'dflt' })).headers['x-amz-object-lock-mode']).toBe('GOVERNANCE');
    await t.call('CreateBucket', { bucket: 'plain' });
    const plain = await t.fail('CreateMultipartUpload', { method: 'POST', bucket: 'plain', key: 'x', query: { uploads: '' }, headers: { 'x-amz-object-lock-legal-hold': 'ON' } });
    expect([plain.code, plain.message]).toEqual(['InvalidRequest', 'Bucket is missing ObjectLockConfiguration']);
  });

  it('retention and legal hold on a delete marker: 405 when named, NoSuchKey when current', async () => {
    await put('k', 'x');
    const m = (await del('k')).headers['x-amz-version-id']!;
    const cur = await t.fail('GetObjectRetention', { key: 'k', query: { retention: '' } });
    expect([cur.code, cur.status]).toEqual(['NoSuchKey', 404]);
    const named = await t.fail('PutObjectLegalHold', { method: 'PUT', key: 'k', query: { 'legal-hold': '', versionId: m }, ...xml('<LegalHold><Status>ON</Status></LegalHold>') });
    expect([named.code, named.status]).toEqual(['MethodNotAllowed', 405]);
  });

  it('keeps lock settings across a restart (versions in the key record, the configuration in bucket.json)', async () => {
    await putConfig(rule('<Mode>GOVERNANCE</Mode><Years>1</Years>'));
    const v = (await put('k', 'x', { 'x-amz-object-lock-legal-hold': 'ON' })).headers['x-amz-version-id']!;
    await t.store.close();
    const { createLocalStore } = await import('../src/index.js');
    const again = createLocalStore({ dir: t.dir, fsync: false });
    try {
      const h = await again.handle({ method: 'HEAD', operation: 'HeadObject', bucket: 'bkt', key: 'k', query: { versionId: v }, headers: {} });
      expect(h.headers['x-amz-object-lock-legal-hold']).toBe('ON');
      expect(h.headers['x-amz-object-lock-mode']).toBe('GOVERNANCE');
      const cfg = await again.handle({ method: 'GET', operation: 'GetObjectLockConfiguration', bucket: 'bkt', query: { 'object-lock': '' }, headers: {} });
      expect(await bodyText(cfg)).toContain('<Years>1</Years>');
      await expect(again.handle({ method: 'DELETE', operation: 'DeleteObject', bucket: 'bkt', key: 'k', query: { versionId: v }, headers: {} })).rejects.toMatchObject({ code: 'AccessDenied' });
    } finally {
      await again.close();
    }
  });
});
