import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client, type ObjectItem } from '../src/node.js';
import { startLocalGateway } from './gateway-local.js';
import { bucketName, cleanBucket, client, reason, rgw, s3Code } from './helpers.js';

// Object configuration (tags, legal hold, retention, attributes, restore) against Ceph RGW directly
// and through the gateway on its embedded store (test/gateway-local.ts).

interface Upstream {
  name: string;
  rgw: boolean;
  s3: S3Client;
  /** For other clients (boto3). */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  close(): Promise<void>;
}

async function embeddedGateway(): Promise<Upstream> {
  const g = await startLocalGateway();
  const s3 = g.client();
  return {
    name: 'the gateway on the embedded store',
    rgw: false,
    s3,
    endpoint: g.endpoint,
    accessKey: g.accessKeyId,
    secretKey: g.secretAccessKey,
    region: 'us-east-1',
    close: async () => (await s3.close(), await g.close()),
  };
}

async function direct(): Promise<Upstream> {
  const s3 = client();
  return { name: 'Ceph RGW', rgw: true, s3, endpoint: rgw!.endpoint, accessKey: rgw!.accessKeyId, secretKey: rgw!.secretAccessKey, region: rgw!.region, close: () => s3.close() };
}

const kinds: Array<[string, () => Promise<Upstream>, boolean]> = [
  ['the gateway on the embedded store', embeddedGateway, true],
  [`Ceph RGW ${reason}`, direct, !!rgw],
];

