import { S3Error, s3Error } from '@s3kit/errors';
import { createRouter } from '@s3kit/xml-shapes/operations';
import { describe, expect, it } from 'vitest';
import { authorize } from '../authorize/decide.js';
import { compilePolicyState } from '../authorize/policy-state.js';
import { toErrorResponse } from './errors.js';
import { parseRequest } from './parse.js';
import { resign, toUpstreamRequest } from './resign.js';
import { respond } from './respond.js';
import type { Authenticated, Principal, RequestInfo } from './types.js';

const router = createRouter({ baseDomains: ['s3.test'] });
const info = (): RequestInfo => ({ requestId: 'REQ1', startedAt: 0, bytesIn: () => 0 });
const principal = (allow: Principal['allow']): Principal => ({ name: 'p', accessKeyId: 'AK', authKind: 'header-v4', allow, upstream: 'default' });

describe('parseRequest', () => {
  it('routes path-style and virtual-hosted requests and joins repeated headers with ","', () => {
    const p = parseRequest(
      {
        method: 'get',
        target: '/bk1/a%2Fb?tagging',
        headers: [
          ['Host', 'localhost'],
          ['X-Amz-Meta-A', '1'],
          ['x-amz-meta-a', '2'],
        ],
      },
      router,
    );
    expect([p.method, p.route.operation, p.route.bucket, p.route.key, p.headers['x-amz-meta-a'], p.resource]).toEqual(['GET', 'GetObjectTagging', 'bk1', 'a/b', '1,2', '/bk1/a/b']);
    const v = parseRequest({ method: 'PUT', target: '/k', headers: { host: 'photos.s3.test:9000' } }, router);
    expect([v.route.operation, v.route.bucket, v.route.key, v.route.style]).toEqual(['PutObject', 'photos', 'k', 'virtual']);
  });

  it('rejects an invalid bucket name with InvalidBucketName (400)', () => {
    expect(() => parseRequest({ method: 'GET', target: '/B_/k', headers: { host: 'localhost' } }, router)).toThrow(expect.objectContaining({ code: 'InvalidBucketName', status: 400 }));
  });
});

describe('authorize', () => {
  const parse = (method: string, target: string, headers: Record<string, string> = {}) => parseRequest({ method, target, headers: { host: 'localhost', ...headers } }, router);
  // The allow shorthand of the principal's identity, compiled into a policy as createGateway does.
  const run = (p: ReturnType<typeof parse>, allow: Principal['allow']) =>
    authorize(p, principal(allow), { policies: compilePolicyState([{ accessKeyId: 'AK', secretAccessKey: 's', allow }], {}, undefined), clock: Date.now, upstreams: {} });
  it('allows reads with read access and refuses writes with AccessDenied (403)', async () => {
    const read = [{ bucket: 'bk1', access: 'read' as const }];
    await expect(run(parse('GET', '/bk1/k'), read)).resolves.toBeUndefined();
    await expect(run(parse('PUT', '/bk1/k'), read)).rejects.toMatchObject({ code: 'AccessDenied', status: 403 });
    await expect(run(parse('GET', '/bk2/k'), read)).rejects.toMatchObject({ code: 'AccessDenied' });
  });
  it('needs read access to the copy source bucket', async () => {
    await expect(run(parse('PUT', '/dst/k', { 'x-amz-copy-source': '/src/k' }), [{ bucket: 'dst', access: 'readwrite' }])).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(run(parse('PUT', '/dst/k', { 'x-amz-copy-source': '/src/k' }), [{ bucket: '*', access: 'readwrite' }])).resolves.toBeUndefined();
  });
});

describe('toUpstreamRequest and resign', () => {
  const auth = (mode: Authenticated['payloadMode']): Authenticated => ({ principal: principal([]), payloadMode: mode, body: undefined, bytesIn: () => 0, verifying: false });
  it('strips client auth from headers and query, and aws-chunked framing', () => {
    const p = parseRequest(
      {
        method: 'PUT',
        target: '/bk1/k?X-Amz-Signature=abc&X-Amz-Credential=x&partNumber=1&uploadId=u',
        headers: {
          host: 'localhost',
          authorization: 'AWS4-HMAC-SHA256 …',
          'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
          'content-encoding': 'aws-chunked,gzip',
          'x-amz-decoded-content-length': '10',
          'content-length': '90',
          'x-amz-trailer': 'x-amz-checksum-crc32',
          'content-md5': 'abc=',
          connection: 'keep-alive',
        },
      },
      router,
    );
    const up = toUpstreamRequest(p, auth('streaming-unsigned-trailer'), undefined);
    expect(up.query).toEqual({ partNumber: '1', uploadId: 'u' });
    expect(up.headers).toEqual({ 'content-encoding': 'gzip', 'content-length': '10', 'content-md5': 'abc=', 'x-s3kit-trailer': 'x-amz-checksum-crc32' });
  });
  it('builds path-style and virtual-hosted upstream URLs with bucket mapping', () => {
    const req = { method: 'GET', operation: 'GetObject', bucket: 'photos', key: 'a b/ü+', query: { 'versionId': 'v 1' }, headers: {} };
    const path = resign(req, { endpoint: 'http://up:7480', addressing: 'path', buckets: { photos: 'real' }, checksumHeaders: true, signPayloadHash: true, trailers: false });
    expect([path.origin, path.path]).toEqual(['http://up:7480', '/real/a%20b/%C3%BC%2B?versionId=v%201']);
    const virt = resign(req, { endpoint: 'https://s3.example', addressing: 'virtual', buckets: {}, checksumHeaders: true, signPayloadHash: true, trailers: false });
    expect([virt.origin, virt.path]).toEqual(['https://photos.s3.example', '/a%20b/%C3%BC%2B?versionId=v%201']);
  });
});

describe('respond and toErrorResponse', () => {
  it('drops hop-by-hop headers and sets the gateway request id', () => {
    const r = respond('GET', { status: 200, headers: { connection: 'keep-alive, x-drop', 'x-drop': '1', 'transfer-encoding': 'chunked', etag: '"e"', 'x-amz-request-id': 'UP' } }, info());
    expect(r.headers).toEqual({ etag: '"e"', 'x-amz-request-id': 'REQ1' });
  });
  it('renders S3 errors as XML with status, and HEAD without a body', () => {
    const e = toErrorResponse(s3Error('NoSuchKey'), { method: 'GET', resource: '/b/k', info: info() });
    expect([e.status, e.headers['content-type'], String(e.body)]).toEqual([404, 'application/xml', expect.stringContaining('<Code>NoSuchKey</Code>')]);
    expect(String(e.body)).toContain('<RequestId>REQ1</RequestId>');
    const h = toErrorResponse(new S3Error('NoSuchKey'), { method: 'HEAD', resource: '/b/k', info: info() });
    expect([h.status, h.body]).toEqual([404, undefined]);
  });
  it('turns anything else into InternalError (500) and reports it', () => {
    const seen: unknown[] = [];
    const e = toErrorResponse(new Error('bug'), { method: 'GET', resource: '/', info: info(), onUnexpected: (err) => seen.push(err) });
    expect([e.status, String(e.body).includes('<Code>InternalError</Code>'), seen.length]).toEqual([500, true, 1]);
  });
});
