import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProgram, type Program } from './support/program.js';

// The program as a process: the upload page's ticket route signs with the page identity's keys as
// they are now, so a SIGHUP that rotates them takes effect for the page at once.
const OLD = { accessKeyId: 'AKIAPAGERELOADOLD001', secretAccessKey: 'page-reload-old-secret-for-tests-only-000' };
const NEW = { accessKeyId: 'AKIAPAGERELOADNEW001', secretAccessKey: 'page-reload-new-secret-for-tests-only-000' };
const FILE = Buffer.from('rotated keys, same page\n');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-pagereload-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function config(keys: typeof OLD): string {
  return JSON.stringify({
    listen: { port: 0 },
    admin: null,
    identities: [{ name: 'dev', ...keys, allow: [{ bucket: '*', access: 'readwrite' }] }],
    uploadPage: { enabled: true, identity: 'dev', bucket: 'inbox' },
    upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false } },
  });
}

function start(cfg: string): Program {
  return startProgram(['--config', cfg]);
}

interface Ticket {
  fileId: string;
  presignedUrl: string;
  presignedUrlFields: Record<string, string>;
}

/** The page's ticket request (node:http, so Origin and Sec-Fetch-Site are sent as a browser would). */
function ticket(endpoint: string): Promise<{ status: number; body: string }> {
  const url = new URL(endpoint);
  const body = JSON.stringify({ fileName: 'note.txt', contentType: 'text/plain', size: FILE.length, sha256: createHash('sha256').update(FILE).digest('base64') });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: 'POST', path: '/_s3kit/upload/ticket', headers: { origin: endpoint, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function signedGet(endpoint: string, keys: typeof OLD, path: string): Promise<Response> {
  const s = new SigV4Signer({ credentials: keys, region: 'us-east-1' }).sign({ method: 'GET', url: `${endpoint}${path}` });
  return fetch(s.url, { headers: s.headers });
}

describe('upload page after a reload (program)', () => {
  it("SIGHUP rotating the page identity's keys: the next ticket is signed with the new key and its form uploads (the old key is refused by then)", async () => {
    const cfg = join(dir, 'gw.json');
    await writeFile(cfg, config(OLD));
    const p = start(cfg);
    try {
      const endpoint = await p.endpoint;
      const before = await ticket(endpoint);
      expect(before.status, before.body).toBe(200);
      expect((JSON.parse(before.body) as Ticket).presignedUrlFields['x-amz-credential']).toMatch(new RegExp(`^${OLD.accessKeyId}/`));

      await writeFile(cfg, config(NEW));
      p.child.kill('SIGHUP');
      for (let i = 0; i < 200 && !p.out().includes('reloaded identities'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(p.out()).toContain('reloaded identities');
      expect((await signedGet(endpoint, OLD, '/inbox?list-type=2')).status).toBe(403);

      const after = await ticket(endpoint);
      expect(after.status, after.body).toBe(200);
      const t = JSON.parse(after.body) as Ticket;
      expect(t.presignedUrlFields['x-amz-credential']).toMatch(new RegExp(`^${NEW.accessKeyId}/`));
      // The ticket works: its form, posted as the page would, is verified by the gateway and stored.
      const form = new FormData();
      for (const [k, v] of Object.entries(t.presignedUrlFields)) form.append(k, v);
      form.append('file', new Blob([FILE], { type: 'text/plain' }), 'note.txt');
      const posted = await fetch(t.presignedUrl, { method: 'POST', body: form });
      expect(posted.status, await posted.text()).toBe(201);
      const stored = await signedGet(endpoint, NEW, `/inbox/${t.presignedUrlFields['key']}`);
      expect(stored.status).toBe(200);
      expect(Buffer.from(await stored.arrayBuffer()).equals(FILE)).toBe(true);
      expect(p.out()).not.toContain(NEW.secretAccessKey);
    } finally {
      const exited = new Promise<number | null>((r) => p.child.once('exit', r));
      p.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 30_000);
});
