import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { SigV4Signer } from '@s3kit/sigv4';
import { isCi } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueServerCert, opensslMissing, type ServerCert, type TestCa } from './support/certs.js';

// The program as a process serving HTTPS while its certificate is renewed: requests run in a loop
// on kept-alive and fresh connections while the files are replaced and SIGHUP is sent. No request
// fails, fresh connections get the new certificate, kept-alive ones go on with the old; an invalid
// renewal is logged and the current certificate stays.
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));
const KEY = { accessKeyId: 'AKTLSRELOAD', secretAccessKey: 'secret-AKTLSRELOAD' };
const signer = new SigV4Signer({ credentials: KEY, region: 'us-east-1' });

let dir: string;
let ca: TestCa;
let caPem: Buffer;
let first: ServerCert;
let renewed: ServerCert;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwtlsreload-'));
  if (opensslMissing) return;
  ca = createCa(dir);
  caPem = await readFile(ca.cert);
  first = issueServerCert(ca, dir, 'first', '0F1257');
  renewed = issueServerCert(ca, dir, 'renewed', '0B2E2E');
});
afterAll(async () => {
  if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Replaces `to` by `from` atomically (write aside, rename), as a renewal tool would. */
async function replace(from: string, to: string): Promise<void> {
  await copyFile(from, `${to}.new`);
  await rename(`${to}.new`, to);
}

interface Answer {
  status: number;
  serial: string;
  socket: TLSSocket;
}

/** A signed GET of `/` through `agent`; resolves with the certificate serial the connection saw. */
function get(endpoint: string, agent: Agent): Promise<Answer> {
  const s = signer.sign({ method: 'GET', url: `${endpoint}/` });
  const url = new URL(s.url);
  return new Promise((resolve, reject) => {
    let serial = '';
    const req = request({ host: url.hostname, port: url.port, path: '/', headers: s.headers, agent }, (res) => {
      const socket = res.socket as TLSSocket;
      serial ||= socket.getPeerCertificate().serialNumber;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, serial, socket }));
      res.on('error', reject);
    });
    // Read at the handshake: a connection closed after its answer no longer shows its certificate.
    // A kept-alive socket did its handshake already: read it now (a listener would never fire, and pile up).
    req.on('socket', (socket) => {
      const read = (): void => void (serial = (socket as TLSSocket).getPeerCertificate().serialNumber);
      if (req.reusedSocket) read();
      else socket.once('secureConnect', read);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(opensslMissing && !isCi())('TLS certificate reload (program, SIGHUP)', () => {
  it('renews the certificate under load: no request fails, new connections see the new one, kept-alive ones continue', async () => {
    const cert = join(dir, 'server.pem');
    const key = join(dir, 'server.key');
    await copyFile(first.cert, cert);
    await copyFile(first.key, key);
    const cfg = join(dir, 'gw.yaml');
    await writeFile(
      cfg,
      [
        'listen: { port: 0 }',
        'admin: { port: 0 }',
        `tls: { cert: ${cert}, key: ${key} }`,
        'identities:',
        `  - { accessKeyId: ${KEY.accessKeyId}, secretAccessKey: ${KEY.secretAccessKey}, allow: [{ bucket: "*", access: readwrite }] }`,
        'upstreams:',
        `  default: { type: local, dir: ${join(dir, 'store')}, fsync: false }`,
      ].join('\n'),
    );
    const proc = spawn(process.execPath, ['--conditions=@s3kit/source', '--import', 'tsx', main, '--config', cfg], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (https:\/\/[0-9.:]+)/.exec(out);
        if (m) {
          clearInterval(timer);
          resolve(m[1]!);
        }
      }, 20);
      proc.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`exited ${code}: ${out}`));
      });
    });
    expect(out).toContain(`serial ${first.serial}`);
    const waitFor = async (text: string, after: number): Promise<void> => {
      for (let i = 0; i < 250 && !out.slice(after).includes(text); i++) await new Promise((r) => setTimeout(r, 20));
      expect(out.slice(after)).toContain(text);
    };

    // The load: kept-alive workers (4 connections) and one that opens a new connection per request.
    const keptAlive = new Agent({ keepAlive: true, maxSockets: 4, ca: caPem });
    // No TLS session resumption: each request makes a full handshake and sees the served certificate.
    const fresh = new Agent({ keepAlive: false, maxCachedSessions: 0, ca: caPem });
    const failures: string[] = [];
    const serials = { kept: new Set<string>(), fresh: [] as string[] };
    const keptSockets = new Set<TLSSocket>();
    let requests = 0;
    let running = true;
    const worker = async (agent: Agent, onAnswer: (a: Answer) => void): Promise<void> => {
      while (running) {
        try {
          const a = await get(endpoint, agent);
          requests++;
          if (a.status !== 200) failures.push(`status ${a.status}`);
          onAnswer(a);
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const keptOnAnswer = (a: Answer): void => {
      serials.kept.add(a.serial);
      keptSockets.add(a.socket);
    };
    const workers = [...Array.from({ length: 4 }, () => worker(keptAlive, keptOnAnswer)), worker(fresh, (a) => serials.fresh.push(a.serial))];
    try {
      await new Promise((r) => setTimeout(r, 500));
      const socketsBefore = new Set(keptSockets);
      expect(serials.kept).toEqual(new Set([first.serial]));

      // Renewal: both files replaced, then SIGHUP.
      await replace(renewed.cert, cert);
      await replace(renewed.key, key);
      let mark = out.length;
      proc.kill('SIGHUP');
      await waitFor('reloaded TLS certificate', mark);
      const freshAtReload = serials.fresh.length;
      await new Promise((r) => setTimeout(r, 500));
      // Every connection opened after the reload saw the renewed certificate ...
      expect(serials.fresh.slice(freshAtReload + 1).length).toBeGreaterThan(0);
      expect(new Set(serials.fresh.slice(freshAtReload + 1))).toEqual(new Set([renewed.serial]));
      // ... and the kept-alive connections went on with the old one, on the same sockets.
      expect(serials.kept).toEqual(new Set([first.serial]));
      expect([...keptSockets].every((s) => socketsBefore.has(s))).toBe(true);
      expect((await get(endpoint, new Agent({ maxCachedSessions: 0, ca: caPem }))).serial).toBe(renewed.serial);

      // An invalid renewal (a key that is not the certificate's): logged, the current one stays.
      await replace(first.key, key);
      mark = out.length;
      proc.kill('SIGHUP');
      await waitFor('TLS reload failed; keeping the current certificate', mark);
      await new Promise((r) => setTimeout(r, 300));
      expect((await get(endpoint, new Agent({ maxCachedSessions: 0, ca: caPem }))).serial).toBe(renewed.serial);
    } finally {
      running = false;
      await Promise.all(workers);
      keptAlive.destroy();
      fresh.destroy();
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(50);

    const exited = new Promise<number | null>((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
