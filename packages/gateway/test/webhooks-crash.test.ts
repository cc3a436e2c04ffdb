import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kill, send, start, stop } from './support/store-process.js';
import { deliveredKeys, startReceiver } from './support/webhook-receiver.js';

// kill -9 of the gateway-over-store process during a burst of concurrent PUTs with a webhook
// target configured: after the restart, every acknowledged PUT's event is delivered at least
// once, and no event is delivered for an object that does not exist (never committed).

const ARN = 'arn:aws:sqs:us-east-1:000000000000:crash-hook';
const CONFIG = `<NotificationConfiguration><QueueConfiguration><Id>crash</Id><Queue>${ARN}</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>`;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('webhook delivery across kill -9 (embedded store, fsync on)', () => {
  // Target down during the burst: every event is still queued when the process dies. Target up:
  // deliveries and their acknowledgements race the kill (some are delivered twice: at least once).
  it.each(['down', 'up'] as const)('target %s during the burst: every acknowledged PUT delivered after a restart, nothing for an object never committed', { timeout: 60_000 }, async (mode) => {
    const dir = await mkdtemp(join(tmpdir(), 's3kit-hook-crash-'));
    dirs.push(dir);
    const r = await startReceiver();
    r.answer = () => (mode === 'down' ? 503 : 200);
    const env = { S3KIT_WEBHOOKS: JSON.stringify([{ arn: ARN, endpoint: r.url, retry: { baseMs: 20, maxMs: 200 } }]) };
    const p1 = start(dir, env);
    const port1 = await p1.port;
    expect((await send(port1, 'PUT', '/crash-bkt')).status).toBe(200);
    expect((await send(port1, 'PUT', '/crash-bkt?notification', CONFIG)).status).toBe(200);

    const acked: string[] = [];
    const sent: string[] = [];
    let killing: Promise<void> | undefined;
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; killing === undefined; i++) {
        const key = `w${w}/k${i}`;
        sent.push(key);
        const res = await send(port1, 'PUT', `/crash-bkt/${key}`, `body of ${key}`).catch(() => undefined);
        if (res?.status === 200) acked.push(key);
        if (acked.length >= 150) killing ??= kill(p1);
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
    await killing;
    expect(sent.length).toBeGreaterThan(acked.length); // PUTs were in flight when it died
    const before = r.delivered.length;
    if (mode === 'up') expect(before).toBeGreaterThan(0);

    r.answer = () => 200;
    const p2 = start(dir, env);
    const port2 = await p2.port;
    try {
      const deliveredSet = (): Set<string> => new Set(deliveredKeys(r).map((d) => d.key));
      for (const end = Date.now() + 30_000; !acked.every((k) => deliveredSet().has(k)); await new Promise((w) => setTimeout(w, 50))) {
        if (Date.now() > end) throw new Error(`undelivered: ${acked.filter((k) => !deliveredSet().has(k)).join(' ')}`);
      }
      await new Promise((w) => setTimeout(w, 500)); // anything else queued arrives too
      const delivered = deliveredSet();
      for (const k of acked) expect(delivered.has(k), k).toBe(true);
      // Every delivered event names an object that exists after the restart.
      for (const k of delivered) expect((await send(port2, 'HEAD', `/crash-bkt/${k}`)).status, k).toBe(200);
      expect(deliveredKeys(r).every((d) => d.name === 's3:ObjectCreated:Put')).toBe(true);
    } finally {
      await stop(p2);
      await r.close();
    }
  });
});
