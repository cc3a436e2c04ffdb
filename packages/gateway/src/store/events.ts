import type { UpstreamRequest } from '../upstreams/upstream.js';

// Why this design: the store publishes one event per committed change, synchronously, from its
// commit points (StoreCore.commit and StoreCore.deleteObject), after the metadata rename and its
// fsync and before the key's lock is released; so events come in commit order and only for
// changes that are durable. Publishing never waits for a listener: each listener has a bounded
// queue, and a listener that falls that far behind is disconnected (its stream fails, so the
// client sees a reset and knows it missed events) instead of slowing writes or growing memory.

/** The S3 event names the store emits. */
export type StoreEventName =
  | 's3:ObjectCreated:Put'
  | 's3:ObjectCreated:Post'
  | 's3:ObjectCreated:Copy'
  | 's3:ObjectCreated:CompleteMultipartUpload'
  | 's3:ObjectRemoved:Delete'
  | 's3:ObjectRemoved:DeleteMarkerCreated'
  | 's3:LifecycleExpiration:Delete'
  | 's3:LifecycleExpiration:DeleteMarkerCreated';

/** How an object version was created (the last part of its `s3:ObjectCreated:*` name). */
export type CreatedVia = 'Put' | 'Post' | 'Copy' | 'CompleteMultipartUpload';

/** Who made a change, as the event record shows it (`userIdentity`, `requestParameters`, `source`). */
export interface ChangeSource {
  readonly principalId?: string | undefined;
  readonly sourceIp?: string | undefined;
  readonly requestId?: string | undefined;
  readonly host?: string | undefined;
  readonly userAgent?: string | undefined;
}

/** One change the store committed. */
export interface StoreEvent {
  readonly name: StoreEventName;
  readonly bucket: string;
  /** The object key, as stored (not encoded). */
  readonly key: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  /** Increases with commit order (hex, fixed width): S3's `sequencer`. */
  readonly sequencer: string;
  /** The version created or removed; absent in a bucket that never had versioning. */
  readonly versionId?: string | undefined;
  /** Created objects only. */
  readonly object?: {
    readonly size: number;
    readonly etag: string;
    readonly contentType: string;
    readonly userMetadata: Readonly<Record<string, string>>;
  };
  readonly source?: ChangeSource | undefined;
}

/** What a listener wants: one bucket or all, key prefix and suffix, event names (`s3:ObjectCreated:*` wildcards). */
export interface EventFilter {
  readonly bucket?: string | undefined;
  readonly prefix: string;
  readonly suffix: string;
  readonly names: readonly string[];
}

/** Options of the event bus (`LocalStoreOptions.events`). */
export interface EventBusOptions {
  /**
   * Events a listener may have queued (published, not yet taken by its stream); one more
   * disconnects it. **Default:** `10_000`.
   */
  readonly maxQueued?: number | undefined;
  /** Milliseconds between keep-alive blank lines of a listener's stream with no events. **Default:** `5000`. */
  readonly keepAliveMs?: number | undefined;
  /** Told when a listener is disconnected for falling behind. **Default:** a process warning. */
  readonly onOverflow?: ((info: { readonly bucket: string | undefined; readonly queued: number }) => void) | undefined;
}

/** What a {@link Subscription} tells its owner. */
export interface SubscriptionHandlers {
  /** Events were queued (take them with `take()`). */
  readonly onReady: () => void;
  /** The listener fell `maxQueued` events behind and was disconnected (its queue is dropped). */
  readonly onOverflow: () => void;
  /** The bus closed (the store is closing): end the stream after what was taken. */
  readonly onEnd: () => void;
}

/** A process-local publish/subscribe of store events with bounded per-listener queues. */
export class EventBus {
  readonly #subs = new Set<Subscription>();
  /** See {@link EventBusOptions.keepAliveMs}. */
  readonly keepAliveMs: number;
  readonly #maxQueued: number;
  readonly #onOverflow: NonNullable<EventBusOptions['onOverflow']>;
  #closed = false;

