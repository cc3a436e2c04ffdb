import { Readable } from 'node:stream';
import { S3Error } from '@s3kit/errors';
import { MAX_KEY_BYTES, requireBucketName, type StoreContext } from './context.js';
import { toRecord } from './event-records.js';
import type { EventFilter, StoreEvent, Subscription } from './events.js';
import { utf8Length } from '@s3kit/xml-shapes/operations';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import type { AbortSignalLike } from '@s3kit/http-transport';
import { abortOf } from '../pipeline/abort.js';

/** Event families S3 and MinIO define; a listener may name any of their events or `<family>:*`. */
const FAMILIES = new Set([
  'ObjectCreated',
  'ObjectRemoved',
  'ObjectAccessed',
  'ObjectRestore',
  'ObjectTagging',
  'ObjectAcl',
  'LifecycleExpiration',
  'LifecycleTransition',
  'IntelligentTiering',
  'Replication',
  'Scanner',
]);
/** Single names without a family part. */
const SINGLE = new Set(['s3:ReducedRedundancyLostObject', 's3:BucketCreated', 's3:BucketRemoved', 's3:TestEvent']);
const NAME = /^s3:([A-Za-z]+):(\*|[A-Za-z]+)$/;

/**
 * ListenBucketNotification (`GET /bucket?events=…&prefix=…&suffix=…`) and, without a bucket,
 * ListenNotification (`GET /?events=…`, every bucket): MinIO's streaming JSON events. The answer
 * is 200 at once, then one `{"Records":[record]}` line per matching change committed from now
 * on, in commit order, and a blank line every `events.keepAliveMs` while there is none. `events` may
 * hold several names separated by commas (the gateway joins repeated `events=` parameters).
 * The stream ends when the store closes; a listener that falls `maxQueued` events behind fails
 * (the client sees a reset); a client that goes away (the request's abort, or the body destroyed)
 * removes its listener at once.
 * @throws S3Error InvalidBucketName (400), NoSuchBucket (404), InvalidArgument (400: an unknown
 *   event name, a prefix or suffix over 1024 bytes)
 */
export async function listenNotification(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = req.bucket === undefined ? undefined : requireBucketName(req);
  const resource = bucket === undefined ? '/' : `/${bucket}`;
  const filter = { bucket, ...parseListenQuery(req.query, resource) };
  if (bucket !== undefined) await ctx.core.requireBucket(bucket);
  return {
    status: 200,
    // MinIO's headers; no length: the answer ends only when the listener does.
    headers: { 'content-type': 'application/json', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
    body: eventStream(ctx, filter, ctx.core.events.keepAliveMs, abortOf(req)),
  };
}

/**
 * The listener's filter from the query.
 * @throws S3Error InvalidArgument (400)
 */
export function parseListenQuery(query: Readonly<Record<string, string>>, resource: string): Omit<EventFilter, 'bucket'> {
  const names = (query['events'] ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  for (const n of names) {
    const m = NAME.exec(n);
    if (!(SINGLE.has(n) || (m !== null && FAMILIES.has(m[1]!)))) {
      throw new S3Error('InvalidArgument', { resource, message: `Unknown event name: ${JSON.stringify(n)}.`, details: { ArgumentName: 'events', ArgumentValue: n } });
    }
  }
  const prefix = query['prefix'] ?? '';
  const suffix = query['suffix'] ?? '';
  for (const [name, v] of [
    ['prefix', prefix],
    ['suffix', suffix],
  ] as const) {
    if (utf8Length(v) > MAX_KEY_BYTES) throw new S3Error('InvalidArgument', { resource, message: `The ${name} is longer than a key can be.`, details: { ArgumentName: name } });
  }
  return { prefix, suffix, names };
}

/**
 * The response body: a Readable pulling from the listener's bounded queue only as fast as the
 * client reads (so what waits is in the queue, bounded, never in the stream's buffer), with a
 * blank line when the client waits and nothing came for `keepAliveMs`.
 */
function eventStream(ctx: StoreContext, filter: EventFilter, keepAliveMs: number, signal: AbortSignalLike | undefined): Readable {
  let wanting = false;
  let sub: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (sub === undefined) return;
    while (wanting && sub.queued > 0) {
      const text = sub
        .take()
        .map((e) => line(e, ctx.region))
        .join('');
      wanting = out.push(text);
    }
  };
  const out = new Readable({
    read() {
      wanting = true;
      flush();
    },
    destroy(err, callback) {
      clearInterval(timer);
      sub?.close();
      signal?.removeEventListener('abort', onAbort);
      callback(err);
    },
  });
  // Its consumer (the gateway's pipeline, an iterator) sees a failure; with none attached yet, it must not crash the process.
  out.on('error', () => {});
  const onAbort = { handleEvent: (): void => void out.destroy() };
  if (signal?.aborted === true) {
    out.destroy();
    return out;
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  sub = ctx.core.events.subscribe(filter, {
    onReady: flush,
    onOverflow: () => out.destroy(new S3Error('SlowDown', { message: 'The listener fell too far behind and was disconnected.' })),
    onEnd: () => {
      clearInterval(timer);
      const rest = sub!.take();
      if (rest.length > 0) out.push(rest.map((e) => line(e, ctx.region)).join(''));
      out.push(null);
    },
  });
  // The status line and headers go out with the first bytes: send a blank line at once.
  out.push('\n');
  timer = setInterval(() => {
    if (wanting && sub!.queued === 0) wanting = out.push('\n');
  }, keepAliveMs);
  timer.unref();
  return out;
}

/** Each event's line, made once however many listeners take it. */
const lines = new WeakMap<StoreEvent, string>();

function line(e: StoreEvent, region: string): string {
  let l = lines.get(e);
  if (l === undefined) lines.set(e, (l = `${JSON.stringify({ Records: [toRecord(e, region)] })}\n`));
  return l;
}
