// `s3kit watch ALIAS/bucket[/prefix]`: a bucket's events as they happen (MinIO's
// ListenBucketNotification), one line (or JSON record) each, until Ctrl-C.
import type { NotificationRecord } from '@s3kit/client/node';
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { humanSize } from '../format.js';
import { where } from '../output.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit watch [--events put,delete,get] [--suffix S] [--json] ALIAS/bucket[/prefix]';

const EVENTS: Record<string, string> = { put: 's3:ObjectCreated:*', delete: 's3:ObjectRemoved:*', get: 's3:ObjectAccessed:*' };

/** Prints events until interrupted (a stream the server ends is listened to again). */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('watch', argv, { events: { type: 'string' }, suffix: { type: 'string' } }, 1, 1);
  const t = await remoteTarget(positionals[0]!, ctx.env, 'bucket');
  const events = (values.events ?? 'put,delete').split(',').map((e) => {
    const name = EVENTS[e.trim().toLowerCase()];
    if (!name) throw new CliError('UsageError', `watch: --events are put, delete, get; got ${e}`, EXIT_USAGE);
    return name;
  });
  const listen = ctx
    .client(t.alias)
    .listenBucketNotification(t.bucket, { prefix: t.key, events, reconnect: true, signal: ctx.signal, ...(values.suffix === undefined ? {} : { suffix: values.suffix }) });
  for await (const r of listen) ctx.stdout.write(`${values.json ? JSON.stringify(r) : line(t.alias.name, r)}\n`);
}

function line(alias: string, r: NotificationRecord): string {
  const o = r.s3.object;
  const key = decodeURIComponent(o.key.replace(/\+/g, ' '));
  const size = o.size === undefined || r.eventName.startsWith('s3:ObjectRemoved') ? '' : `  ${humanSize(o.size)}`;
  return `${r.eventTime}  ${r.eventName}  ${where(alias, r.s3.bucket.name, key)}${size}`;
}
