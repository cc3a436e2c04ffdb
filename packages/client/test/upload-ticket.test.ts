import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isS3Error } from '@s3kit/errors';
import type { CreateUploadTicketOptions, S3Client, UploadTicket, UploadWithTicketProgress } from '../src/index.js';
import { S3Client as Client } from '../src/node.js';
import { startLocalGateway, type LocalGateway } from './gateway-local.js';
import { bucketName, cleanBucket, reason, rgw } from './helpers.js';

// Upload tickets (an s3kit gateway's POST /_s3kit/upload-tickets) with createUploadTicket and
// uploadWithTicket, through the gateway on its embedded store and in front of Ceph RGW (the
// ticket is the gateway's; the file lands upstream): application and session scopes, progress,
// every data kind, and the refusals (other bytes, too large, a form or ticket outside its session).

const SID = '4f0e5b87-9d38-41cd-9eb4-ebce2f2917cc';
const OTHER_SID = '5a1f6c98-0e49-42de-8fc5-fcdf3a3028dd';
const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('base64');
const md5 = (b: Uint8Array | string): string => createHash('md5').update(b).digest('hex');

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    if (!isS3Error(err)) throw err;
    return `${err.code} ${err.status}`;
  }
}

/** Changes to a ticket request (`undefined` leaves a default field out). */
type Over = { [K in keyof CreateUploadTicketOptions]?: CreateUploadTicketOptions[K] | undefined };

const kinds: Array<[string, () => Promise<LocalGateway>, boolean]> = [
  ['the gateway on the embedded store', () => startLocalGateway(), true],
  [`the gateway in front of Ceph RGW ${reason}`, () => startLocalGateway({ rgw: rgw! }), !!rgw],
];

