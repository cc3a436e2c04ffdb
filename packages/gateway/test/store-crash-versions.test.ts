import { createHash, randomInt } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kill, send, start, stop, type Proc } from './support/store-process.js';
import { VersionsModel, type ModelVersion } from './support/versions-model.js';

// Issue 13: kill -9 of the store process at random moments while one client per key writes
// versions, adds delete markers, deletes versions by id, completes multipart uploads and (in
// an object lock bucket) extends retention. After each restart, every key's versions (from
// ListObjectVersions, each read back by id) are exactly what the acknowledged requests made,
// or that plus the one request that was in flight for the key, complete (never a torn or
// half-applied version). Every other round stops cleanly instead (the index snapshot is
// written), restarts, and changes the bucket before any listing: the next crash must not be
// answered from that stale snapshot.

const KEYS = ['a', 'dir/b', '\u00e9t\u00e9'];
const B = '/bkt';
const path = (key: string): string => `${B}/${key.split('/').map(encodeURIComponent).join('/')}`;
const md5b64 = (b: string): string => createHash('md5').update(b).digest('base64');
const field = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const PART = 1100; // over store-child's minPartSize (1024)

/** What the request in flight for a key would change if it committed. */
type Pending =
  | { readonly t: 'new'; readonly marker: boolean; readonly body?: string }
  | { readonly t: 'remove'; readonly id: string }
  | { readonly t: 'retain'; readonly id: string; readonly until: number };

/** One operation of a key's client: the request(s), and what an acknowledgement means for the model. */
interface Op {
  readonly pending?: Pending;
  run(port: number): Promise<(m: VersionsModel) => void>;
}

class Crashes {
  readonly m = new VersionsModel();
  readonly pending = new Map<string, Pending>();
  readonly errors: unknown[] = [];
  n = 0;

  constructor(readonly lock: boolean) {
    this.m.versioning = 'Enabled';
  }

  /** A random next operation for `key`. */
  next(key: string): Op {
    const versions = this.m.versions(key);
    const objects = versions.filter((v) => !v.marker);
    const r = randomInt(this.lock ? 9 : 8);
    if (r < 3 || versions.length === 0) return this.put(key);
    if (r === 3) return this.marker(key);
    if (r < 6) return this.remove(key, versions[randomInt(versions.length)]!);
    if (r < 8 || objects.length === 0) return this.multipart(key);
    return this.retain(key, objects[randomInt(objects.length)]!);
  }

  put(key: string): Op {
    const body = `put ${++this.n} of ${key} `.padEnd(40 + randomInt(4000), '.');
    return {
      pending: { t: 'new', marker: false, body },
      run: async (port) => {
        const res = await send(port, 'PUT', path(key), body, { 'content-md5': md5b64(body) });
        expect(res.status, res.body).toBe(200);
        const id = res.headers['x-amz-version-id'] as string;
        return (m) => m.write(key, id, body);
      },
    };
  }

  marker(key: string): Op {
    return {
      pending: { t: 'new', marker: true },
      run: async (port) => {
        const res = await send(port, 'DELETE', path(key));
        expect([res.status, res.headers['x-amz-delete-marker']]).toEqual([204, 'true']);
        const id = res.headers['x-amz-version-id'] as string;
        return (m) => void m.deleteCurrent(key, id);
      },
    };
  }

  remove(key: string, v: ModelVersion): Op {
    const locked = v.retainUntil !== undefined && v.retainUntil > Date.now();
    return {
      // A version under retention stays: refused without the bypass header.
      ...(locked ? {} : { pending: { t: 'remove', id: v.id } as const }),
      run: async (port) => {
        const res = await send(port, 'DELETE', `${path(key)}?versionId=${v.id}`);
        if (locked) {
          expect(res.status, res.body).toBe(403);
          expect(field(res.body, 'Code')).toBe('AccessDenied');
          return () => {};
        }
        expect(res.status, res.body).toBe(204);
        return (m) => void m.deleteVersion(key, v.id);
      },
    };
  }

