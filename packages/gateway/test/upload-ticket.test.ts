import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isS3Error, type S3Error } from '@s3kit/errors';
import { verifyPost } from '@s3kit/post-policy';
import { SigV4Signer, chunkedHeaders, encodeChunked, streamingPayloadHash } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore, type Identity, type LocalStore } from '../src/index.js';
import { ADMIN, READER, startGateway, type RunningGateway } from './support/gateway-server.js';

// POST /_s3kit/upload-tickets through a real gateway on 127.0.0.1 (embedded store): SigV4
// authentication, authorization, validation, and the presigned POST it returns.

const OTHER: Identity = { name: 'other', accessKeyId: 'AKIAGATEWAYOTHER0001', secretAccessKey: 'other-secret-key-for-tests-only-000000000', allow: [{ bucket: 'elsewhere', access: 'readwrite' }] };
// Policy-only identities: one may ticket only under its own prefix, one may PutObject but has no ticket action.
const ALICE: Identity = {
  name: 'alice',
  accessKeyId: 'AKIAGATEWAYALICE0001',
  secretAccessKey: 'alice-secret-key-for-tests-only-000000000',
  policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3kit:CreateUploadTicket', Resource: 'arn:aws:s3:::uploads/users/${aws:username}/*' }] }],
};
const PUTTER: Identity = {
  name: 'putter',
  accessKeyId: 'AKIAGATEWAYPUTTER001',
  secretAccessKey: 'putter-secret-key-for-tests-only-00000000',
  policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::uploads/*' }] }],
};
// May ticket only session-scoped files (by resource and by the s3kit:TicketScope condition), and never for one denied session.
const SESSIONS: Identity = {
  name: 'sessions',
  accessKeyId: 'AKIAGATEWAYSESSION01',
  secretAccessKey: 'sessions-secret-key-for-tests-only-000000',
  policies: [
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3kit:CreateUploadTicket', Resource: 'arn:aws:s3:::uploads/*', Condition: { StringEquals: { 's3kit:TicketScope': 'SESSION' } } },
        { Effect: 'Deny', Action: 's3kit:CreateUploadTicket', Resource: 'arn:aws:s3:::uploads/*', Condition: { StringEquals: { 's3kit:SessionId': '00000000-0000-4000-8000-000000000bad' } } },
        { Effect: 'Deny', Action: 's3kit:CreateUploadTicket', NotResource: 'arn:aws:s3:::uploads/sessions/*' },
      ],
    },
  ],
};
const SID = '4f0e5b87-9d38-41cd-9eb4-ebce2f2917cc';
const OTHER_SID = '5a1f6c98-0e49-42de-8fc5-fcdf3a3028dd';
const FILE = new TextEncoder().encode('hello, upload ticket\n');
const SHA_B64 = createHash('sha256').update(FILE).digest('base64');
const SHA_HEX = createHash('sha256').update(FILE).digest('hex');

let dir: string;
let store: LocalStore;
let gw: RunningGateway;
const now = Date.UTC(2026, 10, 23, 12, 0, 0);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-tickets-'));
  store = createLocalStore({ dir, fsync: false });
  gw = await startGateway(store, { identities: [ADMIN, READER, OTHER, ALICE, PUTTER, SESSIONS], clock: () => now, baseDomains: ['gw.test'] });
});
afterAll(async () => {
  await gw.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const base = {
  bucket: 'uploads',
  key: 'inbox/hello.txt',
  fileName: 'hello.txt',
  contentType: 'text/plain',
  fileContentsSha256: SHA_B64,
  maxBytes: 1024,
  expiresIn: 600,
};

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown>;
  headers: Headers;
}

async function send(url: string, init: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // an S3 XML error
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** A header-signed ticket request. */
function ticket(body: unknown, opts: { identity?: Identity; secret?: string; tamper?: (b: string) => string; method?: string } = {}): Promise<Answer> {
  const id = opts.identity ?? ADMIN;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const host = `127.0.0.1:${gw.port}`;
  const signer = new SigV4Signer({ credentials: { accessKeyId: id.accessKeyId, secretAccessKey: opts.secret ?? id.secretAccessKey }, region: 'us-east-1', clock: () => now });
  const method = opts.method ?? 'POST';
  const s = signer.sign({ method, url: `http://${host}/_s3kit/upload-tickets`, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? text : undefined });
  const headers = { ...s.headers };
  delete headers['host'];
  return send(`${gw.endpoint}/_s3kit/upload-tickets`, {
    method,
    headers,
    ...(method === 'POST' ? { body: opts.tamper ? opts.tamper(text) : text } : {}),
  });
}

function xmlCode(a: Answer): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(a.text)?.[1];
}

