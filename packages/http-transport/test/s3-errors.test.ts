import { S3Error, isS3Error } from '@s3kit/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, s3ErrorFromResponse, type Transport } from '../src/index.js';
import { s3ErrorXml, startServer, type TestServer } from './helpers.js';

let server: TestServer;
let transport: Transport;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const common = { 'x-amz-request-id': 'HDR-REQ', 'x-amz-id-2': 'HDR-HOST' };
    switch (req.url) {
      case '/nosuchkey':
        res.writeHead(404, { ...common, 'content-type': 'application/xml' });
        res.end(s3ErrorXml('NoSuchKey', 'The specified key does not exist.', '<Key>a&amp;b.txt</Key><Resource>/b/a&amp;b.txt</Resource>'));
        return;
      case '/redirect':
        res.writeHead(301, { ...common, 'x-amz-bucket-region': 'eu-west-1', 'content-type': 'application/xml' });
        res.end(s3ErrorXml('PermanentRedirect', 'Use the right endpoint.', '<Bucket>b</Bucket><Endpoint>b.s3.eu-west-1.amazonaws.com</Endpoint>'));
        return;
      case '/region':
        res.writeHead(400, { ...common, 'x-amz-bucket-region': 'ap-south-1' });
        res.end(s3ErrorXml('AuthorizationHeaderMalformed', "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'ap-south-1'", '<Region>ap-south-1</Region>'));
        return;
      case '/html':
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body>Bad gateway</body></html>');
        return;
      default:
        // HEAD 404: S3 sends no body.
        res.writeHead(404, common);
        res.end();
    }
  });
  transport = createTransport({ retry: false, proxy: false });
});
afterAll(async () => {
  await transport.close();
  await server.close();
});

async function failure(p: Promise<unknown>): Promise<S3Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isS3Error(err)).toBe(true);
  return err as S3Error;
}

describe('s3Errors()', () => {
  it('turns a 404 <Error> body into S3Error NoSuchKey with requestId, hostId and resource', async () => {
    const err = await failure(transport.request({ method: 'GET', url: `${server.origin}/nosuchkey` }));
    expect(err).toBeInstanceOf(S3Error);
    expect(err.code).toBe('NoSuchKey');
    expect(err.status).toBe(404);
    expect(err.message).toBe('The specified key does not exist.');
    expect(err.requestId).toBe('REQ123');
    expect(err.hostId).toBe('HOST456');
    expect(err.resource).toBe('/b/a&b.txt');
    expect(err.details['Key']).toBe('a&b.txt');
  });

  it('gives a 301 PermanentRedirect the region hint from x-amz-bucket-region', async () => {
    const err = await failure(transport.request({ method: 'GET', url: `${server.origin}/redirect` }));
    expect(err.code).toBe('PermanentRedirect');
    expect(err.status).toBe(301);
    expect(err.details['Region']).toBe('eu-west-1');
    expect(err.details['Endpoint']).toBe('b.s3.eu-west-1.amazonaws.com');
    expect(err.headers['x-amz-bucket-region']).toBe('eu-west-1');
  });

  it('keeps the region of a 400 AuthorizationHeaderMalformed', async () => {
    const err = await failure(transport.request({ method: 'GET', url: `${server.origin}/region` }));
    expect(err.code).toBe('AuthorizationHeaderMalformed');
    expect(err.status).toBe(400);
    expect(err.details['Region']).toBe('ap-south-1');
  });

  it('names a bodyless HEAD 404 NotFound and takes the ids from the headers', async () => {
    const err = await failure(transport.request({ method: 'HEAD', url: `${server.origin}/head-missing` }));
    expect(err.code).toBe('NotFound');
    expect(err.status).toBe(404);
    expect(err.requestId).toBe('HDR-REQ');
    expect(err.hostId).toBe('HDR-HOST');
  });

  it('gives a non-XML 502 the code BadGateway', async () => {
    const err = await failure(transport.request({ method: 'GET', url: `${server.origin}/html` }));
    expect(err.code).toBe('BadGateway');
    expect(err.status).toBe(502);
  });

  it('keeps the connection alive after reading an error body', async () => {
    const before = server.requests.length;
    for (let i = 0; i < 3; i++) await failure(transport.request({ method: 'GET', url: `${server.origin}/nosuchkey` }));
    expect(server.requests.length).toBe(before + 3);
    const res = await transport.request({ method: 'GET', url: `${server.origin}/nosuchkey` }).catch((e: S3Error) => e);
    expect((res as S3Error).code).toBe('NoSuchKey');
  });
});

describe('s3ErrorFromResponse', () => {
  it('decodes numeric entities and ignores unknown XML around the Error element', () => {
    const err = s3ErrorFromResponse(403, {}, '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>no &#x263A; &#65;</Message></Error>');
    expect(err.code).toBe('AccessDenied');
    expect(err.message).toBe('no ☺ A');
  });

  it('maps a 503 without body to ServiceUnavailable and a 500 to InternalError', () => {
    expect(s3ErrorFromResponse(503, {}, '').code).toBe('ServiceUnavailable');
    expect(s3ErrorFromResponse(500, {}, 'oops').code).toBe('InternalError');
    expect(s3ErrorFromResponse(418, {}, '').code).toBe('Http418');
  });
});
