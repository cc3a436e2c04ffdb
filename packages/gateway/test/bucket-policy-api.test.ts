import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  GetBucketCorsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { rgwOrSkip, type RgwHandle } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore, createS3Upstream, type GatewayOptions, type Identity, type LocalStore, type S3Upstream, type Upstream } from '../src/index.js';
import { ADMIN, READER, rawRequest, startGateway, type RunningGateway } from './support/gateway-server.js';

// Bucket policies, CORS and public access blocks set through the S3 API: answered by the gateway,
// kept in the upstream (the embedded store's data directory, a system bucket on Ceph RGW),
// enforced from the next request on, and still there after a restart.

const { rgw, reason } = await rgwOrSkip();
const V = '2012-10-17';

/** An upstream that can be made again over the same storage (a restart). */
interface Kind {
  make(): Upstream;
  close(u: Upstream): Promise<void>;
  /** The system bucket clients must never see (RGW), if any. */
  readonly systemBucket?: string;
  cleanup(): Promise<void>;
}

async function localKind(): Promise<Kind> {
  const dir = await mkdtemp(join(tmpdir(), 's3kit-bucket-config-'));
  return {
    make: () => createLocalStore({ dir, fsync: false }),
    close: (u) => (u as LocalStore).close(),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

function rgwKind(h: RgwHandle): Kind {
  const systemBucket = `s3kit-sys-${Date.now().toString(36)}`;
  return {
    make: () =>
      createS3Upstream({
        endpoint: h.endpoint,
        region: h.region,
        credentials: { accessKeyId: h.accessKeyId, secretAccessKey: h.secretAccessKey },
        profile: { checksumHeaders: false },
        configStore: { bucket: systemBucket, prefix: 'gateway/' },
      }),
    close: (u) => (u as S3Upstream).close(),
    systemBucket,
    cleanup: async () => {},
  };
}

function client(g: RunningGateway, id: Identity = ADMIN): S3Client {
  return new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey } });
}

async function failure(p: Promise<unknown>): Promise<{ code: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return { code: err.name, status: err.$metadata.httpStatusCode, message: err.message };
    throw err;
  }
  throw new Error('expected a failure');
}

const anonymousGet = async (g: RunningGateway, path: string): Promise<number> => (await fetch(`${g.endpoint}${path}`)).status;

const publicRead = (bucket: string) =>
  JSON.stringify({ Version: V, Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });

