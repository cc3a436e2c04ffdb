// A gateway over the embedded store in a child process of its own (support/store-child.ts),
// for kill -9 tests: start it, send it signed requests, stop it cleanly or kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SigV4Signer } from '@s3kit/sigv4';
import type { SweepSummary } from '../../src/index.js';
import { ADMIN, rawRequest, type RawResponse } from './gateway-server.js';

const child = fileURLToPath(new URL('./store-child.ts', import.meta.url));
const repo = fileURLToPath(new URL('../../../..', import.meta.url));
export const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' });

export interface Proc {
  child: ChildProcess;
  port: Promise<number>;
  sweep: Promise<SweepSummary>;
  exited: Promise<NodeJS.Signals | number | null>;
}

/** Starts the store process over `dir`; `port` resolves once it listens. */
export function start(dir: string, env: Record<string, string> = {}): Proc {
  const p = spawn(process.execPath, ['--conditions=@s3kit/source', '--import', 'tsx', child, dir], {
    cwd: repo,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const lines = new Promise<void>((resolve) => p.stdout!.on('end', resolve));
  const exited = new Promise<NodeJS.Signals | number | null>((r) => p.once('exit', (code, signal) => r(signal ?? code)));
  const seen = (field: string) =>
    new Promise<never>((resolve, reject) => {
      const look = (): void => {
        for (const l of out.split('\n')) {
          if (l.startsWith(`{"${field}":`)) return void resolve((JSON.parse(l) as Record<string, never>)[field]!);
        }
      };
      p.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        look();
      });
      void lines.then(() => reject(new Error(`the store process ended without "${field}": ${out}`)));
    });
  p.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const port = seen('port');
  const sweep = seen('sweep');
  // A process stopped or killed early never reports them; only callers that await them care.
  port.catch(() => {});
  sweep.catch(() => {});
  return { child: p, port, sweep, exited };
}

/** A clean stop (SIGTERM: the gateway closes, the store saves its index snapshots). */
export async function stop(p: Proc): Promise<void> {
  p.child.kill('SIGTERM');
  await p.exited;
}

/** kill -9. */
export async function kill(p: Proc): Promise<void> {
  p.child.kill('SIGKILL');
  await p.exited;
}

/** One signed request to the process on `port`. */
export function send(port: number, method: string, path: string, body: string | Uint8Array = '', headers: Record<string, string> = {}): Promise<RawResponse> {
  const s = signer.sign({ method, url: `http://127.0.0.1:${port}${path}`, headers, body });
  return rawRequest(port, { method, path, headers: s.headers, body });
}

/** Polls `probe` every 20 ms until it gives a value. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    const v = await probe();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}
