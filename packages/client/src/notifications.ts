import { isS3Error } from '@s3kit/errors';
import { checkBucket, type RequestCore } from './core.js';

// MinIO's ListenBucketNotification (`GET /bucket?events=…&prefix=…&suffix=…`): a response that
// never ends by itself, one JSON document `{"Records":[…]}` per line, blank lines as keep-alives.
// Runtime-neutral: the body is read as a Web ReadableStream, one line at a time.

/** The events minio-py listens to when none are named. */
const DEFAULT_EVENTS: readonly string[] = ['s3:ObjectCreated:*', 's3:ObjectRemoved:*', 's3:ObjectAccessed:*'];
/** Longest line accepted by default (characters): a record is a few KiB at most. */
const MAX_LINE = 256 * 1024;
/** Pause before a reconnect (`reconnect: true`). */
const RECONNECT_MS = 1000;

/** Options of {@link listenBucketNotification}. */
export interface ListenBucketNotificationOptions {
  /** Only keys starting with this. */
  prefix?: string;
  /** Only keys ending with this. */
  suffix?: string;
  /** Event names, `s3:ObjectCreated:*` wildcards allowed. **Default:** created, removed and accessed events (as minio-py). */
  events?: readonly string[];
  /** Ends the iteration (cleanly: the loop just ends) and closes the connection. */
  signal?: AbortSignal;
  /**
   * Listen again when the server ends the stream or the connection breaks (not after an S3 error
   * answer such as NoSuchBucket or NotImplemented). Events in between are missed. **Default:** `false`.
   */
  reconnect?: boolean;
  /** Longest line accepted, in characters; longer fails the iteration. **Default:** 262144. */
  maxLineLength?: number;
}

/** One S3 event record (AWS's event message structure, as MinIO sends it). */
export interface NotificationRecord {
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  /** ISO 8601. */
  eventTime: string;
  /** e.g. `s3:ObjectCreated:Put`. */
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: Record<string, string>;
  responseElements: Record<string, string>;
  s3: {
    s3SchemaVersion: string;
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: {
      /** URL-encoded as S3 sends it (`red+flower.jpg`); `decodeURIComponent(key.replace(/\+/g, ' '))` gives the key. */
      key: string;
      size?: number;
      eTag?: string;
      contentType?: string;
      userMetadata?: Record<string, string>;
      versionId?: string;
      sequencer: string;
    };
  };
  source: { host: string; port: string; userAgent: string };
}

/**
 * Listens to a bucket's events (MinIO's API; not AWS S3's, which answers it as a listing):
 * an async iterable of event records as they happen. Stop by breaking out of the loop or with
 * `signal`; with `reconnect: true` a stream the server ends is opened again.
 * @throws S3Error as the server answers (NoSuchBucket, AccessDenied, NotImplemented ...);
 *   Error for a line longer than `maxLineLength` or one that is not JSON.
 * @example
 * for await (const r of client.listenBucketNotification('photos', { prefix: 'raw/', events: ['s3:ObjectCreated:*'] })) console.log(r.eventName, r.s3.object.key);
 */
export async function* listenBucketNotification(core: RequestCore, bucket: string, options: ListenBucketNotificationOptions = {}): AsyncGenerator<NotificationRecord, void, undefined> {
  checkBucket(bucket);
  const { signal, reconnect = false, maxLineLength = MAX_LINE } = options;
  // Empty filters are left out, as minio-js does.
  const query = { events: options.events ?? DEFAULT_EVENTS, prefix: options.prefix || undefined, suffix: options.suffix || undefined };
  const aborted = (): boolean => signal?.aborted === true;
  for (;;) {
    if (aborted()) return;
    try {
      const res = await core.send({ method: 'GET', bucket, query, signal });
      for await (const line of lines(res.body.stream(), maxLineLength)) {
        if (line.trim() === '') continue; // keep-alive
        yield* recordsOf(line);
      }
    } catch (err) {
      if (aborted()) return;
      // A broken connection is listened to again (reconnect), as one the server ended.
      if (!reconnect || isS3Error(err) || err instanceof ListenLineError) throw err;
    }
    if (!reconnect) return;
    await sleep(RECONNECT_MS, signal);
  }
}

/** A line of the stream that is too long or not an event document. */
class ListenLineError extends Error {
  override readonly name = 'ListenLineError';
}

function* recordsOf(line: string): Generator<NotificationRecord> {
  let doc: { Records?: NotificationRecord[] | null };
  try {
    doc = JSON.parse(line) as typeof doc;
  } catch {
    throw new ListenLineError(`listenBucketNotification: a line that is not JSON: ${line.slice(0, 80)}`);
  }
  for (const r of doc.Records ?? []) yield r;
}

/**
 * The lines of a byte stream, without their `\n`; holds at most one partial line.
 * Cancels the stream when the consumer stops early.
 */
async function* lines(stream: ReadableStream<Uint8Array>, max: number): AsyncGenerator<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let partial = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let text = partial + decoder.decode(value, { stream: true });
      let nl = text.indexOf('\n');
      while (nl !== -1) {
        if (nl > max) throw new ListenLineError(`listenBucketNotification: a line longer than ${max} characters`);
        yield text.slice(0, nl);
        text = text.slice(nl + 1);
        nl = text.indexOf('\n');
      }
      if (text.length > max) throw new ListenLineError(`listenBucketNotification: a line longer than ${max} characters`);
      partial = text;
    }
    partial += decoder.decode();
    if (partial.trim() !== '') yield partial;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
