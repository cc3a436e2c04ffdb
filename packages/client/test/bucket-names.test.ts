// Bucket names the client accepts before sending. As minio-py's check_bucket_name(strict=False),
// legacy us-east-1 names (upper case, `_`, up to 255 characters) that S3 and RGW may still hold are
// sent (path-style, since they cannot be host names); makeBucket asks for today's rules, as
// minio-py's make_bucket (strict=True). What the servers answer for such a name is asserted per upstream.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isS3Error } from '@s3kit/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client } from '../src/index.js';
import { checkBucket } from '../src/core.js';
import { startLocalGateway, type LocalGateway } from './gateway-local.js';
import { client, reason, rgw } from './helpers.js';

/** The S3 error code a promise rejects with, and whether the answer came from a server (a request id). */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    if (!isS3Error(e)) throw e;
    return `${e.code} ${e.requestId ? 'from the server' : 'from the client'}`;
  }
}

const LEGACY = ['Legacy_Bucket', 'UPPER.case-Name', 'under_score_1', `L${'a'.repeat(253)}Z`];

describe('checkBucket (minio-py check_bucket_name)', () => {
  it("accepts today's names and legacy names (A-Z, _, up to 255 characters); strict accepts only today's", () => {
    for (const b of ['abc', 'my-bucket.logs', '1-2-3', ...LEGACY]) expect(() => checkBucket(b), b).not.toThrow();
    for (const b of ['abc', 'my-bucket.logs']) expect(() => checkBucket(b, true), b).not.toThrow();
    for (const b of LEGACY) expect(() => checkBucket(b, true), b).toThrow(expect.objectContaining({ code: 'InvalidBucketName' }));
  });

  it('refuses what no server holds: short/long names, bad ends, .. .- -., IPv4 form, other characters', () => {
    const bad = ['ab', `a${'b'.repeat(255)}`, '_abc', 'abc_', '-abc', 'abc.', 'a..b', 'a.-b', 'a-.b', '192.168.1.1', 'a:b', 'a b', 'a/b', 'ab\u00e9', ''];
    for (const b of bad) expect(() => checkBucket(b), JSON.stringify(b)).toThrow(expect.objectContaining({ code: 'InvalidBucketName' }));
    expect(() => checkBucket(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'InvalidBucketName' }));
  });
});

describe('legacy bucket names on the wire', () => {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push(`${req.method} ${req.headers.host?.split(':')[0]} ${req.url}`);
    req.resume();
    res.writeHead(404, { 'content-type': 'application/xml', 'x-amz-request-id': 'REQ1' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>none</Message><RequestId>REQ1</RequestId></Error>');
  });
  let s3: S3Client;
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    // Virtual-hosted addressing asked for: a legacy name cannot be a host name, so it goes path-style.
    s3 = new S3Client({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, accessKey: 'AKIDEXAMPLE', secretKey: 'secret', region: 'us-east-1', pathStyle: false });
  });
  afterAll(async () => {
    await s3.close();
    server.close();
  });

  it('a legacy name is sent path-style; makeBucket refuses it before sending', async () => {
    expect(await outcome(s3.getBucketTags('Legacy_Bucket'))).toBe('NoSuchBucket from the server');
    expect(await outcome(s3.statObject('UPPER.case-Name', 'k'))).toBe('NotFound from the server'); // HEAD 404: no body
    expect(seen).toEqual(['GET 127.0.0.1 /Legacy_Bucket?tagging', 'HEAD 127.0.0.1 /UPPER.case-Name/k']);
    expect(await outcome(s3.makeBucket('Legacy_Bucket'))).toBe('InvalidBucketName from the client');
    expect(await outcome(s3.getBucketTags('_bad'))).toBe('InvalidBucketName from the client');
    expect(seen).toHaveLength(2);
  });
});

const KINDS: [name: string, skip: boolean, isRgw: boolean][] = [
  ['the gateway on the embedded store', false, false],
  [`Ceph RGW ${reason}`, !rgw, true],
];

describe.each(KINDS)('legacy bucket names reach %s', (_name, skip, isRgw) => {
  let gw: LocalGateway | undefined;
  let s3: S3Client;
  beforeAll(async () => {
    if (skip) return;
    if (isRgw) s3 = client();
    else {
      gw = await startLocalGateway();
      s3 = gw.client();
    }
  });
  afterAll(async () => {
    await s3?.close();
    await gw?.close();
  });

  it.skipIf(skip)('the server answers for a legacy name (the client does not refuse it)', async () => {
    // RGW looks the name up (NoSuchBucket); the gateway, whose store never holds a legacy name,
    // refuses it itself (InvalidBucketName, 400).
    const answer = isRgw ? 'NoSuchBucket from the server' : 'InvalidBucketName from the server';
    expect(await outcome(s3.getBucketTags('Legacy_Missing_Bucket'))).toBe(answer);
    expect(await outcome(s3.listObjects('Legacy_Missing_Bucket').next())).toBe(answer);
  });
});
