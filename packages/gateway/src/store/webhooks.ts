import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Shape } from '@s3kit/xml-shapes';
import { toRecord } from './event-records.js';
import { nameMatches, type StoreEvent } from './events.js';
import { DurableQueue, type QueueEntry } from './webhook-queue.js';

// Why this design: a committed change's deliveries are appended to each matching target's
// durable queue (webhook-queue.ts) before the commit returns, so an acknowledged write always
// has its events on disk. Delivery then runs per target in lanes, one per object key: a lane
// POSTs its oldest entry and the next only after that one was delivered, so a key's events never
// overtake each other while different keys go in parallel. A failed POST (transport error,
// timeout, non-2xx) is retried forever with exponential backoff and jitter: at least once.

/** One webhook target (`LocalStoreOptions.notifications.targets`). */
export interface WebhookTarget {
  /**
   * The destination ARN a bucket's notification configuration names (`Queue`, `Topic` or
   * `CloudFunction`), e.g. `arn:aws:sqs:us-east-1:000000000000:my-hook` or MinIO's
   * `arn:minio:sqs::ID:webhook`.
   */
  readonly arn: string;
  /** The `http(s)://` URL the records are POSTed to. */
  readonly endpoint: string;
  /** Sent as `Authorization: Bearer <authToken>` (MinIO's `auth_token`). */
  readonly authToken?: string | undefined;
  /** More request headers. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Deliveries queued and not delivered at most; a change that finds the queue full is not
   * queued for this target (counted in `dropped`, warned), the write still succeeds. **Default:** `100_000`.
   */
  readonly maxQueued?: number | undefined;
  /** POSTs in flight at most (different keys). **Default:** `8`. */
  readonly concurrency?: number | undefined;
  /** One POST's time limit in milliseconds. **Default:** `10_000`. */
  readonly timeoutMs?: number | undefined;
  /** Backoff of failed POSTs: `baseMs * 2^attempt`, at most `maxMs`, times a random 0.5–1. **Default:** `{ baseMs: 500, maxMs: 60_000 }`. */
  readonly retry?: { readonly baseMs?: number | undefined; readonly maxMs?: number | undefined } | undefined;
}

/** Options of webhook delivery (`LocalStoreOptions.notifications`). */
export interface NotificationOptions {
  readonly targets: readonly WebhookTarget[];
  /** Told when a delivery is dropped (queue full) or a queue file had torn/corrupt lines. **Default:** a process warning. */
  readonly onWarning?: ((message: string) => void) | undefined;
}

/** The backlog and counters of one target (metrics). */
export interface WebhookStats {
  readonly arn: string;
  /** Deliveries queued and not delivered. */
  readonly queued: number;
  /** Age in milliseconds of the oldest queued delivery; 0 when none. */
  readonly oldestAgeMs: number;
  readonly delivered: number;
  /** POSTs that failed (each is retried). */
  readonly failed: number;
  /** POSTs that were retries. */
  readonly retried: number;
  /** Deliveries not queued because the queue was full. */
  readonly dropped: number;
}

type Notification = Shape<'NotificationConfiguration'>;
type Filter = Notification['QueueConfiguration'][number]['Filter'];

/** The webhook targets of a store and their delivery. */
export class Webhooks {
  readonly #targets = new Map<string, TargetDelivery>();
  readonly #region: string;
  #opened: Promise<void> | undefined;

