import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore, type SweepSummary } from '../src/index.js';
import { listFiles } from './helpers.js';
import { startGateway } from './support/gateway-server.js';
import { send, signer, start, stop, until } from './support/store-process.js';

// Defect 6 of issue 12: what kill -9 leaves in the embedded store (temp files of interrupted
// PUTs and parts, data files caught between a commit's data and metadata renames) is removed
// by the next start's sweep, through a gateway in a process of its own that is really killed;
// committed objects and open multipart uploads survive intact.

/** A signed PUT that sends `sent` of its declared `length` bytes and then stalls. */
function stalledPut(port: number, path: string, length: number, sent: number): void {
  const s = signer.sign({ method: 'PUT', url: `http://127.0.0.1:${port}${path}`, headers: { 'content-length': String(length) }, payloadHash: 'UNSIGNED-PAYLOAD' });
  const req = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path, headers: s.headers });
  req.on('error', () => {}); // the server is killed under it
  req.write(Buffer.alloc(sent, 'x'));
}

async function sizeOf(dir: string, rel: string): Promise<number> {
  return (await stat(join(dir, rel))).size;
}

const PART1 = 'a'.repeat(2048);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-crash-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A bucket with two objects and an open upload of one part, through the process. */
async function seed(port: number): Promise<string> {
  expect((await send(port, 'PUT', '/bkt')).status).toBe(200);
  expect((await send(port, 'PUT', '/bkt/keep-1', 'first object')).status).toBe(200);
  expect((await send(port, 'PUT', '/bkt/dir/keep-2', 'second object')).status).toBe(200);
  const init = await send(port, 'POST', '/bkt/mp?uploads');
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
  expect((await send(port, 'PUT', `/bkt/mp?partNumber=1&uploadId=${uploadId}`, PART1)).status).toBe(200);
  return uploadId;
}

