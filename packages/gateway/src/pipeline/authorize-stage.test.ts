import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { s3Error } from '@s3kit/errors';
import { createRouter } from '@s3kit/xml-shapes/operations';
import { describe, expect, it } from 'vitest';
import type { AuthorizeConfig } from '../authorize/decide.js';
import { authorizeRequest, withAuthorizedBody, withDenied } from './authorize-stage.js';
import { watchVerifiedBody } from './body-watch.js';
import { toUpstreamRequest } from './resign.js';
import { compilePolicyState } from '../authorize/policy-state.js';
import { parseRequest } from './parse.js';
import type { Authenticated, Authorized, Forward, Principal } from './types.js';

const router = createRouter({ baseDomains: [] });
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const principal: Principal = { name: 'p', accessKeyId: 'AK', authKind: 'header-v4', allow: [], upstream: 'default' };
const parse = (method: string, target: string, headers: Record<string, string> = {}) => parseRequest({ method, target, headers: { host: 'localhost', ...headers } }, router);
const md5 = (s: string | Uint8Array): string => createHash('md5').update(s).digest('base64');

function forwarded(out: Authorized): Forward {
  if (!out.forward) throw new Error('expected the request to be forwarded');
  return out;
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield enc(p);
}

async function* failing(part: string, err: Error): AsyncGenerator<Uint8Array> {
  yield enc(part);
  throw err;
}

async function readAll(body: AsyncIterable<Uint8Array> | undefined): Promise<string> {
  let out = '';
  for await (const c of body ?? []) out += dec(c);
  return out;
}

const authOf = (body: AsyncIterable<Uint8Array> | undefined, verifying = true): Authenticated => ({ principal, payloadMode: 'unsigned', body, bytesIn: () => 0, verifying });

function deps(statements: object[]): AuthorizeConfig {
  const policies = [{ Version: '2012-10-17', Statement: statements }];
  return { policies: compilePolicyState([{ accessKeyId: 'AK', secretAccessKey: 's', policies }], {}, undefined), clock: Date.now, upstreams: {} };
}