describe.each(kinds)('object configuration on %s', (_name, start, enabled) => {
  if (!enabled) {
    it.skipIf(true)('needs Ceph RGW', () => undefined);
    return;
  }
  let up: Upstream;
  let s3: S3Client;
  const locked = bucketName('ocfg-lock');
  const plain = bucketName('ocfg-plain');
  beforeAll(async () => {
    up = await start();
    s3 = up.s3;
    await s3.makeBucket(locked, { objectLocking: true });
    await s3.makeBucket(plain);
  });
  afterAll(async () => {
    // Retained versions cannot go: lift GOVERNANCE retention with the bypass first.
    for await (const o of s3.listObjects(locked, { recursive: true, includeVersion: true })) {
      if ('key' in o && o.versionId && !o.isDeleteMarker) {
        await s3.disableObjectLegalHold(locked, o.key, { versionId: o.versionId }).catch(() => undefined);
        await s3.removeObject(locked, o.key, { versionId: o.versionId, governanceBypass: true }).catch(() => undefined);
      }
    }
    await cleanBucket(s3, locked);
    await cleanBucket(s3, plain);
    await up.close();
  });

  it('object tags: set, get, change, delete, per version', async () => {
    const v1 = (await s3.putObject(locked, 'tags.txt', 'one')).versionId!;
    const v2 = (await s3.putObject(locked, 'tags.txt', 'two')).versionId!;
    expect(v1).toBeTruthy();
    expect(await s3.getObjectTags(locked, 'tags.txt')).toEqual({});
    await s3.setObjectTags(locked, 'tags.txt', { team: 'a b', 'x/y': 'é=1' });
    expect(await s3.getObjectTags(locked, 'tags.txt')).toEqual({ team: 'a b', 'x/y': 'é=1' });
    await s3.setObjectTags(locked, 'tags.txt', { old: '1' }, { versionId: v1 });
    expect(await s3.getObjectTags(locked, 'tags.txt', { versionId: v1 })).toEqual({ old: '1' });
    expect(await s3.getObjectTags(locked, 'tags.txt', { versionId: v2 })).toEqual({ team: 'a b', 'x/y': 'é=1' });
    await s3.setObjectTags(locked, 'tags.txt', { team: 'b' });
    expect(await s3.getObjectTags(locked, 'tags.txt')).toEqual({ team: 'b' });
    await s3.deleteObjectTags(locked, 'tags.txt');
    // RGW 16.2 answers DeleteObjectTagging without versionId on a versioned bucket with 204 but keeps the tags.
    expect(await s3.getObjectTags(locked, 'tags.txt')).toEqual(up.rgw ? { team: 'b' } : {});
    await s3.deleteObjectTags(locked, 'tags.txt', { versionId: v2 });
    expect(await s3.getObjectTags(locked, 'tags.txt')).toEqual({});
    expect(await s3.getObjectTags(locked, 'tags.txt', { versionId: v1 })).toEqual({ old: '1' });
    await s3.deleteObjectTags(locked, 'tags.txt', { versionId: v1 });
    expect(await s3.getObjectTags(locked, 'tags.txt', { versionId: v1 })).toEqual({});
  });

  it('object tags: NoSuchKey, NoSuchVersion, InvalidTag', async () => {
    expect(await s3Code(s3.getObjectTags(plain, 'missing'))).toEqual(['NoSuchKey', 404]);
    expect(await s3Code(s3.setObjectTags(plain, 'missing', { a: '1' }))).toEqual(['NoSuchKey', 404]);
    await s3.putObject(locked, 'tv.txt', 'x');
    // A well-formed version id of another key: NoSuchVersion (S3); a malformed one: InvalidArgument (S3).
    const other = (await s3.putObject(locked, 'tv-other.txt', 'y')).versionId!;
    const missing = await s3Code(s3.getObjectTags(locked, 'tv.txt', { versionId: other }));
    const malformed = await s3Code(s3.getObjectTags(locked, 'tv.txt', { versionId: 'not-a-version' }));
    expect([missing, malformed]).toEqual(
      up.rgw
        ? [
            ['NoSuchKey', 404],
            ['NoSuchKey', 404],
          ]
        : [
            ['NoSuchVersion', 404],
            ['InvalidArgument', 400],
          ],
    );
    const tooMany = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    const r = await s3Code(s3.setObjectTags(plain, 'missing', tooMany));
    expect(r === 'resolved' ? r : r[1]).toBe(up.rgw ? 404 : 400);
  });

  it('legal hold: enable, read, disable, per version; OFF when never set', async () => {
    const v1 = (await s3.putObject(locked, 'hold.txt', 'one')).versionId!;
    const v2 = (await s3.putObject(locked, 'hold.txt', 'two')).versionId!;
    expect(await s3.isObjectLegalHoldEnabled(locked, 'hold.txt')).toBe(false);
    await s3.enableObjectLegalHold(locked, 'hold.txt', { versionId: v1 });
    expect(await s3.isObjectLegalHoldEnabled(locked, 'hold.txt', { versionId: v1 })).toBe(true);
    expect(await s3.isObjectLegalHoldEnabled(locked, 'hold.txt', { versionId: v2 })).toBe(false);
    // A held version cannot be deleted, bypass or not.
    expect(await s3Code(s3.removeObject(locked, 'hold.txt', { versionId: v1, governanceBypass: true }))).toEqual(['AccessDenied', 403]);
    await s3.disableObjectLegalHold(locked, 'hold.txt', { versionId: v1 });
    expect(await s3.isObjectLegalHoldEnabled(locked, 'hold.txt', { versionId: v1 })).toBe(false);
    await s3.removeObject(locked, 'hold.txt', { versionId: v1 });
  });

  it('legal hold on a bucket without object lock: InvalidRequest (400); missing key: NoSuchKey', async () => {
    await s3.putObject(plain, 'p.txt', 'x');
    expect(await s3Code(s3.enableObjectLegalHold(plain, 'p.txt'))).toEqual(['InvalidRequest', 400]);
    expect(await s3Code(s3.isObjectLegalHoldEnabled(plain, 'p.txt'))).toEqual(['InvalidRequest', 400]);
    expect(await s3Code(s3.enableObjectLegalHold(locked, 'missing'))).toEqual(['NoSuchKey', 404]);
  });

  it('retention: set GOVERNANCE, read back, extend, shorten only with bypass; delete needs bypass', async () => {
    const v = (await s3.putObject(locked, 'ret.txt', 'x')).versionId!;
    expect(await s3.getObjectRetention(locked, 'ret.txt', { versionId: v })).toBeUndefined();
    const until = new Date(Date.now() + 3600_000);
    until.setUTCMilliseconds(0);
    await s3.setObjectRetention(locked, 'ret.txt', { mode: 'GOVERNANCE', retainUntilDate: until }, { versionId: v });
    const got = await s3.getObjectRetention(locked, 'ret.txt', { versionId: v });
    expect(got?.mode).toBe('GOVERNANCE');
    // Whole seconds set are read back as the same instant on both (RGW 16.2 writes its own date format).
    expect(got?.retainUntilDate.getTime()).toBe(until.getTime());
    const later = new Date(until.getTime() + 3600_000);
    await s3.setObjectRetention(locked, 'ret.txt', { mode: 'GOVERNANCE', retainUntilDate: later }, { versionId: v });
    expect((await s3.getObjectRetention(locked, 'ret.txt'))?.retainUntilDate.getTime()).toBe(later.getTime());
    expect(await s3Code(s3.setObjectRetention(locked, 'ret.txt', { mode: 'GOVERNANCE', retainUntilDate: until }, { versionId: v }))).toEqual(['AccessDenied', 403]);
    await s3.setObjectRetention(locked, 'ret.txt', { mode: 'GOVERNANCE', retainUntilDate: until }, { versionId: v, governanceBypass: true });
    expect((await s3.getObjectRetention(locked, 'ret.txt', { versionId: v }))?.retainUntilDate.getTime()).toBe(until.getTime());
    expect(await s3Code(s3.removeObject(locked, 'ret.txt', { versionId: v }))).toEqual(['AccessDenied', 403]);
    await s3.removeObject(locked, 'ret.txt', { versionId: v, governanceBypass: true });
  });

  it('clearObjectRetention removes a GOVERNANCE retention with the bypass only (RGW 16.2: MalformedXML, it cannot remove one)', async () => {
    const v = (await s3.putObject(locked, 'clear.txt', 'x')).versionId!;
    await s3.setObjectRetention(locked, 'clear.txt', { mode: 'GOVERNANCE', retainUntilDate: new Date(Date.now() + 3600_000) }, { versionId: v });
    const plainClear = await s3Code(s3.clearObjectRetention(locked, 'clear.txt', { versionId: v }));
    const bypassClear = await s3Code(s3.clearObjectRetention(locked, 'clear.txt', { versionId: v, governanceBypass: true }));
    expect([plainClear, bypassClear]).toEqual(
      up.rgw
        ? [
            ['MalformedXML', 400],
            ['MalformedXML', 400],
          ]
        : [['AccessDenied', 403], 'resolved'],
    );
    if (!up.rgw) {
      expect(await s3.getObjectRetention(locked, 'clear.txt', { versionId: v })).toBeUndefined();
      await s3.removeObject(locked, 'clear.txt', { versionId: v });
    }
  });

  it('retention errors: bucket without object lock InvalidRequest; NoSuchKey; past date InvalidArgument/InvalidRequest', async () => {
    await s3.putObject(plain, 'r.txt', 'x');
    const until = new Date(Date.now() + 3600_000);
    expect(await s3Code(s3.setObjectRetention(plain, 'r.txt', { mode: 'GOVERNANCE', retainUntilDate: until }))).toEqual(['InvalidRequest', 400]);
    expect(await s3Code(s3.getObjectRetention(plain, 'r.txt'))).toEqual(['InvalidRequest', 400]);
    expect(await s3Code(s3.setObjectRetention(locked, 'missing', { mode: 'GOVERNANCE', retainUntilDate: until }))).toEqual(['NoSuchKey', 404]);
    await s3.putObject(locked, 'past.txt', 'x');
    const past = await s3Code(s3.setObjectRetention(locked, 'past.txt', { mode: 'GOVERNANCE', retainUntilDate: new Date(Date.now() - 3600_000) }));
    expect(past === 'resolved' ? past : past[1]).toBe(400);
    await expect(s3.setObjectRetention(locked, 'past.txt', { mode: 'BAD' as 'GOVERNANCE', retainUntilDate: until })).rejects.toThrow(TypeError);
  });

  it('getObjectAttributes: ETag, size, storage class, parts of a multipart object (RGW 16.2: not implemented)', async () => {
    const put = await s3.putObject(plain, 'attrs.txt', 'hello world');
    if (up.rgw) {
      // RGW 16.2 has no GetObjectAttributes: `?attributes` is a GetObject, whose body the client rejects as MalformedXML.
      expect(await s3Code(s3.getObjectAttributes(plain, 'attrs.txt'))).toEqual(['MalformedXML', 400]);
      return;
    }
    const a = await s3.getObjectAttributes(plain, 'attrs.txt');
    expect(a).toMatchObject({ etag: put.etag, size: 11, storageClass: 'STANDARD', deleteMarker: false });
    const only = await s3.getObjectAttributes(plain, 'attrs.txt', { attributes: ['ObjectSize'] });
    expect(only.size).toBe(11);
    expect(only.etag).toBeUndefined();
    expect(await s3Code(s3.getObjectAttributes(plain, 'missing'))).toEqual(['NoSuchKey', 404]);
    // A multipart object uploaded without checksums (the client sends none): S3 answers only PartsCount
    // (the per-part list is for uploads with additional checksums), whatever maxParts says.
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    await s3.putObject(plain, 'attrs-mp', big, { partSize: 5 * 1024 * 1024 });
    const mp = await s3.getObjectAttributes(plain, 'attrs-mp', { attributes: ['ObjectParts', 'ObjectSize', 'ETag'], maxParts: 1 });
    expect(mp.size).toBe(big.byteLength);
    expect(mp.etag).toMatch(/-2$/);
    expect(mp.parts).toMatchObject({ partsCount: 2, isTruncated: false, parts: [] });
  });

  it('deleteObjects: versions, quiet, per-key ETag condition, retained version needs the bypass', async () => {
    const a1 = await s3.putObject(locked, 'del/a', 'one');
    const a2 = await s3.putObject(locked, 'del/a', 'two');
    const b = await s3.putObject(locked, 'del/b', 'bee');
    const r = await s3.deleteObjects(locked, [{ key: 'del/a', versionId: a1.versionId! }, 'del/c']);
    expect(r.errors).toEqual([]);
    expect(r.deleted.find((d) => d.key === 'del/a')).toMatchObject({ versionId: a1.versionId, deleteMarker: false });
    // Without a version id on a versioned bucket: a delete marker.
    expect(r.deleted.find((d) => d.key === 'del/c')).toMatchObject({ deleteMarker: true, deleteMarkerVersionId: expect.any(String) });
    // Quiet: nothing reported for the deleted keys.
    expect(await s3.deleteObjects(locked, [{ key: 'del/a', versionId: a2.versionId! }], { quiet: true })).toEqual({ deleted: [], errors: [] });
    // Per-key ETag: S3 (and the store) refuse a mismatch with PreconditionFailed; RGW 16.2 ignores <ETag> and deletes.
    const cond = await s3.deleteObjects(locked, [{ key: 'del/b', versionId: b.versionId!, etag: '0123456789abcdef0123456789abcdef' }]);
    if (up.rgw) expect(cond.deleted.map((d) => d.versionId)).toEqual([b.versionId]);
    else {
      expect(cond.errors).toEqual([expect.objectContaining({ key: 'del/b', code: 'PreconditionFailed' })]);
      const ok = await s3.deleteObjects(locked, [{ key: 'del/b', versionId: b.versionId!, etag: b.etag }]);
      expect(ok.deleted.map((d) => d.versionId)).toEqual([b.versionId]);
    }
    // A GOVERNANCE-retained version: AccessDenied per key without the bypass, deleted with it.
    const until = new Date(Date.now() + 3600_000);
    const kept = await s3.putObject(locked, 'del/kept', 'k');
    await s3.setObjectRetention(locked, 'del/kept', { mode: 'GOVERNANCE', retainUntilDate: until }, { versionId: kept.versionId! });
    const denied = await s3.deleteObjects(locked, [{ key: 'del/kept', versionId: kept.versionId! }]);
    expect(denied.errors).toEqual([expect.objectContaining({ key: 'del/kept', code: 'AccessDenied' })]);
    const bypass = await s3.deleteObjects(locked, [{ key: 'del/kept', versionId: kept.versionId! }], { governanceBypass: true });
    expect(bypass).toMatchObject({ errors: [], deleted: [{ key: 'del/kept', versionId: kept.versionId }] });
    await expect(s3.deleteObjects(locked, [])).rejects.toMatchObject({ code: 'MalformedXML' });
  });

  it('listObjects({ includeVersion }) lists versions and delete markers newest first', async () => {
    const v1 = await s3.putObject(locked, 'lv/k', 'one');
    const v2 = await s3.putObject(locked, 'lv/k', 'two');
    await s3.removeObject(locked, 'lv/k');
    const items: ObjectItem[] = [];
    for await (const o of s3.listObjects(locked, { prefix: 'lv/', recursive: true, includeVersion: true, pageSize: 1 })) if ('key' in o) items.push(o);
    expect(items.map((i) => [i.isDeleteMarker ?? false, i.isLatest])).toEqual([
      [true, true],
      [false, false],
      [false, false],
    ]);
    expect(items.slice(1).map((i) => i.versionId)).toEqual([v2.versionId, v1.versionId]);
    // includeUserMeta is MinIO's: both upstreams ignore metadata=true (no metadata on the items).
    for await (const o of s3.listObjects(locked, { prefix: 'tags.txt', recursive: true, includeUserMeta: true })) expect('key' in o && o.metadata).toEqual({});
  });

  it('cross-client: boto3 reads back the tags, legal hold and retention @s3kit/client set, and the other way round', async () => {
    const v = (await s3.putObject(locked, 'xc.txt', 'x')).versionId!;
    const until = new Date(Date.now() + 7200_000);
    until.setUTCMilliseconds(0);
    await s3.setObjectTags(locked, 'xc.txt', { team: 'a b', k: 'v' }, { versionId: v });
    await s3.enableObjectLegalHold(locked, 'xc.txt', { versionId: v });
    await s3.setObjectRetention(locked, 'xc.txt', { mode: 'GOVERNANCE', retainUntilDate: until }, { versionId: v });
    const script = `
import json, sys, boto3
from botocore.config import Config
ep, ak, sk, region, b, k, v = sys.argv[1:8]
s3 = boto3.client("s3", endpoint_url=ep, aws_access_key_id=ak, aws_secret_access_key=sk, region_name=region,
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
tags = s3.get_object_tagging(Bucket=b, Key=k, VersionId=v)["TagSet"]
hold = s3.get_object_legal_hold(Bucket=b, Key=k, VersionId=v)["LegalHold"]["Status"]
ret = s3.get_object_retention(Bucket=b, Key=k, VersionId=v)["Retention"]
s3.put_object_tagging(Bucket=b, Key=k, VersionId=v, Tagging={"TagSet": [{"Key": "from", "Value": "boto3"}]})
s3.put_object_legal_hold(Bucket=b, Key=k, VersionId=v, LegalHold={"Status": "OFF"})
print(json.dumps({"tags": {t["Key"]: t["Value"] for t in tags}, "hold": hold, "mode": ret["Mode"], "until": ret["RetainUntilDate"].timestamp()}))
`;
    const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', script, up.endpoint, up.accessKey, up.secretKey, up.region, locked, 'xc.txt', v]);
    expect(JSON.parse(stdout)).toEqual({ tags: { team: 'a b', k: 'v' }, hold: 'ON', mode: 'GOVERNANCE', until: until.getTime() / 1000 });
    expect(await s3.getObjectTags(locked, 'xc.txt', { versionId: v })).toEqual({ from: 'boto3' });
    expect(await s3.isObjectLegalHoldEnabled(locked, 'xc.txt', { versionId: v })).toBe(false);
  });

  it('restoreObject on a STANDARD object: InvalidObjectState (403)', async () => {
    await s3.putObject(plain, 'restore.txt', 'x');
    const r = await s3Code(s3.restoreObject(plain, 'restore.txt', { days: 1, tier: 'Standard' }));
    // RGW 16.2 has no RestoreObject (501 NotImplemented).
    expect(r).toEqual(up.rgw ? ['NotImplemented', 501] : ['InvalidObjectState', 403]);
  });
});

