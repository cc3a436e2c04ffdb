import { createPresignedPost } from '@s3kit/post-policy';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type CorsRule } from '../src/index.js';
import { ADMIN, rawRequest, startGateway, type RunningGateway } from './support/gateway-server.js';
import { formData, postForm } from './support/post-forms.js';
import { localTarget, type Target } from './support/targets.js';

const BUCKET = 'cors-bucket';
const PLAIN = 'cors-off';
const RULES: CorsRule[] = [
  {
    id: 'app',
    allowedOrigins: ['https://app.example'],
    allowedMethods: ['GET', 'PUT', 'POST'],
    allowedHeaders: ['content-type', 'x-amz-*'],
    exposeHeaders: ['ETag', 'x-amz-version-id'],
    maxAgeSeconds: 600,
  },
  { id: 'partners', allowedOrigins: ['https://*.partner.example'], allowedMethods: ['GET'] },
  { id: 'anyone-head', allowedOrigins: ['*'], allowedMethods: ['HEAD'], allowedHeaders: ['*'] },
  { id: 'shadowed', allowedOrigins: ['https://app.example'], allowedMethods: ['GET'], maxAgeSeconds: 1 },
];
const NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

let target: Target;
let g: RunningGateway;
beforeAll(async () => {
  target = await localTarget();
  g = await startGateway(target.upstream, { baseDomains: ['s3.gateway.test'], cors: { [BUCKET]: RULES } });
  await target.createBucket(BUCKET);
  await target.createBucket(PLAIN);
});
afterAll(async () => {
  await g?.close();
  await target?.close();
});

const options = (path: string, headers: Record<string, string>) => rawRequest(g.port, { method: 'OPTIONS', path, headers });
const corsOf = (h: Record<string, string | string[] | undefined>) => Object.fromEntries(Object.entries(h).filter(([k]) => k.startsWith('access-control-') || k === 'vary'));
const code = (body: string) => /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
const message = (body: string) => /<Message>([^<]*)<\/Message>/.exec(body)?.[1]?.replace(/&apos;/g, "'");

