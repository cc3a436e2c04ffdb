import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainCredentials, envCredentials, refreshingCredentials, S3Client, staticCredentials } from '../src/node.js';
import { bucketName, cleanBucket, client, reason, rgw } from './helpers.js';

const md5 = (b: string | Uint8Array) => createHash('md5').update(b).digest('hex');

describe('compatibility switches on the wire (loopback server)', () => {
  const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers });
      req.resume();
      req.on('end', () => {
        if (req.url!.includes('?delete')) res.writeHead(200).end('<DeleteResult></DeleteResult>');
        else res.writeHead(200, { etag: '"e"' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const make = (extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {}) =>
    new S3Client({ endpoint, accessKey: 'AKIDEXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'us-east-1', ...extra });
  const deleteOne = async (s3: Pick<S3Client, 'removeObjects'>) => {
    for await (const e of s3.removeObjects('bucket', ['a'])) void e;
  };

  it('default (when_required): Content-MD5 on DeleteObjects only, never x-amz-checksum-* or trailers', async () => {
    const s3 = make();
    seen.length = 0;
    await s3.putObject('bucket', 'k', 'data');
    await deleteOne(s3);
    const [put, del] = seen;
    expect(put!.headers['content-md5']).toBeUndefined();
    expect(del!.headers['content-md5']).toBeDefined();
    for (const s of seen) {
      expect(Object.keys(s.headers).filter((h) => h.startsWith('x-amz-checksum') || h === 'x-amz-trailer' || h === 'x-amz-sdk-checksum-algorithm')).toEqual([]);
    }
    expect(put!.headers['x-amz-content-sha256']).toBe(createHash('sha256').update('data').digest('hex'));
    await s3.close();
  });

  it("checksum 'always' adds Content-MD5 to PutObject; 'none' drops it even from DeleteObjects", async () => {
    const always = make({ checksum: 'always' });
    seen.length = 0;
    await always.putObject('bucket', 'k', 'data');
    expect(seen[0]!.headers['content-md5']).toBe(createHash('md5').update('data').digest('base64'));
    const none = make({ checksum: 'none' });
    seen.length = 0;
    await deleteOne(none);
    expect(seen[0]!.headers['content-md5']).toBeUndefined();
    await Promise.all([always.close(), none.close()]);
  });

  it('a client without credentials sends unsigned requests (no Authorization, no x-amz-date)', async () => {
    const anon = new S3Client({ endpoint, region: 'us-east-1' });
    seen.length = 0;
    await anon.putObject('bucket', 'k', 'public');
    expect([seen[0]!.headers.authorization, seen[0]!.headers['x-amz-date']]).toEqual([undefined, undefined]);
    await anon.close();
  });

  it("payloadSigning 'unsigned' sends UNSIGNED-PAYLOAD; 'streaming' sends signed aws-chunked with the decoded length", async () => {
    const unsigned = make({ payloadSigning: 'unsigned' });
    const streaming = make({ payloadSigning: 'streaming' });
    seen.length = 0;
    await unsigned.putObject('bucket', 'k', 'data');
    await streaming.putObject('bucket', 'k', 'data');
    expect(seen[0]!.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(seen[1]!.headers['x-amz-content-sha256']).toBe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    expect(seen[1]!.headers['x-amz-decoded-content-length']).toBe('4');
    await Promise.all([unsigned.close(), streaming.close()]);
  });
});

describe.skipIf(!rgw)(`payload signing modes and credential providers against Ceph RGW ${reason}`, () => {
  const bucket = bucketName('compat');
  const admin = rgw ? client() : undefined!;
  beforeAll(() => admin.makeBucket(bucket));
  afterAll(async () => {
    await cleanBucket(admin, bucket);
    await admin.close();
  });

  for (const mode of ['auto', 'unsigned', 'hashed', 'streaming'] as const) {
    it(`payloadSigning '${mode}': single PUT and a 2-part multipart upload store the exact bytes`, async () => {
      const s3 = client({ payloadSigning: mode, partSize: 5 * 1024 * 1024, checksum: 'always' });
      const small = randomBytes(1000);
      const big = randomBytes(6 * 1024 * 1024);
      expect((await s3.putObject(bucket, `${mode}/small`, small)).etag).toBe(md5(small));
      await s3.putObject(bucket, `${mode}/big`, Readable.from([big]));
      const back = Buffer.from(await (await s3.getObject(bucket, `${mode}/big`)).bytes());
      expect(back.equals(big)).toBe(true);
      // RGW stores the body decoded (no aws-chunked framing left in the object).
      expect((await s3.statObject(bucket, `${mode}/small`)).size).toBe(1000);
      const file = join(tmpdir(), `s3kit-compat-${mode}-${process.pid}.bin`);
      writeFileSync(file, big);
      try {
        expect((await s3.fPutObject(bucket, `${mode}/file`, file)).etag).toMatch(/-2$/);
        expect((await s3.statObject(bucket, `${mode}/file`)).size).toBe(big.length);
      } finally {
        rmSync(file, { force: true });
      }
      await s3.close();
    });
  }

  it('credentials from a chain (env empty → refreshing provider) sign requests; the refresh runs once', async () => {
    let refreshes = 0;
    const s3 = new S3Client({
      endpoint: rgw!.endpoint,
      region: rgw!.region,
      credentials: chainCredentials(
        envCredentials({}),
        refreshingCredentials({
          refresh: async () => {
            refreshes++;
            return { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey, expiration: new Date(Date.now() + 3600_000) };
          },
        }),
      ),
    });
    await s3.putObject(bucket, 'chain', 'x');
    expect(await (await s3.getObject(bucket, 'chain')).text()).toBe('x');
    expect(refreshes).toBe(1);
    await s3.close();
    const st = new S3Client({ endpoint: rgw!.endpoint, region: rgw!.region, credentials: staticCredentials({ accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey }) });
    expect(await st.bucketExists(bucket)).toBe(true);
    await st.close();
  });

  it('endpoint as host:port with secure: false reaches the same server', async () => {
    const url = new URL(rgw!.endpoint);
    const s3 = new S3Client({ endpoint: url.host, secure: false, accessKey: rgw!.accessKeyId, secretKey: rgw!.secretAccessKey, region: rgw!.region });
    expect(s3.endpoint).toMatchObject({ protocol: 'http:', pathStyle: true });
    expect(await s3.bucketExists(bucket)).toBe(true);
    await s3.close();
  });

  it('without an explicit region the client discovers it from RGW (GetBucketLocation) and works', async () => {
    const s3 = new S3Client({ endpoint: rgw!.endpoint, accessKey: rgw!.accessKeyId, secretKey: rgw!.secretAccessKey });
    await s3.putObject(bucket, 'discovered', 'y');
    expect(typeof (await s3.getBucketRegion(bucket))).toBe('string');
    expect(await (await s3.getObject(bucket, 'discovered')).text()).toBe('y');
    await s3.close();
  });
});