describe("canned answers: MinIO's <UserMetadata>/<UserTags> in listings, S3's GetObjectAttributes parts page", () => {
  // A canned MinIO answer (the shape MinIO writes with metadata=true), served locally.
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><EncodingType>url</EncodingType>
<Contents><Key>a.txt</Key><LastModified>2026-12-06T20:00:00.000Z</LastModified><ETag>&#34;0cc175b9c0f1b6a831c399e269772661&#34;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass><UserMetadata><X-Amz-Meta-Owner>J &amp; K</X-Amz-Meta-Owner><content-type>text/plain</content-type><X-Amz-Meta-Empty/></UserMetadata><UserTags>team=a%20b&amp;k=v</UserTags></Contents>
<Contents><Key>b.txt</Key><LastModified>2026-12-06T20:00:00.000Z</LastModified><ETag>&#34;92eb5ffee6ae2fec3ad71c777531578f&#34;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>
</ListBucketResult>`;
  const versions = `<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>
<Version><Key>a.txt</Key><VersionId>v2</VersionId><IsLatest>true</IsLatest><LastModified>2026-12-06T20:00:02.000Z</LastModified><ETag>"e2"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass><UserMetadata><X-Amz-Meta-N>2</X-Amz-Meta-N></UserMetadata></Version>
<Version><Key>a.txt</Key><VersionId>v1</VersionId><IsLatest>false</IsLatest><LastModified>2026-12-06T20:00:01.000Z</LastModified><ETag>"e1"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass><UserMetadata><X-Amz-Meta-N>1</X-Amz-Meta-N></UserMetadata><UserTags>t=1</UserTags></Version>
</ListVersionsResult>`;
  let server: Server;
  let s3: S3Client;
  let query = '';
  let headers: Record<string, string | string[] | undefined> = {};
  // An S3 GetObjectAttributes answer for a multipart upload with CRC32 checksums (API reference shape).
  const attributes = `<?xml version="1.0" encoding="UTF-8"?>
<GetObjectAttributesResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ETag>abc-3</ETag><Checksum><ChecksumCRC32>AAAAAA==-3</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType></Checksum><ObjectParts><PartNumberMarker>1</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>1</MaxParts><IsTruncated>true</IsTruncated><PartsCount>3</PartsCount><Part><PartNumber>2</PartNumber><Size>5242880</Size><ChecksumCRC32>BBBBBB==</ChecksumCRC32></Part></ObjectParts><StorageClass>STANDARD</StorageClass><ObjectSize>10485761</ObjectSize></GetObjectAttributesResponse>`;
  beforeAll(async () => {
    const { createServer } = await import('node:http');
    server = createServer((req, res) => {
      query = req.url ?? '';
      if (query.includes('attributes')) {
        headers = req.headers;
        res.writeHead(200, { 'content-type': 'application/xml', 'x-amz-version-id': 'v1', 'last-modified': 'Sun, 06 Dec 2026 20:00:00 GMT' }).end(attributes);
      } else res.writeHead(200, { 'content-type': 'application/xml' }).end(query.includes('versions') ? versions : body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    s3 = new S3Client({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, accessKey: 'k', secretKey: 's', region: 'us-east-1' });
  });
  afterAll(async () => {
    await s3.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('metadata and tags land on the items; keys without them get {}', async () => {
    const items: ObjectItem[] = [];
    for await (const o of s3.listObjects('minio-bucket', { recursive: true, includeUserMeta: true })) if ('key' in o) items.push(o);
    expect(query).toContain('metadata=true');
    expect(items[0]).toMatchObject({
      key: 'a.txt',
      etag: '0cc175b9c0f1b6a831c399e269772661',
      metadata: { 'X-Amz-Meta-Owner': 'J & K', 'content-type': 'text/plain', 'X-Amz-Meta-Empty': '' },
      tags: { team: 'a b', k: 'v' },
    });
    expect(items[1]).toMatchObject({ key: 'b.txt', metadata: {} });
    expect(items[1]!.tags).toBeUndefined();
  });

  it('includeUserMeta with includeVersion: each version gets its own metadata and tags', async () => {
    const items: ObjectItem[] = [];
    for await (const o of s3.listObjects('minio-bucket', { recursive: true, includeVersion: true, includeUserMeta: true })) if ('key' in o) items.push(o);
    expect(query).toContain('metadata=true');
    expect(items.map((i) => [i.versionId, i.metadata, i.tags])).toEqual([
      ['v2', { 'X-Amz-Meta-N': '2' }, undefined],
      ['v1', { 'X-Amz-Meta-N': '1' }, { t: '1' }],
    ]);
  });

  it('getObjectAttributes: typed checksums and a page of parts; the paging headers are sent', async () => {
    const a = await s3.getObjectAttributes('minio-bucket', 'k', { maxParts: 1, partNumberMarker: 1, versionId: 'v1' });
    expect(headers['x-amz-object-attributes']).toBe('ETag,Checksum,ObjectParts,StorageClass,ObjectSize');
    expect([headers['x-amz-max-parts'], headers['x-amz-part-number-marker']]).toEqual(['1', '1']);
    expect(query).toContain('versionId=v1');
    expect(a).toEqual({
      etag: 'abc-3',
      checksum: { crc32: 'AAAAAA==-3', type: 'COMPOSITE' },
      parts: { partsCount: 3, partNumberMarker: 1, nextPartNumberMarker: 2, maxParts: 1, isTruncated: true, parts: [{ partNumber: 2, size: 5242880, crc32: 'BBBBBB==' }] },
      storageClass: 'STANDARD',
      size: 10485761,
      versionId: 'v1',
      lastModified: new Date('2026-12-06T20:00:00Z'),
      deleteMarker: false,
    });
  });
});
