import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { createGateway, createGatewayServer, createLocalStore, createS3Upstream, mapBuckets, type Gateway, type LocalStore, type S3Upstream, type Upstream } from '@s3kit/gateway';
import type { Logger } from 'pino';
import { ConfigError, type GatewayConfig } from './config.js';
import { queryFromSearch } from './explain.js';
import { appRoutes } from './app-routes.js';
import { createMetrics, type GatewayMetrics } from './metrics.js';
import { readTls, replaceCertificate, tlsOptions, type TlsSummary } from './tls.js';
import { upstreamCredentials } from './upstream-credentials.js';

/** A running gateway program: the S3 listener, the admin listener, and their lifecycle. */
export interface RunningServer {
  /** `http://host:port`, or `https://…` when the S3 listener serves TLS. */
  readonly endpoint: string;
  /** The certificate served now (subject, serial, fingerprint, expiry), or undefined without TLS. */
  readonly tls: TlsSummary | undefined;
  /** `http://host:port` of /metrics, /healthz, /readyz, or undefined when disabled. */
  readonly adminEndpoint: string | undefined;
  readonly gateway: Gateway;
  readonly metrics: GatewayMetrics;
  /**
   * Replaces identities, bucket policies and CORS rules (SIGHUP) at once, without touching
   * connections; requests in flight keep what they started with.
   * @throws on an invalid configuration (nothing changes then).
   */
  reload(next: Pick<GatewayConfig, 'identities' | 'bucketPolicies' | 'cors'>): void;
  /**
   * Re-reads the `tls` files (SIGHUP, after a renewal): new connections get the new certificate,
   * open ones keep theirs. Returns the new certificate's summary.
   * @throws ConfigError when the files cannot be read or do not form a valid pair (the current one stays).
   */
  reloadTls(): TlsSummary;
  /** Stops accepting, drains in-flight requests (up to `limits.shutdownTimeoutMs`), closes upstreams. */
  shutdown(): Promise<void>;
}

