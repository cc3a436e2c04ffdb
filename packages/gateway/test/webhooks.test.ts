import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client as AwsS3 } from '@aws-sdk/client-s3';
import { S3Client } from '@s3kit/client';
import { isS3Error } from '@s3kit/errors';
import { rgwOrSkip } from '@s3kit/test-utils';
import * as Minio from 'minio';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookTarget } from '../src/index.js';
import { makeStore, type TestStore } from './helpers.js';
import { ADMIN, startGateway } from './support/gateway-server.js';
import { rgwTarget } from './support/targets.js';
import { deliveredKeys, startReceiver, type Receiver } from './support/webhook-receiver.js';

// Webhook delivery of the embedded store: bucket notification configurations naming a target
// the store was given (by ARN) get S3 event records POSTed, at least once, in order per key,
// retried with backoff, from a durable queue. Webhooks are an embedded-store feature: on Ceph
// RGW the gateway forwards notification configurations upstream, where only RGW's own SNS
// topics are destinations (the last case: the configuration is forwarded and RGW refuses it).

const ARN = 'arn:aws:sqs:us-east-1:000000000000:my-hook';
const MINIO_ARN = 'arn:minio:sqs::primary:webhook';
const xml = (arn: string, extra = '') =>
  `<NotificationConfiguration><QueueConfiguration><Id>hook</Id><Queue>${arn}</Queue><Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:*</Event>${extra}</QueueConfiguration></NotificationConfiguration>`;

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setup(target: Partial<WebhookTarget> = {}, dir?: string): Promise<{ s: TestStore; r: Receiver }> {
  const r = await startReceiver();
  const s = await makeStore({
    ...(dir === undefined ? {} : { dir }),
    notifications: {
      targets: [
        { arn: ARN, endpoint: r.url, retry: { baseMs: 20, maxMs: 100 }, ...target },
        { arn: MINIO_ARN, endpoint: r.url },
      ],
      onWarning: () => {},
    },
  });
  open.push(r, { close: () => s.cleanup() });
  await s.call('CreateBucket', { bucket: 'bkt' });
  return { s, r };
}
/** Waits until `store`'s targets have nothing queued (a delivery is acknowledged just after the receiver answered). */
async function drained(store: TestStore['store']): Promise<void> {
  for (let i = 0; i < 500 && store.webhookStats().some((t) => t.queued > 0); i++) await new Promise((w) => setTimeout(w, 10));
}
const put = (s: TestStore, key: string, data = 'x') => s.call('PutObject', { bucket: 'bkt', key, data });
const configure = (s: TestStore, body: string) => s.call('PutBucketNotificationConfiguration', { bucket: 'bkt', data: body });