  constructor(options: EventBusOptions = {}) {
    this.#maxQueued = options.maxQueued ?? 10_000;
    this.keepAliveMs = options.keepAliveMs ?? 5_000;
    if (!(this.keepAliveMs > 0)) throw new TypeError('events.keepAliveMs must be positive');
    if (!Number.isSafeInteger(this.#maxQueued) || this.#maxQueued < 1) throw new TypeError('events.maxQueued must be a positive integer');
    this.#onOverflow =
      options.onOverflow ??
      ((info) =>
        process.emitWarning(`A ListenBucketNotification listener${info.bucket === undefined ? '' : ` of bucket ${info.bucket}`} fell ${info.queued} events behind and was disconnected.`, {
          code: 'S3KIT_LISTENER_OVERFLOW',
        }));
  }

  /** Listeners connected now. */
  get listeners(): number {
    return this.#subs.size;
  }

  /** Adds a listener; `close()` the subscription to remove it. A closed bus ends it at once. */
  subscribe(filter: EventFilter, handlers: SubscriptionHandlers): Subscription {
    const sub = new Subscription(filter, this.#maxQueued, handlers, () => this.#subs.delete(sub));
    if (this.#closed) queueMicrotask(() => sub.end());
    else this.#subs.add(sub);
    return sub;
  }

  /** Hands `event` to every listener whose filter matches; never waits, never throws. */
  publish(event: StoreEvent): void {
    if (this.#subs.size === 0) return;
    for (const sub of this.#subs) {
      if (!matches(sub.filter, event)) continue;
      let queued: number | undefined;
      try {
        queued = sub.offer(event);
      } catch {
        // A listener whose stream throws is dropped: the change is committed whatever it does.
        sub.close();
        continue;
      }
      if (queued === undefined) continue;
      try {
        this.#onOverflow({ bucket: sub.filter.bucket, queued });
      } catch {
        // a failing logger must not fail the write that published
      }
    }
  }

  /** Ends every listener (their streams end after what they took); later subscriptions end at once. */
  close(): void {
    this.#closed = true;
    for (const sub of [...this.#subs]) sub.end();
  }
}

/** One listener's bounded queue. */
export class Subscription {
  readonly filter: EventFilter;
  readonly #max: number;
  readonly #handlers: SubscriptionHandlers;
  readonly #detach: () => void;
  #queue: StoreEvent[] = [];
  #open = true;

  constructor(filter: EventFilter, max: number, handlers: SubscriptionHandlers, detach: () => void) {
    this.filter = filter;
    this.#max = max;
    this.#handlers = handlers;
    this.#detach = detach;
  }

  /** Events queued and not taken. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Takes the queued events, oldest first. */
  take(): StoreEvent[] {
    const out = this.#queue;
    this.#queue = [];
    return out;
  }

  /** Queues `event`; on overflow disconnects and returns how many were queued, else undefined. */
  offer(event: StoreEvent): number | undefined {
    if (!this.#open) return undefined;
    if (this.#queue.length >= this.#max) {
      const queued = this.#queue.length;
      this.close();
      this.#handlers.onOverflow();
      return queued;
    }
    this.#queue.push(event);
    this.#handlers.onReady();
    return undefined;
  }

  /** Removes the listener (idempotent); queued events are dropped. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#queue = [];
    this.#detach();
  }

  /** The bus closed: the owner ends its stream. */
  end(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#detach();
    this.#handlers.onEnd();
  }
}

/** Whether `event` passes `filter`. */
export function matches(filter: EventFilter, event: StoreEvent): boolean {
  if (filter.bucket !== undefined && filter.bucket !== event.bucket) return false;
  if (!event.key.startsWith(filter.prefix) || !event.key.endsWith(filter.suffix)) return false;
  return filter.names.some((n) => nameMatches(n, event.name));
}

/** `s3:ObjectCreated:*` matches every `s3:ObjectCreated:` name; other patterns match exactly. */
export function nameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith(':*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** The sequencer of a commit seq: 16 upper-case hex digits, so string order is commit order. */
export function sequencerOf(seq: number): string {
  return seq.toString(16).toUpperCase().padStart(16, '0');
}

/** Who made a request, for its events: the gateway's `requester` plus Host and User-Agent. */
export function changeSourceOf(req: UpstreamRequest): ChangeSource {
  const { via: _via, ...who } = req.requester ?? {};
  return {
    ...who,
    ...(req.headers['host'] === undefined ? {} : { host: req.headers['host'] }),
    ...(req.headers['user-agent'] === undefined ? {} : { userAgent: req.headers['user-agent'] }),
  };
}
