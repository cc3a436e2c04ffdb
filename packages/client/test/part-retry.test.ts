import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isS3Error } from '@s3kit/errors';
import { S3Client } from '../src/node.js';

const MiB = 1024 * 1024;

/** A loopback multipart endpoint whose UploadPart answers follow a script per part number. */
describe('multipart part retry and abort on a scripted loopback server', () => {
  const log: string[] = [];
  let script: Record<number, number[]> = {};
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const part = url.searchParams.get('partNumber');
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        log.push(`${req.method} ${part ? `part ${part} (${bytes} bytes)` : url.search}`);
        if (req.method === 'POST' && url.searchParams.has('uploads')) {
          res.writeHead(200).end('<InitiateMultipartUploadResult><UploadId>up1</UploadId></InitiateMultipartUploadResult>');
        } else if (req.method === 'PUT' && part) {
          const status = script[Number(part)]?.shift() ?? 200;
          if (status === 200) res.writeHead(200, { etag: `"etag${part}"` }).end();
          else res.writeHead(status, { 'content-type': 'application/xml' }).end(`<Error><Code>${status === 503 ? 'SlowDown' : 'AccessDenied'}</Code><Message>scripted</Message></Error>`);
        } else if (req.method === 'POST' && url.searchParams.has('uploadId')) {
          res.writeHead(200).end('<CompleteMultipartUploadResult><ETag>"final-3"</ETag></CompleteMultipartUploadResult>');
        } else if (req.method === 'DELETE') res.writeHead(204).end();
        else res.writeHead(400).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const make = () =>
    new S3Client({
      endpoint,
      accessKey: 'AKIDEXAMPLE',
      secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      region: 'us-east-1',
      partSize: 5 * MiB,
      concurrency: 2,
      transport: { retry: { maxAttempts: 2, baseDelayMs: 1 } },
    });

  it('a part answered 503 SlowDown is sent again (same bytes) and the upload completes', async () => {
    log.length = 0;
    script = { 2: [503, 503, 503] }; // the transport's 2 attempts fail, the client's extra round passes after one more
    const s3 = make();
    const r = await s3.putObject('bkt', 'k', Readable.from([Buffer.alloc(12 * MiB, 1)]));
    expect(r.etag).toBe('final-3');
    const part2 = log.filter((l) => l.startsWith('PUT part 2'));
    expect(part2).toEqual(['PUT part 2 (5242880 bytes)', 'PUT part 2 (5242880 bytes)', 'PUT part 2 (5242880 bytes)', 'PUT part 2 (5242880 bytes)']);
    expect(log.at(-1)).toBe('POST ?uploadId=up1');
    await s3.close();
  });

  it('a part refused for good (403) aborts the upload: DELETE ?uploadId is sent and nothing completes', async () => {
    log.length = 0;
    script = { 1: [403, 403, 403, 403] };
    const s3 = make();
    const err = await s3.putObject('bkt', 'k', Buffer.alloc(11 * MiB, 2)).catch((e: unknown) => e);
    expect(isS3Error(err) && [err.code, err.status]).toEqual(['AccessDenied', 403]);
    expect(log).toContain('DELETE ?uploadId=up1');
    expect(log.some((l) => l === 'POST ?uploadId=up1')).toBe(false);
    await s3.close();
  });
});
