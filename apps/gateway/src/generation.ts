import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createGateway, createLocalStore, createS3Upstream, mapBuckets, toNodeListener, type AccessLogEntry, type Gateway, type LocalStore, type NodeListener, type Upstream } from '@s3kit/gateway';
import type { Logger } from 'pino';
import { appRoutes } from './app-routes.js';
import type { GatewayConfig, UpstreamConfig } from './config.js';
import { upstreamCredentials } from './upstream-credentials.js';

/** A request handler of the program's own routes: true when it answered. */
export type Routes = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Called once per answered request with the upstream its identity uses (`none` before authentication). */
export type OnResponse = (entry: AccessLogEntry, upstream: string) => void;

interface Pooled {
  readonly key: string;
  readonly upstream: Upstream;
  readonly store: LocalStore | undefined;
  close(): Promise<void>;
  users: number;
}

/**
 * Upstream clients and local stores shared by the configurations in force: a reload that keeps an
 * upstream's settings keeps its connections (and a store is never opened twice on one `dir`); one
 * no configuration uses any more is closed.
 */
export class UpstreamPool {
  readonly #entries = new Map<string, Pooled>();
  constructor(private readonly log: Logger) {}

  /** The upstream client for these settings (the running one when they did not change). */
  acquire(name: string, u: UpstreamConfig, config: GatewayConfig): Pooled {
    // Bucket mappings wrap the client per configuration: they are not part of what is shared.
    const key = u.type === 'local' ? JSON.stringify([u.type, u.dir, u.fsync, config.region, config.notifications]) : JSON.stringify([u.type, { ...u, bucketMappings: [] }]);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { key, ...this.#open(name, u, config), users: 0 };
      this.#entries.set(key, entry);
    }
    entry.users++;
    return entry;
  }

  /** Gives an upstream back; the last user's release closes it. */
  async release(entry: Pooled): Promise<void> {
    if (--entry.users > 0) return;
    this.#entries.delete(entry.key);
    await entry.close();
  }

  #open(name: string, u: UpstreamConfig, config: GatewayConfig): Omit<Pooled, 'key' | 'users'> {
    const log = this.log;
    if (u.type === 's3') {
      const upstream = createS3Upstream({
        endpoint: u.endpoint,
        region: u.region,
        credentials: upstreamCredentials(u.credentials),
        addressing: u.addressing,
        buckets: u.buckets,
        profile: u.profile,
        configStore: u.configStore,
        ...(u.ca === undefined ? {} : { transport: { tls: { ca: u.ca } } }),
      });
      return { upstream, store: undefined, close: () => upstream.close() };
    }
    const store = createLocalStore({
      dir: u.dir,
      region: config.region,
      fsync: u.fsync,
      ...(config.notifications.targets.length === 0 ? {} : { notifications: { targets: config.notifications.targets, onWarning: (m: string) => log.warn({ upstream: name }, m) } }),
      // What a crash left in the store, removed at start (the temp area first, then unreferenced data in the background).
      onSweep: (s) =>
        log[s.error === undefined ? 'info' : 'warn'](
          { upstream: name, files: s.files, bytes: s.bytes, tempFiles: s.tempFiles, durationMs: Math.round(s.durationMs), complete: s.complete, ...(s.error === undefined ? {} : { err: s.error }) },
          'store sweep',
        ),
    });
    return { upstream: store, store, close: () => store.close() };
  }
}

/** One configuration in force: its gateway, listener (limits), routes and upstreams. */
export interface Generation {
  readonly config: GatewayConfig;
  readonly gateway: Gateway;
  readonly listener: NodeListener;
  readonly routes: Routes;
  /** Local stores by upstream name (for their webhook metrics). */
  readonly stores: readonly (readonly [string, LocalStore])[];
  /** Gives its upstreams back to the pool (closing those no other generation uses). */
  release(): Promise<void>;
}

/** The upstream name of an access-log identity (a name, an access key id, `anonymous`, or none). */
function upstreamLabel(config: GatewayConfig): (identity: string | undefined) => string {
  const byIdentity = new Map<string, string>();
  for (const i of config.identities) {
    byIdentity.set(i.accessKeyId, i.upstream ?? 'default');
    if (i.name !== undefined) byIdentity.set(i.name, i.upstream ?? 'default');
  }
  const anonymous = config.anonymous?.upstream ?? 'default';
  return (identity) => (identity === undefined ? 'none' : (byIdentity.get(identity) ?? (identity === 'anonymous' ? anonymous : 'none')));
}