const preflight = (g: RunningGateway, bucket: string) =>
  rawRequest(g.port, { method: 'OPTIONS', path: `/${bucket}/a.txt`, headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT' } });

const KINDS: [string, boolean, () => Promise<Kind> | Kind][] = [
  ['the embedded local store', false, localKind],
  [`Ceph RGW ${reason}`, rgw === undefined, () => rgwKind(rgw!)],
];

describe.each(KINDS)('bucket configuration through the S3 API, upstream: %s', (_name, skip, makeKind) => {
  let kind: Kind;
  let upstream: Upstream;
  let g: RunningGateway;
  let s3: S3Client;
  const bucket = `bcfg-${Date.now().toString(36)}`;
  const start = (opts: Partial<GatewayOptions> = {}) => startGateway(upstream, { bucketConfig: { maxStalenessMs: 200 }, ...opts });

  beforeAll(async () => {
    if (skip) return;
    kind = await makeKind();
    upstream = kind.make();
    g = await start();
    s3 = client(g);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'hello' }));
  });
  afterAll(async () => {
    s3?.destroy();
    await g?.close();
    if (upstream !== undefined) await kind.close(upstream);
    await kind?.cleanup();
  });

  it.skipIf(skip)('PutBucketPolicy opens anonymous reads (Principal "*") from the next request; GetBucketPolicy returns it; DeleteBucketPolicy closes them again', async () => {
    expect(await anonymousGet(g, `/${bucket}/a.txt`)).toBe(403);
    const policy = publicRead(bucket);
    const put = await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
    expect(put.$metadata.httpStatusCode).toBe(204);
    expect(await anonymousGet(g, `/${bucket}/a.txt`)).toBe(200);
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy).toBe(policy);
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic).toBe(true);
    expect((await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(204);
    expect(await anonymousGet(g, `/${bucket}/a.txt`)).toBe(403);
    expect(await failure(s3.send(new GetBucketPolicyCommand({ Bucket: bucket })))).toMatchObject({ code: 'NoSuchBucketPolicy', status: 404 });
    expect(await failure(s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucket })))).toMatchObject({ code: 'NoSuchBucketPolicy', status: 404 });
    // Deleting what is not there is 204, as on S3.
    expect((await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(204);
  });

  it.skipIf(skip)('a Deny in the API-set policy wins over an identity allow (allowed → denied), and a fixed principal is not public', async () => {
    const reader = client(g, READER);
    try {
      expect(await failure(reader.send(new GetBucketPolicyStatusCommand({ Bucket: bucket })))).toMatchObject({ code: 'NoSuchBucketPolicy' });
      const body = await fetchAs(reader, bucket);
      expect(body).toBe('hello');
      const deny = JSON.stringify({ Version: V, Statement: [{ Effect: 'Deny', Principal: { AWS: [READER.accessKeyId] }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: deny }));
      expect(await failure(fetchAs(reader, bucket))).toMatchObject({ code: 'AccessDenied', status: 403 });
      expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic).toBe(false);
      // The read-only identity may read the policy (s3:GetBucketPolicy) but not change it (s3:PutBucketPolicy).
      expect((await reader.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy).toBe(deny);
      expect(await failure(reader.send(new DeleteBucketPolicyCommand({ Bucket: bucket })))).toMatchObject({ code: 'AccessDenied', status: 403 });
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      expect(await fetchAs(reader, bucket)).toBe('hello');
    } finally {
      reader.destroy();
    }
  });

  it.skipIf(skip)('PutBucketCors turns a refused preflight into an allowed one; GetBucketCors returns the rules; DeleteBucketCors refuses again', async () => {
    expect((await preflight(g, bucket)).status).toBe(403);
    const CORSConfiguration = {
      CORSRules: [{ ID: 'app', AllowedOrigins: ['https://app.example'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 300 }],
    };
    expect((await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration }))).$metadata.httpStatusCode).toBe(200);
    const ok = await preflight(g, bucket);
    expect([ok.status, ok.headers['access-control-allow-origin'], ok.headers['access-control-allow-methods'], ok.headers['access-control-max-age']]).toEqual([
      200,
      'https://app.example',
      'GET, PUT',
      '300',
    ]);
    // An actual request's answer carries the headers too.
    const get = await rawRequest(g.port, { method: 'GET', path: `/${bucket}/a.txt`, headers: { origin: 'https://app.example' } });
    expect([get.status, get.headers['access-control-allow-origin'], get.headers['access-control-expose-headers']]).toEqual([403, 'https://app.example', 'ETag']);
    expect((await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules).toEqual(CORSConfiguration.CORSRules);
    expect((await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(204);
    expect((await preflight(g, bucket)).status).toBe(403);
    expect(await failure(s3.send(new GetBucketCorsCommand({ Bucket: bucket })))).toMatchObject({ code: 'NoSuchCORSConfiguration', status: 404 });
  });

  it.skipIf(skip)('answers malformed policies and CORS with S3 codes, and a missing bucket with NoSuchBucket', async () => {
    const put = (Policy: string, Bucket = bucket) => failure(s3.send(new PutBucketPolicyCommand({ Bucket, Policy })));
    expect(await put('not json')).toEqual({ code: 'MalformedPolicy', status: 400, message: "Policies must be valid JSON and the first byte must be '{'" });
    expect(await put(JSON.stringify({ Version: V, Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other-bucket/*' }] }))).toEqual({
      code: 'MalformedPolicy',
      status: 400,
      message: 'Policy has invalid resource',
    });
    expect(await put(JSON.stringify({ Version: V, Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] }))).toMatchObject({
      code: 'MalformedPolicy',
      message: 'Missing required field Principal',
    });
    expect(await put(JSON.stringify({ Version: V, Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`, Bogus: 1 }] }))).toMatchObject({
      code: 'MalformedPolicy',
      message: 'Unknown field Bogus',
    });
    expect(await put(publicRead('bcfg-missing-bucket'), 'bcfg-missing-bucket')).toMatchObject({ code: 'NoSuchBucket', status: 404 });
    expect(await failure(s3.send(new GetBucketPolicyCommand({ Bucket: 'bcfg-missing-bucket' })))).toMatchObject({ code: 'NoSuchBucket', status: 404 });
    const cors = (xml: string) => rawSigned(g, 'PUT', `/${bucket}?cors`, xml);
    expect(await cors('<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>')).toEqual([400, 'MalformedXML']);
    expect(await cors('<CORSConfiguration>')).toEqual([400, 'MalformedXML']);
    expect(await cors('<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>')).toEqual([400, 'InvalidRequest']);
    expect(await cors('<CORSConfiguration><CORSRule><AllowedOrigin>https://*.*.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>')).toEqual([
      400,
      'InvalidRequest',
    ]);
    expect(await rawSigned(g, 'PUT', `/${bucket}?publicAccessBlock`, '<PublicAccessBlockConfiguration><BlockPublicAcls>maybe</BlockPublicAcls></PublicAccessBlockConfiguration>')).toEqual([
      400,
      'MalformedXML',
    ]);
    expect(await rawSigned(g, 'PUT', `/${bucket}?policy`, '{}', { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' })).toEqual([400, 'BadDigest']);
  });

  it.skipIf(skip)('public access block: BlockPublicPolicy refuses a public policy, RestrictPublicBuckets ignores one for anonymous requests, BlockPublicAcls refuses public ACL headers', async () => {
    expect(await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })))).toMatchObject({ code: 'NoSuchPublicAccessBlockConfiguration', status: 404 });
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead(bucket) }));
    expect(await anonymousGet(g, `/${bucket}/a.txt`)).toBe(200);
    const all = { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: true };
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: all }));
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration).toEqual(all);
    expect(await anonymousGet(g, `/${bucket}/a.txt`)).toBe(403);
    expect(await failure(s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead(bucket) })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    // A policy limited to a fixed source range is not public: accepted.
    const ranged = JSON.stringify({
      Version: V,
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: ranged }));
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic).toBe(false);
    expect(await anonymousGet(g, `/${bucket}/a.txt`)).toBe(200);
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'p.txt', Body: 'x', ACL: 'public-read' })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect((await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'p.txt', Body: 'x', ACL: 'private' }))).$metadata.httpStatusCode).toBe(200);
    expect((await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(204);
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead(bucket) }));
    expect(await anonymousGet(g, `/${bucket}/a.txt`)).toBe(200);
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
  });

  it.skipIf(skip)('with API writes turned off, Put and Delete are AccessDenied; reads still answer', async () => {
    const off = await start({ bucketConfig: { writes: false } });
    const c = client(off);
    try {
      expect(await failure(c.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead(bucket) })))).toMatchObject({ code: 'AccessDenied', status: 403 });
      expect(await failure(c.send(new DeleteBucketCorsCommand({ Bucket: bucket })))).toMatchObject({ code: 'AccessDenied', status: 403 });
      expect(await failure(c.send(new GetBucketPolicyCommand({ Bucket: bucket })))).toMatchObject({ code: 'NoSuchBucketPolicy', status: 404 });
    } finally {
      c.destroy();
      await off.close();
    }
  });

  it.skipIf(skip)('policy and CORS survive a restart of the gateway and its upstream', async () => {
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead(bucket) }));
    await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['https://app.example'], AllowedMethods: ['PUT'] }] } }));
    s3.destroy();
    await g.close();
    await kind.close(upstream);
    upstream = kind.make();
    g = await start();
    s3 = client(g);
    expect(await anonymousGet(g, `/${bucket}/a.txt`)).toBe(200);
    expect((await preflight(g, bucket)).status).toBe(200);
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
  });

  it.skipIf(skip)('a deleted bucket takes its configuration with it', async () => {
    const b = `${bucket}-del`;
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: publicRead(b) }));
    await s3.send(new DeleteBucketCommand({ Bucket: b }));
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    expect(await failure(s3.send(new GetBucketPolicyCommand({ Bucket: b })))).toMatchObject({ code: 'NoSuchBucketPolicy' });
    await s3.send(new DeleteBucketCommand({ Bucket: b }));
  });

  it.skipIf(skip)('clients never reach the stored configuration (RGW: the system bucket is left out of ListBuckets and refused)', async () => {
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead(bucket) }));
    const names = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name) ?? [];
    expect(names).toContain(bucket);
    // (Other suites' gateways keep their own system buckets on the same RGW: only this one's is hidden here.)
    expect(names.some((n) => n === kind.systemBucket || n === 'gateway-config')).toBe(false);
    if (kind.systemBucket !== undefined) {
      const sys = kind.systemBucket;
      expect(await rawSigned(g, 'GET', `/${sys}?list-type=2`)).toEqual([403, 'AccessDenied']);
      expect(await rawSigned(g, 'GET', `/${sys}/gateway/${bucket}/policy.json`)).toEqual([403, 'AccessDenied']);
      expect(await rawSigned(g, 'PUT', `/${sys}/gateway/${bucket}/policy.json`, '{}')).toEqual([403, 'AccessDenied']);
      expect(await rawSigned(g, 'PUT', `/${bucket}/copy.json`, undefined, { 'x-amz-copy-source': `/${sys}/gateway/${bucket}/policy.json` })).toEqual([403, 'AccessDenied']);
      expect(await rawSigned(g, 'PUT', `/${sys}`)).toEqual([409, 'BucketAlreadyExists']);
      expect(await rawSigned(g, 'DELETE', `/${sys}`)).toEqual([403, 'AccessDenied']);
      // The presigned redirect offload hands out no URL into it either.
      const redirecting = await start({ presignedRedirect: true });
      try {
        const { SigV4Signer } = await import('@s3kit/sigv4');
        const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' });
        const into = await fetch(signer.presign({ method: 'GET', url: `${redirecting.endpoint}/${sys}/gateway/${bucket}/policy.json`, expiresIn: 60 }).url, { redirect: 'manual' });
        expect(into.status).toBe(403);
        const elsewhere = await fetch(signer.presign({ method: 'GET', url: `${redirecting.endpoint}/${bucket}/a.txt`, expiresIn: 60 }).url, { redirect: 'manual' });
        expect(elsewhere.status).toBe(307);
        // A presigned GetBucketPolicy is the gateway's answer, not a redirect to the upstream's.
        const own = await fetch(signer.presign({ method: 'GET', url: `${redirecting.endpoint}/${bucket}?policy`, expiresIn: 60 }).url, { redirect: 'manual' });
        expect([own.status, await own.text()]).toEqual([200, publicRead(bucket)]);
      } finally {
        await redirecting.close();
      }
    } else {
      // The embedded store keeps it beside the buckets: no bucket name reaches it.
      expect(await rawSigned(g, 'GET', `/gateway-config?list-type=2`)).toEqual([404, 'NoSuchBucket']);
    }
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
  });
});

async function fetchAs(c: S3Client, bucket: string): Promise<string> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const res = await c.send(new GetObjectCommand({ Bucket: bucket, Key: 'a.txt' }));
  return res.Body!.transformToString();
}

/** A request signed by ADMIN: its status and error code. */
async function rawSigned(g: RunningGateway, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<[number, string | undefined]> {
  const { SigV4Signer } = await import('@s3kit/sigv4');
  const s = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' }).sign({ method, url: `${g.endpoint}${path}`, headers, ...(body === undefined ? {} : { body }) });
  const res = await fetch(s.url, { method, headers: s.headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return [res.status, /<Code>([^<]+)<\/Code>/.exec(text)?.[1]];
}

describe('loading the bucket configuration before authorization', () => {
  it('leaves an unsigned request to a gateway without a `default` upstream AccessDenied (not a missing-upstream failure)', async () => {
    const kind = await localKind();
    const store = kind.make();
    const g = await startGateway(store, { upstreams: { other: store }, identities: [{ ...ADMIN, upstream: 'other' }] });
    try {
      expect(await rawSigned(g, 'PUT', '/anon-bucket')).toEqual([200, undefined]);
      const res = await fetch(`${g.endpoint}/anon-bucket/a.txt`);
      expect([res.status, /<Code>([^<]+)<\/Code>/.exec(await res.text())?.[1]]).toEqual([403, 'AccessDenied']);
    } finally {
      await g.close();
      await kind.close(store);
      await kind.cleanup();
    }
  });
});
