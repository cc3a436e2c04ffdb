import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SigV4Signer } from '@s3kit/sigv4';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Upstream, mapBuckets, type S3Upstream } from '../src/index.js';
import { ADMIN, rawRequest, startGateway, type RunningGateway } from './support/gateway-server.js';

const { rgw, reason } = await rgwOrSkip();
const signer = new SigV4Signer({ credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, region: 'us-east-1' });
const MAPPING = [{ bucket: 'client', upstreamBucket: 'backing', prefix: 'tenant/' }];

const LISTING =
  '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>backing</Name><Prefix>tenant/</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>' +
  '<Contents><Key>tenant/a.txt</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"x"</ETag><Size>5</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>';

describe('presigned redirect through mapBuckets (a fake S3 upstream)', () => {
  let fake: Server;
  let seen: string[];
  let upstream: S3Upstream;
  let g: RunningGateway;
  let origin: string;
  beforeAll(async () => {
    seen = [];
    fake = createServer((req: IncomingMessage, res) => {
      seen.push(req.url ?? '');
      const path = (req.url ?? '').split('?')[0];
      if (path === '/backing/tenant/a.txt') res.writeHead(200, { 'content-length': '5', etag: '"x"' }).end('hello');
      else if (path === '/backing') res.writeHead(200, { 'content-type': 'application/xml', 'content-length': String(LISTING.length) }).end(LISTING);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    upstream = createS3Upstream({ endpoint: origin, region: 'us-east-1', credentials: { accessKeyId: 'UPSTREAMKEY', secretAccessKey: 'upstream-secret' } });
    g = await startGateway(mapBuckets(upstream, MAPPING), { presignedRedirect: true });
  });
  afterAll(async () => {
    await g?.close();
    await upstream?.close();
    await new Promise((r) => fake?.close(r));
  });

  it('answers a presigned object GET with 307 to the upstream bucket and prefixed key, signed by the upstream', async () => {
    const url = new URL(signer.presign({ method: 'GET', url: `${g.endpoint}/client/a.txt`, expiresIn: 120 }).url);
    const res = await rawRequest(g.port, { method: 'GET', path: `${url.pathname}${url.search}` });
    expect(res.status).toBe(307);
    const location = new URL(String(res.headers['location']));
    expect(`${location.origin}${location.pathname}`).toBe(`${origin}/backing/tenant/a.txt`);
    expect(location.searchParams.get('X-Amz-Credential')).toMatch(/^UPSTREAMKEY\//);
    expect(Number(location.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(120);
    expect(seen).toEqual([]);
    expect(await (await fetch(location)).text()).toBe('hello');
  });

  it('serves a presigned listing itself (its answer is rewritten: no prefix shown), not by redirect', async () => {
    seen.length = 0;
    const url = new URL(signer.presign({ method: 'GET', url: `${g.endpoint}/client?list-type=2`, expiresIn: 120 }).url);
    const res = await rawRequest(g.port, { method: 'GET', path: `${url.pathname}${url.search}` });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<Key>a.txt</Key>');
    expect(res.body).not.toContain('tenant/');
    expect(seen).toHaveLength(1);
  });
});

describe.skipIf(!rgw)(`presigned redirect through mapBuckets to Ceph RGW ${reason}`, () => {
  it('stores through the mapping and redirects a presigned GET to the prefixed upstream object', async () => {
    const backing = `gw-mapredir-${Date.now().toString(36)}`;
    const up = createS3Upstream({
      endpoint: rgw!.endpoint,
      region: rgw!.region,
      credentials: { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey },
      profile: { checksumHeaders: false },
    });
    const g = await startGateway(mapBuckets(up, [{ bucket: 'client', upstreamBucket: backing, prefix: 'tenant/' }]), { presignedRedirect: true });
    try {
      await up.handle({ method: 'PUT', operation: 'CreateBucket', bucket: backing, query: {}, headers: {} });
      const put = signer.sign({ method: 'PUT', url: `${g.endpoint}/client/mapped.txt`, body: 'mapped and offloaded' });
      expect((await rawRequest(g.port, { method: 'PUT', path: '/client/mapped.txt', headers: put.headers, body: 'mapped and offloaded' })).status).toBe(200);
      const url = signer.presign({ method: 'GET', url: `${g.endpoint}/client/mapped.txt`, expiresIn: 120 }).url;
      const manual = await fetch(url, { redirect: 'manual' });
      expect(manual.status).toBe(307);
      expect(manual.headers.get('location')!.startsWith(`${rgw!.endpoint}/${backing}/tenant/mapped.txt?`)).toBe(true);
      expect(await (await fetch(url)).text()).toBe('mapped and offloaded');
    } finally {
      await g.close();
      await up.close();
    }
  });
});
