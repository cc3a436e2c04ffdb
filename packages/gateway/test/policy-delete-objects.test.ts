import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { DeleteObjectsCommand, GetObjectCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import { SigV4Signer } from '@s3kit/sigv4';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mapBuckets, type Identity, type Upstream, type UpstreamRequest } from '../src/index.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { localTarget, rgwTarget, type Target } from './support/targets.js';

// DeleteObjects authorized per key, as AWS does: denied keys come back as AccessDenied <Error>
// entries of a 200 DeleteResult and are never sent upstream; the allowed ones are deleted. Real
// signed requests through the gateway; what was deleted is read from the upstream directly.

const { rgw, reason } = await rgwOrSkip();
const ALICE = { name: 'alice', accessKeyId: 'AKIAPOLICYDELETE0001', secretAccessKey: 'alice-delete-secret-key-for-tests-000000' };
const V = '2012-10-17';
const md5 = (b: string | Uint8Array): string => createHash('md5').update(b).digest('base64');
const crc32b64 = (b: string | Uint8Array): string => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(b) >>> 0);
  return out.toString('base64');
};
const DENIED = (Key: string, VersionId?: string) => ({ Key, ...(VersionId === undefined ? {} : { VersionId }), Code: 'AccessDenied', Message: 'Access Denied' });

/** The DeleteObjects requests that reached the upstream, with their bodies as sent. */
interface Seen {
  headers: UpstreamRequest['headers'];
  body: string;
}

/** Wraps an upstream and records every DeleteObjects request it gets (headers and body). */
function recording(up: Upstream, seen: Seen[]): Upstream {
  return {
    async handle(req) {
      if (req.operation !== 'DeleteObjects') return up.handle(req);
      const chunks: Buffer[] = [];
      for await (const c of req.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
      const bytes = Buffer.concat(chunks);
      seen.push({ headers: req.headers, body: bytes.toString('utf8') });
      return up.handle({
        ...req,
        body: (async function* () {
          yield bytes;
        })(),
      });
    },
  };
}

function sdk(g: RunningGateway, creds: { accessKeyId: string; secretAccessKey: string }): AwsS3Client {
  return new AwsS3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: creds });
}

/** One raw DeleteObjects signed by alice (SigV4 header, hex SHA-256 of the body unless `payloadHash`). */
async function deleteRaw(g: RunningGateway, bucket: string, body: string, headers: Record<string, string>, payloadHash?: string): Promise<{ status: number; body: string }> {
  const s = new SigV4Signer({ credentials: ALICE, region: 'us-east-1' }).sign({
    method: 'POST',
    url: `${g.endpoint}/${bucket}?delete`,
    headers,
    body,
    ...(payloadHash === undefined ? {} : { payloadHash }),
  });
  const res = await fetch(s.url, { method: 'POST', headers: s.headers, body });
  return { status: res.status, body: await res.text() };
}

const deleteXml = (objects: readonly { Key: string; VersionId?: string }[], quiet = false): string =>
  `<Delete>${quiet ? '<Quiet>true</Quiet>' : ''}${objects.map((o) => `<Object><Key>${o.Key}</Key>${o.VersionId === undefined ? '' : `<VersionId>${o.VersionId}</VersionId>`}</Object>`).join('')}</Delete>`;

