import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { S3Client, type NotificationRecord } from '@s3kit/client';
import { isS3Error } from '@s3kit/errors';
import { createPresignedPost } from '@s3kit/post-policy';
import { SigV4Signer } from '@s3kit/sigv4';
import { isCi, rgwOrSkip } from '@s3kit/test-utils';
import * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity, LocalStore } from '../src/index.js';
import { makeStore } from './helpers.js';
import { EventLines } from './support/event-lines.js';
import { ADMIN, READER, startGateway, type RunningGateway } from './support/gateway-server.js';
import { formData, postForm } from './support/post-forms.js';
import { rgwTarget, type Target } from './support/targets.js';

// MinIO's ListenBucketNotification through the gateway: on the embedded store every client
// (signed fetch, @s3kit/client, minio-js, minio-py) receives the store's event records over
// HTTP; on Ceph RGW (which has no such API, and would answer the request as a listing) the
// gateway answers NotImplemented (501) to every client.

const PY = '/usr/bin/python3';
const MINIO_PY = fileURLToPath(new URL('../../../tooling/clients/minio-py', import.meta.url));
const PY_ENV = { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: `${MINIO_PY}:${join(MINIO_PY, 'compat')}` };
const pyOk = existsSync(PY) && spawnSync(PY, ['-c', 'import minio'], { stdio: 'ignore', env: PY_ENV }).status === 0;
const skipPy = !pyOk && !isCi();
const { rgw, reason } = await rgwOrSkip();
const run = promisify(execFile);
const WRITER: Identity = { name: 'writer', accessKeyId: 'AKIAGATEWAYWRITER001', secretAccessKey: 'writer-secret-key-for-tests-only-00000000', allow: [{ bucket: '*', access: 'write' }] };
// Listening to every bucket (ListenNotification) is s3:ListenNotification on "*": no allow shorthand grants it.
const WATCHER: Identity = {
  name: 'watcher',
  accessKeyId: 'AKIAGATEWAYWATCHER01',
  secretAccessKey: 'watcher-secret-key-for-tests-only-0000000',
  policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListenNotification', Resource: '*' }] }],
};
const signer = new SigV4Signer({ credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, region: 'us-east-1' });

// minio-py's listen_bucket_notification as its users call it: prints each record, stops after n.
const MINIO_PY_LISTEN = `
import json, sys
from minio import Minio
from minio.error import S3Error
endpoint, key_id, secret, bucket, prefix, n = sys.argv[1:7]
client = Minio(endpoint, access_key=key_id, secret_key=secret, secure=False, region='us-east-1')
got = 0
try:
    with client.listen_bucket_notification(bucket, prefix=prefix, events=('s3:ObjectCreated:*', 's3:ObjectRemoved:*')) as events:
        for event in events:
            for record in event['Records']:
                print(json.dumps(record), flush=True)
                got += 1
            if got >= int(n):
                break
except S3Error as e:
    print(json.dumps({'error': e.code}), flush=True)
`;

/** A signed listen request through the gateway; the answer's body is left open. */
async function listenFetch(g: RunningGateway, path: string, ac: AbortController, who = signer): Promise<Response> {
  const s = who.sign({ method: 'GET', url: `${g.endpoint}${path}` });
  return fetch(s.url, { headers: s.headers, signal: ac.signal });
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const kinds: [string, boolean, () => Promise<{ target: Target; store?: LocalStore }>][] = [
  [
    'the embedded local store',
    false,
    async () => {
      const t = await makeStore({ events: { keepAliveMs: 200 } });
      return {
        store: t.store,
        target: {
          upstream: t.store,
          stored: async () => undefined,
          createBucket: async (b) => void (await t.store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: b, query: {}, headers: {} })),
          close: () => t.cleanup(),
        },
      };
    },
  ],
  [`Ceph RGW ${reason}`, rgw === undefined, async () => ({ target: rgwTarget(rgw!) })],
];

