import { s3Error } from '@s3kit/errors';
import { createRouter } from '@s3kit/xml-shapes/operations';
import { describe, expect, it } from 'vitest';
import { authorizeRequest, type AuthorizeStageDeps } from './authorize-stage.js';
import { compilePolicyState } from './policy-config.js';
import { parseRequest } from './parse.js';
import type { Authenticated, Principal } from './types.js';

const router = createRouter({ baseDomains: [] });
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const principal: Principal = { name: 'p', accessKeyId: 'AK', authKind: 'header-v4', allow: [], upstream: 'default' };
const parse = (method: string, target: string) => parseRequest({ method, target, headers: { host: 'localhost' } }, router);

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

function deps(statements: object[], seen: unknown[] = []): AuthorizeStageDeps {
  const policies = [{ Version: '2012-10-17', Statement: statements }];
  return { state: compilePolicyState([{ accessKeyId: 'AK', secretAccessKey: 's', policies }], {}, undefined), clock: Date.now, upstreams: {}, onBodyError: (e) => seen.push(e) };
}

const DELETE_TMP = { Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::bkt/tmp/*' };

describe('authorizeRequest (the authorize stage as the pipeline runs it)', () => {
  it('forwards the verified stream of an ordinary request, watched: its failure is told to onBodyError', async () => {
    const seen: unknown[] = [];
    const bad = s3Error('BadDigest');
    const out = await authorizeRequest(parse('PUT', '/bkt/k'), authOf(failing('ab', bad)), deps([{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }], seen));
    await expect(readAll(out.body)).rejects.toBe(bad);
    expect(seen).toEqual([bad]);
  });

  it('forwards a non-verifying body as it is (not read, not wrapped)', async () => {
    const body = chunks('x');
    const out = await authorizeRequest(parse('PUT', '/bkt/k'), authOf(body, false), deps([{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }]));
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
    const out = await authorizeRequest(parse('POST', '/bkt?delete'), authOf(chunks(xml.slice(0, 10), xml.slice(10))), deps([DELETE_TMP]));
    expect(await readAll(out.body)).toBe(xml);
  });

  it('answers a DeleteObjects body that failed verification with that error, told to onBodyError too', async () => {
    const seen: unknown[] = [];
    const bad = s3Error('XAmzContentSHA256Mismatch');
    await expect(authorizeRequest(parse('POST', '/bkt?delete'), authOf(failing('<Delete>', bad)), deps([DELETE_TMP], seen))).rejects.toBe(bad);
    expect(seen).toEqual([bad]);
  });

  it('reads a PutObjectTagging body only when a policy mentions s3:RequestObjectTag, and decides on its tags', async () => {
    const tagging = (env: string) => `<Tagging><TagSet><Tag><Key>env</Key><Value>${env}</Value></Tag></TagSet></Tagging>`;
    const allow = { Effect: 'Allow', Action: 's3:PutObjectTagging', Resource: '*' };
    const plain = chunks(tagging('prod'));
    expect((await authorizeRequest(parse('PUT', '/bkt/k?tagging'), authOf(plain, false), deps([allow]))).body).toBe(plain);
    const denyProd = deps([allow, { Effect: 'Deny', Action: 's3:PutObjectTagging', Resource: '*', Condition: { StringEquals: { 's3:RequestObjectTag/env': 'prod' } } }]);
    const dev = await authorizeRequest(parse('PUT', '/bkt/k?tagging'), authOf(chunks(tagging('dev')), false), denyProd);
    expect(await readAll(dev.body)).toBe(tagging('dev'));
    await expect(authorizeRequest(parse('PUT', '/bkt/k?tagging'), authOf(chunks(tagging('prod'))), denyProd)).rejects.toMatchObject({ code: 'AccessDenied' });
  });
});