const DELETE_TMP = { Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::bkt/tmp/*' };

describe('authorizeRequest (the authorize stage as the pipeline runs it)', () => {
  it('forwards the verified stream of an ordinary request as the pipeline watches it: its failure is kept', async () => {
    const bad = s3Error('BadDigest');
    const auth = watchVerifiedBody(authOf(failing('ab', bad)));
    const out = forwarded(await authorizeRequest(parse('PUT', '/bkt/k'), auth, deps([{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }])));
    expect(out.body).toBe(auth.body);
    await expect(readAll(out.body)).rejects.toBe(bad);
    expect(auth.failure()).toBe(bad);
  });

  it('forwards a non-verifying body as it is (not read, not wrapped)', async () => {
    const body = chunks('x');
    const out = forwarded(await authorizeRequest(parse('PUT', '/bkt/k'), authOf(body, false), deps([{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }])));
    expect(out.body).toBe(body);
  });

  it('refuses before reading anything when the request itself is denied: AccessDenied (403)', async () => {
    let pulled = false;
    const body = (async function* () {
      pulled = true;
      yield enc('x');
    })();
    await expect(authorizeRequest(parse('PUT', '/bkt/k'), authOf(body), deps([DELETE_TMP]))).rejects.toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(pulled).toBe(false);
  });

  it('reads a DeleteObjects body in pieces, authorizes its keys and forwards the very same bytes', async () => {
    const xml = '<Delete><Object><Key>tmp/a</Key></Object><Object><Key>tmp/b</Key></Object></Delete>';
    const out = forwarded(await authorizeRequest(parse('POST', '/bkt?delete'), authOf(chunks(xml.slice(0, 10), xml.slice(10))), deps([DELETE_TMP])));
    expect(await readAll(out.body)).toBe(xml);
  });

  it('answers a DeleteObjects body that failed verification with that error, kept by the watch too', async () => {
    const bad = s3Error('XAmzContentSHA256Mismatch');
    const auth = watchVerifiedBody(authOf(failing('<Delete>', bad)));
    await expect(authorizeRequest(parse('POST', '/bkt?delete'), auth, deps([DELETE_TMP]))).rejects.toBe(bad);
    expect(auth.failure()).toBe(bad);
  });

  it('reads a PutObjectTagging body only when a policy mentions s3:RequestObjectTag, and decides on its tags', async () => {
    const tagging = (env: string) => `<Tagging><TagSet><Tag><Key>env</Key><Value>${env}</Value></Tag></TagSet></Tagging>`;
    const allow = { Effect: 'Allow', Action: 's3:PutObjectTagging', Resource: '*' };
    const plain = chunks(tagging('prod'));
    expect(forwarded(await authorizeRequest(parse('PUT', '/bkt/k?tagging'), authOf(plain, false), deps([allow]))).body).toBe(plain);
    const denyProd = deps([allow, { Effect: 'Deny', Action: 's3:PutObjectTagging', Resource: '*', Condition: { StringEquals: { 's3:RequestObjectTag/env': 'prod' } } }]);
    const dev = forwarded(await authorizeRequest(parse('PUT', '/bkt/k?tagging'), authOf(chunks(tagging('dev')), false), denyProd));
    expect(await readAll(dev.body)).toBe(tagging('dev'));
    await expect(authorizeRequest(parse('PUT', '/bkt/k?tagging'), authOf(chunks(tagging('prod'))), denyProd)).rejects.toMatchObject({ code: 'AccessDenied' });
  });
});

describe('authorizeRequest: DeleteObjects decided per key', () => {
  const xmlOf = (...keys: string[]) => `<Delete><Quiet>true</Quiet>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;
  const del = (xml: string, headers: Record<string, string> = { 'content-md5': md5(xml) }) => parse('POST', '/bkt?delete', headers);

  it('forwards a <Delete> of the allowed keys only (Quiet kept) with its own Content-MD5 and length, the denied keys kept aside', async () => {
    const xml = xmlOf('tmp/a', 'home/x', 'tmp/b');
    const parsed = del(xml);
    const auth = authOf(chunks(xml));
    const out = forwarded(await authorizeRequest(parsed, auth, deps([DELETE_TMP])));
    const sent = await readAll(out.body);
    expect(sent).toMatch(
      /^<\?xml[^>]*>\s*<Delete xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/"><Object><Key>tmp\/a<\/Key><\/Object><Object><Key>tmp\/b<\/Key><\/Object><Quiet>true<\/Quiet><\/Delete>$/,
    );
    expect(out.denied?.errors).toEqual([{ Key: 'home/x', Code: 'AccessDenied', Message: 'Access Denied' }]);
    const up = withAuthorizedBody(toUpstreamRequest(parsed, auth, undefined), out);
    expect(up.headers['content-md5']).toBe(md5(sent));
    expect(up.headers['content-length']).toBe(String(new TextEncoder().encode(sent).length));
  });

  it('recomputes every x-amz-checksum-* the client used (header or SDK algorithm) and the signed SHA-256 over the new body', async () => {
    const xml = xmlOf('tmp/a', 'home/x');
    const sha = createHash('sha256').update(xml).digest('base64');
    const hex = createHash('sha256').update(xml).digest('hex');
    const parsed = del(xml, { 'x-amz-checksum-sha256': sha, 'x-amz-sdk-checksum-algorithm': 'CRC32', 'x-amz-content-sha256': hex });
    const auth: Authenticated = { ...authOf(chunks(xml)), payloadMode: 'sha256' };
    const out = forwarded(await authorizeRequest(parsed, auth, deps([DELETE_TMP])));
    const sent = await readAll(out.body);
    const up = withAuthorizedBody(toUpstreamRequest(parsed, auth, undefined), out);
    expect(up.headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update(sent).digest('base64'));
    expect(up.headers['x-amz-checksum-sha256']).not.toBe(sha);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(sent) >>> 0);
    expect(up.headers['x-amz-checksum-crc32']).toBe(crc.toString('base64'));
    expect(up.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(sent).digest('hex'));
    expect(up.headers['content-md5']).toBe(md5(sent));
  });

  it('forwards nothing when every key is denied, and answers a DeleteResult of AccessDenied errors (VersionId kept)', async () => {
    const xml = '<Delete><Object><Key>home/x</Key><VersionId>v1</VersionId></Object><Object><Key>home/y</Key></Object></Delete>';
    const out = await authorizeRequest(del(xml), authOf(chunks(xml)), deps([DELETE_TMP]));
    expect(out.forward).toBe(false);
    const res = await withDenied(undefined, out);
    expect([res.status, res.headers['content-type']]).toEqual([200, 'application/xml']);
    expect(new TextDecoder().decode(res.body as Uint8Array)).toContain(
      '<Error><Key>home/x</Key><VersionId>v1</VersionId><Code>AccessDenied</Code><Message>Access Denied</Message></Error><Error><Key>home/y</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>',
    );
  });

  it('a key with a VersionId needs s3:DeleteObjectVersion: denied under s3:DeleteObject alone', async () => {
    const xml = '<Delete><Object><Key>tmp/a</Key><VersionId>v1</VersionId></Object><Object><Key>tmp/b</Key></Object></Delete>';
    const out = forwarded(await authorizeRequest(del(xml), authOf(chunks(xml)), deps([DELETE_TMP])));
    expect(out.denied?.errors).toEqual([{ Key: 'tmp/a', VersionId: 'v1', Code: 'AccessDenied', Message: 'Access Denied' }]);
    const both = await authorizeRequest(del(xml), authOf(chunks(xml)), deps([DELETE_TMP, { ...DELETE_TMP, Action: 's3:DeleteObjectVersion' }]));
    expect(forwarded(both).denied).toBeUndefined();
  });

  it('checks the client Content-MD5 itself when the body is not forwarded as sent: BadDigest, InvalidDigest, and InvalidRequest without any digest (400)', async () => {
    const xml = xmlOf('tmp/a', 'home/x');
    await expect(authorizeRequest(del(xml, { 'content-md5': md5('other') }), authOf(chunks(xml)), deps([DELETE_TMP]))).rejects.toMatchObject({ code: 'BadDigest', status: 400 });
    await expect(authorizeRequest(del(xml, { 'content-md5': 'nope' }), authOf(chunks(xml)), deps([DELETE_TMP]))).rejects.toMatchObject({ code: 'InvalidDigest', status: 400 });
    await expect(authorizeRequest(del(xml, {}), authOf(chunks(xml)), deps([DELETE_TMP]))).rejects.toMatchObject({ code: 'InvalidRequest', status: 400 });
  });
});
