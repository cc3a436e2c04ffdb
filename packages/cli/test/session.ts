// One describe block's CLI session: a server, a private home with the alias `t` on it, and the
// buckets to remove afterwards (every version, legal holds off, governance bypassed).
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import type { S3Client } from '@s3kit/client/node';
import { Home, type RunResult, type Server } from './cli.js';

/** The session of a describe block (set in `beforeAll`). */
export interface Session {
  server: Server;
  home: Home;
  /** Runs `s3kit ...args` to the end. */
  run(...args: string[]): Promise<RunResult>;
}

/** Starts the server and the home before the block's tests; removes `buckets` and stops after them. */
export function session(start: () => Promise<Server>, buckets: string[]): Session {
  const s = { run: (...args: string[]) => s.home.run(args) } as Session;
  beforeAll(async () => {
    s.server = await start();
    s.home = await Home.create();
    const r = await s.run('alias', 'set', 't', s.server.endpoint, s.server.accessKey, s.server.secretKey, '--region', 'us-east-1');
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    for (const b of buckets) await removeBucket(s.server.s3, b);
    await s.server.close();
    await s.home.close();
  });
  return s;
}

/** The non-empty lines of a run's stdout. */
export function lines(r: RunResult): string[] {
  return r.stdout.split('\n').filter(Boolean);
}

/** Removes a bucket with everything in it, best effort: legal holds off, governance bypassed (COMPLIANCE versions stay). */
export async function removeBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    for await (const o of s3.listObjectVersions(bucket, { recursive: true })) {
      if (!('key' in o)) continue;
      const options = o.versionId ? { versionId: o.versionId } : {};
      if (!o.isDeleteMarker) await s3.disableObjectLegalHold(bucket, o.key, options).catch(() => undefined);
      await s3.removeObject(bucket, o.key, { ...options, governanceBypass: true }).catch(() => undefined);
    }
    await s3.removeBucket(bucket);
  } catch {
    // best effort
  }
}

/** A pass-through HTTP proxy (Host kept, so signatures hold) that counts what the server sent back. */
export interface CountingProxy {
  url: string;
  /** Response body bytes relayed so far. */
  bytes: number;
  /** The `Range` header of each request (`''` when none). */
  ranges: string[];
  close(): Promise<void>;
}

/** A {@link CountingProxy} in front of `target` (`http://host:port`). */
export async function countingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  const proxy: CountingProxy = { url: '', bytes: 0, ranges: [], close: async () => {} };
  const server = createServer((req, res) => {
    proxy.ranges.push(req.headers.range ?? '');
    const up = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer: IncomingMessage) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (d: Buffer) => (proxy.bytes += d.length));
      answer.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return proxy;
}
