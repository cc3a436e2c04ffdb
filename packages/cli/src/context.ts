// What every command gets: the environment, the output streams, the Ctrl-C signal and the clients.
import { S3Client } from '@s3kit/client/node';
import type { ResolvedAlias } from './aliases.js';

/** A writable the command line prints to (process.stdout/stderr, or a test double). */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The run's shared state. */
export interface Context {
  env: Record<string, string | undefined>;
  stdout: Output & NodeJS.WritableStream;
  stderr: Output;
  /** Fires on Ctrl-C: every request takes it. */
  signal: AbortSignal;
  /** One client per alias, closed at exit. */
  client(alias: ResolvedAlias): S3Client;
  close(): Promise<void>;
}

/** A context over process streams (or the given ones), with a client cache. */
export function createContext(init: Pick<Context, 'env' | 'stdout' | 'stderr' | 'signal'>): Context {
  const clients = new Map<string, S3Client>();
  return {
    ...init,
    client(alias) {
      let c = clients.get(alias.name);
      if (!c) {
        c = new S3Client({
          endpoint: alias.url,
          credentials: alias.credentials,
          ...(alias.region === undefined ? {} : { region: alias.region }),
          ...(alias.pathStyle === undefined ? {} : { pathStyle: alias.pathStyle }),
        });
        clients.set(alias.name, c);
      }
      return c;
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close().catch(() => undefined)));
      clients.clear();
    },
  };
}