  constructor(dir: string, region: string, fsync: boolean, options: NotificationOptions) {
    this.#region = region;
    const warn = options.onWarning ?? ((m: string) => process.emitWarning(m, { code: 'S3KIT_WEBHOOK' }));
    for (const t of options.targets) {
      if (this.#targets.has(t.arn)) throw new TypeError(`notifications.targets: ARN ${t.arn} is given twice`);
      if (!/^https?:\/\//.test(t.endpoint)) throw new TypeError(`notifications.targets: endpoint of ${t.arn} must be an http(s) URL`);
      const id = createHash('sha256').update(t.arn).digest('hex').slice(0, 16);
      this.#targets.set(t.arn, new TargetDelivery(t, new DurableQueue(join(dir, 'notify', id), fsync), warn));
    }
  }

  /** The configured ARNs (a notification configuration may name only these). */
  get arns(): ReadonlySet<string> {
    return new Set(this.#targets.keys());
  }

  /** Opens the queues and starts delivering what a previous process left (once). */
  start(): Promise<void> {
    this.#opened ??= Promise.all([...this.#targets.values()].map((t) => t.start())).then(() => {});
    return this.#opened;
  }

  /**
   * Queues `event` for every configuration of `notification` it matches whose destination is a
   * target; resolves once those deliveries are durable.
   */
  async enqueue(event: StoreEvent, notification: Notification | undefined): Promise<void> {
    if (notification === undefined || this.#targets.size === 0) return;
    const waits: Promise<void>[] = [];
    for (const [arn, c] of destinations(notification)) {
      const target = arn === undefined ? undefined : this.#targets.get(arn);
      if (target === undefined || !c.Event.some((n) => nameMatches(n, event.name)) || !filterMatches(c.Filter, event.key)) continue;
      const record = toRecord(event, this.#region, c.Id ?? '');
      const body = JSON.stringify({ EventName: event.name, Key: `${event.bucket}/${event.key}`, Records: [record] });
      await this.start();
      const durable = target.enqueue(`${event.bucket}\0${event.key}`, body);
      if (durable !== undefined) waits.push(durable);
    }
    await Promise.all(waits);
  }

  /** Stats of every target. */
  stats(): WebhookStats[] {
    return [...this.#targets.values()].map((t) => t.stats());
  }

  /** Stops delivering (POSTs in flight are aborted; their entries stay queued) and closes the queues. */
  async close(): Promise<void> {
    await this.#opened?.catch(() => {});
    await Promise.all([...this.#targets.values()].map((t) => t.close()));
  }
}

/** One configuration as delivery sees it. */
interface Destination {
  readonly Id?: string | undefined;
  readonly Event: readonly string[];
  readonly Filter?: Filter;
}

/** The destination ARN and configuration of every Queue, Topic and CloudFunction configuration. */
function destinations(n: Notification): [arn: string | undefined, config: Destination][] {
  return [
    ...n.QueueConfiguration.map((c): [string | undefined, Destination] => [c.Queue, c]),
    ...n.TopicConfiguration.map((c): [string | undefined, Destination] => [c.Topic, c]),
    ...n.CloudFunctionConfiguration.map((c): [string | undefined, Destination] => [c.CloudFunction, c]),
  ];
}

function filterMatches(filter: Filter, key: string): boolean {
  for (const r of filter?.S3Key?.FilterRule ?? []) {
    if (r.Name === 'Prefix' && !key.startsWith(r.Value ?? '')) return false;
    if (r.Name === 'Suffix' && !key.endsWith(r.Value ?? '')) return false;
  }
  return true;
}

/** One target's queue, lanes and POSTs. */
class TargetDelivery {
  readonly #t: WebhookTarget;
  readonly #queue: DurableQueue;
  readonly #warn: (m: string) => void;
  readonly #max: number;
  readonly #concurrency: number;
  /** Queued entries by lane, oldest first; a lane's head is being delivered when the lane is active. */
  readonly #lanes = new Map<string, QueueEntry[]>();
  /** Lanes waiting for a POST slot. */
  readonly #ready: string[] = [];
  #active = 0;
  readonly #stop = new AbortController();
  readonly #running = new Set<Promise<void>>();
  #delivered = 0;
  #failed = 0;
  #retried = 0;
  #dropped = 0;

  constructor(t: WebhookTarget, queue: DurableQueue, warn: (m: string) => void) {
    this.#t = t;
    this.#queue = queue;
    this.#warn = warn;
    this.#max = t.maxQueued ?? 100_000;
    this.#concurrency = t.concurrency ?? 8;
  }

  async start(): Promise<void> {
    const { pending, dropped } = await this.#queue.open();
    if (dropped > 0) this.#warn(`Webhook queue of ${this.#t.arn}: ${dropped} torn or corrupt line(s) dropped.`);
    for (const e of pending) this.#add(e);
  }

  /** Queues one delivery; undefined when dropped (queue full). */
  enqueue(lane: string, body: string): Promise<void> | undefined {
    if (this.#queue.size >= this.#max) {
      if (this.#dropped++ % 1000 === 0) this.#warn(`Webhook queue of ${this.#t.arn} is full (${this.#max}): deliveries are dropped (${this.#dropped} so far).`);
      return undefined;
    }
    const { entries, durable } = this.#queue.append([{ lane, body }]);
    // Delivered only once durable: a delivery never announces a change a crash could lose.
    return durable.then(() => {
      for (const e of entries) this.#add(e);
    });
  }

  #add(e: QueueEntry): void {
    const lane = this.#lanes.get(e.lane);
    if (lane !== undefined) return void lane.push(e);
    this.#lanes.set(e.lane, [e]);
    this.#ready.push(e.lane);
    this.#pump();
  }

  #pump(): void {
    while (this.#active < this.#concurrency && this.#ready.length > 0 && !this.#stop.signal.aborted) {
      const lane = this.#ready.shift()!;
      this.#active++;
      const run = this.#drain(lane).finally(() => {
        this.#active--;
        this.#running.delete(run);
        this.#pump();
      });
      this.#running.add(run);
    }
  }

  /** Delivers a lane's entries in order until it is empty (or the target stops). */
  async #drain(laneKey: string): Promise<void> {
    const lane = this.#lanes.get(laneKey)!;
    for (let e = lane[0]; e !== undefined; e = lane[0]) {
      for (let attempt = 0; ; attempt++) {
        if (this.#stop.signal.aborted) return;
        if (attempt > 0) this.#retried++;
        if (await this.#post(e.body)) break;
        if (this.#stop.signal.aborted) return; // closing: it stays queued
        this.#failed++;
        await sleep(backoff(this.#t.retry, attempt), this.#stop.signal);
      }
      lane.shift();
      this.#delivered++;
      await this.#queue.ack(e.id);
    }
    this.#lanes.delete(laneKey);
  }

  async #post(body: string): Promise<boolean> {
    try {
      const res = await fetch(this.#t.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.#t.authToken === undefined ? {} : { authorization: `Bearer ${this.#t.authToken}` }), ...this.#t.headers },
        body,
        signal: AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#t.timeoutMs ?? 10_000)]),
      });
      await res.arrayBuffer().catch(() => {});
      return res.ok;
    } catch {
      return false;
    }
  }

  stats(): WebhookStats {
    let oldest = Infinity;
    for (const lane of this.#lanes.values()) if (lane[0] !== undefined && lane[0].at < oldest) oldest = lane[0].at;
    return {
      arn: this.#t.arn,
      queued: this.#queue.size,
      oldestAgeMs: oldest === Infinity ? 0 : Date.now() - oldest,
      delivered: this.#delivered,
      failed: this.#failed,
      retried: this.#retried,
      dropped: this.#dropped,
    };
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled([...this.#running]);
    await this.#queue.close();
  }
}

function backoff(retry: WebhookTarget['retry'], attempt: number): number {
  const base = retry?.baseMs ?? 500;
  const max = retry?.maxMs ?? 60_000;
  return Math.min(max, base * 2 ** Math.min(attempt, 30)) * (0.5 + Math.random() / 2);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
