import { createHash, createHmac } from 'node:crypto';
import { createPresignedPost, type CreatePresignedPostInput } from '@s3kit/post-policy';
import { encodeMultipart, rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mapBuckets, type Upstream, type UpstreamRequest } from '../src/index.js';
import { ADMIN, READER, startGateway, type RunningGateway } from './support/gateway-server.js';
import { emptyBucket, formData, postForm, postRaw, upstreamBytes, upstreamHead, upstreamKeys } from './support/post-forms.js';
import { localTarget, upstreamKinds, type Target } from './support/targets.js';

const { rgw, reason } = await rgwOrSkip();
const md5 = (b: string | Uint8Array): string => createHash('md5').update(b).digest('hex');

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(noUpstream)(`browser POST Object through the gateway to ${name}`, () => {
    let target: Target;
    let g: RunningGateway;
    const bucket = `post-${Date.now().toString(36)}`;
    const url = (): string => `${g.endpoint}/${bucket}`;
    const sign = (over: Partial<CreatePresignedPostInput> = {}) => createPresignedPost({ bucket, key: 'uploads/${filename}', credentials: ADMIN, endpoint: g.endpoint, forcePathStyle: true, ...over });
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream, { baseDomains: ['s3.gateway.test'], onUnexpected: (e) => console.error('UNEXPECTED', e) });
      await target.createBucket(bucket);
    });
    afterAll(async () => {
      await g?.close();
      await target?.close();
    });
    beforeEach(async () => emptyBucket(target.upstream, bucket));

    it('stores a SigV4 form (Content-Type, metadata, Cache-Control) and answers success_action_status 201 with PostResponse XML', async () => {
      const post = sign({
        fields: { 'Content-Type': 'text/plain', 'x-amz-meta-owner': 'ann', 'Cache-Control': 'max-age=60', success_action_status: '201' },
        conditions: [['starts-with', '$Content-Type', 'text/'], { 'x-amz-meta-owner': 'ann' }, { 'Cache-Control': 'max-age=60' }, { success_action_status: '201' }, ['content-length-range', 1, 1024]],
      });
      const res = await postForm(post.url, formData(post.fields, 'hello through the gateway', 'C:\\docs\\hello.txt'));
      expect(res.status).toBe(201);
      const etag = `"${md5('hello through the gateway')}"`;
      expect(res.body).toBe(
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<PostResponse><Location>${g.endpoint}/${bucket}/uploads/hello.txt</Location><Bucket>${bucket}</Bucket>` +
          `<Key>uploads/hello.txt</Key><ETag>&quot;${md5('hello through the gateway')}&quot;</ETag></PostResponse>`,
      );
      expect(res.headers['etag']).toBe(etag);
      expect(res.headers['location']).toBe(`${g.endpoint}/${bucket}/uploads/hello.txt`);
      expect(res.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
      expect((await upstreamBytes(target.upstream, bucket, 'uploads/hello.txt'))?.toString()).toBe('hello through the gateway');
      const head = await upstreamHead(target.upstream, bucket, 'uploads/hello.txt');
      expect(head?.['content-type']).toBe('text/plain');
      expect(head?.['cache-control']).toBe('max-age=60');
      expect(head?.['x-amz-meta-owner']).toBe('ann');
      expect(head?.['etag']).toBe(etag);
      const entry = g.log.at(-1)!;
      expect([entry.operation, entry.identity, entry.key, entry.status]).toEqual(['PostObject', 'admin', 'uploads/hello.txt', 201]);
      // bytesIn is what arrived: the whole form, not only its 25-byte file.
      expect(entry.bytesIn).toBeGreaterThan(25 + 1000);
    });

    it('stores a SigV2 form and answers 204 by default (ETag and Location headers, empty body)', async () => {
      const post = sign({ signatureVersion: 'v2', key: 'v2/object.bin' });
      const data = new Uint8Array(100_000).map((_, i) => (i * 7 + 3) & 0xff);
      const res = await postForm(post.url, formData(post.fields, new Blob([data])));
      expect([res.status, res.body]).toEqual([204, '']);
      expect(res.headers['etag']).toBe(`"${md5(data)}"`);
      expect((await upstreamBytes(target.upstream, bucket, 'v2/object.bin'))?.equals(Buffer.from(data))).toBe(true);
    });

    it('answers success_action_redirect with 303 to the URL plus bucket, key and etag; success_action_status 200 with an empty 200', async () => {
      const redirect = 'https://app.example/done?from=form';
      const post = sign({ key: 'r/${filename}', fields: { success_action_redirect: redirect }, conditions: [['starts-with', '$success_action_redirect', 'https://app.example/']] });
      const res = await postForm(post.url, formData(post.fields, 'redirected', 'a b.txt'));
      expect(res.status).toBe(303);
      const etag = `"${md5('redirected')}"`;
      expect(res.headers['location']).toBe(`${redirect}&bucket=${bucket}&key=r%2Fa+b.txt&etag=${encodeURIComponent(etag)}`);
      expect(await upstreamBytes(target.upstream, bucket, 'r/a b.txt')).toBeDefined();

      const ok = sign({ key: 's200', fields: { success_action_status: '200' }, conditions: [{ success_action_status: '200' }] });
      const r200 = await postForm(ok.url, formData(ok.fields, 'x'));
      expect([r200.status, r200.body, r200.headers['etag']]).toEqual([200, '', `"${md5('x')}"`]);
    });

    it('treats a success_action_redirect that is not a URL as absent (S3: "acts as if the field is not present"): success_action_status 201 applies', async () => {
      const post = sign({
        key: 'bad-redirect',
        fields: { success_action_redirect: 'not a url', success_action_status: '201' },
        conditions: [{ success_action_redirect: 'not a url' }, { success_action_status: '201' }],
      });
      const res = await postForm(post.url, formData(post.fields, 'x'));
      expect(res.status).toBe(201);
      expect(res.body).toContain('<Key>bad-redirect</Key>');
    });

    it('stores x-amz-acl, Content-Disposition with ${filename}, and the <Tagging> field as the object tag set', async () => {
      const tagging = '<Tagging><TagSet><Tag><Key>team</Key><Value>a&amp;b</Value></Tag><Tag><Key>tier</Key><Value>1</Value></Tag></TagSet></Tagging>';
      const post = sign({
        key: 'tagged/${filename}',
        fields: { acl: 'private', 'Content-Disposition': 'attachment; filename="${filename}"', tagging },
        conditions: [{ acl: 'private' }, ['starts-with', '$Content-Disposition', 'attachment'], { tagging }],
      });
      const res = await postForm(post.url, formData(post.fields, 'tagged', 'report.pdf'));
      expect(res.status).toBe(204);
      const head = await upstreamHead(target.upstream, bucket, 'tagged/report.pdf');
      expect(head?.['content-disposition']).toBe('attachment; filename="report.pdf"');
      const tags = await target.upstream.handle({ method: 'GET', operation: 'GetObjectTagging', bucket, key: 'tagged/report.pdf', query: { tagging: '' }, headers: {} });
      const xml = typeof tags.body === 'string' ? tags.body : Buffer.from(await new Response(tags.body as never).arrayBuffer()).toString();
      expect([...xml.matchAll(/<Key>([^<]*)<\/Key><Value>([^<]*)<\/Value>/g)].map((m) => [m[1], m[2]])).toEqual([
        ['team', 'a&amp;b'],
        ['tier', '1'],
      ]);
    });

    it('answers a credential scope for another region with InvalidArgument (400) and the expected Region, and stores nothing', async () => {
      const post = sign({ region: 'eu-west-1', key: 'wrong-region' });
      const res = await postForm(post.url, formData(post.fields, 'x'));
      expect([res.status, res.code]).toEqual([400, 'InvalidArgument']);
      expect(res.body).toContain("<Message>the region 'eu-west-1' is wrong; expecting 'us-east-1'</Message>");
      expect(res.body).toContain('<Region>us-east-1</Region>');
      expect(await upstreamKeys(target.upstream, bucket)).toEqual([]);
    });

    it('answers a credential scope for another service with InvalidArgument (400), and stores nothing', async () => {
      const post = sign({ service: 'execute-api', key: 'wrong-service' });
      const res = await postForm(post.url, formData(post.fields, 'x'));
      expect([res.status, res.code]).toEqual([400, 'InvalidArgument']);
      expect(await upstreamKeys(target.upstream, bucket)).toEqual([]);
    });

    it('answers a form signed by a key the gateway does not know with InvalidAccessKeyId (403), and stores nothing', async () => {
      const post = sign({ credentials: { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: 'x'.repeat(40) } });
      const res = await postForm(post.url, formData(post.fields, 'x'));
      expect([res.status, res.code]).toEqual([403, 'InvalidAccessKeyId']);
      expect(await upstreamKeys(target.upstream, bucket)).toEqual([]);
    });

    it('answers AccessDenied (403) for a valid form whose signer may not write the bucket, before any byte goes upstream', async () => {
      const post = sign({ credentials: READER, key: 'denied.bin' });
      const res = await postForm(post.url, formData(post.fields, new Blob([new Uint8Array(300_000)])));
      expect([res.status, res.code]).toEqual([403, 'AccessDenied']);
      expect(g.log.at(-1)?.identity).toBe('reader');
      expect(await upstreamKeys(target.upstream, bucket)).toEqual([]);
    });

    it('aborts the upstream PUT when the file passes content-length-range mid-stream: EntityTooLarge (400), nothing stored', async () => {
      const post = sign({ key: 'too-large.bin', conditions: [['content-length-range', 1, 200_000]] });
      const res = await postForm(post.url, formData(post.fields, new Blob([new Uint8Array(2_000_000)])));
      expect([res.status, res.code]).toEqual([400, 'EntityTooLarge']);
      expect(await upstreamKeys(target.upstream, bucket)).toEqual([]);
    });

    it('aborts the upstream PUT when the declared SHA-256 does not match the file: BadDigest (400), nothing stored', async () => {
      const post = sign({ key: 'bad-digest.bin', checksumSha256: createHash('sha256').update('other').digest('base64') });
      const res = await postForm(post.url, formData(post.fields, new Blob([new Uint8Array(500_000)])));
      expect([res.status, res.code]).toEqual([400, 'BadDigest']);
      expect(await upstreamKeys(target.upstream, bucket)).toEqual([]);
    });

    it('stores a file whose declared SHA-256 matches', async () => {
      const data = new Uint8Array(150_000).map((_, i) => i & 0xff);
      const post = sign({ key: 'good-digest.bin', checksumSha256: createHash('sha256').update(data).digest('base64') });
      const res = await postForm(post.url, formData(post.fields, new Blob([data])));
      expect(res.status).toBe(204);
      expect((await upstreamBytes(target.upstream, bucket, 'good-digest.bin'))?.equals(Buffer.from(data))).toBe(true);
    });

    it('stores nothing when the client goes away mid-file', async () => {
      const post = sign({ key: 'abandoned.bin' });
      const { body, contentType } = encodeMultipart([...Object.entries(post.fields), { filename: 'a.bin', data: new Uint8Array(1_000_000) }]);
      const { request } = await import('node:http');
      await new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port: g.port, method: 'POST', path: `/${bucket}`, headers: { 'content-type': contentType, 'content-length': String(body.length) } });
        req.on('error', () => resolve());
        req.on('response', () => resolve());
        req.write(body.subarray(0, 400_000), () => setTimeout(() => req.destroy(), 100));
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(await upstreamKeys(target.upstream, bucket)).toEqual([]);
    });

    it('accepts a virtual-hosted POST / (Host: <bucket>.<base domain>) and answers a virtual-hosted Location', async () => {
      const post = createPresignedPost({ bucket, key: 'vhost.txt', credentials: ADMIN, fields: { success_action_status: '201' }, conditions: [{ success_action_status: '201' }] });
      const res = await postRaw(g.port, '/', [...Object.entries(post.fields), { filename: 'v.txt', data: 'virtual' }], { host: `${bucket}.s3.gateway.test` });
      expect(res.status).toBe(201);
      expect(res.body).toContain(`<Location>http://${bucket}.s3.gateway.test/vhost.txt</Location>`);
      expect((await upstreamBytes(target.upstream, bucket, 'vhost.txt'))?.toString()).toBe('virtual');
    });

    it('answers a POST that is not multipart/form-data with S3 error XML, and stores nothing', async () => {
      const res = await fetch(url(), { method: 'POST', body: 'key=a&file=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(await res.text()).toMatch(/<Code>(RequestIsNotMultiPartContent|MethodNotAllowed|InvalidRequest)<\/Code>/);
      expect(await upstreamKeys(target.upstream, bucket)).toEqual([]);
    });
  });
}

