import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { EMPTY_SHA256, SigV4Verifier, type Credentials } from '@s3kit/sigv4';
import { describe, expect, it } from 'vitest';
import { createTransport, sign, TransportRequestError, type Transport } from '../src/index.js';
import { closeAfterEach, creds, expectValidSignature, region, s3ErrorXml, startServer, type TestServer } from './helpers.js';

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

let server: TestServer | undefined;
let transport: Transport | undefined;
closeAfterEach(() => ({ transport, server }));

describe('sign()', () => {
  it('signs a GET with the empty-payload hash and a valid Authorization', async () => {
    server = await startServer((_req, res) => res.end('ok'));
    transport = createTransport({ proxy: false, sign: { credentials: creds, region } });
    await (await transport.request({ method: 'GET', url: `${server.origin}/bucket/my%20key?versionId=1` })).body.dump();
    const r = server.requests[0]!;
    expect(r.headers['x-amz-content-sha256']).toBe(EMPTY_SHA256);
    expect(r.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request/);
    expectValidSignature(server.origin, r);
  });

  it("hashes a buffer body in 'auto' mode and sends a stream as UNSIGNED-PAYLOAD", async () => {
    server = await startServer((_req, res) => res.end('ok'));
    transport = createTransport({ proxy: false, sign: { credentials: creds, region } });
    await (await transport.request({ method: 'PUT', url: `${server.origin}/b/k`, body: 'hello world' })).body.dump();
    await (await transport.request({ method: 'PUT', url: `${server.origin}/b/k2`, body: Readable.from([Buffer.from('abc')]), contentLength: 3 })).body.dump();
    const [buf, stream] = server.requests;
    expect(buf!.headers['x-amz-content-sha256']).toBe(sha('hello world'));
    expect(stream!.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expectValidSignature(server.origin, buf!);
    expectValidSignature(server.origin, stream!);
  });

  it("re-signs each retry with a fresh x-amz-date and hashes a file body once in 'hashed' mode", async () => {
    const dir = await mkdtemp(join(tmpdir(), 's3kit-sign-'));
    const path = join(dir, 'f.bin');
    const data = Buffer.alloc(200_000, 3);
    await writeFile(path, data);
    server = await startServer((_req, res, _b, i) => {
      res.writeHead(i === 0 ? 503 : 200);
      res.end(i === 0 ? s3ErrorXml('SlowDown', 'slow') : 'ok');
    });
    let now = Date.UTC(2026, 0, 2, 3, 4, 5);
    transport = createTransport({
      proxy: false,
      retry: { baseDelayMs: 1 },
      sign: { credentials: creds, region, payload: 'hashed', clock: () => (now += 7000) },
    });
    await (await transport.request({ method: 'PUT', url: `${server.origin}/b/k`, body: { path } })).body.dump();
    const [first, second] = server.requests;
    expect(first!.headers['x-amz-date']).not.toBe(second!.headers['x-amz-date']);
    for (const r of [first!, second!]) {
      expect(r.headers['x-amz-content-sha256']).toBe(sha(data));
      expect(sha(r.body)).toBe(sha(data));
      expectValidSignature(server.origin, r);
    }
  });

  it('calls an async credentials provider before each attempt and sends the session token', async () => {
    server = await startServer((_req, res, _b, i) => {
      res.writeHead(i === 0 ? 500 : 200);
      res.end();
    });
    let calls = 0;
    const session: Credentials = { ...creds, sessionToken: 'SESSION-TOKEN' };
    transport = createTransport({
      proxy: false,
      retry: { baseDelayMs: 1 },
      sign: {
        credentials: async () => {
          calls++;
          return session;
        },
        region,
      },
    });
    await (await transport.request({ method: 'GET', url: `${server.origin}/b/k` })).body.dump();
    expect(calls).toBe(2);
    expect(server.requests[1]!.headers['x-amz-security-token']).toBe('SESSION-TOKEN');
    expectValidSignature(server.origin, server.requests[1]!, session);
  });

  it('rejects without sending when the credentials provider fails', async () => {
    server = await startServer((_req, res) => res.end());
    transport = createTransport({
      proxy: false,
      sign: {
        credentials: () => Promise.reject(new Error('no creds')),
        region,
      },
    });
    const err = await transport.request({ method: 'GET', url: `${server.origin}/b/k` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportRequestError);
    expect((err as Error).message).toMatch(/signing failed: no creds/);
    expect(server.requests).toHaveLength(0);
  });

  it('leaves a request with signing: false unsigned (presigned URLs)', async () => {
    server = await startServer((_req, res) => res.end());
    transport = createTransport({ proxy: false, sign: { credentials: creds, region } });
    await (await transport.request({ method: 'GET', url: `${server.origin}/b/k?X-Amz-Signature=abc`, signing: false })).body.dump();
    expect(server.requests[0]!.headers['authorization']).toBeUndefined();
  });

  it("sends signed aws-chunked in 'streaming' mode: every chunk signature verifies and the data decodes intact", async () => {
    server = await startServer((_req, res) => res.end());
    transport = createTransport({ proxy: false, sign: { credentials: creds, region, payload: 'streaming', chunkSize: 8192 } });
    const data = Buffer.alloc(20_000).map((_, i) => i % 256);
    await (await transport.request({ method: 'PUT', url: `${server.origin}/b/k`, body: Readable.from([data.subarray(0, 5000), data.subarray(5000)]), contentLength: data.length })).body.dump();
    const r = server.requests[0]!;
    expect(r.headers['x-amz-content-sha256']).toBe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    expect(r.headers['content-encoding']).toBe('aws-chunked');
    expect(r.headers['x-amz-decoded-content-length']).toBe(String(data.length));
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expectValidSignature(server.origin, r);
    // Decode and verify the chunk chain with an independently derived signing key.
    const amzDate = String(r.headers['x-amz-date']);
    const day = amzDate.slice(0, 8);
    const hmac = (k: Buffer | string, s: string): Buffer => createHmac('sha256', k).update(s).digest();
    const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), region), 's3'), 'aws4_request');
    let prev = /Signature=([0-9a-f]{64})/.exec(String(r.headers['authorization']))![1]!;
    const decoded: Buffer[] = [];
    let pos = 0;
    const sizes: number[] = [];
    for (;;) {
      const eol = r.body.indexOf('\r\n', pos);
      const [hex, sigPart] = r.body.subarray(pos, eol).toString().split(';');
      const size = Number.parseInt(hex!, 16);
      const chunk = r.body.subarray(eol + 2, eol + 2 + size);
      const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${day}/${region}/s3/aws4_request\n${prev}\n${EMPTY_SHA256}\n${sha(chunk)}`;
      const expected = createHmac('sha256', key).update(sts).digest('hex');
      expect(sigPart).toBe(`chunk-signature=${expected}`);
      prev = expected;
      sizes.push(size);
      decoded.push(chunk);
      pos = eol + 2 + size + 2;
      if (size === 0) break;
    }
    expect(pos).toBe(r.body.length);
    expect(sizes).toEqual([8192, 8192, 3616, 0]);
    expect(Buffer.concat(decoded).equals(data)).toBe(true);
  });

  it("re-encodes a file body as aws-chunked on each retry in 'streaming' mode", async () => {
    const dir = await mkdtemp(join(tmpdir(), 's3kit-chunked-'));
    const path = join(dir, 'f.bin');
    const data = Buffer.alloc(70_000, 9);
    await writeFile(path, data);
    server = await startServer((_req, res, _b, i) => {
      res.writeHead(i === 0 ? 503 : 200);
      res.end();
    });
    let now = Date.UTC(2026, 5, 1);
    transport = createTransport({
      proxy: false,
      retry: { baseDelayMs: 1 },
      sign: { credentials: creds, region, payload: 'streaming', clock: () => (now += 1000) },
    });
    await (await transport.request({ method: 'PUT', url: `${server.origin}/b/k`, body: { path } })).body.dump();
    expect(server.requests).toHaveLength(2);
    for (const r of server.requests) {
      expect(r.headers['x-amz-decoded-content-length']).toBe('70000');
      expect(Number(r.headers['content-length'])).toBe(r.body.length);
      expect(r.body.subarray(0, 6).toString()).toBe('10000;');
      expectValidSignature(server.origin, r);
    }
    // Signed at different times, so the chunk signatures (and the framed bodies) differ.
    expect(server.requests[0]!.body.equals(server.requests[1]!.body)).toBe(false);
  });

  it('validates its options when created', () => {
    expect(() => sign({ credentials: creds, region: '' })).toThrow(/region/);
    expect(() => sign({ credentials: creds, region, payload: 'nope' as never })).toThrow(/payload/);
  });
});

describe('sign() and non-ASCII header values', () => {
  // undici writes header strings one byte per code unit (latin1): the signature must cover those
  // bytes, as the server receives them. Text above U+00FF is sent as its UTF-8 bytes.
  const TEXT = 'café ☕';
  const BYTES = Buffer.from(TEXT, 'utf8');

  it('a UTF-8 x-amz-meta value (as text or as a byte string) arrives as its UTF-8 bytes and verifies as those bytes', async () => {
    server = await startServer((_req, res) => res.end('ok'));
    transport = createTransport({ proxy: false, sign: { credentials: creds, region } });
    for (const value of [TEXT, BYTES.toString('latin1')]) {
      await (await transport.request({ method: 'PUT', url: `${server.origin}/b/k`, headers: { 'x-amz-meta-name': value }, body: 'x' })).body.dump();
    }
    const verifier = new SigV4Verifier({ getCredentials: () => ({ secretAccessKey: creds.secretAccessKey }), region, headerEncoding: 'latin1' });
    for (const r of server.requests) {
      expect(Buffer.from(String(r.headers['x-amz-meta-name']), 'latin1')).toEqual(BYTES);
      await expect(verifier.verify({ method: r.method, url: r.url, headers: r.headers as Record<string, string> })).resolves.toMatchObject({ accessKeyId: creds.accessKeyId });
    }
  });
});