describe('webhook targets (embedded store)', () => {
  it('refuses a destination that is not a configured target, as S3 does; accepts a target (AWS and MinIO ARN forms)', async () => {
    const { s } = await setup();
    const e = await s.fail('PutBucketNotificationConfiguration', { bucket: 'bkt', data: xml('arn:aws:sqs:us-east-1:000000000000:other') });
    expect([e.code, e.status, e.message]).toEqual(['InvalidArgument', 400, 'Unable to validate the following destination configurations']);
    expect((await configure(s, xml(ARN))).status).toBe(200);
    expect((await configure(s, xml(MINIO_ARN))).status).toBe(200);
    const bad = await s.fail('PutBucketNotificationConfiguration', { bucket: 'bkt', data: xml('arn:minio:sqs::other:webhook') });
    expect(bad.code).toBe('InvalidArgument');
  });

  it('POSTs the S3 event record of each matching change with the configuration Id, prefix/suffix filtered', async () => {
    const { s, r } = await setup({ authToken: 'tok', headers: { 'x-extra': '1' } });
    await configure(s, xml(ARN, '<Filter><S3Key><FilterRule><Name>prefix</Name><Value>in/</Value></FilterRule><FilterRule><Name>suffix</Name><Value>.txt</Value></FilterRule></S3Key></Filter>'));
    await put(s, 'in/a.txt', 'hello');
    await put(s, 'out/a.txt');
    await put(s, 'in/a.bin');
    await s.call('DeleteObject', { bucket: 'bkt', key: 'in/a.txt' });
    await r.waitFor(2);
    await new Promise((w) => setTimeout(w, 100));
    expect(deliveredKeys(r).map((d) => [d.key, d.name])).toEqual([
      ['in/a.txt', 's3:ObjectCreated:Put'],
      ['in/a.txt', 's3:ObjectRemoved:Delete'],
    ]);
    const first = r.delivered[0]!;
    expect(first.headers['authorization']).toBe('Bearer tok');
    expect(first.headers['x-extra']).toBe('1');
    expect(first.body.EventName).toBe('s3:ObjectCreated:Put');
    expect(first.body.Key).toBe('bkt/in/a.txt');
    expect(first.body.Records[0]).toMatchObject({
      eventVersion: '2.0',
      eventName: 's3:ObjectCreated:Put',
      s3: { configurationId: 'hook', bucket: { name: 'bkt' }, object: { key: 'in/a.txt', size: 5 } },
    });
  });

  it('retries a 500 and a timeout; a target down for a while gets the backlog in order per key when up', async () => {
    const { s, r } = await setup({ timeoutMs: 200 });
    await configure(s, xml(ARN));
    let n = 0;
    r.answer = () => (n++ === 0 ? 500 : n === 2 ? 'hang' : 200);
    await put(s, 'k0');
    await r.waitFor(1);
    await drained(s.store);
    expect(r.attempts).toBe(3);
    expect(s.store.webhookStats().find((t) => t.arn === ARN)).toMatchObject({ delivered: 1, failed: 2, retried: 2, queued: 0 });

    let up = false;
    r.answer = () => (up ? 200 : 503);
    for (let i = 0; i < 5; i++) for (const k of ['a', 'b', 'c']) await put(s, k, `${k}${i}`);
    await new Promise((w) => setTimeout(w, 300));
    const stats = s.store.webhookStats().find((t) => t.arn === ARN)!;
    expect(stats.queued).toBe(15);
    expect(stats.oldestAgeMs).toBeGreaterThan(200);
    up = true;
    await r.waitFor(16);
    for (const k of ['a', 'b', 'c']) {
      const sizes = r.delivered
        .slice(1)
        .flatMap((d) => d.body.Records)
        .filter((x) => x.s3.object.key === k)
        .map((x) => x.s3.object.sequencer);
      expect(sizes).toHaveLength(5);
      expect([...sizes].sort()).toEqual(sizes);
    }
    await drained(s.store);
    expect(s.store.webhookStats().find((t) => t.arn === ARN)!.queued).toBe(0);
  });

  it('a full queue drops further deliveries (counted); writes still succeed', async () => {
    const { s, r } = await setup({ maxQueued: 3 });
    await configure(s, xml(ARN));
    r.answer = () => 503;
    for (let i = 0; i < 5; i++) expect((await put(s, `k${i}`)).status).toBe(200);
    expect(s.store.webhookStats().find((t) => t.arn === ARN)).toMatchObject({ queued: 3, dropped: 2 });
    r.answer = () => 200;
    await r.waitFor(3);
    expect(
      deliveredKeys(r)
        .map((d) => d.key)
        .sort(),
    ).toEqual(['k0', 'k1', 'k2']);
  });

  it('compacts delivered entries: the queue file shrinks, and a restart redelivers nothing', async () => {
    const { s, r } = await setup();
    await configure(s, xml(ARN));
    for (let i = 0; i < 1100; i++) await put(s, `k${i % 50}`);
    await r.waitFor(1100);
    await put(s, 'last'); // a batch after the deliveries: compaction runs after it
    await r.waitFor(1101);
    await s.store.close();
    // Without compaction the queue would hold all 1101 entries (about 1 MB); it holds those after the last compaction.
    const { stat } = await import('node:fs/promises');
    const notify = join(s.dir, 'notify');
    const sizes = await Promise.all((await readdir(notify)).map(async (d) => (await stat(join(notify, d, 'queue.log'))).size));
    expect(Math.max(...sizes)).toBeLessThan(200_000);
    const r2 = await startReceiver();
    const { createLocalStore } = await import('../src/index.js');
    const again = createLocalStore({ dir: s.dir, fsync: false, notifications: { targets: [{ arn: ARN, endpoint: r2.url }] } });
    open.push(r2, again);
    await new Promise((w) => setTimeout(w, 300));
    expect(r2.delivered).toEqual([]);
  });

  it('after a restart, delivers what was queued; a torn last line is dropped, not the queue', async () => {
    const first = await setup();
    await configure(first.s, xml(ARN));
    first.r.answer = () => 503;
    for (let i = 0; i < 3; i++) await put(first.s, `k${i}`);
    await first.s.store.close();
    const notify = join(first.s.dir, 'notify');
    const [target] = (await readdir(notify)).sort();
    await appendFile(join(notify, target!, 'queue.log'), '{"id":99,"lane":"bkt\\u0000x","bo');
    // a second store over the same directory (the first is closed), a live receiver
    const r = await startReceiver();
    const { createLocalStore } = await import('../src/index.js');
    const store = createLocalStore({ dir: first.s.dir, fsync: false, notifications: { targets: [{ arn: ARN, endpoint: r.url }], onWarning: () => {} } });
    open.push(r, store);
    await r.waitFor(3);
    await drained(store);
    expect(
      deliveredKeys(r)
        .map((d) => d.key)
        .sort(),
    ).toEqual(['k0', 'k1', 'k2']);
    const stats = store.webhookStats()[0]!;
    expect([stats.queued, stats.delivered]).toEqual([0, 3]);
  });
});

