import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { drain, loadS3Vector } from '@s3kit/test-utils';
import { createPresignedPost, verifyPost, type VerifyPostOptions } from '../src/index.js';

interface Boto3Vector {
  inputs: { now_utc: string; credentials: { access_key_id: string; secret_access_key: string } };
  expected: { fields_in_order: [string, string][] };
}

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const lookup: VerifyPostOptions['getCredentials'] = (id) => (id === 'AKIAIOSFODNN7EXAMPLE' ? { secretAccessKey: SECRET } : undefined);

/** A browser-built form: fields in order, then the file input last, as a real FormData. */
function formData(fields: [string, string][], file: File): FormData {
  const fd = new FormData();
  for (const [n, v] of fields) fd.append(n, v);
  fd.append('file', file);
  return fd;
}

describe('browser FormData (fetch in Node) with the boto3 vectors', () => {
  it('SigV4 form with Fields and Conditions verifies: key from ${filename}, 201 PostResponse', async () => {
    const v = loadS3Vector<Boto3Vector>('boto3-presigned-post-s3v4-fields-conditions');
    const req = new Request('https://sigv4examplebucket.s3.amazonaws.com/', {
      method: 'POST',
      body: formData(v.expected.fields_in_order, new File(['\xff\xd8 jpeg'], 'holiday.jpg', { type: 'image/jpeg' })),
    });
    const out = await verifyPost(req, { bucket: 'sigv4examplebucket', getCredentials: lookup, now: () => Date.parse(v.inputs.now_utc) + 60_000 });
    expect(out.key).toBe('user/user1/holiday.jpg');
    expect((await drain(out.file)).length).toBe(new TextEncoder().encode('\xff\xd8 jpeg').length);
    const res = out.success({ etag: '"etag"' });
    expect(res.status).toBe(201);
    expect(await res.text()).toContain('<Location>https://sigv4examplebucket.s3.amazonaws.com/user/user1/holiday.jpg</Location>');
  });

  it('the same form with an empty file fails EntityTooSmall (content-length-range 1..10485760)', async () => {
    const v = loadS3Vector<Boto3Vector>('boto3-presigned-post-s3v4-fields-conditions');
    const req = new Request('https://sigv4examplebucket.s3.amazonaws.com/', { method: 'POST', body: formData(v.expected.fields_in_order, new File([], 'empty.jpg')) });
    const out = await verifyPost(req, { bucket: 'sigv4examplebucket', getCredentials: lookup, now: () => Date.parse(v.inputs.now_utc) });
    await expect(drain(out.file)).rejects.toMatchObject({ code: 'EntityTooSmall', status: 400 });
  });

  it('SigV2 default-config form verifies; after expiry it fails with AccessDenied', async () => {
    const v = loadS3Vector<Boto3Vector>('boto3-presigned-post-default-config-us-east-1');
    const body = () => formData(v.expected.fields_in_order, new File(['x'], 'photo.jpg'));
    const ok = await verifyPost(new Request('https://examplebucket.s3.amazonaws.com/', { method: 'POST', body: body() }), {
      bucket: 'examplebucket',
      getCredentials: lookup,
      now: () => Date.parse(v.inputs.now_utc),
    });
    expect(ok.identity?.signatureVersion).toBe('v2');
    await drain(ok.file);
    const late = verifyPost(new Request('https://examplebucket.s3.amazonaws.com/', { method: 'POST', body: body() }), {
      bucket: 'examplebucket',
      getCredentials: lookup,
      now: () => Date.parse('2013-05-24T01:00:00Z'),
    });
    await expect(late).rejects.toMatchObject({ code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' });
  });
});

describe('real fetch over 127.0.0.1: a node:http server streams the body into verifyPost', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      void (async () => {
        try {
          const out = await verifyPost(
            { headers: req.headers as Record<string, string>, body: Readable.toWeb(req) as ReadableStream<Uint8Array>, url: `http://${req.headers.host}${req.url}` },
            { bucket: 'tickets', getCredentials: lookup },
          );
          const bytes = await drain(out.file);
          const r = out.success({ etag: `"${bytes.length}"` });
          res.writeHead(r.status, Object.fromEntries(r.headers));
          res.end(await r.text());
        } catch (e) {
          const err = e as { status?: number; code?: string };
          res.writeHead(err.status ?? 500, { 'x-code': err.code ?? 'InternalError' });
          res.end();
        }
      })();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('an upload ticket (known SHA-256) is accepted with the right file and rejected with another', async () => {
    const data = new TextEncoder().encode('quarterly report');
    const sha = Buffer.from(await crypto.subtle.digest('SHA-256', data)).toString('base64');
    const ticket = createPresignedPost({
      bucket: 'tickets',
      key: 'in/report.txt',
      checksumSha256: sha,
      conditions: [['content-length-range', 1, 1024], { success_action_status: '201' }],
      fields: { success_action_status: '201' },
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET },
      endpoint: base,
    });
    expect(ticket.url).toBe(`${base}/tickets`);
    const send = (bytes: Uint8Array) => fetch(ticket.url, { method: 'POST', body: formData(Object.entries(ticket.fields), new File([bytes], 'report.txt')) });
    const ok = await send(data);
    expect(ok.status).toBe(201);
    expect(await ok.text()).toContain(`<Location>${base}/tickets/in/report.txt</Location>`);
    const bad = await send(new TextEncoder().encode('quarterly rep0rt'));
    expect([bad.status, bad.headers.get('x-code')]).toEqual([400, 'BadDigest']);
  });
});