for (const [name, start, enabled] of kinds) {
  describe.skipIf(!enabled)(`upload tickets through ${name}`, () => {
    let g: LocalGateway;
    let s3: S3Client;
    const bucket = bucketName('tickets');

    beforeAll(async () => {
      g = await start();
      s3 = g.client();
      await s3.makeBucket(bucket);
    });
    afterAll(async () => {
      await cleanBucket(s3, bucket);
      await s3?.close();
      await g?.close();
    });

    const ticketFor = (file: Uint8Array | string, over: Over = {}): Promise<UploadTicket> =>
      s3.createUploadTicket({
        bucket,
        keyPrefix: 'in/',
        fileName: 'data.bin',
        fileContentsSha256: sha256(file),
        maxBytes: Buffer.byteLength(file),
        contentType: 'application/x-test',
        ...over,
      } as CreateUploadTicketOptions);

    async function readBack(key: string): Promise<{ bytes: Buffer; type: string | undefined }> {
      const o = await s3.getObject(bucket, key);
      return { bytes: Buffer.from(await o.bytes()), type: o.stat.contentType };
    }
    const missing = async (key: string): Promise<boolean> => /^(NotFound|NoSuchKey) 404$/.test(await code(s3.statObject(bucket, key)));

    it('creates a ticket for one file, uploads it with progress, and the object reads back with its type and ETag', async () => {
      const file = randomBytes(300 * 1024);
      const t = await ticketFor(file);
      expect(t.fileId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(t.key).toBe(`in/${t.fileId}/data.bin`);
      expect(t.presignedUrl).toBe(`${g.endpoint}/${bucket}`);
      expect(Date.parse(t.presignedUrlExpiration)).toBeGreaterThan(Date.now());
      const seen: UploadWithTicketProgress[] = [];
      // A ticket handed over as JSON (server to browser) works as well.
      const up = await s3.uploadWithTicket(JSON.parse(JSON.stringify(t)) as UploadTicket, file, { onProgress: (p) => seen.push(p) });
      expect(up).toMatchObject({ bucket, key: t.key, etag: md5(file) });
      expect(up.location).toContain(`/${bucket}/`);
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.every((p, i) => p.total === file.length && (i === 0 || p.loaded > seen[i - 1]!.loaded))).toBe(true);
      expect(seen.at(-1)!.loaded).toBe(file.length);
      const back = await readBack(t.key);
      expect(back.bytes.equals(file)).toBe(true);
      expect(back.type).toBe('application/x-test');
    });

    it('uploads a Blob, a string, a sized ReadableStream and an unsized async iterable (chunked)', async () => {
      const bytes = randomBytes(200 * 1024);
      const text = 'héllo, ticket\n'.repeat(1000);
      const cases: [string, Uint8Array | string, () => Parameters<S3Client['uploadWithTicket']>[1], { size?: number }][] = [
        ['blob', bytes, () => new Blob([bytes]), {}],
        ['text', text, () => text, {}],
        ['stream', bytes, () => new Blob([bytes]).stream(), { size: bytes.length }],
        [
          'iterable',
          bytes,
          () =>
            (async function* () {
              for (let i = 0; i < bytes.length; i += 50_000) yield bytes.subarray(i, i + 50_000);
            })(),
          {},
        ],
      ];
      for (const [kind, content, data, opts] of cases) {
        const t = await ticketFor(content, { fileName: `${kind}.bin` });
        let last: UploadWithTicketProgress | undefined;
        const up = await s3.uploadWithTicket(t, data(), { ...opts, onProgress: (p) => (last = p) });
        const size = Buffer.byteLength(content);
        expect(up.etag, kind).toBe(md5(content));
        expect(last, kind).toEqual({ loaded: size, total: kind === 'iterable' ? undefined : size });
        expect((await readBack(t.key)).bytes.equals(Buffer.from(content)), kind).toBe(true);
      }
    });

    it("refuses other bytes than the ticket's SHA-256 with BadDigest (400), and a forged checksum field with AccessDenied (403), nothing stored", async () => {
      const file = randomBytes(4096);
      const t = await ticketFor(file);
      const other = Buffer.from(file);
      other[7] = other[7]! ^ 1;
      expect(await code(s3.uploadWithTicket(t, other))).toBe('BadDigest 400');
      // The checksum field changed to the other bytes' breaks the signed policy.
      const forged = { ...t, presignedUrlFields: { ...t.presignedUrlFields, 'x-amz-checksum-sha256': sha256(other) } };
      expect(await code(s3.uploadWithTicket(forged, other))).toBe('AccessDenied 403');
      expect(await missing(t.key)).toBe(true);
    });

    it('refuses a file over maxBytes with EntityTooLarge (400), nothing stored', async () => {
      const file = randomBytes(8192);
      const t = await ticketFor(file, { maxBytes: 4096 });
      expect(await code(s3.uploadWithTicket(t, file))).toBe('EntityTooLarge 400');
      expect(await missing(t.key)).toBe(true);
    });

    it("places a SESSION ticket's file under <keyPrefix>sessions/<sessionId>/<fileId>/<fileName>, listed under the session prefix", async () => {
      const file = 'session file\n';
      const t = await ticketFor(file, { keyPrefix: 'apps/', fileName: 'notes.txt', scope: 'SESSION', sessionId: SID });
      expect(t.key).toBe(`apps/sessions/${SID}/${t.fileId}/notes.txt`);
      expect((await s3.uploadWithTicket(t, file)).key).toBe(t.key);
      const listed: string[] = [];
      for await (const o of s3.listObjects(bucket, { prefix: `apps/sessions/${SID}/`, recursive: true })) if ('key' in o) listed.push(o.key);
      expect(listed).toContain(t.key);
      // An exact key under the session prefix.
      const exact = await ticketFor(file, { keyPrefix: undefined, key: `sessions/${SID}/exact.txt`, scope: 'SESSION', sessionId: SID });
      expect((await s3.uploadWithTicket(exact, file)).key).toBe(`sessions/${SID}/exact.txt`);
    });

    it('keeps the APPLICATION scope (explicit or default) free of session segments', async () => {
      const file = 'app file\n';
      const t = await ticketFor(file, { keyPrefix: 'apps/', scope: 'APPLICATION' });
      expect(t.key).toBe(`apps/${t.fileId}/data.bin`);
      expect((await readBack((await s3.uploadWithTicket(t, file)).key)).bytes.toString()).toBe(file);
      const bare = await ticketFor(file, { keyPrefix: undefined });
      expect(bare.key).toBe(`${bare.fileId}/data.bin`);
    });

    it('refuses session tickets that would leave their session with InvalidArgument (400)', async () => {
      const file = 'x';
      const session = { keyPrefix: undefined, scope: 'SESSION' as const, sessionId: SID };
      const refused: Over[] = [
        { scope: 'SESSION' },
        { sessionId: SID },
        { scope: 'APPLICATION', sessionId: SID },
        { scope: 'SESSION', sessionId: `${SID}/../${OTHER_SID}` },
        { ...session, key: `sessions/${OTHER_SID}/x` },
        { ...session, key: `sessions/${SID}/../${OTHER_SID}/x` },
        { ...session, key: `sessions/${SID}/..%2F${OTHER_SID}%2Fx` },
        { ...session, key: 'elsewhere/x' },
        { scope: 'SESSION', sessionId: SID, keyPrefix: `sessions/${OTHER_SID}/../` },
      ];
      for (const over of refused) expect(await code(ticketFor(file, over)), JSON.stringify(over)).toBe('InvalidArgument 400');
    });

    it('refuses a session form whose fields were changed to leave the session with AccessDenied (403), nothing stored', async () => {
      const file = randomBytes(1024);
      const t = await ticketFor(file, { keyPrefix: '', scope: 'SESSION', sessionId: SID });
      const changed = [`sessions/${OTHER_SID}/${t.fileId}/data.bin`, `sessions/${SID}/../${OTHER_SID}/${t.fileId}/data.bin`, `sessions/${SID}%2F..%2F${OTHER_SID}/data.bin`];
      for (const key of changed) {
        const forged = { ...t, presignedUrlFields: { ...t.presignedUrlFields, key } };
        expect(await code(s3.uploadWithTicket(forged, file)), key).toBe('AccessDenied 403');
        expect(await missing(key), key).toBe(true);
      }
      expect(await missing(t.key)).toBe(true);
    });

    it('aborts an upload with its signal, nothing stored', async () => {
      const file = randomBytes(64 * 1024);
      const t = await ticketFor(file, { maxBytes: 1024 * 1024 });
      const ac = new AbortController();
      const slow = (async function* () {
        yield file.subarray(0, 1024);
        ac.abort();
        await new Promise((r) => setTimeout(r, 50));
        yield file.subarray(1024);
      })();
      await expect(s3.uploadWithTicket(t, slow, { signal: ac.signal, size: file.length })).rejects.toThrow();
      expect(await missing(t.key)).toBe(true);
    });
  });
}

describe('uploadWithTicket streaming', () => {
  it('sends a 64 MiB stream as it is read (never more than a few MiB ahead of the server), with its Content-Length', async () => {
    let received = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    const server = createServer((req, res) => {
      headers = req.headers;
      req.on('data', (c: Buffer) => (received += c.length));
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bucket`;
    const s3 = new Client({ endpoint: url.slice(0, url.lastIndexOf('/')), region: 'us-east-1' });
    try {
      const chunk = randomBytes(1024 * 1024);
      const n = 64;
      let ahead = 0;
      const up = await s3.uploadWithTicket(
        { presignedUrl: url, presignedUrlFields: { key: 'big.bin', 'Content-Type': 'application/octet-stream' } },
        (async function* () {
          for (let i = 0; i < n; i++) {
            ahead = Math.max(ahead, i * chunk.length - received);
            yield chunk;
          }
        })(),
        { size: n * chunk.length },
      );
      expect(up.key).toBe('big.bin');
      expect(received).toBe(Number(headers['content-length']));
      expect(received).toBeGreaterThan(n * chunk.length);
      expect(String(headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
      expect(ahead).toBeLessThan(8 * chunk.length);
    } finally {
      await s3.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