describe('CORS preflight (OPTIONS), answered from the bucket rules and never authorized', () => {
  it('answers a preflight without Origin with BadRequest (400) "Insufficient information. Origin request header needed."', async () => {
    const r = await options(`/${BUCKET}/a.txt`, { 'access-control-request-method': 'PUT' });
    expect([r.status, code(r.body), message(r.body)]).toEqual([400, 'BadRequest', 'Insufficient information. Origin request header needed.']);
  });

  it('answers a bucket without rules with AccessForbidden (403) "CORSResponse: CORS is not enabled for this bucket." (Method, ResourceType BUCKET)', async () => {
    const r = await options(`/${PLAIN}/a.txt`, { origin: 'https://app.example', 'access-control-request-method': 'PUT' });
    expect([r.status, code(r.body), message(r.body)]).toEqual([403, 'AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.']);
    expect(r.body).toContain('<Method>PUT</Method>');
    expect(r.body).toContain('<ResourceType>BUCKET</ResourceType>');
    expect(corsOf(r.headers)).toEqual({});
  });

  it('answers a preflight without Access-Control-Request-Method on a configured bucket with BadRequest (400)', async () => {
    const r = await options(`/${BUCKET}/a.txt`, { origin: 'https://app.example' });
    expect([r.status, code(r.body), message(r.body)]).toEqual([400, 'BadRequest', 'Invalid Access-Control-Request-Method: null']);
  });

  it.each([
    ['an origin no rule lists', `/${BUCKET}/a.txt`, { origin: 'https://evil.example', 'access-control-request-method': 'PUT' }, 'OBJECT'],
    ['an origin in another case (origins are matched exactly)', `/${BUCKET}/a.txt`, { origin: 'https://APP.example', 'access-control-request-method': 'PUT' }, 'OBJECT'],
    ['an origin with a trailing slash', `/${BUCKET}`, { origin: 'https://app.example/', 'access-control-request-method': 'PUT' }, 'BUCKET'],
    ['a method the matching origin is not allowed', `/${BUCKET}/a.txt`, { origin: 'https://app.example', 'access-control-request-method': 'DELETE' }, 'OBJECT'],
    [
      'a header no allowed header covers',
      `/${BUCKET}/a.txt`,
      { origin: 'https://app.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type,authorization' },
      'OBJECT',
    ],
    [
      'a header for a rule without allowedHeaders',
      `/${BUCKET}`,
      { origin: 'https://x.partner.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'content-type' },
      'BUCKET',
    ],
  ])('answers %s with AccessForbidden (403) and no CORS headers', async (_, path, headers, resourceType) => {
    const r = await options(path, headers);
    expect([r.status, code(r.body), message(r.body)]).toEqual([403, 'AccessForbidden', NOT_ALLOWED]);
    expect(r.body).toContain(`<Method>${headers['access-control-request-method']}</Method>`);
    expect(r.body).toContain(`<ResourceType>${resourceType}</ResourceType>`);
    expect(corsOf(r.headers)).toEqual({});
  });

  it('answers a match with 200: the origin echoed, the rule methods, the requested headers (lower case, in order), expose headers, max age, credentials and Vary', async () => {
    const r = await options(`/${BUCKET}/photos/a.jpg`, {
      origin: 'https://app.example',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'Content-Type, x-amz-meta-owner,X-Amz-Date',
    });
    expect([r.status, r.body]).toEqual([200, '']);
    expect(corsOf(r.headers)).toEqual({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-methods': 'GET, PUT, POST',
      'access-control-allow-headers': 'content-type, x-amz-meta-owner, x-amz-date',
      'access-control-expose-headers': 'ETag, x-amz-version-id',
      'access-control-max-age': '600',
      'access-control-allow-credentials': 'true',
      vary: VARY,
    });
  });

  it('matches a wildcard origin (https://*.partner.example) and echoes the origin', async () => {
    const r = await options(`/${BUCKET}`, { origin: 'https://cdn.partner.example', 'access-control-request-method': 'GET' });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('https://cdn.partner.example');
    expect(r.headers['access-control-allow-methods']).toBe('GET');
    expect(r.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('answers a * origin rule with Access-Control-Allow-Origin: * and no credentials; a * allowed header covers any requested header', async () => {
    const r = await options(`/${BUCKET}/a.txt`, { origin: 'http://localhost:5173', 'access-control-request-method': 'HEAD', 'access-control-request-headers': 'range, if-none-match' });
    expect(r.status).toBe(200);
    expect(corsOf(r.headers)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'HEAD',
      'access-control-allow-headers': 'range, if-none-match',
      vary: VARY,
    });
  });

  it('uses the first matching rule: a GET from https://app.example matches rule 0, not the later rule 3; a HEAD falls through to the * rule', async () => {
    const r = await options(`/${BUCKET}/a.txt`, { origin: 'https://app.example', 'access-control-request-method': 'GET' });
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(r.headers['access-control-max-age']).toBe('600');
    const head = await options(`/${BUCKET}/a.txt`, { origin: 'https://app.example', 'access-control-request-method': 'HEAD' });
    expect(head.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers a virtual-hosted preflight (Host: <bucket>.<base domain>) from the same rules', async () => {
    const ok = await options('/photos/a.jpg', { host: `${BUCKET}.s3.gateway.test`, origin: 'https://app.example', 'access-control-request-method': 'POST' });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
    const off = await options('/', { host: `${PLAIN}.s3.gateway.test`, origin: 'https://app.example', 'access-control-request-method': 'POST' });
    expect([off.status, code(off.body)]).toEqual([403, 'AccessForbidden']);
  });
});

describe('CORS headers on actual requests (success and error answers)', () => {
  const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' });
  const presigned = (method: string, path: string) => signer.presign({ method, url: `${g.endpoint}${path}`, expiresIn: 300 }).url;

  it('adds the matching rule headers to a PUT and a GET from an allowed origin', async () => {
    const put = await fetch(presigned('PUT', `/${BUCKET}/actual.txt`), { method: 'PUT', body: 'cors body', headers: { origin: 'https://app.example' } });
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(put.headers.get('access-control-expose-headers')).toBe('ETag, x-amz-version-id');
    const get = await fetch(presigned('GET', `/${BUCKET}/actual.txt`), { headers: { origin: 'https://app.example' } });
    expect(await get.text()).toBe('cors body');
    expect(get.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(get.headers.get('access-control-allow-credentials')).toBe('true');
    expect(get.headers.get('vary')).toBe(VARY);
  });

  it('adds none for an origin no rule allows, or for a method the origin is not allowed (the Access-Control-Request-Method header decides, as S3 does)', async () => {
    const evil = await fetch(presigned('GET', `/${BUCKET}/actual.txt`), { headers: { origin: 'https://evil.example' } });
    expect(evil.status).toBe(200);
    expect(corsOf(Object.fromEntries(evil.headers))).toEqual({});
    const asked = await fetch(presigned('GET', `/${BUCKET}/actual.txt`), { headers: { origin: 'https://a.partner.example', 'access-control-request-method': 'PUT' } });
    expect(corsOf(Object.fromEntries(asked.headers))).toEqual({});
    const plain = await fetch(presigned('GET', `/${BUCKET}/actual.txt`), { headers: { origin: 'https://a.partner.example' } });
    expect(plain.headers.get('access-control-allow-origin')).toBe('https://a.partner.example');
  });

  it('adds them to error answers too (NoSuchKey 404, AccessDenied 403), so the page can read the S3 error', async () => {
    const missing = await fetch(presigned('GET', `/${BUCKET}/missing.txt`), { headers: { origin: 'https://app.example' } });
    expect([missing.status, code(await missing.text())]).toEqual([404, 'NoSuchKey']);
    expect(missing.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const anonymous = await fetch(`${g.endpoint}/${BUCKET}/actual.txt`, { headers: { origin: 'https://app.example' } });
    expect([anonymous.status, code(await anonymous.text())]).toEqual([403, 'AccessDenied']);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });

  it('adds them to browser POST Object answers: the 204 success and an error', async () => {
    const post = createPresignedPost({ bucket: BUCKET, key: 'form/${filename}', credentials: ADMIN, endpoint: g.endpoint });
    const ok = await postForm(post.url, formData(post.fields, 'from a page', 'page.txt'), { origin: 'https://app.example' });
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(ok.headers['access-control-expose-headers']).toBe('ETag, x-amz-version-id');
    const bad = await postForm(post.url, formData({ ...post.fields, 'x-amz-signature': '0'.repeat(64) }, 'x'), { origin: 'https://app.example' });
    expect([bad.status, bad.code]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(bad.headers['access-control-allow-origin']).toBe('https://app.example');
  });
});

describe('validateCors (createGateway and update): the rules S3 PutBucketCors enforces', () => {
  const base = { identities: [ADMIN], upstreams: { default: { handle: async () => ({ status: 200, headers: {} }) } } };
  const rule = (over: Partial<CorsRule>): CorsRule => ({ allowedOrigins: ['https://a.example'], allowedMethods: ['GET'], ...over });
  it.each([
    ['an unsupported method', [rule({ allowedMethods: ['GET', 'PATCH'] })], /cors\.b\[0\]: Found unsupported HTTP method in CORS config\. Unsupported method is PATCH/],
    ['a lower-case method', [rule({}), rule({ allowedMethods: ['get'] })], /cors\.b\[1\]: .*Unsupported method is get/],
    ['two wildcards in an origin', [rule({ allowedOrigins: ['https://*.example.*'] })], /cors\.b\[0\]: AllowedOrigin "https:\/\/\*\.example\.\*" can not have more than one wildcard/],
    ['two wildcards in an allowed header', [rule({ allowedHeaders: ['x-*-*'] })], /cors\.b\[0\]: AllowedHeader "x-\*-\*" can not have more than one wildcard/],
    ['no origin', [rule({ allowedOrigins: [] })], /cors\.b\[0\]: allowedOrigins needs at least one entry/],
    ['a negative maxAgeSeconds', [rule({ maxAgeSeconds: -1 })], /cors\.b\[0\]: maxAgeSeconds must be a non-negative integer/],
    ['more than 100 rules', Array.from({ length: 101 }, () => rule({})), /cors\.b: at most 100 rules/],
  ])('rejects %s with a TypeError naming the bucket and rule index', (_, rules, pattern) => {
    expect(() => createGateway({ ...base, cors: { b: rules } })).toThrow(TypeError);
    expect(() => createGateway({ ...base, cors: { b: rules } })).toThrow(pattern);
  });

  it('accepts 100 rules, maxAgeSeconds 0, and one wildcard in each origin and header', () => {
    expect(() => createGateway({ ...base, cors: { b: [...Array.from({ length: 99 }, () => rule({})), rule({ allowedOrigins: ['*'], allowedHeaders: ['*'], maxAgeSeconds: 0 })] } })).not.toThrow();
  });

  it('keeps the old rules when update() is given invalid ones, and uses new valid ones at once', async () => {
    const gw = createGateway({ ...base, cors: { bkt: [rule({})] } });
    const pre = (origin: string) => gw.handle({ method: 'OPTIONS', target: '/bkt/k', headers: { host: '127.0.0.1', origin, 'access-control-request-method': 'GET' } });
    expect(() => gw.update({ cors: { bkt: [rule({ allowedMethods: ['TRACE'] })] } })).toThrow(TypeError);
    expect((await pre('https://a.example')).status).toBe(200);
    gw.update({ cors: { bkt: [rule({ allowedOrigins: ['https://new.example'] })] } });
    expect((await pre('https://a.example')).status).toBe(403);
    expect((await pre('https://new.example')).status).toBe(200);
  });
});