describe('webhooks through the gateway with real clients (embedded store)', () => {
  it('@s3kit/client setBucketNotification names the target; AWS SDK v3 PUT and DELETE reach the receiver', async () => {
    const r = await startReceiver();
    const s = await makeStore({ notifications: { targets: [{ arn: ARN, endpoint: r.url }] } });
    const g = await startGateway(s.store);
    open.push(r, { close: () => s.cleanup() }, g);
    const client = new S3Client({ endpoint: g.endpoint, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1' });
    await client.makeBucket('hooked');
    const missing = await client
      .setBucketNotification('hooked', { QueueConfiguration: [{ Queue: 'arn:aws:sqs:us-east-1:000000000000:nope', Event: ['s3:ObjectCreated:*'] }] })
      .catch((e: unknown) => e);
    expect(isS3Error(missing) && missing.code).toBe('InvalidArgument');
    await client.setBucketNotification('hooked', { QueueConfiguration: [{ Id: 'sdk', Queue: ARN, Event: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] }] });
    const aws = new AwsS3({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey } });
    await aws.send(new PutObjectCommand({ Bucket: 'hooked', Key: 'red flower.jpg', Body: 'abc' }));
    await aws.send(new DeleteObjectCommand({ Bucket: 'hooked', Key: 'red flower.jpg' }));
    await r.waitFor(2);
    expect(r.delivered.map((d) => [d.body.Records[0]!.eventName, d.body.Records[0]!.s3.object.key, d.body.Records[0]!.s3.configurationId])).toEqual([
      ['s3:ObjectCreated:Put', 'red+flower.jpg', 'sdk'],
      ['s3:ObjectRemoved:Delete', 'red+flower.jpg', 'sdk'],
    ]);
    aws.destroy();
  });

  it("minio-js setBucketNotification names MinIO's webhook ARN; its putObject/removeObject reach the receiver", async () => {
    const r = await startReceiver();
    const s = await makeStore({ notifications: { targets: [{ arn: MINIO_ARN, endpoint: r.url }] } });
    const g = await startGateway(s.store);
    open.push(r, { close: () => s.cleanup() }, g);
    const mc = new Minio.Client({ endPoint: '127.0.0.1', port: g.port, useSSL: false, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1' });
    await mc.makeBucket('minio-hooked');
    const config = new Minio.NotificationConfig();
    const queue = new Minio.QueueConfig(Minio.buildARN('minio', 'sqs', '', 'primary', 'webhook'));
    queue.addEvent(Minio.ObjectCreatedAll);
    queue.addEvent(Minio.ObjectRemovedAll);
    queue.addFilterPrefix('photos/');
    config.add(queue);
    await mc.setBucketNotification('minio-hooked', config);
    await mc.putObject('minio-hooked', 'photos/a.jpg', Buffer.from('abc'));
    await mc.putObject('minio-hooked', 'docs/b.txt', Buffer.from('abc'));
    await mc.removeObject('minio-hooked', 'photos/a.jpg');
    await r.waitFor(2);
    await new Promise((w) => setTimeout(w, 100));
    expect(deliveredKeys(r).map((d) => [d.key, d.name])).toEqual([
      ['photos/a.jpg', 's3:ObjectCreated:Put'],
      ['photos/a.jpg', 's3:ObjectRemoved:Delete'],
    ]);
  });
});

const { rgw, reason } = await rgwOrSkip();
describe.skipIf(rgw === undefined)(`webhooks through the gateway to Ceph RGW 16.2${rgw === undefined ? ` (${reason})` : ''}`, () => {
  it('forwards the notification configuration: RGW takes only its own SNS topics, so a webhook queue ARN is MalformedXML', async () => {
    const t = rgwTarget(rgw!);
    const g = await startGateway(t.upstream);
    open.push(t, g);
    const client = new S3Client({ endpoint: g.endpoint, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1' });
    const bucket = `hook-rgw-${Date.now()}`;
    await client.makeBucket(bucket);
    const e = await client.setBucketNotification(bucket, { QueueConfiguration: [{ Queue: ARN, Event: ['s3:ObjectCreated:*'] }] }).catch((err: unknown) => err);
    expect(isS3Error(e) && [e.code, e.status]).toEqual(['MalformedXML', 400]);
    await client.removeBucket(bucket);
  });
});
