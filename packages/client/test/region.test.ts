import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isS3Error } from '@s3kit/errors';
import { S3Client } from '../src/node.js';

/** A loopback S3 stand-in: each bucket lives in a region and answers like AWS when signed for another. */
const homes: Record<string, { region: string; location: string; hint: 'redirect' | 'malformed' | 'header-only' }> = {
  'eu-bucket': { region: 'eu-west-2', location: 'eu-west-2', hint: 'redirect' },
  'legacy-eu': { region: 'eu-west-1', location: 'EU', hint: 'redirect' },
  'stale-loc': { region: 'ap-south-1', location: 'us-west-1', hint: 'malformed' },
  'east': { region: 'us-east-1', location: '', hint: 'redirect' },
  'moved-head': { region: 'sa-east-1', location: 'us-east-2', hint: 'header-only' },
  liar: { region: '', location: 'us-west-1', hint: 'header-only' },
};

const seen: Array<{ method: string; url: string; region: string }> = [];

function scopeRegion(req: IncomingMessage): string {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization))?.[1] ?? '';
}

let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const region = scopeRegion(req);
    seen.push({ method: req.method!, url: req.url!, region });
    const [path, query = ''] = req.url!.split('?');
    const bucket = path!.split('/')[1]!;
    const home = homes[bucket];
    req.resume();
    if (!home) {
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchBucket</Code><Message>no</Message></Error>');
      return;
    }
    if (query === 'location') {
      // GetBucketLocation is answered in any region (AWS: signed for us-east-1 works from anywhere).
      res.writeHead(200, { 'content-type': 'application/xml' }).end(`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${home.location}</LocationConstraint>`);
      return;
    }
    if (bucket === 'liar') {
      // Always names another region than the one signed for.
      res.writeHead(301, { 'x-amz-bucket-region': `${region}-next` }).end();
      return;
    }
    if (region !== home.region) {
      if (home.hint === 'malformed') {
        res
          .writeHead(400, { 'content-type': 'application/xml' })
          .end(`<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region '${region}' is wrong; expecting '${home.region}'</Message><Region>${home.region}</Region></Error>`);
      } else if (home.hint === 'header-only') {
        res.writeHead(301, { 'x-amz-bucket-region': home.region }).end();
      } else {
        res
          .writeHead(301, { 'content-type': 'application/xml', 'x-amz-bucket-region': home.region })
          .end(`<Error><Code>PermanentRedirect</Code><Message>use the right endpoint</Message><Endpoint>s3.${home.region}.amazonaws.com</Endpoint><Bucket>${bucket}</Bucket></Error>`);
      }
      return;
    }
    res.writeHead(200, { 'content-length': '2', etag: '"abc"' }).end(req.method === 'HEAD' ? undefined : 'ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const make = (region?: string) => new S3Client({ endpoint, accessKey: 'AKIDEXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', ...(region ? { region } : {}) });

describe('region discovery and S3 region hints (loopback server)', () => {
  it('discovers a bucket region with GetBucketLocation once, caches it and signs with it', async () => {
    const s3 = make();
    seen.length = 0;
    await s3.putObject('eu-bucket', 'k', 'v');
    await s3.statObject('eu-bucket', 'k');
    expect(seen.map((s) => [s.method, s.url, s.region])).toEqual([
      ['GET', '/eu-bucket?location', 'us-east-1'],
      ['PUT', '/eu-bucket/k', 'eu-west-2'],
      ['HEAD', '/eu-bucket/k', 'eu-west-2'],
    ]);
    await s3.close();
  });

  it('maps an empty LocationConstraint to us-east-1 and "EU" to eu-west-1', async () => {
    const s3 = make();
    expect(await s3.getBucketRegion('east')).toBe('us-east-1');
    expect(await s3.getBucketRegion('legacy-eu')).toBe('eu-west-1');
    await s3.close();
  });

  it('follows a 400 AuthorizationHeaderMalformed naming the region once, and remembers it', async () => {
    const s3 = make();
    seen.length = 0;
    const obj = await s3.getObject('stale-loc', 'k');
    expect(await obj.text()).toBe('ok');
    await (await s3.getObject('stale-loc', 'k')).dump();
    expect(seen.map((s) => s.region)).toEqual(['us-east-1', 'us-west-1', 'ap-south-1', 'ap-south-1']);
    await s3.close();
  });

  it('follows a 301 with only x-amz-bucket-region (HEAD) once', async () => {
    const s3 = make();
    seen.length = 0;
    expect((await s3.statObject('moved-head', 'k')).etag).toBe('abc');
    expect(seen.map((s) => s.region)).toEqual(['us-east-1', 'us-east-2', 'sa-east-1']);
    await s3.close();
  });

  it('with an explicit region there is no discovery and a redirect is an S3Error carrying the region', async () => {
    const s3 = make('us-west-2');
    seen.length = 0;
    const err = await s3.getObject('eu-bucket', 'k').catch((e: unknown) => e);
    expect(isS3Error(err) && [err.code, err.status, err.details['Region']]).toEqual(['PermanentRedirect', 301, 'eu-west-2']);
    expect(seen.length).toBe(1);
    await s3.close();
  });

  it('does not loop: after one followed hint, a second wrong-region answer rejects with that S3Error', async () => {
    const s3 = make();
    seen.length = 0;
    const err = await s3.putObject('liar', 'k', 'v').catch((e: unknown) => e);
    expect(isS3Error(err) && [err.code, err.status]).toEqual(['PermanentRedirect', 301]);
    expect(seen.map((s) => s.region)).toEqual(['us-east-1', 'us-west-1', 'us-west-1-next']);
    await s3.close();
  });
});