for (const [name, noUpstream, make] of kinds) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(noUpstream)(`ListenBucketNotification through the gateway to ${name}`, () => {
    let target: Target;
    let store: LocalStore | undefined;
    let g: RunningGateway;
    let client: S3Client;
    const bucket = `listen-${Date.now().toString(36)}`;
    beforeAll(async () => {
      ({ target, store } = await make());
      // A short request timeout: a listen outlives it (it only bounds receiving the request).
      g = await startGateway(target.upstream, { identities: [ADMIN, READER, WRITER, WATCHER], server: { requestTimeoutMs: 500, headersTimeoutMs: 500 } });
      await target.createBucket(bucket);
      client = new S3Client({ endpoint: g.endpoint, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1' });
    });
    afterAll(async () => {
      await client?.close();
      await g?.close();
      await target?.close();
    });
    const listeners = (): number => store!.listeners;
    /** Waits for one more listener than `before` (minio-js's stopped poller may hold its connection until the next record). */
    const connected = (before: number): Promise<void> => until(() => listeners() === before + 1, 'the listener');

    it(`a signed GET /bucket?events=…&events=…: ${onRgw ? 'NotImplemented (501), never forwarded as a listing' : 'one JSON line per change, repeated events= all apply, keep-alive lines, outlives the request timeout'}`, async () => {
      const before = onRgw ? 0 : listeners();
      const ac = new AbortController();
      const res = await listenFetch(g, `/${bucket}?events=s3:ObjectCreated:Put&events=s3:ObjectRemoved:*&prefix=raw/`, ac);
      if (onRgw) {
        expect([res.status, /<Code>([^<]*)<\/Code>/.exec(await res.text())?.[1]]).toEqual([501, 'NotImplemented']);
        const watcher = new SigV4Signer({ credentials: { accessKeyId: WATCHER.accessKeyId, secretAccessKey: WATCHER.secretAccessKey }, region: 'us-east-1' });
        const all = await listenFetch(g, '/?events=s3:ObjectCreated:*', ac, watcher);
        expect([all.status, /<Code>([^<]*)<\/Code>/.exec(await all.text())?.[1]]).toEqual([501, 'NotImplemented']);
        return;
      }
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      const l = new EventLines(res.body);
      await connected(before);
      await new Promise((r) => setTimeout(r, 800)); // past requestTimeoutMs
      await client.putObject(bucket, 'raw/a b.txt', 'hello');
      await client.putObject(bucket, 'other/x', 'skip');
      await client.removeObject(bucket, 'raw/a b.txt');
      const [put, removed] = await l.take(2);
      expect([put!.eventName, put!.s3.object.key, put!.s3.object.size, removed!.eventName]).toEqual(['s3:ObjectCreated:Put', 'raw/a+b.txt', 5, 's3:ObjectRemoved:Delete']);
      expect(put).toMatchObject({ userIdentity: { principalId: ADMIN.accessKeyId }, requestParameters: { sourceIPAddress: '127.0.0.1' } });
      expect(put!.responseElements['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
      expect(l.blanks).toBeGreaterThanOrEqual(2);
      // The client leaves: the listener goes, and the access log shows a complete 200.
      ac.abort();
      await until(() => listeners() === before, 'the listener to go');
      await until(() => g.server.listener.active === 0, 'its concurrency slot to be released');
      await until(() => g.log.some((e) => e.operation === 'ListenBucketNotification'), 'the access log entry');
      const entry = g.log.find((e) => e.operation === 'ListenBucketNotification')!;
      expect([entry.status, entry.complete, entry.errorCode, entry.identity, entry.bytesOut > 0]).toEqual([200, true, undefined, 'admin', true]);
    });

    it(`authorized as s3:ListenBucketNotification: ${onRgw ? 'refused before reaching RGW' : 'a read identity (s3:List*) may listen, a write-only one is AccessDenied'}`, async () => {
      const writer = new SigV4Signer({ credentials: { accessKeyId: WRITER.accessKeyId, secretAccessKey: WRITER.secretAccessKey }, region: 'us-east-1' });
      const denied = await listenFetch(g, `/${bucket}?events=s3:ObjectCreated:*`, new AbortController(), writer);
      expect([denied.status, /<Code>([^<]*)<\/Code>/.exec(await denied.text())?.[1]]).toEqual([403, 'AccessDenied']);
      const reader = new SigV4Signer({ credentials: { accessKeyId: READER.accessKeyId, secretAccessKey: READER.secretAccessKey }, region: 'us-east-1' });
      const before = onRgw ? 0 : listeners();
      const ac = new AbortController();
      const ok = await listenFetch(g, `/${bucket}?events=s3:ObjectCreated:*`, ac, reader);
      expect(ok.status).toBe(onRgw ? 501 : 200);
      ac.abort();
      if (!onRgw) await until(() => listeners() === before, 'the listener to go');
    });

    it(`@s3kit/client listenBucketNotification: ${onRgw ? 'rejects with NotImplemented' : 'records as an async iterable (prefix, events), abort ends the loop cleanly'}`, async () => {
      const before = onRgw ? 0 : listeners();
      const ac = new AbortController();
      const it = client.listenBucketNotification(bucket, { prefix: 'c/', events: ['s3:ObjectCreated:*'], signal: ac.signal });
      if (onRgw) {
        const err = await it.next().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isS3Error(err) && [err.code, err.status]).toEqual(['NotImplemented', 501]);
        return;
      }
      const got: NotificationRecord[] = [];
      const loop = (async () => {
        for await (const r of { [Symbol.asyncIterator]: () => it }) {
          got.push(r);
          if (got.length === 2) ac.abort();
        }
      })();
      await connected(before);
      await client.putObject(bucket, 'c/1', 'one');
      await client.putObject(bucket, 'd/skip', 'x');
      await client.copyObject(bucket, 'c/2', { bucket, key: 'c/1' });
      await loop; // ends without an error
      expect(got.map((r) => [r.eventName, r.s3.object.key])).toEqual([
        ['s3:ObjectCreated:Put', 'c/1'],
        ['s3:ObjectCreated:Copy', 'c/2'],
      ]);
      await until(() => listeners() === before, 'the listener to go');
    });

    it(`minio-js listenBucketNotification: ${onRgw ? "an 'error' with NotImplemented" : "'notification' per record"}`, async () => {
      const mc = new Minio.Client({ endPoint: '127.0.0.1', port: g.port, useSSL: false, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1' });
      const before = onRgw ? 0 : listeners();
      const poller = mc.listenBucketNotification(bucket, 'js/', '', ['s3:ObjectCreated:*', 's3:ObjectRemoved:*']);
      const got: { eventName: string; s3: { object: { key: string } } }[] = [];
      const errors: unknown[] = [];
      poller.on('notification', (r) => got.push(r as (typeof got)[number]));
      poller.on('error', (e) => errors.push(e));
      try {
        if (onRgw) {
          await until(() => errors.length > 0, 'the error');
          expect((errors[0] as { code?: string }).code).toBe('NotImplemented');
          return;
        }
        await connected(before);
        const upload = await client.putObject(bucket, 'js/big', new Uint8Array(6 * 1024 * 1024), { partSize: 5 * 1024 * 1024 });
        await client.removeObject(bucket, 'js/big');
        await until(() => got.length >= 2, 'two records');
        expect(got.map((r) => `${r.eventName} ${r.s3.object.key}`)).toEqual(['s3:ObjectCreated:CompleteMultipartUpload js/big', 's3:ObjectRemoved:Delete js/big']);
        expect(upload.etag).toMatch(/-2$/);
        expect(errors).toEqual([]);
      } finally {
        poller.stop();
      }
    });

    it.skipIf(skipPy)(
      `minio-py listen_bucket_notification: ${onRgw ? 'S3Error NotImplemented' : 'the records of a versioned bucket (puts, delete marker, version delete)'} ${pyOk ? '' : "(skipped: minio-py's dependencies not installed)"}`,
      async () => {
        const before = onRgw ? 0 : listeners();
        const child = run(PY, ['-c', MINIO_PY_LISTEN, `127.0.0.1:${g.port}`, ADMIN.accessKeyId, ADMIN.secretAccessKey, bucket, 'py/', '3'], { encoding: 'utf8', timeout: 30_000, env: PY_ENV });
        if (onRgw) {
          expect(JSON.parse((await child).stdout)).toEqual({ error: 'NotImplemented' });
          return;
        }
        await client.setBucketVersioning(bucket, { status: 'Enabled' });
        await connected(before);
        const { versionId } = await client.putObject(bucket, 'py/k', 'v1');
        await client.removeObject(bucket, 'py/k');
        await client.removeObject(bucket, 'py/k', { versionId: versionId! });
        const records = (await child).stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as NotificationRecord);
        expect(records.map((r) => r.eventName)).toEqual(['s3:ObjectCreated:Put', 's3:ObjectRemoved:DeleteMarkerCreated', 's3:ObjectRemoved:Delete']);
        expect(records[0]!.s3.object.versionId).toBe(versionId);
        expect(records[2]!.s3.object.versionId).toBe(versionId);
        await client.setBucketVersioning(bucket, { status: 'Suspended' });
      },
    );

    it(`ListenNotification (GET /?events=) needs s3:ListenNotification on "*"${onRgw ? ', then answers 501' : ' and hears every bucket; a browser POST form is s3:ObjectCreated:Post'}`, async () => {
      const denied = await listenFetch(g, '/?events=s3:ObjectCreated:*', new AbortController());
      expect([denied.status, /<Code>([^<]*)<\/Code>/.exec(await denied.text())?.[1]]).toEqual([403, 'AccessDenied']);
      const before = onRgw ? 0 : listeners();
      const ac = new AbortController();
      const watcher = new SigV4Signer({ credentials: { accessKeyId: WATCHER.accessKeyId, secretAccessKey: WATCHER.secretAccessKey }, region: 'us-east-1' });
      const all = await listenFetch(g, '/?events=s3:ObjectCreated:Post', ac, watcher);
      if (onRgw) {
        expect([all.status, /<Code>([^<]*)<\/Code>/.exec(await all.text())?.[1]]).toEqual([501, 'NotImplemented']);
        return;
      }
      expect(all.status).toBe(200);
      const l = new EventLines(all.body);
      await connected(before);
      const post = createPresignedPost({ bucket, key: 'form/${filename}', credentials: ADMIN, endpoint: g.endpoint, forcePathStyle: true });
      expect((await postForm(post.url, formData(post.fields, 'from a form', 'f.txt'))).status).toBe(204);
      await client.putObject(bucket, 'form/not-a-post', 'x');
      const [r] = await l.take(1);
      expect([r!.eventName, r!.s3.bucket.name, r!.s3.object.key]).toEqual(['s3:ObjectCreated:Post', bucket, 'form/f.txt']);
      await l.none(300);
      ac.abort();
      await until(() => listeners() === before, 'the listener to go');
    });
  });
}
