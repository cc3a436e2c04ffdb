import { UsageError } from './args.js';
import { ConfigError } from './config-errors.js';

/**
 * What the program prints when it cannot start, and its exit status: one line per problem
 * (a config file's problems all at once), never a stack. Bad command lines and configurations
 * exit 2, everything else (a port in use, an unreadable data directory…) 1.
 */
export function describeFailure(err: unknown, prefix = 's3kit-gateway'): { lines: string[]; exitCode: number } {
  if (err instanceof UsageError) return { lines: [`${prefix}: ${err.message}`], exitCode: 2 };
  if (err instanceof ConfigError) return { lines: err.problems.map((p) => `${prefix}: invalid configuration: ${p}`), exitCode: 2 };
  return { lines: [`${prefix}: ${fatalMessage(err)}`], exitCode: 1 };
}

/**
 * A failed start as one line (`listen EADDRINUSE: address already in use 127.0.0.1:9000` →
 * `cannot listen on 127.0.0.1:9000: the address is in use …`).
 */
function fatalMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e?.syscall === 'listen' && e.address !== undefined) {
    const where = `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`;
    if (e.code === 'EADDRINUSE') return `cannot listen on ${where}: the address is in use (another process holds the port; choose another with --port or --admin-port)`;
    if (e.code === 'EACCES') return `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`;
    if (e.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: not an address of this machine`;
    return `cannot listen on ${where}: ${e.code}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] || (err instanceof Error ? err.name : 'failed');
}
