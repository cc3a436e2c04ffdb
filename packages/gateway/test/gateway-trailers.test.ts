import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SigV4Verifier, checksumBase64, createPayloadVerifier } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Upstream, type S3Upstream } from '../src/index.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';

/** What an upstream that takes trailers (as AWS S3 does) received, after verifying it. */
interface Received {
  contentSha256: string | undefined;
  trailers: ReadonlyArray<readonly [string, string]>;
  data: Buffer;
}

const UP = { accessKeyId: 'UPSTREAMKEY', secretAccessKey: 'upstream-secret' };

describe('re-framing for an upstream that takes trailers (profile.trailers)', () => {
  let fake: Server;
  let up: S3Upstream;
  let g: RunningGateway;
  const received: Received[] = [];
  beforeAll(async () => {
    // A strict fake S3: verifies the gateway's SigV4 with the upstream key, decodes the
    // aws-chunked body and checks its trailer with @s3kit/sigv4, then answers 200.
    const verifier = new SigV4Verifier({ region: 'us-east-1', getCredentials: (id) => (id === UP.accessKeyId ? { secretAccessKey: UP.secretAccessKey } : undefined) });
    fake = createServer((req: IncomingMessage, res) => {
      void (async () => {
        try {
          const pairs: [string, string][] = [];
          for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
          const verified = await verifier.verify({ method: req.method!, url: req.url!, headers: pairs });
          const trailers: (readonly [string, string])[] = [];
          const decoded = (Readable.toWeb(req) as ReadableStream<Uint8Array>).pipeThrough(
            createPayloadVerifier(verified, {
              decodedContentLength: req.headers['x-amz-decoded-content-length'] as string,
              trailer: req.headers['x-amz-trailer'] as string,
              onTrailers: (t) => trailers.push(...t),
            }),
          );
          const chunks: Buffer[] = [];
          for await (const c of decoded) chunks.push(Buffer.from(c));
          received.push({ contentSha256: req.headers['x-amz-content-sha256'] as string, trailers, data: Buffer.concat(chunks) });
          res.writeHead(200, { etag: '"fake"', 'content-length': '0' });
          res.end();
        } catch (err) {
          res.writeHead(400, { 'content-type': 'application/xml' });
          res.end(`<Error><Code>${(err as { code?: string }).code ?? 'Bad'}</Code></Error>`);
        }
      })();
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    up = createS3Upstream({ endpoint: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`, region: 'us-east-1', credentials: UP, profile: { trailers: true } });
    g = await startGateway(up);
  });
  afterAll(async () => {
    await g.close();
    await up.close();
    await new Promise((r) => fake.close(r));
  });

  it('an AWS SDK stream upload (CRC32 trailer) reaches the upstream re-framed with a CRC32 trailer it verifies', async () => {
    const s3 = new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey } });
    const data = Buffer.alloc(150_000, 9);
    data.write('head', 0);
    await s3.send(new PutObjectCommand({ Bucket: 'trailer-bucket', Key: 'k', Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]), ContentLength: data.length }));
    s3.destroy();
    const r = received.at(-1)!;
    expect(r.contentSha256).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(r.trailers).toEqual([['x-amz-checksum-crc32', checksumBase64('crc32', data)]]);
    expect(r.data.equals(data)).toBe(true);
  });
});
