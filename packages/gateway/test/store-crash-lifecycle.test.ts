import { createHash, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { kill, send, start, stop, until, type Proc } from './support/store-process.js';

// Issue 14: kill -9 of the store process while its lifecycle sweeper (clock 10 days ahead, 3
// actions per pass) expires objects, removes noncurrent versions and delete markers and aborts
// uploads. After every crash each key is at a stage the rules allow (never a torn version),
// everything the rules do not name is intact (every version, byte for byte), locked versions
// stay; the last run finishes the sweep and leaves exactly what the rules keep.

const DAY = 86_400_000;
const md5b64 = (b: string): string => createHash('md5').update(b).digest('base64');
const enc = (key: string): string => key.split('/').map(encodeURIComponent).join('/');
const LIFECYCLE = { offsetMs: 10 * DAY, intervalMs: 1, maxActionsPerPass: 3 };

let dir: string;
let proc: Proc | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-crash-lc-'));
});
afterEach(async () => {
  if (proc !== undefined) await kill(proc).catch(() => {});
  proc = undefined;
  await rm(dir, { recursive: true, force: true });
});

interface Listed {
  key: string;
  id: string;
  marker: boolean;
}
async function listVersions(port: number, bucket: string): Promise<Listed[]> {
  const res = await send(port, 'GET', `/${bucket}?versions=`);
  expect(res.status, res.body).toBe(200);
  return [...res.body.matchAll(/<(Version|DeleteMarker)>(.*?)<\/\1>/g)].map((m) => ({
    key: /<Key>([^<]*)<\/Key>/.exec(m[2]!)![1]!,
    id: /<VersionId>([^<]*)<\/VersionId>/.exec(m[2]!)![1]!,
    marker: m[1] === 'DeleteMarker',
  }));
}
async function listUploads(port: number, bucket: string): Promise<string[]> {
  const res = await send(port, 'GET', `/${bucket}?uploads=`);
  return [...res.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
}
const lcXml = (rules: string): string => `<LifecycleConfiguration>${rules}</LifecycleConfiguration>`;

it('a crash mid-sweep loses nothing the rules keep', async () => {
  proc = start(dir);
  let port = await proc.port;
  const ok = async (method: string, path: string, body = '', headers: Record<string, string> = {}): Promise<Record<string, unknown>> => {
    const res = await send(port, method, path, body, headers);
    expect(res.status, `${method} ${path}: ${res.body}`).toBeLessThan(300);
    return res.headers;
  };
  // What each bucket holds: key -> versions (id, body), oldest first.
  const made = new Map<string, { id: string; body: string }[]>();
  const putV = async (bucket: string, key: string, headers: Record<string, string> = {}): Promise<void> => {
    const body = `${bucket}/${key} #${(made.get(`${bucket}/${key}`)?.length ?? 0) + 1} `.padEnd(30 + randomInt(300), '.');
    const h = await ok('PUT', `/${bucket}/${enc(key)}`, body, { 'content-md5': md5b64(body), ...headers });
    made.set(`${bucket}/${key}`, [...(made.get(`${bucket}/${key}`) ?? []), { id: h['x-amz-version-id'] as string, body }]);
  };
  await ok('PUT', '/bkt');
  await ok('PUT', '/bkt?versioning=', '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>');
  await ok('PUT', '/lck', '', { 'x-amz-bucket-object-lock-enabled': 'true' });
  const rules = lcXml(
    '<Rule><ID>x</ID><Filter><Prefix>x/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>' +
      '<Rule><ID>up</ID><Filter><Prefix>up/</Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>',
  );
  for (const b of ['bkt', 'lck']) await ok('PUT', `/${b}?lifecycle=`, rules, { 'content-md5': md5b64(rules) });
  for (let i = 0; i < 60; i++) for (let n = 0; n < 2; n++) await putV('bkt', `x/${i}`);
  for (let i = 0; i < 20; i++) for (let n = 0; n < 2; n++) await putV('bkt', `k/${i}`);
  for (let i = 0; i < 8; i++) {
    await putV('lck', `x/${i}`, { 'x-amz-object-lock-legal-hold': 'ON' });
    await putV('lck', `x/${i}`);
  }
  for (let i = 0; i < 10; i++) await ok('POST', `/bkt/up/${i}?uploads=`);
  for (let i = 0; i < 4; i++) await ok('POST', `/bkt/keep/${i}?uploads=`);
  await stop(proc);

  /** Checks every key is at a stage the rules allow, and every listed version reads back its bytes. */
  const check = async (final: boolean): Promise<number> => {
    let markers = 0;
    for (const bucket of ['bkt', 'lck']) {
      const listed = await listVersions(port, bucket);
      const byKey = new Map<string, Listed[]>();
      for (const v of listed) byKey.set(v.key, [...(byKey.get(v.key) ?? []), v]);
      for (const [name, versions] of made) {
        if (!name.startsWith(`${bucket}/`)) continue;
        const key = name.slice(bucket.length + 1);
        const now = byKey.get(key) ?? [];
        const objects = now.filter((v) => !v.marker);
        markers += now.length - objects.length;
        const ids = versions.map((v) => v.id);
        // Only versions that were made, never more than one marker (on top).
        expect(
          objects.every((v) => ids.includes(v.id)),
          name,
        ).toBe(true);
        expect(
          now.slice(1).some((v) => v.marker),
          name,
        ).toBe(false);
        if (!key.startsWith('x/'))
          expect(
            objects.map((v) => v.id),
            name,
          ).toEqual([...ids].reverse());
        if (bucket === 'lck')
          expect(
            objects.map((v) => v.id),
            name,
          ).toContain(ids[0]); // under legal hold
        if (final) {
          if (bucket === 'bkt' && key.startsWith('x/')) expect(now, name).toEqual([]);
          if (bucket === 'lck')
            expect(
              now.map((v) => [v.marker, v.marker ? '' : v.id]),
              name,
            ).toEqual([
              [true, ''],
              [false, ids[0]],
            ]);
        }
        for (const v of objects) {
          const res = await send(port, 'GET', `/${bucket}/${enc(key)}?versionId=${v.id}`);
          expect([name, res.status, res.body]).toEqual([name, 200, versions.find((x) => x.id === v.id)!.body]);
        }
      }
    }
    const uploads = await listUploads(port, 'bkt');
    expect(uploads.filter((k) => k.startsWith('keep/'))).toEqual(['keep/0', 'keep/1', 'keep/2', 'keep/3']);
    if (final) expect(uploads).toEqual(['keep/0', 'keep/1', 'keep/2', 'keep/3']);
    return markers;
  };

  const stages: number[] = [];
  for (let round = 0; round < 4; round++) {
    proc = start(dir, { S3KIT_LIFECYCLE: JSON.stringify(LIFECYCLE) });
    port = await proc.port;
    // The first request starts the sweeper; kill it once it has done something, at a random moment.
    await until('the sweeper to start', async () => ((await listVersions(port, 'bkt')).some((v) => v.marker) || (await listUploads(port, 'bkt')).length < 14 ? true : undefined));
    await new Promise((r) => setTimeout(r, randomInt(60)));
    await kill(proc);
    proc = start(dir); // no clock offset: nothing more is due, so the state is what the crash left
    port = await proc.port;
    stages.push(await check(false));
    await stop(proc);
  }
  // The crashes hit the sweep in the middle: some keys done, others not yet.
  expect(
    stages.some((m) => m > 0 && m < 68),
    String(stages),
  ).toBe(true);
  // The last run finishes the sweep.
  proc = start(dir, { S3KIT_LIFECYCLE: JSON.stringify({ ...LIFECYCLE, maxActionsPerPass: 1000 }) });
  port = await proc.port;
  await until(
    'the sweep to finish',
    async () => {
      const left = (await listVersions(port, 'bkt')).filter((v) => v.key.startsWith('x/')).length;
      const uploads = (await listUploads(port, 'bkt')).length;
      const lk = (await listVersions(port, 'lck')).length;
      return left === 0 && uploads === 4 && lk === 16 ? true : undefined;
    },
    30_000,
  );
  await check(true);
  await stop(proc);
  proc = undefined;
}, 120_000);
