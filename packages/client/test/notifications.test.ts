import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isS3Error } from '@s3kit/errors';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client, type NotificationRecord } from '../src/index.js';
import { startLocalGateway, type LocalGateway } from './gateway-local.js';

// listenBucketNotification: MinIO's line framing read line by line (any chunking, keep-alives,
// a bounded line), reconnecting only when asked, abort ending it cleanly; then the real thing
// through the gateway on the embedded store, and Ceph RGW's NotImplemented.

const record = (key: string): NotificationRecord =>
  ({ eventVersion: '2.0', eventSource: 'minio:s3', eventName: 's3:ObjectCreated:Put', s3: { object: { key, sequencer: '1' } } }) as unknown as NotificationRecord;
const line = (...keys: string[]): string => `${JSON.stringify({ Records: keys.map(record) })}\n`;

/** What the fake server answers a connection with: pieces written with a pause, then end or hold. */
type Script = { pieces: string[]; end: boolean } | { status: number; body: string };
let scripts: Script[] = [];
let connections: string[] = [];
const open: ServerResponse[] = [];
let server: Server;
let client: S3Client;

beforeAll(async () => {
  server = createServer((req, res) => {
    connections.push(req.url!);
    req.resume();
    const s = scripts.shift() ?? { pieces: [], end: false };
    if ('status' in s) {
      res.writeHead(s.status, { 'content-type': 'application/xml' }).end(s.body);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    open.push(res);
    void (async () => {
      for (const p of s.pieces) {
        res.write(p);
        await new Promise((r) => setTimeout(r, 5));
      }
      if (s.end) res.end();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  client = new S3Client({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, accessKey: 'AK', secretKey: 'SK', region: 'us-east-1' });
});
afterAll(async () => {
  for (const r of open) r.destroy();
  await client.close();
  await new Promise((r) => server.close(r));
});

const keysOf = (rs: NotificationRecord[]): string[] => rs.map((r) => r.s3.object.key);
function reset(...s: Script[]): void {
  scripts = s;
  connections = [];
}

describe('listenBucketNotification (a scripted server)', () => {
  it('sends events= once per name with prefix and suffix; reads lines across any chunking, skips keep-alives; ends with the stream', async () => {
    const text = `\n${line('a', 'b')}\n\n${line('c')}`;
    reset({ pieces: [...text.slice(0, 7).split(''), text.slice(7, 40), text.slice(40), '\n'], end: true });
    const got: NotificationRecord[] = [];
    for await (const r of client.listenBucketNotification('bkt', { prefix: 'p/', suffix: '.jpg', events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] })) got.push(r);
    expect(keysOf(got)).toEqual(['a', 'b', 'c']);
    expect(connections).toEqual(['/bkt?events=s3%3AObjectCreated%3A%2A&events=s3%3AObjectRemoved%3A%2A&prefix=p%2F&suffix=.jpg']);
  });

  it('defaults to minio-py events (created, removed, accessed)', async () => {
    reset({ pieces: [], end: true });
    for await (const _ of client.listenBucketNotification('bkt')) expect.unreachable();
    expect(connections[0]).toBe('/bkt?events=s3%3AObjectCreated%3A%2A&events=s3%3AObjectRemoved%3A%2A&events=s3%3AObjectAccessed%3A%2A');
  });

  it('reconnect: true listens again after the server ends the stream; abort (even while waiting) ends the loop without an error', async () => {
    reset({ pieces: [line('one')], end: true }, { pieces: [line('two')], end: false });
    const ac = new AbortController();
    const got: NotificationRecord[] = [];
    for await (const r of client.listenBucketNotification('bkt', { reconnect: true, signal: ac.signal })) {
      got.push(r);
      if (got.length === 2) setTimeout(() => ac.abort(), 20);
    }
    expect(keysOf(got)).toEqual(['one', 'two']);
    expect(connections).toHaveLength(2);
  });

  it('breaking out of the loop closes the connection', async () => {
    reset({ pieces: [line('x'), line('y')], end: false });
    for await (const r of client.listenBucketNotification('bkt')) {
      expect(r.s3.object.key).toBe('x');
      break;
    }
    const res = open.at(-1)!;
    for (let i = 0; i < 100 && !res.destroyed && !res.closed; i++) await new Promise((r) => setTimeout(r, 10));
    expect(res.closed || res.destroyed).toBe(true);
  });

  it('an S3 error answer rejects, also with reconnect (NoSuchBucket is no reason to try again)', async () => {
    reset({ status: 404, body: '<Error><Code>NoSuchBucket</Code><Message>no</Message></Error>' });
    const err = await client
      .listenBucketNotification('bkt', { reconnect: true })
      .next()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isS3Error(err) && [err.code, err.status]).toEqual(['NoSuchBucket', 404]);
    expect(connections).toHaveLength(1);
  });

  it('a line longer than maxLineLength, or one that is not JSON, fails the iteration (never buffers more than a line)', async () => {
    reset({ pieces: ['x'.repeat(300), 'y'.repeat(300)], end: false });
    await expect(client.listenBucketNotification('bkt', { maxLineLength: 500 }).next()).rejects.toThrow(/longer than 500/);
    reset({ pieces: [`${'z'.repeat(600)}\n`], end: false });
    await expect(client.listenBucketNotification('bkt', { maxLineLength: 500 }).next()).rejects.toThrow(/longer than 500/);
    reset({ pieces: ['not json\n'], end: true });
    await expect(client.listenBucketNotification('bkt').next()).rejects.toThrow(/not JSON/);
  });

  it('checks the bucket name before sending', async () => {
    reset();
    await expect(client.listenBucketNotification('Bad_Bucket!').next()).rejects.toMatchObject({ code: 'InvalidBucketName' });
    expect(connections).toEqual([]);
  });
});

describe('listenBucketNotification through the gateway on the embedded store', () => {
  let gw: LocalGateway;
  let c: S3Client;
  beforeAll(async () => {
    gw = await startLocalGateway();
    c = gw.client();
    await c.makeBucket('events');
  });
  afterAll(async () => {
    await c?.close();
    await gw?.close();
  });

  it('receives the store records of puts, copies and deletes, filtered by suffix', async () => {
    const ac = new AbortController();
    const got: NotificationRecord[] = [];
    let stopAt = Infinity;
    const listening = (async () => {
      for await (const r of c.listenBucketNotification('events', { suffix: '.txt', events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'], signal: ac.signal })) {
        got.push(r);
        if (got.length >= stopAt) ac.abort();
      }
    })();
    // The listener is in place once a probe write shows up.
    for (let i = 0; got.length === 0 && i < 100; i++) {
      await c.putObject('events', 'probe.txt', 'p');
      await new Promise((r) => setTimeout(r, 20));
    }
    const base = got.length;
    stopAt = base + 2;
    await c.putObject('events', 'a.bin', 'skip');
    await c.copyObject('events', 'b.txt', { bucket: 'events', key: 'probe.txt' });
    await c.removeObject('events', 'b.txt');
    await listening;
    expect(got.slice(base).map((r) => `${r.eventName} ${r.s3.object.key}`)).toEqual(['s3:ObjectCreated:Copy b.txt', 's3:ObjectRemoved:Delete b.txt']);
  });
});

const { rgw, reason } = await rgwOrSkip();
describe.skipIf(rgw === undefined)(`listenBucketNotification on Ceph RGW ${reason}`, () => {
  it('is no RGW API: a GET /bucket?events= is a listing there (or, with repeated events=, a signature mismatch), never an event stream; the gateway answers 501 instead', async () => {
    const c = new S3Client({ endpoint: rgw!.endpoint, accessKey: rgw!.accessKeyId, secretKey: rgw!.secretAccessKey, region: rgw!.region });
    const bucket = `listen-${Date.now().toString(36)}`;
    try {
      await c.makeBucket(bucket);
      // One event name: RGW answers the listing of the bucket.
      await expect(c.listenBucketNotification(bucket, { events: ['s3:ObjectCreated:*'] }).next()).rejects.toThrow(/not JSON/);
      // Several (repeated events=): RGW 16.2 keeps one value of a repeated parameter, so the signature does not match.
      await expect(c.listenBucketNotification(bucket).next()).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
      await c.removeBucket(bucket);
    } finally {
      await c.close();
    }
  });
});
