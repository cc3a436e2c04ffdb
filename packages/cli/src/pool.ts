// Runs planned transfers a few at a time, with the progress bar and one output line per file.
import { setMaxListeners } from 'node:events';
import { basename } from 'node:path';
import { intOption, sizeOption } from './args.js';
import type { Context } from './context.js';
import { CliError, EXIT_USAGE } from './errors.js';
import { humanSize } from './format.js';
import { Progress } from './progress.js';
import { refText, runTransfer, type Transfer, type TransferOptions } from './transfer.js';

/** How {@link runTransfers} runs and reports. */
export interface PoolOptions {
  /** Transfers at once. */
  parallel: number;
  /** One JSON object per finished file on stdout (no bar). */
  json: boolean;
  /** Nothing on stdout, no bar. */
  quiet: boolean;
}

/** The options of every command that transfers (`cp`, `mirror`), for `parse`. */
export const TRANSFER_OPTIONS = {
  'part-size': { type: 'string' },
  concurrency: { type: 'string' },
  parallel: { type: 'string' },
  checksum: { type: 'string' },
  'keep-partial': { type: 'boolean' },
} as const;

/** The checksum algorithms of `--checksum`. */
const CHECKSUMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;

interface TransferValues {
  'part-size'?: string | undefined;
  concurrency?: string | undefined;
  parallel?: string | undefined;
  checksum?: string | undefined;
  'keep-partial'?: boolean | undefined;
  json?: boolean | undefined;
  quiet?: boolean | undefined;
}

/** `--part-size`, `--concurrency`, `--checksum` and `--keep-partial` as {@link TransferOptions}. */
export function transferOptions(values: TransferValues): TransferOptions {
  const partSize = sizeOption('part-size', values['part-size']);
  if (partSize !== undefined && partSize < 5 * 1024 * 1024) throw new CliError('UsageError', `--part-size: at least 5MiB (S3's minimum part), got ${values['part-size']}`, EXIT_USAGE);
  const concurrency = intOption('concurrency', values.concurrency);
  const out: TransferOptions = { ...(partSize === undefined ? {} : { partSize }), ...(concurrency === undefined ? {} : { concurrency }) };
  if (values.checksum !== undefined) {
    const name = values.checksum.toUpperCase();
    if (!(CHECKSUMS as readonly string[]).includes(name)) throw new CliError('UsageError', `--checksum: one of ${CHECKSUMS.join(', ')}; got ${values.checksum}`, EXIT_USAGE);
    out.checksum = name.toLowerCase() as TransferOptions['checksum'] & string;
  }
  if (values['keep-partial']) out.keepPartial = true;
  return out;
}

/** `--parallel` (default 8), `--json`, `-q` as {@link PoolOptions}. */
export function poolOptions(values: TransferValues): PoolOptions {
  return { parallel: intOption('parallel', values.parallel) ?? 8, json: values.json ?? false, quiet: values.quiet ?? false };
}

/**
 * Runs every transfer; the first failure (or Ctrl-C) stops the others — their multipart uploads
 * are aborted by the client — and is then thrown.
 */
export async function runTransfers(ctx: Context, transfers: Transfer[], options: TransferOptions, pool: PoolOptions): Promise<void> {
  const progress = new Progress(pool.json || pool.quiet ? { write: () => true } : ctx.stderr);
  // Object bytes on stdout (`cp ... -`): the per-file lines go to stderr.
  const lines = transfers.some((t) => t.kind === 'stdout') ? ctx.stderr : ctx.stdout;
  progress.plan(
    transfers.length,
    transfers.reduce((n, t) => n + t.size, 0),
  );
  const stop = new AbortController();
  const run = { ...ctx, signal: AbortSignal.any([ctx.signal, stop.signal]) };
  // Every request and stream of every transfer in flight listens on it: not a leak.
  setMaxListeners(0, run.signal);
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < transfers.length && !run.signal.aborted) {
      const t = transfers[next++]!;
      const from = typeof t.from === 'string' ? t.from : refText(t.from);
      const to = typeof t.to === 'string' ? t.to : refText(t.to);
      const bar = progress.start(typeof t.from === 'string' ? basename(t.from) : t.from.key, t.size);
      let r;
      let last = 0;
      try {
        r = await runTransfer(run, t, options, (loaded) => bar.update((last = loaded)));
      } catch (err) {
        failure ??= { err };
        stop.abort();
        return;
      }
      bar.done();
      const size = t.kind === 'stdin' ? last : t.size;
      const reused = r.reusedBytes ? { reusedBytes: r.reusedBytes } : {};
      if (pool.json) lines.write(`${JSON.stringify({ status: 'success', source: from, target: to, size, etag: r.etag, versionId: r.versionId, ...reused })}\n`);
      else if (!pool.quiet) progress.log(lines, `${from} -> ${to} (${humanSize(size)}${r.reusedBytes ? `, ${humanSize(r.reusedBytes)} resumed` : ''})`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(pool.parallel, transfers.length) }, worker));
  progress.finish();
  if (failure) throw failure.err;
}
