import { createHash } from 'node:crypto';
import { encodeMultipart, rgwOrSkip, type MultipartPart } from '@s3kit/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './support/gateway-server.js';
import { emptyBucket, formData, postForm, postRaw, upstreamBytes, upstreamHead, upstreamKeys } from './support/post-forms.js';
import { localTarget, upstreamKinds, type Target } from './support/targets.js';

// Anonymous forms (no policy, no signature): S3 stores them when a bucket policy or ACL lets
// anyone write the key. Here the gateway's bucket policy (Principal "*") and its `anonymous`
// allow-list decide; no policy conditions apply.
const { rgw, reason } = await rgwOrSkip();
const md5 = (b: string | Uint8Array): string => createHash('md5').update(b).digest('hex');

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(noUpstream)(`anonymous POST forms through the gateway to ${name}`, () => {
    let target: Target;
    let g: RunningGateway;
    const bucket = `anon-${Date.now().toString(36)}`;
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream, {
        bucketPolicies: {
          [bucket]: {
            Version: '2012-10-17',
            Statement: [{ Sid: 'PublicDrop', Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/drop/*` }],
          },
        },
      });
      await target.createBucket(bucket);
    });
    afterAll(async () => {
      await g?.close();
      await target?.close();
    });
    beforeEach(async () => emptyBucket(target.upstream, bucket));
    const url = (): string => `${g.endpoint}/${bucket}`;

    it('stores a form a bucket policy lets anyone write (key with ${filename}, Content-Type, metadata, 201 PostResponse)', async () => {
      const fields = { key: 'drop/${filename}', 'Content-Type': 'text/plain', 'x-amz-meta-from': 'anonymous', success_action_status: '201' };
      const res = await postForm(url(), formData(fields, 'anonymous bytes', 'C:\\Users\\x\\note.txt'));
      expect(res.status).toBe(201);
      expect(res.body).toBe(
        `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${g.endpoint}/${bucket}/drop/note.txt</Location><Bucket>${bucket}</Bucket>` +
          `<Key>drop/note.txt</Key><ETag>&quot;${md5('anonymous bytes')}&quot;</ETag></PostResponse>`,
      );
      expect((await upstreamBytes(target.upstream, bucket, 'drop/note.txt'))?.toString()).toBe('anonymous bytes');
      const head = await upstreamHead(target.upstream, bucket, 'drop/note.txt');
      expect([head?.['content-type'], head?.['x-amz-meta-from']]).toEqual(['text/plain', 'anonymous']);
      expect(g.log.at(-1)?.identity).toBe('anonymous');
    });

    it('answers AccessDenied (403) for a key the bucket policy does not open, and stores nothing', async () => {
      const res = await postForm(url(), formData({ key: 'private/x.bin' }, new Blob([new Uint8Array(200_000)])));
      expect([res.status, res.code]).toEqual([403, 'AccessDenied']);
      expect(await upstreamKeys(target.upstream, bucket)).toEqual([]);
    });

    it('answers 303 to success_action_redirect and 204 by default', async () => {
      const r303 = await postForm(url(), formData({ key: 'drop/r.txt', success_action_redirect: 'https://app.example/ok' }, 'r'));
      expect(r303.status).toBe(303);
      expect(r303.headers['location']).toBe(`https://app.example/ok?bucket=${bucket}&key=drop%2Fr.txt&etag=${encodeURIComponent(`"${md5('r')}"`)}`);
      const r204 = await postForm(url(), formData({ key: 'drop/d.txt' }, 'd'));
      expect([r204.status, r204.headers['etag']]).toEqual([204, `"${md5('d')}"`]);
    });

    const file = (data: Uint8Array | string = 'x'): MultipartPart => ({ filename: 'a.txt', contentType: 'text/plain', data });
    it.each<[string, MultipartPart[], string, number, number?]>([
      ['no key field', [['Content-Type', 'text/plain'], file()], 'InvalidArgument', 400],
      ['a key empty after ${filename}', [['key', '${filename}'], { filename: '', data: 'x' }], 'UserKeyMustBeSpecified', 400],
      ['a duplicate field', [['key', 'drop/a'], ['KEY', 'drop/b'], file()], 'InvalidArgument', 400],
      ['no file part', [['key', 'drop/a']], 'IncorrectNumberOfFilesInPostRequest', 400],
      ['a second file after 300 kB of the first', [['key', 'drop/a'], file(new Uint8Array(300_000)), file('b')], 'IncorrectNumberOfFilesInPostRequest', 400],
      [
        'a declared SHA-256 the file does not match',
        [['key', 'drop/a'], ['x-amz-checksum-sha256', createHash('sha256').update('other').digest('base64')], file(new Uint8Array(300_000))],
        'BadDigest',
        400,
      ],
      ['fields over 20 KiB before the file', [['key', 'drop/a'], ['x-ignore-big', 'y'.repeat(21_000)], file()], 'MaxPostPreDataLengthExceededError', 400],
      ['a body cut inside the file', [['key', 'drop/a'], file(new Uint8Array(300_000))], 'MalformedPOSTRequest', 400, 100_000],
    ])('answers an anonymous form with %s: %s, nothing stored', async (_, parts, code, status, cut) => {
      let { body, contentType } = encodeMultipart(parts);
      if (cut !== undefined) body = body.slice(0, body.length - cut);
      const r = await postRaw(g.port, `/${bucket}`, { body, contentType });
      expect([r.code, r.status]).toEqual([code, status]);
      expect(await upstreamKeys(target.upstream, bucket)).toEqual([]);
    });

    it('stores a file whose declared SHA-256 matches, with the checksum field kept as a header', async () => {
      const data = new Uint8Array(120_000).map((_, i) => i & 0xff);
      const fields = { key: 'drop/sum.bin', 'x-amz-checksum-sha256': createHash('sha256').update(data).digest('base64') };
      const res = await postForm(url(), formData(fields, new Blob([data])));
      expect(res.status).toBe(204);
      expect((await upstreamBytes(target.upstream, bucket, 'drop/sum.bin'))?.equals(Buffer.from(data))).toBe(true);
    });
  });
}

describe('anonymous POST forms and the anonymous allow-list', () => {
  let target: Target;
  let g: RunningGateway;
  const bucket = 'anon-allow-list';
  beforeAll(async () => {
    target = await localTarget();
    g = await startGateway(target.upstream, { anonymous: { allow: [{ bucket, access: 'write' }] } });
    await target.createBucket(bucket);
    await target.createBucket('anon-closed');
  });
  afterAll(async () => {
    await g?.close();
    await target?.close();
  });

  it('stores an anonymous form in a bucket the allow-list opens, and refuses one elsewhere (AccessDenied 403, nothing stored)', async () => {
    const ok = await postForm(`${g.endpoint}/${bucket}`, formData({ key: 'open.txt' }, 'open'));
    expect(ok.status).toBe(204);
    expect((await upstreamBytes(target.upstream, bucket, 'open.txt'))?.toString()).toBe('open');
    const closed = await postForm(`${g.endpoint}/anon-closed`, formData({ key: 'shut.txt' }, 'shut'));
    expect([closed.status, closed.code]).toEqual([403, 'AccessDenied']);
    expect(await upstreamKeys(target.upstream, 'anon-closed')).toEqual([]);
  });
});
