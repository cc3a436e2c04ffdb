// One describe block's CLI session: a server, a private home with the alias `t` on it, and the
// buckets to remove afterwards (every version, legal holds off, governance bypassed).
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
