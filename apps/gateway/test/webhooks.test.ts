import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../src/config.js';
import { startServer } from '../src/server.js';

// The program's `notifications.targets`: validated, handed to the local upstreams, backlog in /metrics.

const ALICE = { name: 'alice', accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice-secret-never-logged', allow: [{ bucket: '*', access: 'readwrite' as const }] };
const ARN = 'arn:aws:sqs:us-east-1:000000000000:my-hook';
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
/** A webhook receiver answering `answer()`; counts accepted POSTs. */
async function startReceiver() {
  const r = {
    url: '',
    accepted: 0,
    answer: (): number => 200,
    close: () => new Promise<void>((d) => server.close(() => d())),
    waitFor: async (n: number) => {
      while (r.accepted < n) await new Promise((w) => setTimeout(w, 10));
    },
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = r.answer();
      if (status === 200) r.accepted++;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((d) => server.listen(0, '127.0.0.1', d));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return r;
}
const base = (dir: string, notifications: unknown) => ({ listen: { port: 0 }, admin: { port: 0 }, identities: [ALICE], upstreams: { default: { type: 'local', dir, fsync: false } }, notifications });

describe('program notifications.targets', () => {
  it('refuses a bad ARN, a duplicate ARN, a non-URL endpoint and unknown fields, naming the field', () => {
    const bad = (targets: unknown[]) => () => validateConfig(base('/tmp/x', { targets }), 'gw.yaml');
    expect(bad([{ arn: 'nope', endpoint: 'http://h/' }])).toThrow(/notifications\.targets\[0\]\.arn: must be an SQS/);
    expect(
      bad([
        { arn: ARN, endpoint: 'http://h/' },
        { arn: ARN, endpoint: 'http://h/' },
      ]),
    ).toThrow(/targets\[1\]\.arn: .* given twice/);
    expect(bad([{ arn: ARN, endpoint: 'ftp://h/' }])).toThrow(ConfigError);
    expect(bad([{ arn: ARN, endpoint: 'http://h/', queue: 1 }])).toThrow(/unknown field/);
    const ok = validateConfig(base('/tmp/x', { targets: [{ arn: 'arn:minio:sqs::primary:webhook', endpoint: 'http://h/', authToken: 't', retry: { baseMs: 10 } }] }), 'gw.yaml');
    expect(ok.notifications.targets[0]).toEqual({
      arn: 'arn:minio:sqs::primary:webhook',
      endpoint: 'http://h/',
      authToken: 't',
      maxQueued: 100_000,
      concurrency: 8,
      timeoutMs: 10_000,
      retry: { baseMs: 10, maxMs: 60_000 },
    });
  });

  it('delivers through the program and shows the backlog in /metrics', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's3kit-gwapp-hook-'));
    dirs.push(dir);
    const r = await startReceiver();
    r.answer = () => 503;
    const running = await startServer(validateConfig(base(join(dir, 'store'), { targets: [{ arn: ARN, endpoint: r.url, retry: { baseMs: 10, maxMs: 50 } }] }), 'test'), pino({ level: 'silent' }));
    const s3 = new S3Client({ endpoint: running.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ALICE.accessKeyId, secretAccessKey: ALICE.secretAccessKey } });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'hooked' }));
      await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'hooked', NotificationConfiguration: { QueueConfigurations: [{ QueueArn: ARN, Events: ['s3:ObjectCreated:*'] }] } }));
      await s3.send(new PutObjectCommand({ Bucket: 'hooked', Key: 'a', Body: 'x' }));
      await new Promise((w) => setTimeout(w, 100));
      const m = await (await fetch(`${running.adminEndpoint}/metrics`)).text();
      expect(m).toContain(`s3kit_gateway_webhook_queued{upstream="default",target="${ARN}"} 1`);
      expect(m).toMatch(/s3kit_gateway_webhook_failed_total\{upstream="default",target="[^"]+"\} [1-9]/);
      r.answer = () => 200;
      await r.waitFor(1);
      await new Promise((w) => setTimeout(w, 50));
      const after = await (await fetch(`${running.adminEndpoint}/metrics`)).text();
      expect(after).toContain(`s3kit_gateway_webhook_delivered_total{upstream="default",target="${ARN}"} 1`);
      expect(after).toContain(`s3kit_gateway_webhook_queued{upstream="default",target="${ARN}"} 0`);
    } finally {
      s3.destroy();
      await running.shutdown();
      await r.close();
    }
  });
});