/** Everything `seed` made is there and readable; the upload completes with a new part. */
async function expectIntact(port: number, uploadId: string): Promise<void> {
  expect((await send(port, 'GET', '/bkt/keep-1')).body).toBe('first object');
  expect((await send(port, 'GET', '/bkt/dir/keep-2')).body).toBe('second object');
  const parts = await send(port, 'GET', `/bkt/mp?uploadId=${uploadId}`);
  expect(parts.status).toBe(200);
  expect([...parts.body.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => m[1])).toEqual(['1']);
  const p2 = await send(port, 'PUT', `/bkt/mp?partNumber=2&uploadId=${uploadId}`, 'tail');
  expect(p2.status).toBe(200);
  const p1Etag = /<ETag>([^<]+)<\/ETag>/.exec(parts.body)![1]!;
  const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${p1Etag}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>${p2.headers['etag'] as string}</ETag></Part></CompleteMultipartUpload>`;
  expect((await send(port, 'POST', `/bkt/mp?uploadId=${uploadId}`, xml)).status).toBe(200);
  expect((await send(port, 'GET', '/bkt/mp')).body).toBe(PART1 + 'tail');
}

async function listedKeys(port: number): Promise<string[]> {
  const res = await send(port, 'GET', '/bkt?list-type=2');
  return [...res.body.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!);
}

describe('store sweep after kill -9 (defect 6)', () => {
  it('removes the temp files of a PUT and an UploadPart killed mid-body; objects and the upload survive', async () => {
    const a = start(dir);
    const port = await a.port;
    const uploadId = await seed(port);
    stalledPut(port, '/bkt/half', 1 << 20, 300_000);
    stalledPut(port, `/bkt/mp?partNumber=2&uploadId=${uploadId}`, 1 << 20, 200_000);
    const temps = await until('both bodies in the temp area', async () => {
      const t = (await listFiles(dir)).filter((f) => f.startsWith('tmp/'));
      if (t.length < 2) return undefined;
      const sizes = await Promise.all(t.map((f) => sizeOf(dir, f).catch(() => 0)));
      return sizes.sort((x, y) => x - y).join() === '200000,300000' ? t : undefined;
    });
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    expect((await listFiles(dir)).filter((f) => f.startsWith('tmp/'))).toEqual(temps);

    const b = start(dir);
    const port2 = await b.port;
    expect(await b.sweep).toMatchObject({ files: 2, bytes: 500_000, tempFiles: 2, complete: true });
    expect((await listFiles(dir)).filter((f) => f.startsWith('tmp/'))).toEqual([]);
    expect((await send(port2, 'GET', '/bkt/half')).status).toBe(404);
    await expectIntact(port2, uploadId);
    expect(await listedKeys(port2)).toEqual(['dir/keep-2', 'keep-1', 'mp']);
    await stop(b);
  }, 60_000);

  it.each(['objects', 'uploads'])(
    'removes the data file of a commit killed between its data and metadata renames (%s), after a clean restart too',
    async (area) => {
      const a = start(dir);
      const uploadId = await seed(await a.port);
      await stop(a); // a clean stop: the listing index is saved, the next start reads it instead of scanning
      const before = await listFiles(dir);

      const crashing = start(dir, { S3KIT_CRASH_IN_COMMIT: area });
      const port = await crashing.port;
      const doomed = area === 'objects' ? send(port, 'PUT', '/bkt/keep-1', 'replacement never committed') : send(port, 'PUT', `/bkt/mp?partNumber=1&uploadId=${uploadId}`, 'b'.repeat(3000));
      await expect(doomed).rejects.toThrow();
      expect(await crashing.exited).toBe('SIGKILL');
      const orphans = (await listFiles(dir)).filter((f) => f.endsWith('.data') && !before.includes(f));
      expect(orphans).toHaveLength(1);
      expect(orphans[0]).toContain(`/${area}/`);

      // Twice: the first start after the crash, and a second one after its clean stop.
      const b = start(dir);
      const port2 = await b.port;
      const sweep = await b.sweep;
      expect(sweep).toMatchObject({ files: 1, tempFiles: 0, complete: true });
      expect(sweep.bytes).toBe(area === 'objects' ? 'replacement never committed'.length : 3000);
      expect(await listFiles(dir)).not.toContain(orphans[0]);
      expect(await listedKeys(port2)).toEqual(['dir/keep-2', 'keep-1']);
      await stop(b);
      const c = start(dir);
      const port3 = await c.port;
      expect(await c.sweep).toMatchObject({ files: 0, bytes: 0, complete: true });
      await expectIntact(port3, uploadId);
      await stop(c);
    },
    60_000,
  );
});

describe('store sweep after a clean shutdown (defect 6)', () => {
  it('removes orphans planted by hand at the next start, reports them, and keeps every object and upload', async () => {
    const store = createLocalStore({ dir, minPartSize: 1024, fsync: false });
    const gw = await startGateway(store);
    const uploadId = await seed(gw.port);
    await gw.close();
    await store.close();
    const live = await listFiles(dir);
    const objData = live.find((f) => f.includes('/objects/') && f.endsWith('.data'))!;
    const partData = live.find((f) => f.includes('/uploads/') && f.endsWith('.data'))!;
    const planted = [
      objData.replace(/\.[0-9a-f]{16}\.data$/, '.0123456789abcdef.data'), // an older copy of a live key's data
      objData.replace(/[0-9a-f]{64}\.[0-9a-f]{16}\.data$/, `${'f'.repeat(64)}.fedcba9876543210.data`), // data of no key at all
      partData.replace(/\.[0-9a-f]{16}\.data$/, '.0123456789abcdef.data'), // a part's replaced data
      'tmp/put-0123', // an interrupted PUT
      'tmp/upload-gone-0123/part-1.0123456789abcdef.data', // an aborted upload half removed
    ];
    for (const f of planted) {
      await mkdir(join(dir, f, '..'), { recursive: true });
      await writeFile(join(dir, f), 'orphan');
    }
    await writeFile(join(dir, objData.replace(/\.data$/, '.keep')), 'not ours: unknown names are left alone');

    const sweeps: SweepSummary[] = [];
    const again = createLocalStore({ dir, minPartSize: 1024, fsync: false, onSweep: (s) => sweeps.push(s) });
    const gw2 = await startGateway(again);
    try {
      const summary = await again.swept;
      expect(summary).toMatchObject({ files: 5, bytes: 30, tempFiles: 2, complete: true });
      expect(summary.durationMs).toBeGreaterThanOrEqual(0);
      expect(sweeps).toEqual([summary]);
      expect((await listFiles(dir)).filter((f) => !f.startsWith('tmp/'))).toEqual([...live, objData.replace(/\.data$/, '.keep')].sort());
      await expectIntact(gw2.port, uploadId);
    } finally {
      await gw2.close();
      await again.close();
    }
  });

  it('never removes the data of commits in flight while it sweeps', async () => {
    const store = createLocalStore({ dir, fsync: false });
    const gw = await startGateway(store);
    expect((await send(gw.port, 'PUT', '/bkt')).status).toBe(200);
    await gw.close();
    await store.close();
    // Many orphans spread over every fan-out directory, so the sweep runs while the PUTs commit.
    for (let d = 0; d < 256; d++) {
      const h = d.toString(16).padStart(2, '0');
      await mkdir(join(dir, 'buckets/bkt/objects', h), { recursive: true });
      for (let i = 0; i < 8; i++) await writeFile(join(dir, 'buckets/bkt/objects', h, `${h.padEnd(64, '0')}.${String(i).repeat(16)}.data`), 'o');
    }
    const again = createLocalStore({ dir, fsync: false });
    const gw2 = await startGateway(again);
    try {
      const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
      await Promise.all(keys.map((k) => send(gw2.port, 'PUT', `/bkt/${k}`, `body of ${k}`).then((r) => expect(r.status).toBe(200))));
      expect(await again.swept).toMatchObject({ files: 256 * 8, complete: true });
      for (const k of keys) expect((await send(gw2.port, 'GET', `/bkt/${k}`)).body).toBe(`body of ${k}`);
    } finally {
      await gw2.close();
      await again.close();
    }
  }, 60_000);
});

describe('the SSE-S3 store key after kill -9', () => {
  it('a crash while the key is created leaves no key and no object; the next start makes the key and serves objects encrypted with it across restarts', async () => {
    const crashing = start(dir, { S3KIT_CRASH_IN_KEY: '1' });
    const port = await crashing.port;
    expect((await send(port, 'PUT', '/bkt')).status).toBe(200);
    await expect(send(port, 'PUT', '/bkt/first', 'never stored')).rejects.toThrow();
    expect(await crashing.exited).toBe('SIGKILL');
    const left = await listFiles(dir);
    expect(left).not.toContain('sse-s3.key');
    expect(left.filter((f) => f.startsWith('tmp/key-'))).toHaveLength(1); // the written key, never linked

    const b = start(dir);
    const port2 = await b.port;
    expect(await b.sweep).toMatchObject({ tempFiles: 1, complete: true });
    expect((await send(port2, 'GET', '/bkt/first')).status).toBe(404);
    const put = await send(port2, 'PUT', '/bkt/second', 'encrypted at rest');
    expect([put.status, put.headers['x-amz-server-side-encryption']]).toEqual([200, 'AES256']);
    const key = await stat(join(dir, 'sse-s3.key'));
    expect([key.size, key.mode & 0o777]).toEqual([32, 0o600]);
    b.child.kill('SIGKILL');
    expect(await b.exited).toBe('SIGKILL');

    const c = start(dir);
    const port3 = await c.port;
    expect((await send(port3, 'GET', '/bkt/second')).body).toBe('encrypted at rest');
    await stop(c);
  }, 60_000);
});
