import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyText, makeStore, md5b64, type TestStore } from './helpers.js';

// Lifecycle configuration in the embedded store, as AWS S3 documents and answers it, and the
// sweeper applying it with a test clock: what the rules name disappears exactly when they say
// (Days counted to the next midnight UTC after creation + days), nothing else does.

let t: TestStore;
let now = Date.now();
beforeEach(async () => {
  now = Date.now();
  t = await makeStore({ lifecycle: { now: () => now, intervalMs: 0 } });
});
afterEach(async () => {
  await t.cleanup();
});

const DAY = 86_400_000;
/** S3's rounding: the midnight UTC after `ms` + `days`. */
const due = (ms: number, days: number): number => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days + 1);
};
const lc = (rules: string) => `<LifecycleConfiguration>${rules}</LifecycleConfiguration>`;
const putLc = (body: string, bucket = 'bkt') => t.call('PutBucketLifecycleConfiguration', { method: 'PUT', bucket, query: { lifecycle: '' }, data: body, headers: { 'content-md5': md5b64(body) } });
const failLc = (body: string, headers?: Record<string, string>) =>
  t.fail('PutBucketLifecycleConfiguration', { method: 'PUT', query: { lifecycle: '' }, data: body, headers: headers ?? { 'content-md5': md5b64(body) } });