/**
 * Builds the gateway, listener and routes of `config` on the pool's upstreams.
 * @throws TypeError (or a policy validation error) when the gateway refuses the config; nothing stays acquired.
 */
export function createGeneration(config: GatewayConfig, pool: UpstreamPool, log: Logger, onResponse: OnResponse): Generation {
  const acquired = Object.entries(config.upstreams).map(([name, u]) => [name, u, pool.acquire(name, u, config)] as const);
  const release = async (): Promise<void> => {
    for (const [, , p] of acquired) await pool.release(p);
  };
  try {
    const upstreams = Object.fromEntries(acquired.map(([name, u, p]) => [name, u.bucketMappings.length === 0 ? p.upstream : mapBuckets(p.upstream, u.bucketMappings)]));
    const gateway = createGateway({
      region: config.region,
      baseDomains: config.baseDomains,
      identities: config.identities,
      anonymous: config.anonymous,
      bucketPolicies: config.bucketPolicies,
      cors: config.cors,
      bucketConfig: config.bucketConfig,
      upstreams,
      presignedRedirect: config.presignedRedirect,
      onUnexpected: (err, info) => log.error({ requestId: info.requestId, operation: info.operation, err }, 'unexpected failure'),
    });
    const { limits } = config;
    const upstreamOf = upstreamLabel(config);
    const listener = toNodeListener(gateway, {
      maxConcurrentRequests: limits.maxConcurrentRequests,
      maxUnauthenticatedShare: limits.maxUnauthenticatedShare,
      maxHeaderSize: limits.maxHeaderSize,
      bodyTimeoutMs: limits.bodyTimeoutMs,
      minBodyBytesPerSecond: limits.minBodyBytesPerSecond,
      trustProxy: config.trustProxy,
      onResponse: (e) => onResponse(e, upstreamOf(e.identity)),
    });
    const stores = acquired.flatMap(([name, , p]) => (p.store === undefined ? [] : [[name, p.store] as const]));
    return { config, gateway, listener, routes: appRoutes(config, gateway, log), stores, release };
  } catch (err) {
    void release();
    throw err;
  }
}

/** The generation in force and the ones still finishing requests, behind one listener. */
export interface Generations {
  readonly current: Generation;
  /**
   * Serves each request with the generation current when it arrives (it finishes on that one);
   * `active` counts every generation's requests in flight.
   */
  readonly listener: NodeListener;
  /** The current generation's routes. */
  readonly routes: Routes;
  /** Makes `next` current; the previous one is released once its requests are done. */
  swap(next: Generation): void;
  /** Releases every generation (call after draining). */
  close(): Promise<void>;
}

/** How often a replaced generation is checked for requests still in flight (ms). */
const RETIRE_POLL_MS = 100;

/** Starts with `first` in force. */
export function generations(first: Generation): Generations {
  let current = first;
  const retiring = new Map<Generation, NodeJS.Timeout>();
  // A socket's malformed request belongs to the generation that took its last request.
  const bySocket = new WeakMap<object, NodeListener>();
  const take = (req: IncomingMessage): NodeListener => {
    bySocket.set(req.socket, current.listener);
    return current.listener;
  };
  const serve = (req: IncomingMessage, res: ServerResponse): void => take(req)(req, res);
  const listener = Object.defineProperties(serve, {
    active: { get: () => [current, ...retiring.keys()].reduce((n, g) => n + g.listener.active, 0) },
    checkContinue: { value: (req: IncomingMessage, res: ServerResponse) => take(req).checkContinue(req, res) },
    clientError: { value: (err: NodeJS.ErrnoException, socket: Duplex) => (bySocket.get(socket) ?? current.listener).clientError(err, socket) },
  }) as unknown as NodeListener;
  return {
    get current() {
      return current;
    },
    listener,
    routes: (req, res) => current.routes(req, res),
    swap(next) {
      const prev = current;
      current = next;
      const timer = setInterval(() => {
        if (prev.listener.active > 0) return;
        clearInterval(timer);
        retiring.delete(prev);
        void prev.release();
      }, RETIRE_POLL_MS).unref();
      retiring.set(prev, timer);
    },
    async close() {
      for (const [g, timer] of retiring) {
        clearInterval(timer);
        await g.release();
      }
      retiring.clear();
      await current.release();
    },
  };
}