  multipart(key: string): Op {
    const n = ++this.n;
    const p1 = `part 1 of upload ${n} `.padEnd(PART, '1');
    const p2 = `part 2 of upload ${n}`;
    return {
      pending: { t: 'new', marker: false, body: p1 + p2 },
      run: async (port) => {
        const init = await send(port, 'POST', `${path(key)}?uploads`);
        const uploadId = field(init.body, 'UploadId')!;
        const etags: string[] = [];
        for (const [i, p] of [p1, p2].entries()) {
          const res = await send(port, 'PUT', `${path(key)}?partNumber=${i + 1}&uploadId=${uploadId}`, p, { 'content-md5': md5b64(p) });
          expect(res.status, res.body).toBe(200);
          etags.push(res.headers['etag'] as string);
        }
        const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
        const done = await send(port, 'POST', `${path(key)}?uploadId=${uploadId}`, xml);
        expect(done.status, done.body).toBe(200);
        expect(done.body).toContain('<CompleteMultipartUploadResult');
        const id = done.headers['x-amz-version-id'] as string;
        return (m) => m.write(key, id, p1 + p2);
      },
    };
  }

  /** Extends (never shortens) a version's GOVERNANCE retention: no bypass needed. */
  retain(key: string, v: ModelVersion): Op {
    const until = Math.max(v.retainUntil ?? 0, Date.now() + 86_400_000) + (1 + randomInt(1000)) * 1000;
    const xml = `<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>${new Date(until).toISOString()}</RetainUntilDate></Retention>`;
    return {
      pending: { t: 'retain', id: v.id, until },
      run: async (port) => {
        const res = await send(port, 'PUT', `${path(key)}?retention&versionId=${v.id}`, xml, { 'content-md5': md5b64(xml) });
        expect(res.status, res.body).toBe(200);
        return (m) => m.setRetention(key, v.id, until);
      },
    };
  }

  /** One client per key, until the process dies under it. */
  async client(port: number, key: string): Promise<void> {
    for (;;) {
      const op = this.next(key);
      if (op.pending === undefined) this.pending.delete(key);
      else this.pending.set(key, op.pending);
      let acknowledged: (m: VersionsModel) => void;
      try {
        acknowledged = await op.run(port);
      } catch (err) {
        if (!isConnectionError(err)) this.errors.push(err);
        return; // killed: the op stays pending
      }
      acknowledged(this.m);
      this.pending.delete(key);
    }
  }

  /** Runs the clients for `ms`, then kill -9. */
  async crash(p: Proc, ms: number): Promise<void> {
    const port = await p.port;
    this.pending.clear();
    const clients = KEYS.map((k) => this.client(port, k));
    await new Promise((r) => setTimeout(r, ms));
    await kill(p);
    await Promise.all(clients);
    expect(this.errors).toEqual([]);
  }

  /** Reads every key's versions back and checks them against the model (adopting a pending op that committed). */
  async verify(port: number): Promise<Map<string, Stored[]>> {
    const stored = await readStore(port, this.lock);
    for (const key of KEYS) {
      const got = stored.get(key) ?? [];
      const want = this.m.versions(key);
      const p = this.pending.get(key);
      if (same(got, want)) continue;
      const what = `${key}: ${JSON.stringify(got.map(brief))} is neither ${JSON.stringify(want.map(brief))} nor that after ${JSON.stringify(p)}`;
      expect(p, what).toBeDefined();
      if (p!.t === 'new') {
        const [head, ...rest] = got;
        expect(same(rest, want) && head !== undefined && head.marker === p!.marker && head.body === p!.body, what).toBe(true);
        expect(this.m.seen.get(key) ?? [], `${key}: a fresh version id`).not.toContain(head!.id);
        this.m.push(key, { id: head!.id, marker: p!.marker, ...(p!.body === undefined ? {} : { body: p!.body }) });
      } else if (p!.t === 'remove') {
        expect(
          same(
            got,
            want.filter((v) => v.id !== p!.id),
          ),
          what,
        ).toBe(true);
        this.m.deleteVersion(key, p!.id);
      } else {
        const retained = p!;
        expect(
          same(
            got,
            want.map((v) => (v.id === retained.id ? { ...v, retainUntil: retained.until } : v)),
          ),
          what,
        ).toBe(true);
        this.m.setRetention(key, retained.id, retained.until);
      }
    }
    const listed = await send(port, 'GET', `${B}?list-type=2`);
    const keys = [...listed.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((x) => x[1]);
    expect(keys, 'ListObjectsV2').toEqual(this.m.listedKeys());
    this.pending.clear(); // what did not commit by now never will
    return stored;
  }
}

/** A version as read back from the restarted store. */
interface Stored {
  readonly id: string;
  readonly marker: boolean;
  readonly body?: string;
  readonly retainUntil?: number;
}

const brief = (v: Stored | ModelVersion): string => `${v.id.slice(-6)}${v.marker ? ' marker' : ` ${v.body?.slice(0, 20)}…`}`;

function same(got: readonly Stored[], want: readonly ModelVersion[]): boolean {
  return got.length === want.length && got.every((g, i) => g.id === want[i]!.id && g.marker === want[i]!.marker && g.body === want[i]!.body && g.retainUntil === want[i]!.retainUntil);
}

function isConnectionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE' || /socket hang up/.test(String(err));
}

