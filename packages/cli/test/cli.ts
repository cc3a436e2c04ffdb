// Drives the binary installed from the packed tarballs (global-setup.ts) with a private HOME and
// config directory, against a gateway on the embedded store or the run's Ceph RGW.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { inject } from 'vitest';
import { S3Client } from '@s3kit/client/node';
import { startLocalGateway } from '../../client/test/gateway-local.js';
import { rgw } from '../../client/test/helpers.js';

export { cleanBucket, reason, rgw } from '../../client/test/helpers.js';

/** `node_modules/.bin/s3kit` of a scratch project that installed the packed tarballs. */
export const BIN = inject('s3kitBin');

/** A server the CLI talks to, and a client for checking what it did. */
export interface Server {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  s3: S3Client;
  close(): Promise<void>;
}

/** A gateway over a fresh embedded store. */
export async function gatewayServer(): Promise<Server> {
  const g = await startLocalGateway();
  const s3 = g.client();
  return { endpoint: g.endpoint, accessKey: g.accessKeyId, secretKey: g.secretAccessKey, s3, close: async () => (await s3.close(), await g.close()) };
}

/** The run's Ceph RGW. */
export function rgwServer(): Server {
  const s3 = new S3Client({ endpoint: rgw!.endpoint, accessKey: rgw!.accessKeyId, secretKey: rgw!.secretAccessKey, region: rgw!.region });
  return { endpoint: rgw!.endpoint, accessKey: rgw!.accessKeyId, secretKey: rgw!.secretAccessKey, s3, close: () => s3.close() };
}

/** The result of one run. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A private home: `HOME` and `S3KIT_CONFIG_DIR` in a temporary directory, and nothing of the real environment's AWS/mc settings. */
export class Home {
  readonly env: { PATH: string; HOME: string; S3KIT_CONFIG_DIR: string };
  private constructor(readonly dir: string) {
    this.env = { PATH: process.env['PATH'] ?? '', HOME: join(dir, 'home'), S3KIT_CONFIG_DIR: join(dir, 'config') };
  }

  static async create(): Promise<Home> {
    return new Home(await mkdtemp(join(tmpdir(), 's3kit-cli-')));
  }

  /** Starts `s3kit ...args`; `stdin: 'pipe'` leaves its standard input open for the caller. */
  spawn(args: string[], env: Record<string, string> = {}, stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess & { result: Promise<RunResult> } {
    const child = spawn(BIN, args, { env: { ...this.env, ...env }, stdio: [stdin, 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const result = new Promise<RunResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    return Object.assign(child, { result });
  }

  /** Runs `s3kit ...args` to the end. */
  run(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
    return this.spawn(args, env).result;
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A unique bucket name. */
export function bucketName(tag: string): string {
  return `s3kit-cli-${tag}-${randomBytes(4).toString('hex')}`;
}

/** SHA-256 of every file under `dir`, by path relative to it (`/`-separated). */
export async function treeHashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(d: string): Promise<void> {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else
        out[relative(dir, p).split('\\').join('/')] = createHash('sha256')
          .update(await readFile(p))
          .digest('hex');
    }
  }
  await walk(dir);
  return out;
}