function policyOf(fields: Record<string, string>): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(fields['policy']!, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
}

/** The multipart body a browser would post for a ticket (fields in order, then `file`). */
function formOf(fields: Record<string, string>, file: Uint8Array, name = 'hello.txt', type = 'text/plain'): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new File([file], name, { type }));
  return form;
}

async function verifyForm(
  t: { presignedUrl: string; presignedUrlFields: Record<string, string> },
  form: FormData,
  at = now,
): Promise<{ ok: true; bytes: Uint8Array; key: string; contentType: string | undefined } | { ok: false; error: S3Error }> {
  try {
    const v = await verifyPost(new Request(t.presignedUrl, { method: 'POST', body: form }), {
      bucket: 'uploads',
      now: () => at,
      getCredentials: (id) => [ADMIN, READER, OTHER].find((i) => i.accessKeyId === id),
    });
    const bytes = new Uint8Array(await new Response(v.file).arrayBuffer());
    return { ok: true, bytes, key: v.key, contentType: v.headers['content-type'] };
  } catch (err) {
    if (isS3Error(err)) return { ok: false, error: err };
    throw err;
  }
}

describe('POST /_s3kit/upload-tickets', () => {
  it('answers a header-signed request with 200 JSON { fileId, presignedUrl, presignedUrlFields, presignedUrlExpiration } bound to one file', async () => {
    const a = await ticket(base);
    expect(a.status, a.text).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(a.json).sort()).toEqual(['fileId', 'presignedUrl', 'presignedUrlExpiration', 'presignedUrlFields']);
    expect(a.json['fileId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.json['presignedUrl']).toBe(`http://127.0.0.1:${gw.port}/uploads`);
    expect(a.json['presignedUrlExpiration']).toBe(new Date(now + 600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const fields = a.json['presignedUrlFields'] as Record<string, string>;
    expect(fields).toMatchObject({
      key: 'inbox/hello.txt',
      'Content-Type': 'text/plain',
      'x-amz-checksum-algorithm': 'SHA256',
      'x-amz-checksum-sha256': SHA_B64,
      'x-amz-algorithm': 'AWS4-HMAC-SHA256',
      success_action_status: '201',
    });
    expect(fields['x-amz-credential']).toBe(`${ADMIN.accessKeyId}/20261123/us-east-1/s3/aws4_request`);
    const policy = policyOf(fields);
    expect(policy.expiration).toBe(a.json['presignedUrlExpiration']);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 0, 1024],
        { 'Content-Type': 'text/plain' },
        { 'x-amz-checksum-algorithm': 'SHA256' },
        { 'x-amz-checksum-sha256': SHA_B64 },
        { bucket: 'uploads' },
        { key: 'inbox/hello.txt' },
      ]),
    );
    // Exactly one key condition, and it is exact (no starts-with).
    expect(JSON.stringify(policy.conditions)).not.toContain('starts-with');
  });

  it('builds the key from keyPrefix + fileId + "/" + fileName', async () => {
    const { key: _k, ...rest } = base;
    const a = await ticket({ ...rest, keyPrefix: 'users/alice/', fileName: 'report final.pdf', contentType: 'application/pdf' });
    expect(a.status, a.text).toBe(200);
    const fields = a.json['presignedUrlFields'] as Record<string, string>;
    expect(fields['key']).toBe(`users/alice/${a.json['fileId'] as string}/report final.pdf`);
    expect(policyOf(fields).conditions).toContainEqual({ key: fields['key'] });
  });

  it('gives two tickets for the same file different fileIds', async () => {
    const { key: _k, ...rest } = base;
    const [a, b] = await Promise.all([ticket({ ...rest, keyPrefix: 'p/' }), ticket({ ...rest, keyPrefix: 'p/' })]);
    expect(a.json['fileId']).not.toBe(b.json['fileId']);
  });

  it('accepts a hex fileContentsSha256 and signs its base64 form', async () => {
    const a = await ticket({ ...base, fileContentsSha256: SHA_HEX.toUpperCase() });
    expect(a.status, a.text).toBe(200);
    expect((a.json['presignedUrlFields'] as Record<string, string>)['x-amz-checksum-sha256']).toBe(SHA_B64);
  });

  it('defaults expiresIn to 900 seconds', async () => {
    const { expiresIn: _e, ...rest } = base;
    const a = await ticket(rest);
    expect(a.json['presignedUrlExpiration']).toBe(new Date(now + 900_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });

  it('answers a presigned (query-signed) request too', async () => {
    const text = JSON.stringify(base);
    const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1', clock: () => now });
    const url = signer.presign({ method: 'POST', url: `${gw.endpoint}/_s3kit/upload-tickets`, expiresIn: 60 }).url;
    const a = await send(url, { method: 'POST', body: text, headers: { 'content-type': 'application/json' } });
    expect(a.status, a.text).toBe(200);
    expect((a.json['presignedUrlFields'] as Record<string, string>)['key']).toBe('inbox/hello.txt');
  });

  it('gives the virtual-hosted form action when the request came virtual-hosted (https over TLS), and keeps path-style otherwise', async () => {
    const direct = async (host: string, secure: boolean): Promise<string> => {
      const text = JSON.stringify(base);
      const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1', clock: () => now });
      const s = signer.sign({ method: 'POST', url: `http://${host}/_s3kit/upload-tickets`, headers: { 'content-type': 'application/json' }, body: text });
      const out = await gw.gateway.handle({
        method: 'POST',
        target: '/_s3kit/upload-tickets',
        headers: Object.entries(s.headers),
        body: (async function* () {
          yield new TextEncoder().encode(text);
        })(),
        secure,
      });
      expect(out.status, String(out.body)).toBe(200);
      return (JSON.parse(out.body as string) as { presignedUrl: string }).presignedUrl;
    };
    expect(await direct('uploads.gw.test:8443', true)).toBe('https://uploads.gw.test:8443/');
    expect(await direct('uploads.gw.test', false)).toBe('http://uploads.gw.test/');
    expect(await direct('gw.test:9000', false)).toBe('http://gw.test:9000/uploads');
    expect(await direct('[::1]:9000', true)).toBe('https://[::1]:9000/uploads');
  });

  it('answers a request with a signed aws-chunked body (chunk signatures verified), and refuses a changed chunk with SignatureDoesNotMatch', async () => {
    const run = async (tamper: boolean): Promise<{ status: number; body: string }> => {
      const bytes = new TextEncoder().encode(JSON.stringify(base));
      const opts = { mode: 'streaming' as const, chunkSize: 8192 };
      const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1', clock: () => now });
      const s = signer.sign({ method: 'POST', url: 'http://gw.local/_s3kit/upload-tickets', headers: chunkedHeaders(bytes.length, opts), payloadHash: streamingPayloadHash(opts.mode) });
      const framed: Uint8Array[] = [];
      for await (const c of encodeChunked([bytes], s, opts)) framed.push(c);
      const wire = Buffer.concat(framed);
      if (tamper) wire[wire.indexOf('inbox')] = 'X'.charCodeAt(0);
      const out = await gw.gateway.handle({ method: 'POST', target: '/_s3kit/upload-tickets', headers: Object.entries(s.headers), body: [wire] as unknown as AsyncIterable<Uint8Array> });
      return { status: out.status, body: String(out.body) };
    };
    const ok = await run(false);
    expect(ok.status, ok.body).toBe(200);
    expect((JSON.parse(ok.body) as { presignedUrlFields: Record<string, string> }).presignedUrlFields['key']).toBe('inbox/hello.txt');
    const bad = await run(true);
    expect([bad.status, /<Code>([^<]*)<\/Code>/.exec(bad.body)?.[1]]).toEqual([403, 'SignatureDoesNotMatch']);
  });

  describe('authentication and authorization', () => {
    it('refuses an unsigned request with AccessDenied (403)', async () => {
      const a = await send(`${gw.endpoint}/_s3kit/upload-tickets`, { method: 'POST', body: JSON.stringify(base) });
      expect([a.status, xmlCode(a)]).toEqual([403, 'AccessDenied']);
    });

    it('refuses a wrong secret with SignatureDoesNotMatch (403)', async () => {
      const a = await ticket(base, { secret: 'not-the-secret' });
      expect([a.status, xmlCode(a)]).toEqual([403, 'SignatureDoesNotMatch']);
    });

    it('refuses an unknown access key with InvalidAccessKeyId (403)', async () => {
      const a = await ticket(base, { identity: { accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'x' } });
      expect([a.status, xmlCode(a)]).toEqual([403, 'InvalidAccessKeyId']);
    });

    it('refuses a body changed after signing with XAmzContentSHA256Mismatch (400)', async () => {
      const a = await ticket(base, { tamper: (t) => t.replace('inbox/hello.txt', 'inbox/other.txt') });
      expect([a.status, xmlCode(a)]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    });

    it('refuses an identity without write access to the bucket with AccessDenied (403)', async () => {
      const r = await ticket(base, { identity: READER });
      expect([r.status, xmlCode(r)]).toEqual([403, 'AccessDenied']);
      const o = await ticket(base, { identity: OTHER });
      expect([o.status, xmlCode(o)]).toEqual([403, 'AccessDenied']);
      expect((await ticket({ ...base, bucket: 'elsewhere' }, { identity: OTHER })).status).toBe(200);
    });

    it("authorizes s3kit:CreateUploadTicket on the ticket's key with identity policies (policy variables included)", async () => {
      const { key: _k, ...rest } = base;
      const own = await ticket({ ...rest, keyPrefix: 'users/alice/' }, { identity: ALICE });
      expect(own.status, own.text).toBe(200);
      const other = await ticket({ ...rest, keyPrefix: 'users/bob/' }, { identity: ALICE });
      expect([other.status, xmlCode(other)]).toEqual([403, 'AccessDenied']);
      const exact = await ticket({ ...base, key: 'users/alice/notes.txt' }, { identity: ALICE });
      expect(exact.status).toBe(200);
      // s3:PutObject alone does not grant tickets.
      const put = await ticket(base, { identity: PUTTER });
      expect([put.status, xmlCode(put)]).toEqual([403, 'AccessDenied']);
    });

    it('refuses GET with MethodNotAllowed (405) and an Allow header', async () => {
      const a = await ticket(base, { method: 'GET' });
      expect([a.status, xmlCode(a)]).toEqual([405, 'MethodNotAllowed']);
      expect(a.headers.get('allow')).toBe('POST');
    });

    it('answers another /_s3kit/ path with NotImplemented (501)', async () => {
      const a = await send(`${gw.endpoint}/_s3kit/nothing-here`, { method: 'POST' });
      expect([a.status, xmlCode(a)]).toEqual([501, 'NotImplemented']);
    });

    it('refuses a body over 16 KiB with MaxMessageLengthExceeded (400)', async () => {
      const a = await ticket({ ...base, key: 'k'.repeat(17 * 1024) });
      expect([a.status, xmlCode(a)]).toEqual([400, 'MaxMessageLengthExceeded']);
    });
  });

  describe('validation', () => {
    const { key: _k, ...noKey } = base;
    const rows: [string, unknown, string, string | undefined][] = [
      ['a body that is not JSON', '{"bucket":', 'InvalidRequest', undefined],
      ['a JSON array', '[1,2]', 'InvalidRequest', undefined],
      ['an unknown field', { ...base, acl: 'public-read' }, 'InvalidArgument', 'acl'],
      ['a missing bucket', { ...base, bucket: undefined }, 'InvalidArgument', 'bucket'],
      ['a bad bucket name', { ...base, bucket: 'Bad_Bucket' }, 'InvalidBucketName', undefined],
      ['neither key nor keyPrefix', noKey, 'InvalidArgument', 'key'],
      ['both key and keyPrefix', { ...base, keyPrefix: 'p/' }, 'InvalidArgument', 'keyPrefix'],
      ['an empty key', { ...base, key: '' }, 'InvalidArgument', 'key'],
      ['a key over 1024 bytes', { ...base, key: 'é'.repeat(513) }, 'KeyTooLongError', undefined],
      ['a ${filename} template key', { ...base, key: 'inbox/${filename}' }, 'InvalidArgument', 'key'],
      ['keyPrefix without fileName', { ...noKey, keyPrefix: 'p/', fileName: undefined }, 'InvalidArgument', 'fileName'],
      ['a keyPrefix whose key passes 1024 bytes', { ...noKey, keyPrefix: 'p'.repeat(1000) }, 'KeyTooLongError', undefined],
      ['a fileName with a slash', { ...noKey, keyPrefix: 'p/', fileName: '../etc/passwd' }, 'InvalidArgument', 'fileName'],
      ['a fileName with a backslash', { ...noKey, keyPrefix: 'p/', fileName: 'C:\\x.txt' }, 'InvalidArgument', 'fileName'],
      ['a fileName of ".."', { ...noKey, keyPrefix: 'p/', fileName: '..' }, 'InvalidArgument', 'fileName'],
      ['a fileName with a control character', { ...noKey, keyPrefix: 'p/', fileName: 'a\nb.txt' }, 'InvalidArgument', 'fileName'],
      ['a fileName over 255 bytes', { ...noKey, keyPrefix: 'p/', fileName: 'f'.repeat(256) }, 'InvalidArgument', 'fileName'],
      ['a missing contentType', { ...base, contentType: undefined }, 'InvalidArgument', 'contentType'],
      ['a contentType that is no media type', { ...base, contentType: 'text' }, 'InvalidArgument', 'contentType'],
      ['a contentType with CR/LF', { ...base, contentType: 'text/plain\r\nx-amz-acl: public-read' }, 'InvalidArgument', 'contentType'],
      ['a missing fileContentsSha256', { ...base, fileContentsSha256: undefined }, 'InvalidArgument', 'fileContentsSha256'],
      ['a fileContentsSha256 of 31 bytes', { ...base, fileContentsSha256: Buffer.alloc(31).toString('base64') }, 'InvalidArgument', 'fileContentsSha256'],
      ['a fileContentsSha256 that is an MD5', { ...base, fileContentsSha256: createHash('md5').update(FILE).digest('hex') }, 'InvalidArgument', 'fileContentsSha256'],
      ['maxBytes 0', { ...base, maxBytes: 0 }, 'InvalidArgument', 'maxBytes'],
      ['maxBytes over 5 GiB', { ...base, maxBytes: 5 * 1024 ** 3 + 1 }, 'InvalidArgument', 'maxBytes'],
      ['maxBytes as a string', { ...base, maxBytes: '1024' }, 'InvalidArgument', 'maxBytes'],
      ['a missing maxBytes', { ...base, maxBytes: undefined }, 'InvalidArgument', 'maxBytes'],
      ['expiresIn 0', { ...base, expiresIn: 0 }, 'InvalidArgument', 'expiresIn'],
      ['expiresIn over 604800', { ...base, expiresIn: 604_801 }, 'InvalidArgument', 'expiresIn'],
      ['a fractional expiresIn', { ...base, expiresIn: 1.5 }, 'InvalidArgument', 'expiresIn'],
      ['an unknown scope', { ...base, scope: 'USER' }, 'InvalidArgument', 'scope'],
      ['a lower-case scope', { ...base, scope: 'session', sessionId: SID }, 'InvalidArgument', 'scope'],
      ['a scope that is no string', { ...base, scope: 1 }, 'InvalidArgument', 'scope'],
      ['scope SESSION without sessionId', { ...noKey, keyPrefix: '', scope: 'SESSION' }, 'InvalidArgument', 'sessionId'],
      ['a sessionId without scope', { ...noKey, keyPrefix: '', sessionId: SID }, 'InvalidArgument', 'sessionId'],
      ['a sessionId with scope APPLICATION', { ...noKey, keyPrefix: '', scope: 'APPLICATION', sessionId: SID }, 'InvalidArgument', 'sessionId'],
      ['a sessionId that is a path', { ...noKey, keyPrefix: '', scope: 'SESSION', sessionId: `${SID}/../${OTHER_SID}` }, 'InvalidArgument', 'sessionId'],
      ['a sessionId with an encoded slash', { ...noKey, keyPrefix: '', scope: 'SESSION', sessionId: `${SID.slice(0, 30)}%2F${SID.slice(33)}` }, 'InvalidArgument', 'sessionId'],
      ['a sessionId that is no v4/v5 UUID', { ...noKey, keyPrefix: '', scope: 'SESSION', sessionId: 'c232ab00-9414-11ec-b3c8-9e6bdeced846' }, 'InvalidArgument', 'sessionId'],
      ['a session key outside any session', { ...base, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'key'],
      ['a session key in another session', { ...base, key: `sessions/${OTHER_SID}/x.txt`, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'key'],
      ['a session key that is the prefix itself', { ...base, key: `sessions/${SID}/`, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'key'],
      ["a session key without the prefix's slash", { ...base, key: `sessions/${SID}x.txt`, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'key'],
      ['a session key climbing out with ../', { ...base, key: `sessions/${SID}/../${OTHER_SID}/x.txt`, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'key'],
      ['a session key with a ./ segment', { ...base, key: `sessions/${SID}/./x.txt`, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'key'],
      ['a session key with an empty segment', { ...base, key: `sessions/${SID}//x.txt`, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'key'],
      ['a session key with encoded dots', { ...base, key: `sessions/${SID}/%2e%2e/x.txt`, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'key'],
      ['a session key with an encoded slash', { ...base, key: `sessions/${SID}/..%2F..%2Fx.txt`, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'key'],
      ['a session key with a backslash', { ...base, key: `sessions/${SID}/..\\x.txt`, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'key'],
      ['a session key with a control character', { ...base, key: `sessions/${SID}/a\u0000b`, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'key'],
      ['a session keyPrefix without a final slash', { ...noKey, keyPrefix: 'apps', scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'keyPrefix'],
      ['a session keyPrefix with ../', { ...noKey, keyPrefix: `sessions/${OTHER_SID}/../`, scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'keyPrefix'],
      ['a session keyPrefix of "/"', { ...noKey, keyPrefix: '/', scope: 'SESSION', sessionId: SID }, 'InvalidArgument', 'keyPrefix'],
    ];
    const cases = rows.map(([name, body, code, argument]) => ({ name, body, code, argument }));
    it.each(cases)('refuses $name with $code (400)', async ({ body, code, argument }) => {
      const a = await ticket(body);
      expect([a.status, xmlCode(a)], a.text).toEqual([400, code]);
      if (argument !== undefined) expect(a.text).toContain(`<ArgumentName>${argument}</ArgumentName>`);
    });

    it('accepts the limits themselves (maxBytes 5 GiB, expiresIn 604800, a 1024-byte key, media type parameters)', async () => {
      const a = await ticket({ ...base, maxBytes: 5 * 1024 ** 3, expiresIn: 604_800, key: 'é'.repeat(512), contentType: 'text/plain; charset="utf-8"' });
      expect(a.status, a.text).toBe(200);
    });
  });

  describe('scope and sessionId (Q Apps CreatePresignedUrl)', () => {
    const { key: _k, ...noKey } = base;
    const keyOf = (a: Answer): string => (a.json['presignedUrlFields'] as Record<string, string>)['key']!;

    it('places a SESSION ticket under <keyPrefix>sessions/<sessionId>/<fileId>/<fileName>, the policy binding that exact key', async () => {
      for (const keyPrefix of ['', 'apps/app-1/']) {
        const a = await ticket({ ...noKey, keyPrefix, scope: 'SESSION', sessionId: SID });
        expect(a.status, a.text).toBe(200);
        expect(keyOf(a)).toBe(`${keyPrefix}sessions/${SID}/${a.json['fileId'] as string}/hello.txt`);
        expect(policyOf(a.json['presignedUrlFields'] as Record<string, string>).conditions).toContainEqual({ key: keyOf(a) });
      }
    });

    it('lower-cases the sessionId in the key (one session, one prefix)', async () => {
      const a = await ticket({ ...noKey, keyPrefix: '', scope: 'SESSION', sessionId: SID.toUpperCase() });
      expect(a.status, a.text).toBe(200);
      expect(keyOf(a)).toBe(`sessions/${SID}/${a.json['fileId'] as string}/hello.txt`);
    });

    it('accepts an exact key under the session prefix', async () => {
      const a = await ticket({ ...base, key: `sessions/${SID}/notes/hello.txt`, scope: 'SESSION', sessionId: SID });
      expect(a.status, a.text).toBe(200);
      expect(keyOf(a)).toBe(`sessions/${SID}/notes/hello.txt`);
    });

    it('keeps the APPLICATION scope (explicit or default) as before: keyPrefix + fileId + "/" + fileName, no session segment', async () => {
      const a = await ticket({ ...noKey, keyPrefix: 'apps/', scope: 'APPLICATION' });
      expect(a.status, a.text).toBe(200);
      expect(keyOf(a)).toBe(`apps/${a.json['fileId'] as string}/hello.txt`);
    });

    it('authorizes s3kit:CreateUploadTicket on the key inside the session prefix, with s3kit:TicketScope and s3kit:SessionId in the context', async () => {
      const id = { identity: SESSIONS };
      const ok = await ticket({ ...noKey, keyPrefix: '', scope: 'SESSION', sessionId: SID }, id);
      expect(ok.status, ok.text).toBe(200);
      // The application scope: no TicketScope SESSION (and outside sessions/).
      const app = await ticket({ ...noKey, keyPrefix: '', scope: 'APPLICATION' }, id);
      expect([app.status, xmlCode(app)]).toEqual([403, 'AccessDenied']);
      // A session below another prefix: the Deny on NotResource uploads/sessions/*.
      const nested = await ticket({ ...noKey, keyPrefix: 'apps/', scope: 'SESSION', sessionId: SID }, id);
      expect([nested.status, xmlCode(nested)]).toEqual([403, 'AccessDenied']);
      // A session denied by its id.
      const bad = await ticket({ ...noKey, keyPrefix: '', scope: 'SESSION', sessionId: '00000000-0000-4000-8000-000000000BAD' }, id);
      expect([bad.status, xmlCode(bad)]).toEqual([403, 'AccessDenied']);
    });
  });

  describe('the ticket as a form (checked with @s3kit/post-policy verifyPost)', () => {
    async function issued(over: Partial<typeof base> = {}): Promise<{ presignedUrl: string; presignedUrlFields: Record<string, string> }> {
      const a = await ticket({ ...base, ...over });
      expect(a.status, a.text).toBe(200);
      return a.json as unknown as { presignedUrl: string; presignedUrlFields: Record<string, string> };
    }

    it('verifies the file it was issued for, with its key and Content-Type', async () => {
      const t = await issued();
      const r = await verifyForm(t, formOf(t.presignedUrlFields, FILE));
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(Buffer.from(r.bytes).toString()).toBe('hello, upload ticket\n');
        expect(r.key).toBe('inbox/hello.txt');
        expect(r.contentType).toBe('text/plain');
      }
    });

    it('refuses other file contents with BadDigest (400)', async () => {
      const t = await issued();
      const r = await verifyForm(t, formOf(t.presignedUrlFields, new TextEncoder().encode('hello, upload ticket?')));
      expect(r.ok ? 'ok' : r.error.code).toBe('BadDigest');
    });

    it('refuses a file over maxBytes with EntityTooLarge (400)', async () => {
      const big = randomBytes(2048);
      const t = await issued({ fileContentsSha256: createHash('sha256').update(big).digest('base64') });
      const r = await verifyForm(t, formOf(t.presignedUrlFields, big));
      expect(r.ok ? 'ok' : r.error.code).toBe('EntityTooLarge');
    });

    it('refuses another key, another Content-Type or an extra field with AccessDenied (403)', async () => {
      const t = await issued();
      for (const change of [{ key: 'inbox/evil.txt' }, { 'Content-Type': 'text/html' }, { 'x-amz-acl': 'public-read' }, { success_action_status: '204' }]) {
        const r = await verifyForm(t, formOf({ ...t.presignedUrlFields, ...change }, FILE));
        expect(r.ok ? 'ok' : `${r.error.code} ${r.error.status}`, JSON.stringify(change)).toBe('AccessDenied 403');
      }
    });

    it('refuses a changed checksum field with AccessDenied (403)', async () => {
      const other = new TextEncoder().encode('something else');
      const t = await issued();
      const r = await verifyForm(t, formOf({ ...t.presignedUrlFields, 'x-amz-checksum-sha256': createHash('sha256').update(other).digest('base64') }, other));
      expect(r.ok ? 'ok' : r.error.code).toBe('AccessDenied');
    });

    it('refuses the form after presignedUrlExpiration with AccessDenied (policy expired)', async () => {
      const t = await issued({ expiresIn: 60 });
      const r = await verifyForm(t, formOf(t.presignedUrlFields, FILE), now + 61_000);
      expect(r.ok ? 'ok' : r.error.message).toContain('Policy expired');
    });
  });
});