const policyOf = (...Statement: object[]): Partial<Identity> => ({ policies: [{ Version: V, Statement }] });
const ALLOW_TMP = { Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::*/tmp/*' };

describe('DeleteObjects per key through the gateway to the embedded store', () => {
  const B = 'delkeys';
  let target: Target;
  let g: RunningGateway;
  const seen: Seen[] = [];
  const put = async (key: string): Promise<void> => {
    const c = sdk(g, ADMIN);
    await c.send(new PutObjectCommand({ Bucket: B, Key: key, Body: `body of ${key}` }));
    c.destroy();
  };
  const exists = async (key: string): Promise<boolean> => (await target.stored(B, key)) !== undefined;

  beforeAll(async () => {
    target = await localTarget();
    g = await startGateway(recording(target.upstream, seen));
    await target.createBucket(B);
  });
  afterAll(async () => {
    await g?.close();
    await target?.close();
  });
  beforeEach(async () => {
    seen.length = 0;
    g.gateway.update({ identities: [ADMIN, { ...ALICE, ...policyOf(ALLOW_TMP) }] });
    for (const k of ['tmp/a', 'tmp/b', 'home/x', 'home/y']) await put(k);
  });

  it('mixed keys (AWS SDK, verbose): 200, allowed keys deleted, denied keys still there and listed as AccessDenied errors', async () => {
    const c = sdk(g, ALICE);
    const res = await c.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'tmp/a' }, { Key: 'home/x' }, { Key: 'tmp/b' }, { Key: 'home/y' }] } }));
    c.destroy();
    expect(res.Deleted?.map((d) => d.Key)).toEqual(['tmp/a', 'tmp/b']);
    expect(res.Errors).toEqual([DENIED('home/x'), DENIED('home/y')]);
    expect([await exists('tmp/a'), await exists('tmp/b'), await exists('home/x'), await exists('home/y')]).toEqual([false, false, true, true]);
    // The access log counts the denied keys (the answer itself is a 200).
    await expect.poll(() => g.log.filter((e) => e.operation === 'DeleteObjects').at(-1)?.deniedKeys).toBe(2);
    // The upstream got a <Delete> of the allowed keys only, with digests of those very bytes.
    expect(seen).toHaveLength(1);
    const sent = seen[0]!;
    expect(sent.body).not.toContain('home/');
    expect(sent.body).toContain('<Key>tmp/a</Key>');
    expect(sent.headers['content-md5']).toBe(md5(sent.body));
    expect(sent.headers['content-length']).toBe(String(Buffer.byteLength(sent.body)));
    for (const [name, value] of Object.entries(sent.headers)) {
      if (name === 'x-amz-checksum-crc32') expect(value).toBe(crc32b64(sent.body));
      else expect(name.startsWith('x-amz-checksum-')).toBe(false);
    }
  });

  it('every key denied: a DeleteResult of errors only, and the upstream is never asked', async () => {
    const body = deleteXml([{ Key: 'home/x' }, { Key: 'home/y', VersionId: 'null' }]);
    const r = await deleteRaw(g, B, body, { 'content-md5': md5(body) });
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/<DeleteResult xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/">/);
    expect(r.body).toContain(
      '<Error><Key>home/x</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error><Error><Key>home/y</Key><VersionId>null</VersionId><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>',
    );
    expect(r.body).not.toContain('<Deleted>');
    expect(seen).toHaveLength(0);
    expect([await exists('home/x'), await exists('home/y')]).toEqual([true, true]);
    await expect.poll(() => g.log.filter((e) => e.operation === 'DeleteObjects').at(-1)?.deniedKeys).toBe(2);
  });

  it('every key denied in a bucket that does not exist: NoSuchBucket (404), as S3 checks the bucket before the keys', async () => {
    const body = deleteXml([{ Key: 'home/x' }]);
    const r = await deleteRaw(g, 'no-such-bucket-here', body, { 'content-md5': md5(body) });
    expect([r.status, /<Code>(\w+)<\/Code>/.exec(r.body)?.[1]]).toEqual([404, 'NoSuchBucket']);
    expect(seen).toHaveLength(0);
  });

  it('Quiet mode: only the errors are listed (denied keys included), the allowed keys are deleted, Quiet reaches the upstream', async () => {
    const body = deleteXml([{ Key: 'tmp/a' }, { Key: 'home/x' }], true);
    const r = await deleteRaw(g, B, body, { 'content-md5': md5(body) });
    expect(r.status).toBe(200);
    expect(r.body).not.toContain('<Deleted>');
    expect(r.body).toContain('<Error><Key>home/x</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    expect(seen[0]?.body).toContain('<Quiet>true</Quiet>');
    expect([await exists('tmp/a'), await exists('home/x')]).toEqual([false, true]);
    const all = deleteXml([{ Key: 'home/x' }], true);
    expect((await deleteRaw(g, B, all, { 'content-md5': md5(all) })).body).toContain('<Error><Key>home/x</Key><Code>AccessDenied</Code>');
  });

  it('keys with a VersionId need s3:DeleteObjectVersion; errors from the upstream and from policies come back together in request order', async () => {
    g.gateway.update({ identities: [ADMIN, { ...ALICE, ...policyOf(ALLOW_TMP, { Effect: 'Allow', Action: 's3:DeleteObjectVersion', Resource: 'arn:aws:s3:::*/tmp/*' }) }] });
    // tmp/b version "v9": allowed by policy, refused by the store (not a version id it could have made: InvalidArgument, as S3).
    const body = deleteXml([{ Key: 'tmp/a', VersionId: 'null' }, { Key: 'tmp/b', VersionId: 'v9' }, { Key: 'home/x', VersionId: 'null' }, { Key: 'home/y' }]);
    const r = await deleteRaw(g, B, body, { 'content-md5': md5(body) });
    expect(r.status).toBe(200);
    const errors = [...r.body.matchAll(/<Error><Key>([^<]*)<\/Key>(?:<VersionId>([^<]*)<\/VersionId>)?<Code>([^<]*)<\/Code>/g)].map((m) => [m[1], m[2], m[3]]);
    expect(errors).toEqual([
      ['tmp/b', 'v9', 'InvalidArgument'],
      ['home/x', 'null', 'AccessDenied'],
      ['home/y', undefined, 'AccessDenied'],
    ]);
    expect([await exists('tmp/a'), await exists('tmp/b'), await exists('home/x'), await exists('home/y')]).toEqual([false, true, true, true]);
  });

  it('an explicit Deny on one key denies that key only', async () => {
    g.gateway.update({ identities: [ADMIN, { ...ALICE, ...policyOf({ ...ALLOW_TMP, Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${B}/tmp/b` }) }] });
    const c = sdk(g, ALICE);
    const res = await c.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'tmp/a' }, { Key: 'tmp/b' }, { Key: 'home/x' }] } }));
    c.destroy();
    expect(res.Deleted?.map((d) => d.Key)).toEqual(['tmp/a', 'home/x']);
    expect(res.Errors).toEqual([DENIED('tmp/b')]);
  });

  it("accepts the client's Content-MD5 (and x-amz-checksum-crc32) of the original body, though the upstream gets another body", async () => {
    const body = deleteXml([{ Key: 'tmp/a' }, { Key: 'home/x' }]);
    const r = await deleteRaw(g, B, body, { 'content-md5': md5(body) });
    expect(r.status).toBe(200);
    expect(seen[0]!.headers['content-md5']).toBe(md5(seen[0]!.body));
    expect(seen[0]!.headers['content-md5']).not.toBe(md5(body));
    const crcOnly = deleteXml([{ Key: 'tmp/b' }, { Key: 'home/y' }]);
    const r2 = await deleteRaw(g, B, crcOnly, { 'x-amz-checksum-crc32': crc32b64(crcOnly), 'x-amz-sdk-checksum-algorithm': 'CRC32' });
    expect(r2.status).toBe(200);
    // The store checks the x-amz-checksum-crc32 it got: it is the new body's.
    expect(seen[1]!.headers['x-amz-checksum-crc32']).toBe(crc32b64(seen[1]!.body));
    expect([await exists('tmp/a'), await exists('tmp/b'), await exists('home/x'), await exists('home/y')]).toEqual([false, false, true, true]);
  });

  it('an aws-chunked body with a CRC32 trailer: the upstream gets the rewritten body decoded, with its own length and x-amz-checksum-crc32', async () => {
    const body = deleteXml([{ Key: 'home/x' }, { Key: 'tmp/a' }]);
    const framed = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\nx-amz-checksum-crc32:${crc32b64(body)}\r\n\r\n`;
    const headers = {
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(Buffer.byteLength(body)),
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-sdk-checksum-algorithm': 'CRC32',
    };
    const r = await deleteRaw(g, B, framed, headers, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<Deleted><Key>tmp/a</Key></Deleted>');
    expect(r.body).toContain('<Error><Key>home/x</Key><Code>AccessDenied</Code>');
    const sent = seen[0]!;
    expect(sent.body.startsWith('<?xml')).toBe(true);
    expect([sent.headers['content-length'], sent.headers['x-amz-checksum-crc32'], sent.headers['x-s3kit-trailer'], sent.headers['content-encoding']]).toEqual([
      String(Buffer.byteLength(sent.body)),
      crc32b64(sent.body),
      undefined,
      undefined,
    ]);
    expect([await exists('tmp/a'), await exists('home/x')]).toEqual([false, true]);
  });

  it('refuses a body whose Content-MD5 does not match with BadDigest (400), one without any digest with InvalidRequest (400); nothing deleted', async () => {
    const body = deleteXml([{ Key: 'tmp/a' }, { Key: 'home/x' }]);
    const bad = await deleteRaw(g, B, body, { 'content-md5': md5('something else') });
    expect([bad.status, /<Code>(\w+)<\/Code>/.exec(bad.body)?.[1]]).toEqual([400, 'BadDigest']);
    const none = await deleteRaw(g, B, body, {});
    expect([none.status, /<Code>(\w+)<\/Code>/.exec(none.body)?.[1]]).toEqual([400, 'InvalidRequest']);
    expect(seen).toHaveLength(0);
    expect(await exists('tmp/a')).toBe(true);
  });

  it('every key allowed: a Content-MD5 that does not match is BadDigest (400) from the gateway itself, nothing deleted', async () => {
    const body = deleteXml([{ Key: 'tmp/a' }, { Key: 'tmp/b' }]);
    const bad = await deleteRaw(g, B, body, { 'content-md5': md5('something else') });
    expect([bad.status, /<Code>(\w+)<\/Code>/.exec(bad.body)?.[1]]).toEqual([400, 'BadDigest']);
    expect(seen).toHaveLength(0);
    expect([await exists('tmp/a'), await exists('tmp/b')]).toEqual([true, true]);
  });

  it('a body that fails its signed SHA-256 is answered XAmzContentSHA256Mismatch (400), not a DeleteResult; nothing deleted', async () => {
    const body = deleteXml([{ Key: 'tmp/a' }, { Key: 'home/x' }]);
    const r = await deleteRaw(g, B, body, { 'content-md5': md5(body) }, createHash('sha256').update('another body').digest('hex'));
    expect([r.status, /<Code>(\w+)<\/Code>/.exec(r.body)?.[1]]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    expect(seen).toHaveLength(0);
    expect(await exists('tmp/a')).toBe(true);
  });
});

describe.skipIf(!rgw)(`DeleteObjects per key with Ceph RGW as upstream ${reason}`, () => {
  let target: Target;
  let g: RunningGateway;
  let direct: AwsS3Client;
  const bucket = `delkeys-${Date.now().toString(36)}`;
  beforeAll(async () => {
    target = rgwTarget(rgw!);
    g = await startGateway(target.upstream);
    await target.createBucket(bucket);
    direct = new AwsS3Client({ endpoint: rgw!.endpoint, region: rgw!.region, forcePathStyle: true, credentials: { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey } });
    await direct.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  });
  afterAll(async () => {
    direct?.destroy();
    await g?.close();
    await target?.close();
  });

  const putVersion = async (key: string, body: string): Promise<string> => (await direct.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))).VersionId!;
  const version = async (key: string, versionId: string): Promise<string | undefined> => {
    try {
      return await (await direct.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }))).Body!.transformToString();
    } catch {
      return undefined;
    }
  };

  it('versioned keys: DeleteObjectVersion allowed on tmp/ only; RGW deletes those versions, the others stay and are listed as AccessDenied', async () => {
    g.gateway.update({
      identities: [
        ADMIN,
        {
          ...ALICE,
          ...policyOf(
            ALLOW_TMP,
            { Effect: 'Allow', Action: 's3:DeleteObjectVersion', Resource: `arn:aws:s3:::${bucket}/tmp/*` },
            { Effect: 'Allow', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${bucket}/home/*` },
          ),
        },
      ],
    });
    const tmpV1 = await putVersion('tmp/a', 'a1');
    const tmpV2 = await putVersion('tmp/a', 'a2');
    const homeV1 = await putVersion('home/x', 'x1');
    const c = sdk(g, ALICE);
    const res = await c.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: {
          Objects: [
            { Key: 'tmp/a', VersionId: tmpV1 },
            { Key: 'home/x', VersionId: homeV1 },
            { Key: 'tmp/a', VersionId: tmpV2 },
          ],
        },
      }),
    );
    c.destroy();
    expect(res.Deleted?.map((d) => `${d.Key}@${d.VersionId}`).sort()).toEqual([`tmp/a@${tmpV1}`, `tmp/a@${tmpV2}`].sort());
    expect(res.Errors).toEqual([DENIED('home/x', homeV1)]);
    expect([await version('tmp/a', tmpV1), await version('tmp/a', tmpV2), await version('home/x', homeV1)]).toEqual([undefined, undefined, 'x1']);
  });

  it('mixed keys in Quiet mode with the client Content-MD5 of the original body: RGW takes the rewritten body, the denied key stays', async () => {
    g.gateway.update({ identities: [ADMIN, { ...ALICE, ...policyOf(ALLOW_TMP) }] });
    const tmpV = await putVersion('tmp/q', 'q');
    const keepV = await putVersion('keep/q', 'k');
    const body = deleteXml([{ Key: 'tmp/q' }, { Key: 'keep/q' }], true);
    const r = await deleteRaw(g, bucket, body, { 'content-md5': md5(body) });
    expect(r.status).toBe(200);
    expect(r.body).not.toContain('<Deleted>');
    expect([...r.body.matchAll(/<Error><Key>([^<]*)<\/Key><Code>AccessDenied<\/Code>/g)].map((m) => m[1])).toEqual(['keep/q']);
    // Unversioned delete on a versioned bucket: tmp/q got a delete marker (no current version), keep/q did not.
    await expect(direct.send(new GetObjectCommand({ Bucket: bucket, Key: 'tmp/q' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(await (await direct.send(new GetObjectCommand({ Bucket: bucket, Key: 'keep/q' }))).Body!.transformToString()).toBe('k');
    expect([await version('tmp/q', tmpV), await version('keep/q', keepV)]).toEqual(['q', 'k']);
  });

  it('every key denied in a bucket RGW does not have: NoSuchBucket (404) from the upstream HeadBucket', async () => {
    g.gateway.update({ identities: [ADMIN, { ...ALICE, ...policyOf(ALLOW_TMP) }] });
    const body = deleteXml([{ Key: 'home/x' }]);
    const r = await deleteRaw(g, `missing-${Date.now().toString(36)}`, body, { 'content-md5': md5(body) });
    expect([r.status, /<Code>(\w+)<\/Code>/.exec(r.body)?.[1]]).toEqual([404, 'NoSuchBucket']);
  });
});

describe('DeleteObjects through a key-prefix bucket mapping (which rewrites the body with a fresh digest)', () => {
  it('a corrupted body with a stale Content-MD5 is refused with BadDigest before the mapping rewrites it; nothing deleted', async () => {
    const target = await localTarget();
    await target.createBucket('backing');
    const g = await startGateway(mapBuckets(target.upstream, [{ bucket: 'mapped', upstreamBucket: 'backing', prefix: 'tenant/' }]), {
      identities: [{ ...ALICE, allow: [{ bucket: '*', access: 'readwrite' }] }],
    });
    try {
      const c = sdk(g, ALICE);
      await c.send(new PutObjectCommand({ Bucket: 'mapped', Key: 'tmp/a', Body: 'a' }));
      c.destroy();
      const body = deleteXml([{ Key: 'tmp/a' }]);
      const bad = await deleteRaw(g, 'mapped', body, { 'content-md5': md5(deleteXml([{ Key: 'tmp/other' }])) });
      expect([bad.status, /<Code>(\w+)<\/Code>/.exec(bad.body)?.[1]]).toEqual([400, 'BadDigest']);
      expect(await target.stored('backing', 'tenant/tmp/a')).toBeDefined();
      const ok = await deleteRaw(g, 'mapped', body, { 'content-md5': md5(body) });
      expect(ok.status).toBe(200);
      expect(await target.stored('backing', 'tenant/tmp/a')).toBeUndefined();
    } finally {
      await g.close();
      await target.close();
    }
  });
});