function listen(server: NetServer, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlOf(a: AddressInfo, scheme: 'http' | 'https' = 'http'): string {
  return `${scheme}://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
}

/** Builds the upstreams, the gateway and both listeners from a validated config. */
export async function startServer(config: GatewayConfig, log: Logger): Promise<RunningServer> {
  // Before anything is opened: a bad certificate is a configuration error.
  let tls = config.tls === undefined ? undefined : readTls(config.tls);
  const upstreams: Record<string, Upstream> = {};
  const closers: (() => Promise<void>)[] = [];
  const stores: [string, LocalStore][] = [];
  for (const [name, u] of Object.entries(config.upstreams)) {
    if (u.type === 'local') {
      const store: LocalStore = createLocalStore({
        dir: u.dir,
        region: config.region,
        fsync: u.fsync,
        ...(config.notifications.targets.length === 0
          ? {}
          : { notifications: { targets: config.notifications.targets, onWarning: (m: string) => log.warn({ upstream: name }, m) } }),
        // What a crash left in the store, removed at start (the temp area first, then unreferenced data in the background).
        onSweep: (s) =>
          log[s.error === undefined ? 'info' : 'warn'](
            { upstream: name, files: s.files, bytes: s.bytes, tempFiles: s.tempFiles, durationMs: Math.round(s.durationMs), complete: s.complete, ...(s.error === undefined ? {} : { err: s.error }) },
            'store sweep',
          ),
      });
      upstreams[name] = u.bucketMappings.length === 0 ? store : mapBuckets(store, u.bucketMappings);
      stores.push([name, store]);
      closers.push(() => store.close());
    } else {
      const s3: S3Upstream = createS3Upstream({
        endpoint: u.endpoint,
        region: u.region,
        credentials: await upstreamCredentials(name, u.credentials),
        addressing: u.addressing,
        buckets: u.buckets,
        profile: u.profile,
        configStore: u.configStore,
        ...(u.ca === undefined ? {} : { transport: { tls: { ca: u.ca } } }),
      });
      upstreams[name] = u.bucketMappings.length === 0 ? s3 : mapBuckets(s3, u.bucketMappings);
      closers.push(() => s3.close());
    }
  }
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
  // requests_in_flight is the requests holding a slot, read when scraped.
  let inFlight = (): number => 0;
  const metrics = createMetrics(() => inFlight(), () => stores.flatMap(([upstream, s]) => s.webhookStats().map((t) => ({ upstream, ...t }))));
  // The program's own pages and helper routes (e.g. the upload page), before the S3 listener.
  // The identities in force (replaced by reload), read by the routes at request time.
  let identities = config.identities;
  const routes = appRoutes(config, gateway, log, () => identities);
  const { limits } = config;
  const s3Server = createGatewayServer(gateway, {
    tls: tls === undefined ? undefined : tlsOptions(tls),
    maxConcurrentRequests: limits.maxConcurrentRequests,
    maxUnauthenticatedShare: limits.maxUnauthenticatedShare,
    maxHeaderSize: limits.maxHeaderSize,
    requestTimeoutMs: limits.requestTimeoutMs,
    headersTimeoutMs: limits.headersTimeoutMs,
    bodyTimeoutMs: limits.bodyTimeoutMs,
    minBodyBytesPerSecond: limits.minBodyBytesPerSecond,
    trustProxy: config.trustProxy,
    routes,
    onResponse: (e) => {
      metrics.record(e);
      // The access log: never secrets, signatures or query strings (presigned URLs carry signatures).
      log.info(
        {
          requestId: e.requestId,
          method: e.method,
          identity: e.identity,
          operation: e.operation,
          bucket: e.bucket,
          key: e.key,
          status: e.status,
          errorCode: e.errorCode,
          ...(e.deniedKeys === undefined ? {} : { deniedKeys: e.deniedKeys }),
          bytesIn: e.bytesIn,
          bytesOut: e.bytesOut,
          durationMs: Math.round(e.durationMs * 1000) / 1000,
          complete: e.complete,
          remote: e.remoteAddress,
        },
        'request',
      );
    },
  });
  inFlight = () => s3Server.listener.active;
  // Malformed requests and Node's timeouts are answered with S3 XML by the server; logged here.
  s3Server.on('clientError', (err: NodeJS.ErrnoException) => log.warn({ code: err.code }, 'client error'));
  // Failed TLS handshakes (scanners, clients that distrust the certificate) never become requests.
  s3Server.on('tlsClientError', (err: NodeJS.ErrnoException) => log.debug({ code: err.code, err: err.message }, 'tls handshake failed'));
  let draining = false;
  const admin = config.admin === null ? undefined : createServer((req, res) => void adminHandler(req, res, metrics, () => draining, gateway, tls !== undefined));
  const s3Addr = await listen(s3Server, config.listen.host, config.listen.port);
  const adminAddr = admin === undefined ? undefined : await listen(admin, config.admin!.host, config.admin!.port);
  let shutdownP: Promise<void> | undefined;
  return {
    endpoint: urlOf(s3Addr, tls === undefined ? 'http' : 'https'),
    get tls() {
      return tls?.summary;
    },
    adminEndpoint: adminAddr === undefined ? undefined : urlOf(adminAddr),
    gateway,
    metrics,
    reload(next) {
      gateway.update({ identities: next.identities, bucketPolicies: next.bucketPolicies, cors: next.cors });
      identities = next.identities;
    },
    reloadTls() {
      if (config.tls === undefined) throw new ConfigError('tls: not configured (the listener serves plain HTTP)');
      const next = readTls(config.tls);
      replaceCertificate(s3Server, next);
      tls = next;
      return next.summary;
    },
    shutdown() {
      shutdownP ??= (async () => {
        draining = true;
        const closed = new Promise<void>((r) => s3Server.close(() => r()));
        s3Server.closeIdleConnections();
        const deadline = Date.now() + config.limits.shutdownTimeoutMs;
        while (s3Server.listener.active > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
          s3Server.closeIdleConnections();
        }
        s3Server.closeAllConnections();
        await closed;
        for (const c of closers) await c();
        if (admin !== undefined) {
          admin.closeAllConnections();
          await new Promise<void>((r) => admin.close(() => r()));
        }
      })();
      return shutdownP;
    },
  };
}

async function adminHandler(req: IncomingMessage, res: ServerResponse, metrics: GatewayMetrics, draining: () => boolean, gateway: Gateway, serveTls: boolean): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/explain') {
    // "Would identity X be allowed Y on Z, and which statement decided?" from the current policies,
    // for a request like the listener's (aws:SecureTransport true when it serves TLS).
    let status = 200;
    let body: unknown;
    try {
      body = gateway.explain(queryFromSearch(new URL(req.url ?? '/', 'http://admin').searchParams, { secure: serveTls }));
    } catch (err) {
      status = 400;
      body = { error: err instanceof Error ? err.message : String(err) };
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(body, null, 2)}\n`);
  } else if (path === '/metrics') {
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(body);
  } else if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
  } else if (path === '/readyz') {
    const ready = !draining();
    res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(ready ? 'ready\n' : 'draining\n');
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  }
}
