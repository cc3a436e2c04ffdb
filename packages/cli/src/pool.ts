// Runs planned transfers a few at a time, with the progress bar and one output line per file.
import { basename } from 'node:path';
import { intOption, sizeOption } from './args.js';
import type { Context } from './context.js';
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
} as const;

interface TransferValues {
  'part-size'?: string | undefined;
  concurrency?: string | undefined;
  parallel?: string | undefined;
  json?: boolean | undefined;
  quiet?: boolean | undefined;
}

/** `--part-size` and `--concurrency` as {@link TransferOptions}. */
export function transferOptions(values: TransferValues): TransferOptions {
  const partSize = sizeOption('part-size', values['part-size']);
  const concurrency = intOption('concurrency', values.concurrency);
  return { ...(partSize === undefined ? {} : { partSize }), ...(concurrency === undefined ? {} : { concurrency }) };
}

/** `--parallel` (default 4), `--json`, `-q` as {@link PoolOptions}. */
export function poolOptions(values: TransferValues): PoolOptions {
  return { parallel: intOption('parallel', values.parallel) ?? 4, json: values.json ?? false, quiet: values.quiet ?? false };
}

/**
 * Runs every transfer; the first failure (or Ctrl-C) stops the others — their multipart uploads
 * are aborted by the client — and is then thrown.
 */
export async function runTransfers(ctx: Context, transfers: Transfer[], options: TransferOptions, pool: PoolOptions): Promise<void> {
  const progress = new Progress(pool.json || pool.quiet ? { write: () => true } : ctx.stderr);
  progress.plan(transfers.length, transfers.reduce((n, t) => n + t.size, 0));
  const stop = new AbortController();
  const run = { ...ctx, signal: AbortSignal.any([ctx.signal, stop.signal]) };
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < transfers.length && !run.signal.aborted) {
      const t = transfers[next++]!;
      const from = t.kind === 'upload' ? t.from : refText(t.from);
      const to = t.kind === 'download' ? t.to : refText(t.to);
      const bar = progress.start(t.kind === 'upload' ? basename(t.from) : t.from.key, t.size);
      let r;
      try {
        r = await runTransfer(run, t, options, (loaded) => bar.update(loaded));
      } catch (err) {
        failure ??= { err };
        stop.abort();
        return;
      }
      bar.done();
      if (pool.json) ctx.stdout.write(`${JSON.stringify({ status: 'success', source: from, target: to, size: t.size, etag: r.etag, versionId: r.versionId })}\n`);
      else if (!pool.quiet) progress.log(ctx.stdout, `${from} -> ${to} (${humanSize(t.size)})`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(pool.parallel, transfers.length) }, worker));
  progress.finish();
  if (failure) throw failure.err;
}