const getLc = async (bucket = 'bkt') => bodyText(await t.call('GetBucketLifecycleConfiguration', { bucket, query: { lifecycle: '' } }));
const put = (key: string, data = 'x', headers: Record<string, string> = {}) => t.call('PutObject', { key, data, headers });
const versioning = (status: string) =>
  t.call('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: `<VersioningConfiguration><Status>${status}</Status></VersioningConfiguration>` });

interface V {
  key: string;
  id: string;
  marker: boolean;
  at: number;
}
/** Every version and delete marker, as ListObjectVersions shows them. */
async function versions(): Promise<V[]> {
  const xml = await bodyText(await t.call('ListObjectVersions', { query: { versions: '' } }));
  const out: V[] = [];
  for (const m of xml.matchAll(/<(Version|DeleteMarker)>(.*?)<\/\1>/g)) {
    const f = (n: string): string => new RegExp(`<${n}>([^<]*)</${n}>`).exec(m[2]!)![1]!;
    out.push({ key: f('Key'), id: f('VersionId'), marker: m[1] === 'DeleteMarker', at: Date.parse(f('LastModified')) });
  }
  return out;
}
const keys = async (): Promise<string[]> => [...(await bodyText(await t.call('ListObjectsV2', { query: { 'list-type': '2' } }))).matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
const sweep = () => t.store.runLifecycle();

describe('lifecycle configuration', () => {
  beforeEach(async () => {
    await t.call('CreateBucket');
  });

  it('round-trips every rule form: Filter (Prefix, Tag, And, sizes), the 2006 Prefix, every action; a missing ID is generated', async () => {
    const body = lc(
      '<Rule><ID>logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule>' +
        '<Rule><ID>tagged</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Disabled</Status><Expiration><Date>2030-01-01T00:00:00.000Z</Date></Expiration></Rule>' +
        '<Rule><ID>and</ID><Filter><And><Prefix>p/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>100</ObjectSizeLessThan></And></Filter><Status>Enabled</Status>' +
        '<NoncurrentVersionExpiration><NoncurrentDays>7</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>' +
        '<Rule><ID>old-form</ID><Prefix>tmp/</Prefix><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>3</DaysAfterInitiation></AbortIncompleteMultipartUpload>' +
        '<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>' +
        '<NoncurrentVersionTransition><NoncurrentDays>40</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition></Rule>' +
        '<Rule><Filter></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>',
    );
    const res = await putLc(body);
    expect(res.status).toBe(200);
    expect(res.headers['x-amz-transition-default-minimum-object-size']).toBe('all_storage_classes_128K');
    const got = await getLc();
    expect(got).toContain('<Rule><ID>logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule>');
    expect(got).toContain('<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Disabled</Status><Expiration><Date>2030-01-01T00:00:00.000Z</Date></Expiration>');
    expect(got).toContain('<And><Prefix>p/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>100</ObjectSizeLessThan></And>');
    expect(got).toContain('<NoncurrentVersionExpiration><NoncurrentDays>7</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>');
    expect(got).toContain('<ID>old-form</ID><Prefix>tmp/</Prefix><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>');
    expect(got).toContain('<NoncurrentVersionTransition><NoncurrentDays>40</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>');
    expect(got).toContain('<AbortIncompleteMultipartUpload><DaysAfterInitiation>3</DaysAfterInitiation></AbortIncompleteMultipartUpload>');
    const generated = /<Rule><ID>([^<]+)<\/ID><Filter><\/Filter><Status>Enabled<\/Status><Expiration><ExpiredObjectDeleteMarker>true<\/ExpiredObjectDeleteMarker>/.exec(got);
    expect(generated?.[1]).toMatch(/^.{1,255}$/);
    // Stable: the generated ID is stored, not made again per Get.
    expect(await getLc()).toBe(got);
  });

  it('answers NoSuchLifecycleConfiguration (404) without one; Delete is 204 (also again); a new Put replaces the whole configuration', async () => {
    const nf = await t.fail('GetBucketLifecycleConfiguration', { query: { lifecycle: '' } });
    expect([nf.code, nf.status, nf.details['BucketName']]).toEqual(['NoSuchLifecycleConfiguration', 404, 'bkt']);
    await putLc(lc('<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'));
    await putLc(lc('<Rule><ID>b</ID><Filter/><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>'));
    const got = await getLc();
    expect(got).toContain('<ID>b</ID>');
    expect(got).not.toContain('<ID>a</ID>');
    expect((await t.call('DeleteBucketLifecycle', { method: 'DELETE', query: { lifecycle: '' } })).status).toBe(204);
    expect((await t.call('DeleteBucketLifecycle', { method: 'DELETE', query: { lifecycle: '' } })).status).toBe(204);
    expect((await t.fail('GetBucketLifecycleConfiguration', { query: { lifecycle: '' } })).code).toBe('NoSuchLifecycleConfiguration');
    for (const op of ['GetBucketLifecycleConfiguration', 'DeleteBucketLifecycle']) expect((await t.fail(op, { bucket: 'nope', query: { lifecycle: '' } })).code).toBe('NoSuchBucket');
    const body = lc('<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>');
    expect((await t.fail('PutBucketLifecycleConfiguration', { bucket: 'nope', query: { lifecycle: '' }, data: body, headers: { 'content-md5': md5b64(body) } })).code).toBe('NoSuchBucket');
  });

  it('keeps the configuration with the bucket across a restart, and drops it with the bucket', async () => {
    await putLc(lc('<Rule><ID>keep</ID><Filter><Prefix>a/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>5</Days></Expiration></Rule>'));
    const before = await getLc();
    const { createLocalStore } = await import('../src/index.js');
    await t.store.close();
    const again = createLocalStore({ dir: t.dir, fsync: false, lifecycle: { intervalMs: 0 } });
    const res = await again.handle({ method: 'GET', operation: 'GetBucketLifecycleConfiguration', bucket: 'bkt', query: { lifecycle: '' }, headers: {} });
    expect(await bodyText(res)).toBe(before);
    await again.handle({ method: 'DELETE', operation: 'DeleteBucket', bucket: 'bkt', query: {}, headers: {} });
    await again.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'bkt', query: {}, headers: {} });
    await expect(again.handle({ method: 'GET', operation: 'GetBucketLifecycleConfiguration', bucket: 'bkt', query: { lifecycle: '' }, headers: {} })).rejects.toMatchObject({
      code: 'NoSuchLifecycleConfiguration',
    });
    await again.close();
  });

  it('needs Content-MD5 or a checksum, and checks it', async () => {
    const body = lc('<Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>');
    const none = await failLc(body, {});
    expect([none.code, none.status, none.message]).toEqual(['InvalidRequest', 400, 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*']);
    expect((await failLc(body, { 'content-md5': md5b64('other') })).code).toBe('BadDigest');
  });

  it('refuses invalid configurations with the codes S3 answers', async () => {
    const r = (inner: string, filter = '<Filter/>', status = 'Enabled') => lc(`<Rule><ID>r</ID>${filter}<Status>${status}</Status>${inner}</Rule>`);
    const exp = (inner: string) => r(`<Expiration>${inner}</Expiration>`);
    const cases: [string, string, string, RegExp?][] = [
      ['not xml', 'not xml', 'MalformedXML'],
      ['no rule', lc(''), 'MalformedXML'],
      ['bad status', r('<Expiration><Days>1</Days></Expiration>', '<Filter/>', 'On'), 'MalformedXML'],
      ['no Prefix nor Filter', r('<Expiration><Days>1</Days></Expiration>', ''), 'MalformedXML'],
      ['Prefix and Filter', r('<Expiration><Days>1</Days></Expiration>', '<Prefix>a</Prefix><Filter/>'), 'MalformedXML'],
      ['two predicates in a Filter', r('<Expiration><Days>1</Days></Expiration>', '<Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>'), 'MalformedXML'],
      ['an And with one predicate', r('<Expiration><Days>1</Days></Expiration>', '<Filter><And><Prefix>a</Prefix></And></Filter>'), 'MalformedXML'],
      ['Days and Date', exp('<Days>1</Days><Date>2030-01-01T00:00:00Z</Date>'), 'MalformedXML'],
      ['empty Expiration', exp(''), 'MalformedXML'],
      ['ExpiredObjectDeleteMarker with Days', exp('<Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>'), 'MalformedXML'],
      ['Days not a number', exp('<Days>one</Days>'), 'MalformedXML'],
      ['unknown storage class', r('<Transition><Days>30</Days><StorageClass>STANDARD</StorageClass></Transition>'), 'MalformedXML'],
      ['NoncurrentVersionExpiration without NoncurrentDays', r('<NoncurrentVersionExpiration></NoncurrentVersionExpiration>'), 'MalformedXML'],
      ['Days 0', exp('<Days>0</Days>'), 'InvalidArgument', /'Days' for Expiration action must be a positive integer/],
      ['Days -1', exp('<Days>-1</Days>'), 'InvalidArgument'],
      ['Date not at midnight', exp('<Date>2030-01-01T12:00:00Z</Date>'), 'InvalidArgument', /'Date' must be at midnight GMT/],
      ['NoncurrentDays 0', r('<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>'), 'InvalidArgument'],
      [
        'NewerNoncurrentVersions 101',
        r('<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>101</NewerNoncurrentVersions></NoncurrentVersionExpiration>'),
        'InvalidArgument',
      ],
      ['DaysAfterInitiation 0', r('<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>'), 'InvalidArgument'],
      ['STANDARD_IA before 30 days', r('<Transition><Days>10</Days><StorageClass>STANDARD_IA</StorageClass></Transition>'), 'InvalidArgument'],
      ['ID over 255', lc(`<Rule><ID>${'a'.repeat(256)}</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>`), 'InvalidArgument'],
      ['duplicate IDs', lc('<Rule><ID>x</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'.repeat(2)), 'InvalidArgument', /Rule ID must be unique/],
      [
        'size bounds crossed',
        r('<Expiration><Days>1</Days></Expiration>', '<Filter><And><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>5</ObjectSizeLessThan></And></Filter>'),
        'InvalidArgument',
      ],
      ['no action', r(''), 'InvalidRequest', /At least one action needs to be specified in a rule/],
      [
        'abort with a tag filter',
        r('<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>', '<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>'),
        'InvalidRequest',
      ],
      ['prefix over 1024 bytes', r('<Expiration><Days>1</Days></Expiration>', `<Filter><Prefix>${'p'.repeat(1025)}</Prefix></Filter>`), 'InvalidRequest'],
      ['tag key over 128', r('<Expiration><Days>1</Days></Expiration>', `<Filter><Tag><Key>${'k'.repeat(129)}</Key><Value>v</Value></Tag></Filter>`), 'InvalidRequest'],
    ];
    for (const [what, body, code, message] of cases) {
      const e = await failLc(body);
      expect([what, e.code, e.status]).toEqual([what, code, 400]);
      if (message !== undefined) expect(e.message).toMatch(message);
    }
    const many = lc(Array.from({ length: 1001 }, (_, i) => `<Rule><ID>r${i}</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>`).join(''));
    expect((await failLc(many)).code).toBe('MalformedXML');
    const thousand = lc(Array.from({ length: 1000 }, (_, i) => `<Rule><ID>r${i}</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>`).join(''));
    expect((await putLc(thousand)).status).toBe(200);
    // Nothing refused was stored.
    expect((await getLc()).match(/<Rule>/g)).toHaveLength(1000);
  });
});

describe('x-amz-expiration', () => {
  beforeEach(async () => {
    await t.call('CreateBucket');
    await putLc(
      lc(
        '<Rule><ID>rule one/ä</ID><Filter><Prefix>a/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>' +
          '<Rule><ID>sooner</ID><Filter><Tag><Key>t</Key><Value>1</Value></Tag></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>' +
          '<Rule><ID>off</ID><Filter/><Status>Disabled</Status><Expiration><Days>1</Days></Expiration></Rule>',
      ),
    );
  });

  it('names the expiry date (creation + days, next midnight UTC) and the URL-encoded rule id on PUT, HEAD and GET; the earliest rule wins', async () => {
    const res = await put('a/k');
    const lm = (await versions())[0]!.at;
    const want = `expiry-date="${new Date(due(lm, 3)).toUTCString()}", rule-id="rule%20one%2F%C3%A4"`;
    expect(res.headers['x-amz-expiration']).toBe(want);
    expect((await t.call('HeadObject', { key: 'a/k' })).headers['x-amz-expiration']).toBe(want);
    expect((await t.call('GetObject', { key: 'a/k' })).headers['x-amz-expiration']).toBe(want);
    const tagged = await put('a/t', 'x', { 'x-amz-tagging': 't=1' });
    expect(tagged.headers['x-amz-expiration']).toMatch(/rule-id="sooner"$/);
    // No rule selects it (the disabled one does not count).
    expect((await put('b/k')).headers['x-amz-expiration']).toBeUndefined();
    expect((await t.call('HeadObject', { key: 'b/k' })).headers['x-amz-expiration']).toBeUndefined();
    // CopyObject and CompleteMultipartUpload answer it too (for the object they made).
    const copy = await t.call('CopyObject', { key: 'a/copy', headers: { 'x-amz-copy-source': '/bkt/b/k' } });
    expect(copy.headers['x-amz-expiration']).toMatch(/^expiry-date="[^"]+ 00:00:00 GMT", rule-id="rule%20one%2F%C3%A4"$/);
    const uploadId = /<UploadId>([^<]+)</.exec(await bodyText(await t.call('CreateMultipartUpload', { key: 'a/mp', query: { uploads: '' } })))![1]!;
    const part = await t.call('UploadPart', { key: 'a/mp', query: { uploadId, partNumber: '1' }, data: 'part' });
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers['etag']}</ETag></Part></CompleteMultipartUpload>`;
    const done = await t.call('CompleteMultipartUpload', { key: 'a/mp', query: { uploadId }, data: xml });
    expect(done.headers['x-amz-expiration']).toMatch(/rule-id="rule%20one%2F%C3%A4"$/);
    // Only for the current version read as such: a read naming a version id gets none (S3 documents
    // the header for the current version only).
    expect((await t.call('HeadObject', { key: 'a/k', query: { versionId: 'null' } })).headers['x-amz-expiration']).toBeUndefined();
  });
});

describe('the lifecycle sweeper', () => {
  beforeEach(async () => {
    await t.call('CreateBucket');
  });

  it('expires current objects in an unversioned bucket at the next midnight UTC after creation + Days, by prefix, tag and size', async () => {
    await putLc(
      lc(
        '<Rule><ID>p</ID><Filter><Prefix>a/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>' +
          '<Rule><ID>t</ID><Filter><Tag><Key>gone</Key><Value>yes</Value></Tag></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>' +
          '<Rule><ID>s</ID><Filter><And><Prefix>s/</Prefix><ObjectSizeGreaterThan>3</ObjectSizeGreaterThan><ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>' +
          '<Rule><ID>off</ID><Filter><Prefix>b/</Prefix></Filter><Status>Disabled</Status><Expiration><Days>1</Days></Expiration></Rule>',
      ),
    );
    await put('a/1');
    await put('b/1');
    await put('c/tagged', 'x', { 'x-amz-tagging': 'gone=yes' });
    await put('c/other-tag', 'x', { 'x-amz-tagging': 'gone=no' });
    await put('s/small', 'abc');
    await put('s/mid', 'abcdef');
    await put('s/big', 'abcdefghij');
    const lm = Math.max(...(await versions()).map((v) => v.at));
    now = due(lm, 2) - 1;
    expect((await sweep()).expired).toBe(0);
    expect(await keys()).toHaveLength(7);
    now = due(lm, 2);
    const s = await sweep();
    expect(s).toMatchObject({ expired: 3, removed: 0, complete: true });
    expect(await keys()).toEqual(['b/1', 'c/other-tag', 's/big', 's/small']);
    expect((await t.fail('GetObject', { key: 'a/1' })).code).toBe('NoSuchKey');
    // Again: nothing more.
    now += 400 * DAY;
    expect((await sweep()).expired).toBe(0);
    expect(await keys()).toEqual(['b/1', 'c/other-tag', 's/big', 's/small']);
  });

  it('expires on a Date (midnight UTC) whatever the age', async () => {
    const date = due(Date.now(), 5);
    await putLc(lc(`<Rule><ID>d</ID><Filter><Prefix>d/</Prefix></Filter><Status>Enabled</Status><Expiration><Date>${new Date(date).toISOString()}</Date></Expiration></Rule>`));
    await put('d/1');
    await put('e/1');
    expect((await t.call('HeadObject', { key: 'd/1' })).headers['x-amz-expiration']).toBe(`expiry-date="${new Date(date).toUTCString()}", rule-id="d"`);
    now = date - 1;
    await sweep();
    expect(await keys()).toEqual(['d/1', 'e/1']);
    now = date;
    await sweep();
    expect(await keys()).toEqual(['e/1']);
  });

  it('adds a delete marker in a versioned bucket (the version stays, noncurrent), and once in a suspended one (replacing the null version)', async () => {
    await versioning('Enabled');
    await putLc(lc('<Rule><ID>e</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'));
    await put('k', 'v1');
    const [v1] = await versions();
    now = due(v1!.at, 1);
    expect((await sweep()).expired).toBe(1);
    const after = await versions();
    expect(after.map((v) => [v.marker, v.id === v1!.id])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect((await t.fail('GetObject', { key: 'k' })).code).toBe('NoSuchKey');
    // A current delete marker with a noncurrent version is left alone (no second marker).
    expect(await sweep()).toMatchObject({ expired: 0, removed: 0 });
    expect(await versions()).toHaveLength(2);

    await versioning('Suspended');
    await put('n', 'null version');
    now = due((await versions()).find((v) => v.key === 'n')!.at, 1);
    await sweep();
    const n = (await versions()).filter((v) => v.key === 'n');
    expect(n.map((v) => [v.id, v.marker])).toEqual([['null', true]]);
  });

  it('removes noncurrent versions NoncurrentDays after they became noncurrent, keeping NewerNoncurrentVersions', async () => {
    await versioning('Enabled');
    await putLc(
      lc(
        '<Rule><ID>nc</ID><Filter><Prefix>k</Prefix></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>',
      ),
    );
    for (const b of ['1', '2', '3']) await put('k', b);
    await put('other', '1');
    await put('other', '2');
    const vs = (await versions()).filter((v) => v.key === 'k'); // newest first: v3, v2, v1
    // v1 became noncurrent when v2 was written; it is the second newest noncurrent one.
    now = due(vs[1]!.at, 3) - 1;
    expect((await sweep()).removed).toBe(0);
    now = due(vs[1]!.at, 3);
    expect((await sweep()).removed).toBe(1);
    const left = await versions();
    expect(left.filter((v) => v.key === 'k').map((v) => v.id)).toEqual([vs[0]!.id, vs[1]!.id]);
    // The newest noncurrent version is kept however old; other keys are out of the rule.
    now += 1000 * DAY;
    expect((await sweep()).removed).toBe(0);
    expect(await versions()).toHaveLength(4);
    const body = await bodyText(await t.call('GetObject', { key: 'k', query: { versionId: vs[1]!.id } }));
    expect(body).toBe('2');
  });

  it('removes expired object delete markers (ExpiredObjectDeleteMarker, or a Days rule once the marker is old enough), never a marker with versions behind it', async () => {
    await versioning('Enabled');
    await putLc(
      lc(
        '<Rule><ID>m</ID><Filter><Prefix>m/</Prefix></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>' +
          '<Rule><ID>d</ID><Filter><Prefix>d/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>',
      ),
    );
    for (const k of ['m/alone', 'm/with-version', 'd/alone']) {
      await put(k);
      await t.call('DeleteObject', { key: k });
    }
    for (const v of (await versions()).filter((x) => !x.marker && x.key !== 'm/with-version')) await t.call('DeleteObject', { key: v.key, query: { versionId: v.id } });
    const marker = (await versions()).find((v) => v.key === 'd/alone')!;
    expect(await sweep()).toMatchObject({ removed: 1, expired: 0 });
    expect((await versions()).map((v) => [v.key, v.marker])).toEqual([
      ['d/alone', true],
      ['m/with-version', true],
      ['m/with-version', false],
    ]);
    now = due(marker.at, 2) - 1;
    expect((await sweep()).removed).toBe(0);
    now = due(marker.at, 2);
    expect((await sweep()).removed).toBe(1);
    expect((await versions()).map((v) => v.key)).toEqual(['m/with-version', 'm/with-version']);
  });

  it('aborts incomplete multipart uploads DaysAfterInitiation after they began, by prefix', async () => {
    await putLc(
      lc(
        '<Rule><ID>u</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>',
      ),
    );
    const start = Date.now();
    for (const key of ['tmp/a', 'tmp/b', 'keep/c']) await t.call('CreateMultipartUpload', { key, query: { uploads: '' } });
    const uploads = async (): Promise<string[]> => [...(await bodyText(await t.call('ListMultipartUploads', { query: { uploads: '' } }))).matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
    now = due(start, 2) - 1;
    expect((await sweep()).aborted).toBe(0);
    expect(await uploads()).toEqual(['keep/c', 'tmp/a', 'tmp/b']);
    now = due(start, 2);
    expect((await sweep()).aborted).toBe(2);
    expect(await uploads()).toEqual(['keep/c']);
  });

  it('never removes a version under legal hold or retention (a delete marker may still be added)', async () => {
    await t.call('CreateBucket', { bucket: 'locked', headers: { 'x-amz-bucket-object-lock-enabled': 'true' } });
    const body = lc(
      '<Rule><ID>all</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>',
    );
    await putLc(body, 'locked');
    const lockPut = (key: string, data: string, headers: Record<string, string>) => t.call('PutObject', { bucket: 'locked', key, data, headers: { 'content-md5': md5b64(data), ...headers } });
    await lockPut('held', 'h1', { 'x-amz-object-lock-legal-hold': 'ON' });
    await lockPut('held', 'h2', {});
    await lockPut('retained', 'r1', { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': new Date(Date.now() + 5000 * DAY).toISOString() });
    await lockPut('retained', 'r2', {});
    await lockPut('free', 'f1', {});
    await lockPut('free', 'f2', {});
    now = Date.now() + 10 * DAY;
    const s1 = await sweep();
    // Three current versions expire (delete markers added); one noncurrent free version goes; two locked ones stay.
    expect(s1).toMatchObject({ expired: 3, removed: 1, locked: 2 });
    const listed = await bodyText(await t.call('ListObjectVersions', { bucket: 'locked', query: { versions: '' } }));
    expect(listed.match(/<DeleteMarker>/g)).toHaveLength(3);
    expect(listed.match(/<Version>/g)).toHaveLength(5);
    // The noncurrent versions behind the markers go too, on a later day, except the locked ones.
    now += 10 * DAY;
    const s2 = await sweep();
    expect(s2).toMatchObject({ removed: 3, locked: 2 });
    const final = await bodyText(await t.call('ListObjectVersions', { bucket: 'locked', query: { versions: '' } }));
    const objects = [...final.matchAll(/<Version><Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
    expect(objects).toEqual(['held', 'retained']);
    expect(await bodyText(await t.call('GetObject', { bucket: 'locked', key: 'held', query: { versionId: [...final.matchAll(/<Version><Key>held<\/Key><VersionId>([^<]*)/g)][0]![1]! } }))).toBe('h1');
  });

  it('never removes a version written while the sweep runs (the plan is re-checked under the key lock)', async () => {
    await t.store.close();
    t = await makeStore({ lifecycle: { now: () => now, intervalMs: 0, maxActionsPerPass: 2 } });
    await t.call('CreateBucket');
    await putLc(lc('<Rule><ID>t</ID><Filter><Tag><Key>gone</Key><Value>yes</Value></Tag></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'));
    const n = 150;
    for (let i = 0; i < n; i++) await put(`k${i}`, 'old', { 'x-amz-tagging': 'gone=yes' });
    now = Date.now() + 3 * DAY;
    // Every key is overwritten (untagged: out of the rule) while the sweeper expires the old ones.
    const sweeping = sweep();
    while ((await keys()).length === n) await new Promise((r) => setImmediate(r));
    await Promise.all(Array.from({ length: n }, (_, i) => put(`k${i}`, 'new')));
    const raced = await sweeping;
    expect(raced.expired).toBeGreaterThan(0);
    expect(raced.expired).toBeLessThan(n);
    await sweep();
    expect(await keys()).toHaveLength(n);
    for (let i = 0; i < n; i += 7) expect(await bodyText(await t.call('GetObject', { key: `k${i}` }))).toBe('new');
  });

  it('runs in the background every intervalMs once the store has had a request, and stops with close()', async () => {
    await t.store.close();
    t = await makeStore({ lifecycle: { now: () => now, intervalMs: 5 } });
    await t.call('CreateBucket');
    await putLc(lc('<Rule><ID>all</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'));
    await put('k');
    await new Promise((r) => setTimeout(r, 50));
    expect(await keys()).toEqual(['k']);
    now = Date.now() + 3 * DAY;
    const end = Date.now() + 5000;
    while ((await keys()).length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(await keys()).toEqual([]);
    await t.store.close();
    expect((await t.store.runLifecycle()).passes).toBe(0);
  });

  it('bounds the work of one pass and resumes where it stopped', async () => {
    await t.store.close();
    t = await makeStore({ lifecycle: { now: () => now, intervalMs: 0, maxActionsPerPass: 2, maxKeysPerPass: 3 } });
    await t.call('CreateBucket');
    await putLc(lc('<Rule><ID>all</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'));
    for (let i = 0; i < 7; i++) await put(`k${i}`);
    now = Date.now() + 3 * DAY;
    const s = await sweep();
    expect(s).toMatchObject({ expired: 7, complete: true });
    expect(s.passes).toBeGreaterThanOrEqual(4);
    expect(await keys()).toEqual([]);
  });
});
