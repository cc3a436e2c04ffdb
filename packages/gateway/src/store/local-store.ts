import { join } from 'node:path';
import { S3Error } from '@s3kit/errors';
import { createFileConfigStore } from '../bucket-config/local-config-store.js';
import * as acl from './acl-ops.js';
import { getObjectTorrent, restoreObject } from './archive.js';
import { getObjectAttributes } from './attributes.js';
import * as config from './bucket-config.js';
import * as buckets from './buckets.js';
import type { StoreContext } from './context.js';
import * as lifecycle from './lifecycle-config.js';
import { LifecycleSweeper, type LifecycleOptions, type LifecycleSummary } from './lifecycle-sweeper.js';
import type { EventBusOptions, StoreEvent } from './events.js';
import { Webhooks, type NotificationOptions, type WebhookStats } from './webhooks.js';
import { listenNotification } from './listen.js';
import { listObjects } from './listing.js';
import { listObjectVersions } from './list-versions.js';
import * as multipart from './multipart.js';
import * as lock from './object-lock.js';
import * as objects from './objects.js';
import * as ownership from './ownership.js';
import * as encryption from './bucket-encryption.js';
import { StoreKey } from './sse-key.js';
import { StoreCore, type BucketState } from './store-core.js';
import { OperationQueue, releasingOnRead } from './operation-queue.js';
import { selectObjectContent } from './select/handler.js';
import { sweepOrphanData, type SweepSummary } from './sweep.js';
import * as tagging from './tagging.js';
import type { Upstream, UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import { abortOf, takesAbortAsIs } from '../pipeline/abort.js';

/** Options for {@link createLocalStore}. */
export interface LocalStoreOptions {
  /** The data directory; created if missing. One process owns it at a time. */
  readonly dir: string;
  /** The region reported to clients. **Default:** `'us-east-1'`. */
  readonly region?: string;
  /** fsync files and directories on every commit. **Default:** `true`. */
  readonly fsync?: boolean;
  /** Smallest multipart part except the last, in bytes. **Default:** `5 * 1024 * 1024` (S3). */
  readonly minPartSize?: number;
  /** Largest single PUT and copy source, in bytes. **Default:** `5 * 1024 ** 3` (S3). */
  readonly maxObjectSize?: number;
  /**
   * Called once when the start sweep (see {@link LocalStore.swept}) is over, e.g. to log it.
   * Given, the sweep starts at once instead of at the first request.
   */
  readonly onSweep?: (summary: SweepSummary) => void;
  /** The lifecycle sweeper that applies buckets' lifecycle rules (clock, interval, work per pass). */
  readonly lifecycle?: LifecycleOptions;
  /** ListenBucketNotification listeners: queue bound, keep-alive period, overflow warning (see events.ts). */
  readonly events?: EventBusOptions;
  /**
   * Webhook targets by ARN: bucket notification configurations naming one get S3 event records
   * POSTed to it, at least once, in order per key, from a durable queue in `<dir>/notify/`
   * (see webhooks.ts). Given, a configuration may name only these ARNs.
   */
  readonly notifications?: NotificationOptions;
  /**
   * Operations doing their file work at once; the rest wait their turn in arrival order (at most
   * 1 s, then they run anyway), which keeps latency even under load instead of a long tail. An
   * operation gives up its turn when it starts reading the request body, or when it answers (a
   * download streams without one). **Default:** twice libuv's thread pool (`UV_THREADPOOL_SIZE`,
   * 4 unless set), so `8`.
   */
  readonly maxConcurrentOperations?: number;
}

/** The embedded local store: an {@link Upstream} over the local filesystem. */
export interface LocalStore extends Upstream {
  /** The data directory. */
  readonly dir: string;
  /** The operations `handle` implements; any other answers NotImplemented (501). */
  readonly operations: ReadonlySet<string>;
  /**
   * The start sweep of what a crash (kill -9, power loss) left behind, started by the first
   * request, by reading this, or at once with `onSweep`. The temp area (interrupted PUTs,
   * parts, completions) is emptied before the first request is served; then data files no
   * metadata names (objects and multipart parts caught between their data and metadata
   * renames) are removed in the background while requests are served, so a big store starts
   * at once. Committed objects and open uploads are never touched. Resolves (never rejects)
   * when it is over, also when `close()` stopped it.
   */
  readonly swept: Promise<SweepSummary>;
  /**
   * Stops accepting requests (later ones answer ServiceUnavailable, 503), waits for those in
   * flight, and saves each loaded bucket's listing index so the next start lists at once.
   * Without a close (a crash), the next start rebuilds the index from the metadata files.
   */
  close(): Promise<void>;
  /** ListenBucketNotification listeners connected now. */
  readonly listeners: number;
  /** Each webhook target's backlog and counters (empty without `notifications`). */
  webhookStats(): WebhookStats[];
  /**
   * Applies the buckets' lifecycle rules now: runs bounded passes until every bucket was gone
   * through once (the background sweeper does the same every `lifecycle.intervalMs`).
   */
  runLifecycle(): Promise<LifecycleSummary>;
}

/**
 * The store's operations at once by default: twice the libuv thread pool its file calls run on.
 * More only queue inside the pool, where each step of every operation waits behind all the others
 * (a listing's many sequential calls most of all): at 32 the load bench's p99 was 2-3x its p50.
 */
function defaultConcurrentOperations(): number {
  const pool = Number(process.env['UV_THREADPOOL_SIZE']);
  return 2 * (Number.isInteger(pool) && pool >= 1 ? pool : 4);
}
/** The longest an operation waits for its turn before it runs anyway. */
const QUEUE_MAX_WAIT_MS = 1000;

type Handler = (ctx: StoreContext, req: UpstreamRequest) => Promise<UpstreamResponse>;

const HANDLERS: Readonly<Record<string, Handler>> = {
  ListBuckets: (ctx) => buckets.listBuckets(ctx),
  CreateBucket: buckets.createBucket,
  DeleteBucket: buckets.deleteBucket,
  HeadBucket: buckets.headBucket,
  GetBucketLocation: buckets.getBucketLocation,
  GetBucketVersioning: buckets.getBucketVersioning,
  PutBucketVersioning: buckets.putBucketVersioning,
  GetBucketTagging: config.getBucketTagging,
  PutBucketTagging: config.putBucketTagging,
  DeleteBucketTagging: config.deleteBucketTagging,
  GetBucketWebsite: config.getBucketWebsite,
  PutBucketWebsite: config.putBucketWebsite,
  DeleteBucketWebsite: config.deleteBucketWebsite,
  GetBucketLogging: config.getBucketLogging,
  PutBucketLogging: config.putBucketLogging,
  GetBucketNotificationConfiguration: config.getBucketNotification,
  PutBucketNotificationConfiguration: config.putBucketNotification,
  GetBucketReplication: config.getBucketReplication,
  PutBucketReplication: config.putBucketReplication,
  DeleteBucketReplication: config.deleteBucketReplication,
  GetBucketRequestPayment: config.getBucketRequestPayment,
  PutBucketRequestPayment: config.putBucketRequestPayment,
  GetBucketAccelerateConfiguration: config.getBucketAccelerate,
  PutBucketAccelerateConfiguration: config.putBucketAccelerate,
  GetBucketAcl: acl.getBucketAcl,
  PutBucketAcl: acl.putBucketAcl,
  GetObjectAcl: acl.getObjectAcl,
  PutObjectAcl: acl.putObjectAcl,
  GetBucketOwnershipControls: ownership.getBucketOwnershipControls,
  PutBucketOwnershipControls: ownership.putBucketOwnershipControls,
  DeleteBucketOwnershipControls: ownership.deleteBucketOwnershipControls,
  ListObjects: (ctx, req) => listObjects(ctx, req, false),
  ListObjectsV2: (ctx, req) => listObjects(ctx, req, true),
  ListObjectVersions: listObjectVersions,
  PutObject: objects.putObject,
  GetObject: objects.getObject,
  HeadObject: objects.headObject,
  CopyObject: objects.copyObject,
  DeleteObject: objects.deleteObject,
  DeleteObjects: objects.deleteObjects,
  GetObjectAttributes: getObjectAttributes,
  RestoreObject: restoreObject,
  GetObjectTorrent: getObjectTorrent,
  SelectObjectContent: selectObjectContent,
  GetObjectTagging: tagging.getObjectTagging,
  PutObjectTagging: tagging.putObjectTagging,
  DeleteObjectTagging: tagging.deleteObjectTagging,
  CreateMultipartUpload: multipart.createMultipartUpload,
  UploadPart: multipart.uploadPart,
  UploadPartCopy: multipart.uploadPartCopy,
  CompleteMultipartUpload: multipart.completeMultipartUpload,
  AbortMultipartUpload: multipart.abortMultipartUpload,
  ListParts: multipart.listParts,
  ListMultipartUploads: multipart.listMultipartUploads,
  PutObjectLockConfiguration: lock.putObjectLockConfiguration,
  GetObjectLockConfiguration: lock.getObjectLockConfiguration,
  PutObjectRetention: lock.putObjectRetention,
  GetObjectRetention: lock.getObjectRetention,
  PutObjectLegalHold: lock.putObjectLegalHold,
  GetObjectLegalHold: lock.getObjectLegalHold,
  PutBucketLifecycleConfiguration: lifecycle.putBucketLifecycle,
  GetBucketLifecycleConfiguration: lifecycle.getBucketLifecycle,
  DeleteBucketLifecycle: lifecycle.deleteBucketLifecycle,
  PutBucketEncryption: encryption.putBucketEncryption,
  GetBucketEncryption: encryption.getBucketEncryption,
  DeleteBucketEncryption: encryption.deleteBucketEncryption,
  ListenBucketNotification: listenNotification,
  ListenNotification: listenNotification,
};

/**
 * Creates the embedded local store: S3 buckets and objects in files under `dir`, answering
 * S3 requests at the request level like a remote S3, so the gateway forwards to either alike.
 *
 * @throws TypeError when `dir` is missing.
 * @example
 * const store = createLocalStore({ dir: './data' });
 * await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'photos', query: {}, headers: {} });
 */
export function createLocalStore(options: LocalStoreOptions): LocalStore {
  const { dir, region = 'us-east-1', fsync = true, minPartSize = 5 * 1024 * 1024, maxObjectSize = 5 * 1024 ** 3, onSweep, lifecycle: lifecycleOptions, events, notifications } = options ?? {};
  if (typeof dir !== 'string' || dir === '') throw new TypeError('createLocalStore: options.dir must be a non-empty path');
  const queue = new OperationQueue(options.maxConcurrentOperations ?? defaultConcurrentOperations(), QUEUE_MAX_WAIT_MS);
  const webhooks = notifications === undefined ? undefined : new Webhooks(dir, region, fsync, notifications);
  const notify = webhooks === undefined ? undefined : (event: StoreEvent, state: BucketState) => webhooks.enqueue(event, state.config?.notification);
  const core = new StoreCore({ dir, fsync, events, notify });
  const storeKey = new StoreKey({ dir, tmpDir: core.tmpDir, fsync });
  const ctx: StoreContext = { core, region, minPartSize, maxObjectSize, owner: { id: 's3kit-local', displayName: 's3kit' }, storeKey, webhooks };
  // What a previous process left queued is delivered from the start, before any request.
  if (webhooks !== undefined) void webhooks.start().catch((e: unknown) => process.emitWarning(`Webhook queues failed to open: ${String(e)}`, { code: 'S3KIT_WEBHOOK' }));
  const sweeper = new LifecycleSweeper(ctx, lifecycleOptions);
  const inflight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;
  const stopSweep = new AbortController();
  let swept: Promise<SweepSummary> | undefined;
  // Lazily, so a store made and dropped at once (tests, tools) never races its own directory setup.
  const startSweep = (): Promise<SweepSummary> => {
    if (swept === undefined) {
      swept = sweep(core, stopSweep.signal);
      if (onSweep !== undefined) void swept.then(onSweep);
    }
    return swept;
  };
  if (onSweep !== undefined) void startSweep();
  // The exchange's abort as it is (no AbortSignal made per request): the store only listens to it.
  return takesAbortAsIs({
    dir,
    operations: new Set(Object.keys(HANDLERS)),
    // A PUT of unknown length streams to a temp file, committed only when the body ended cleanly.
    // The gateway's bucket configuration (policies, CORS, public access blocks) lives beside the
    // buckets, in `<dir>/gateway-config/`, out of every client's reach.
    capabilities: { acceptsUnknownLength: true, configStore: createFileConfigStore({ dir: join(dir, 'gateway-config'), fsync }) },
    get swept() {
      return startSweep();
    },
    get listeners() {
      return core.events.listeners;
    },
    webhookStats: () => webhooks?.stats() ?? [],
    close(): Promise<void> {
      closing ??= (async () => {
        stopSweep.abort();
        await sweeper.close();
        if (swept !== undefined) await swept;
        while (inflight.size > 0) await Promise.allSettled([...inflight]);
        // Listeners' streams end after the last committed change's event.
        core.events.close();
        await webhooks?.close();
        await core.writeSnapshots();
      })();
      return closing;
    },
    runLifecycle(): Promise<LifecycleSummary> {
      return sweeper.sweep();
    },
    async handle(req: UpstreamRequest): Promise<UpstreamResponse> {
      if (closing !== undefined) throw new S3Error('ServiceUnavailable', { message: 'The local store is shutting down.' });
      const p = inTurn(req);
      inflight.add(p);
      try {
        return await p;
      } finally {
        inflight.delete(p);
      }
    },
  });

  /** The operation when its turn comes; the turn is given back once it reads its body or answers. */
  async function inTurn(req: UpstreamRequest): Promise<UpstreamResponse> {
    const turn = await queue.turn(abortOf(req));
    try {
      const body = releasingOnRead(req.body, turn);
      return await dispatch(body === req.body ? req : { ...req, body });
    } finally {
      turn.release();
    }
  }

  async function dispatch(req: UpstreamRequest): Promise<UpstreamResponse> {
    const h = HANDLERS[req.operation];
    if (h === undefined) {
      throw new S3Error('NotImplemented', {
        resource: req.bucket === undefined ? '/' : `/${req.bucket}${req.key === undefined ? '' : `/${req.key}`}`,
        message: `${req.operation} is not implemented by the local store.`,
      });
    }
    void startSweep();
    sweeper.start();
    await core.ready();
    // The gateway names the owning account (accounts other than the default one): listings and ACLs show it.
    return h(req.owner === undefined ? ctx : { ...ctx, owner: req.owner }, req);
  }
}

/** The start sweep: the temp area through `core.ready()`, then unreferenced data in the background. */
async function sweep(core: StoreCore, signal: AbortSignal): Promise<SweepSummary> {
  const start = performance.now();
  let temp = { files: 0, bytes: 0 };
  try {
    temp = await core.ready();
    const data = await sweepOrphanData(core, signal);
    return { files: temp.files + data.files, bytes: temp.bytes + data.bytes, tempFiles: temp.files, durationMs: performance.now() - start, complete: data.complete };
  } catch (error) {
    // A failed ready() also fails every request (they await it); a failed data sweep only ends early.
    return { files: temp.files, bytes: temp.bytes, tempFiles: temp.files, durationMs: performance.now() - start, complete: false, error };
  }
}