describe('the upstream PUT a form becomes (a recording upstream)', () => {
  interface Seen {
    method: string;
    operation: string;
    bucket: string | undefined;
    key: string | undefined;
    headers: Readonly<Record<string, string | undefined>>;
    body: string;
  }
  async function recording(streams: boolean, mapped: boolean): Promise<{ g: RunningGateway; seen: Seen[] }> {
    const seen: Seen[] = [];
    const upstream: Upstream = {
      capabilities: { acceptsUnknownLength: streams },
      async handle(req: UpstreamRequest) {
        const chunks: Buffer[] = [];
        for await (const c of req.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
        seen.push({ method: req.method, operation: req.operation, bucket: req.bucket, key: req.key, headers: req.headers, body: Buffer.concat(chunks).toString() });
        return { status: 200, headers: { etag: '"0123456789abcdef0123456789abcdef"', 'x-amz-version-id': 'v-42' } };
      },
    };
    // A bucket mapping passes the capabilities through: the form streams (or spools) as without one.
    return { g: await startGateway(mapped ? mapBuckets(upstream, [{ bucket: 'rec-bucket', upstreamBucket: 'backing', prefix: 'tenant/' }]) : upstream), seen };
  }
  const fields = {
    'Content-Type': 'text/html',
    'Cache-Control': 'no-cache',
    'Content-Encoding': 'identity',
    Expires: 'Thu, 01 Dec 2050 16:00:00 GMT',
    'x-amz-meta-a': '1',
    acl: 'public-read',
    'x-amz-storage-class': 'STANDARD_IA',
    'x-amz-website-redirect-location': '/other.html',
    'x-amz-server-side-encryption': 'AES256',
    tagging: '<Tagging><TagSet><Tag><Key>k 1</Key><Value>v&amp;2</Value></Tag></TagSet></Tagging>',
    'x-ignore-me': 'not stored',
    success_action_status: '201',
  };
  const conditions = Object.entries(fields)
    .filter(([n]) => !n.startsWith('x-ignore-'))
    .map(([n, v]) => ({ [n]: v }));

  for (const [streams, mapped] of [
    [true, false],
    [false, false],
    [true, true],
    [false, true],
  ] as const) {
    it(`carries the form's object headers (tagging URL-encoded), the resolved key and the bytes${streams ? ', streamed without a length' : ', spooled with its Content-Length'}${mapped ? ', through a bucket mapping' : ''}; answers with x-amz-version-id`, async () => {
      const { g, seen } = await recording(streams, mapped);
      try {
        const post = createPresignedPost({ bucket: 'rec-bucket', key: 'k/${filename}', credentials: ADMIN, endpoint: g.endpoint, fields, conditions });
        const res = await postForm(post.url, formData(post.fields, 'recorded bytes', 'r.html'));
        expect(res.status).toBe(201);
        expect(res.headers['x-amz-version-id']).toBe('v-42');
        expect(res.headers['etag']).toBe('"0123456789abcdef0123456789abcdef"');
        expect(seen).toHaveLength(1);
        const s = seen[0]!;
        expect([s.method, s.operation, s.bucket, s.key, s.body]).toEqual(['PUT', 'PutObject', mapped ? 'backing' : 'rec-bucket', mapped ? 'tenant/k/r.html' : 'k/r.html', 'recorded bytes']);
        expect(s.headers).toMatchObject({
          'content-type': 'text/html',
          'cache-control': 'no-cache',
          'content-encoding': 'identity',
          expires: 'Thu, 01 Dec 2050 16:00:00 GMT',
          'x-amz-meta-a': '1',
          'x-amz-acl': 'public-read',
          'x-amz-storage-class': 'STANDARD_IA',
          'x-amz-website-redirect-location': '/other.html',
          'x-amz-server-side-encryption': 'AES256',
          'x-amz-tagging': 'k%201=v%262',
        });
        expect(s.headers['content-length']).toBe(streams ? undefined : String('recorded bytes'.length));
        for (const h of Object.keys(s.headers)) expect(h).not.toMatch(/^(x-ignore-|policy|x-amz-signature|x-amz-credential|authorization)/);
      } finally {
        await g.close();
      }
    });
  }
});

describe('SigV4 credential scope checks (what verifyPost leaves to the server)', () => {
  let target: Target;
  let g: RunningGateway;
  const bucket = 'scope-checks';
  beforeAll(async () => {
    target = await localTarget();
    g = await startGateway(target.upstream);
    await target.createBucket(bucket);
  });
  afterAll(async () => {
    await g?.close();
    await target?.close();
  });
  const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
  /** A SigV4 form signed by hand, so its scope date and x-amz-date can disagree. */
  function handForm(scopeDate: string, amzDate: string | undefined): [string, string][] {
    const credential = `${ADMIN.accessKeyId}/${scopeDate}/us-east-1/s3/aws4_request`;
    const conditions: unknown[] = [{ bucket }, { key: 'scoped.txt' }, { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' }, { 'x-amz-credential': credential }];
    if (amzDate !== undefined) conditions.push({ 'x-amz-date': amzDate });
    const policy = Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + 600_000).toISOString(), conditions })).toString('base64');
    const key = hmac(hmac(hmac(hmac(`AWS4${ADMIN.secretAccessKey}`, scopeDate), 'us-east-1'), 's3'), 'aws4_request');
    const signature = createHmac('sha256', key).update(policy).digest('hex');
    return [
      ['key', 'scoped.txt'],
      ['x-amz-algorithm', 'AWS4-HMAC-SHA256'],
      ['x-amz-credential', credential],
      ...(amzDate === undefined ? [] : ([['x-amz-date', amzDate]] as [string, string][])),
      ['policy', policy],
      ['x-amz-signature', signature],
    ];
  }
  const day = (offsetDays: number): string => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');

  it('accepts a hand-signed form whose scope date is the day of x-amz-date', async () => {
    const res = await postForm(`${g.endpoint}/${bucket}`, formData(handForm(day(0), `${day(0)}T120000Z`), 'ok'));
    expect(res.status).toBe(204);
    await target.upstream.handle({ method: 'DELETE', operation: 'DeleteObject', bucket, key: 'scoped.txt', query: {}, headers: {} });
  });

  it.each([
    ['an x-amz-date of another day than the scope', () => handForm(day(0), `${day(-1)}T120000Z`), /Date is not the same as X-Amz-Date/],
    ['a scope dated two days ahead of the gateway clock', () => handForm(day(2), `${day(2)}T000000Z`), /in the future/],
    ['a scope date that is not a calendar day', () => handForm('20241332', '20241332T000000Z'), /invalid date|Invalid credential/],
    ['no x-amz-date field', () => handForm(day(0), undefined), /'x-amz-date'/],
  ])('answers %s with InvalidArgument (400), nothing stored', async (_, fields, message) => {
    const res = await postForm(`${g.endpoint}/${bucket}`, formData(fields(), 'x'));
    expect([res.status, res.code]).toEqual([400, 'InvalidArgument']);
    expect(res.body).toMatch(message);
    expect(await upstreamKeys(target.upstream, bucket)).toEqual([]);
  });
});
