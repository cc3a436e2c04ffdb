// UpstreamProfile.unsupported: operations the upstream does not know are answered NotImplemented
// (501) by the gateway, never forwarded. Ceph RGW 16.2 takes them for another operation on the
// bucket (DELETE ?encryption is DeleteBucket), so its recommended profile lists them.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isS3Error } from '@s3kit/errors';
import { SigV4Signer } from '@s3kit/sigv4';
import { rgwOrSkip } from '@s3kit/test-utils';
import { OPERATIONS, type OperationName } from '@s3kit/xml-shapes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Upstream, RGW_16_UNSUPPORTED, type S3Upstream } from '../src/index.js';
import { ADMIN, rawRequest, startGateway, type RunningGateway } from './support/gateway-server.js';

const { rgw, reason } = await rgwOrSkip();
const gatewaySigner = new SigV4Signer({ credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, region: 'us-east-1' });

/** A signed raw request through the gateway: status and error code. */
async function send(g: RunningGateway, method: string, path: string): Promise<[number, string]> {
  const s = gatewaySigner.sign({ method, url: `${g.endpoint}${path}` });
  const res = await fetch(s.url, { method, headers: s.headers });
  return [res.status, /<Code>([^<]*)<\/Code>/.exec(await res.text())?.[1] ?? ''];
}

/** The request line of a bucket operation from the catalogue: `?encryption` for DeleteBucketEncryption. */
const subresource = (op: OperationName): string => `?${OPERATIONS[op].query?.[0] ?? ''}`;

describe('UpstreamProfile.unsupported (a fake S3 upstream)', () => {
  let fake: Server;
  let seen: string[];
  let upstream: S3Upstream;
  let g: RunningGateway;
  beforeAll(async () => {
    seen = [];
    fake = createServer((req: IncomingMessage, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    upstream = createS3Upstream({
      endpoint: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'UPSTREAMKEY', secretAccessKey: 'upstream-secret' },
      profile: { unsupported: ['DeleteBucketEncryption', 'GetBucketEncryption'] },
    });
    g = await startGateway(upstream, { presignedRedirect: true });
  });
  afterAll(async () => {
    await g?.close();
    await upstream?.close();
    await new Promise((r) => fake?.close(r));
  });

  it('handle() throws NotImplemented (501) naming the operation and forwards nothing; other operations are forwarded', async () => {
    seen.length = 0;
    const err = await upstream.handle({ method: 'DELETE', operation: 'DeleteBucketEncryption', bucket: 'photos', query: { encryption: '' }, headers: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isS3Error(err) && [err.code, err.status]).toEqual(['NotImplemented', 501]);
    expect((err as Error).message).toMatch(/^DeleteBucketEncryption is not implemented by this gateway's upstream S3/);
    expect(seen).toEqual([]);
    expect((await upstream.handle({ method: 'DELETE', operation: 'DeleteBucket', bucket: 'photos', query: {}, headers: {} })).status).toBe(204);
    expect(seen).toEqual(['DELETE /photos']);
  });

  it('through the gateway: NotImplemented (501) for a signed request, and a presigned one is not redirected to the upstream', async () => {
    seen.length = 0;
    expect(await send(g, 'DELETE', '/photos?encryption')).toEqual([501, 'NotImplemented']);
    const url = new URL(gatewaySigner.presign({ method: 'GET', url: `${g.endpoint}/photos?encryption`, expiresIn: 60 }).url);
    const res = await rawRequest(g.port, { method: 'GET', path: `${url.pathname}${url.search}` });
    expect([res.status, /<Code>([^<]*)<\/Code>/.exec(res.body)?.[1]]).toEqual([501, 'NotImplemented']);
    expect(seen).toEqual([]);
  });

  it('refuses a name that is not a catalogue operation (TypeError naming it)', () => {
    expect(() =>
      createS3Upstream({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, profile: { unsupported: ['DeleteBucketAccelerate'] } }),
    ).toThrow(/profile\.unsupported: "DeleteBucketAccelerate" is not an S3 operation name/);
  });
});

describe.skipIf(rgw === undefined)(`Ceph RGW 16.2 with its recommended profile ${reason}`, () => {
  let upstream: S3Upstream;
  let g: RunningGateway;
  let serial = 0;
  const bucketName = (): string => `unsup-${Date.now().toString(36)}-${serial++}`;
  beforeAll(async () => {
    upstream = createS3Upstream({
      endpoint: rgw!.endpoint,
      region: rgw!.region,
      credentials: { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey },
      profile: { checksumHeaders: false, unsupported: RGW_16_UNSUPPORTED },
    });
    g = await startGateway(upstream);
  });
  afterAll(async () => {
    await g?.close();
    await upstream?.close();
  });

  it('without the profile RGW 16.2 deletes an empty bucket on DELETE ?encryption (why the profile lists it)', async () => {
    const direct = new SigV4Signer({ credentials: { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey }, region: rgw!.region });
    const raw = async (method: string, path: string): Promise<number> => {
      const s = direct.sign({ method, url: `${rgw!.endpoint}${path}` });
      const res = await fetch(s.url, { method, headers: s.headers });
      await res.arrayBuffer();
      return res.status;
    };
    const b = bucketName();
    expect(await raw('PUT', `/${b}`)).toBe(200);
    expect(await raw('DELETE', `/${b}?encryption`)).toBe(204);
    expect(await raw('HEAD', `/${b}`)).toBe(404);
  });

  it('DELETE ?encryption on an empty bucket through the gateway: NotImplemented (501), and the bucket survives', async () => {
    const b = bucketName();
    expect(await send(g, 'PUT', `/${b}`)).toEqual([200, '']);
    expect(await send(g, 'DELETE', `/${b}?encryption`)).toEqual([501, 'NotImplemented']);
    expect(await send(g, 'HEAD', `/${b}`)).toEqual([200, '']);
    expect(await send(g, 'DELETE', `/${b}`)).toEqual([204, '']);
  });

  it.each(RGW_16_UNSUPPORTED.map((op) => [op, OPERATIONS[op].method, subresource(op)] as const))(
    '%s (%s %s) on an empty bucket: NotImplemented (501), the bucket survives',
    async (_op, method, sub) => {
      const b = bucketName();
      expect(await send(g, 'PUT', `/${b}`)).toEqual([200, '']);
      expect(await send(g, method, `/${b}${sub}`)).toEqual([501, 'NotImplemented']);
      expect(await send(g, 'HEAD', `/${b}`)).toEqual([200, '']);
      expect(await send(g, 'DELETE', `/${b}`)).toEqual([204, '']);
    },
  );

  it('PUT ?encryption of a missing bucket creates nothing (RGW 16.2 would take it for CreateBucket)', async () => {
    const b = bucketName();
    expect(await send(g, 'PUT', `/${b}?encryption`)).toEqual([501, 'NotImplemented']);
    expect(await send(g, 'HEAD', `/${b}`)).toEqual([404, '']);
  });
});