/** Every version of every key (ListObjectVersions), each object read back by id, with its retention. */
async function readStore(port: number, lock: boolean): Promise<Map<string, Stored[]>> {
  const out = new Map<string, Stored[]>();
  const res = await send(port, 'GET', `${B}?versions`);
  expect(res.status, res.body).toBe(200);
  expect(field(res.body, 'IsTruncated')).toBe('false');
  for (const [, kind, x] of res.body.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g)) {
    const key = field(x!, 'Key')!.replace(/&amp;/g, '&');
    const id = field(x!, 'VersionId')!;
    let v: Stored = { id, marker: kind === 'DeleteMarker' };
    if (!v.marker) {
      const got = await send(port, 'GET', `${path(key)}?versionId=${id}`);
      expect(got.status, `${key} ${id}`).toBe(200);
      v = { ...v, body: got.body };
      if (lock) {
        const r = await send(port, 'GET', `${path(key)}?retention&versionId=${id}`);
        const until = field(r.body, 'RetainUntilDate');
        if (until !== undefined) v = { ...v, retainUntil: Date.parse(until) };
        else expect(field(r.body, 'Code')).toBe('NoSuchObjectLockConfiguration');
      }
    }
    out.set(key, [...(out.get(key) ?? []), v]);
  }
  return out;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-crash-versions-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const ROUNDS = 3;

describe('versioned store after kill -9 (issue 13)', () => {
  it.each([
    ['a versioned bucket: PUTs, delete markers, versionId deletes, multipart completes', false],
    ['an object lock bucket: the same and retention changes', true],
  ])(
    '%s: acknowledged versions intact, nothing unacknowledged, snapshot never stale',
    async (_name, lock) => {
      const c = new Crashes(lock);
      let p = start(dir);
      const port = await p.port;
      const create = await send(port, 'PUT', B, '', lock ? { 'x-amz-bucket-object-lock-enabled': 'true' } : {});
      expect(create.status, create.body).toBe(200);
      if (!lock) {
        const xml = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
        expect((await send(port, 'PUT', `${B}?versioning`, xml)).status).toBe(200);
      }
      for (let round = 0; round < ROUNDS; round++) {
        await c.crash(p, 100 + randomInt(400));
        p = start(dir);
        const stored = await c.verify(await p.port);
        if (round % 2 === 1) {
          // A clean stop saves the index; the start after it lists from the snapshot...
          await stop(p);
          expect((await stat(join(dir, 'buckets/bkt/index.json'))).isFile()).toBe(true);
          p = start(dir);
          expect(await readStore(await p.port, lock)).toEqual(stored);
          await stop(p);
          // ...and one that changes the bucket before listing must not leave the snapshot behind.
          p = start(dir);
        }
      }
      await stop(p);
      const last = start(dir);
      await c.verify(await last.port);
      await stop(last);
      expect([...c.m.keys.values()].flat().length, 'versions made').toBeGreaterThan(KEYS.length);
    },
    60_000,
  );
});
