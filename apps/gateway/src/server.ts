import { createServer } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { createGatewayServer, type Gateway } from '@s3kit/gateway';
import type { Logger } from 'pino';
import { adminHandler, type AdminState } from './admin.js';
import { ConfigError, type GatewayConfig, type TlsConfig } from './config.js';
import { createGeneration, generations, UpstreamPool, type OnResponse } from './generation.js';
import { createMetrics, type GatewayMetrics } from './metrics.js';
import { liveConfig } from './reload.js';
import { readTls, replaceCertificate, tlsOptions, type TlsSummary } from './tls.js';

/** A running gateway program: the S3 listener, the admin listener, and their lifecycle. */
export interface RunningServer {
  /** `http://host:port`, or `https://…` when the S3 listener serves TLS. */
  readonly endpoint: string;
  /** The certificate served now (subject, serial, fingerprint, expiry), or undefined without TLS. */
  readonly tls: TlsSummary | undefined;
  /** `http://host:port` of /metrics, /healthz, /readyz, /explain, or undefined when disabled. */
  readonly adminEndpoint: string | undefined;
  /** The gateway in force (a reload replaces it). */
  readonly gateway: Gateway;
  readonly metrics: GatewayMetrics;
  /**
   * Applies a reloaded config (SIGHUP) without touching connections: what can change live (see
   * `liveConfig`; the log level is the caller's) takes effect for new requests, requests in flight finish on the config they
   * started with, and the TLS files are re-read. All or nothing for the config; a certificate that
   * fails is reported in `tlsError` and the current one stays.
   * @throws on a config the gateway refuses (nothing changes then).
   */
  reload(next: GatewayConfig): ReloadOutcome;
  /**
   * Re-reads the `tls` files in force (SIGHUP, after a renewal): new connections get the new
   * certificate, open ones keep theirs. Returns the new certificate's summary.
   * @throws ConfigError when the files cannot be read or do not form a valid pair (the current one stays).
   */
  reloadTls(): TlsSummary;
  /** Stops accepting, drains in-flight requests (up to `limits.shutdownTimeoutMs`), closes upstreams. */
  shutdown(): Promise<void>;
}

/** What a reload changed, and what it could not. */
export interface ReloadOutcome {
  /** Changed fields that need a restart (kept as they run). */
  readonly needRestart: readonly string[];
  /** The certificate served from now on, when TLS is served and its files were read. */
  readonly tls: TlsSummary | undefined;
  /** Why the certificate files were not taken (the current certificate stays). */
  readonly tlsError: string | undefined;
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
  const pool = new UpstreamPool(log);
  const onResponse: OnResponse = (e, upstream) => {
    metrics.record(e, upstream);
    // The access log: never secrets, signatures or query strings (presigned URLs carry signatures).
    log.info(
      {
        requestId: e.requestId,
        method: e.method,
        identity: e.identity,
        upstream,
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
  };
  const gens = generations(createGeneration(config, pool, log, onResponse));
  // requests_in_flight is the requests holding a slot (in every generation), read when scraped.
  const metrics = createMetrics(
    () => gens.listener.active,
    () => gens.current.stores.flatMap(([upstream, s]) => s.webhookStats().map((t) => ({ upstream, ...t }))),
    config.limits.requestTimeoutMs,
  );
  const { limits } = config;
  const s3Server = createGatewayServer(gens.current.gateway, {
    tls: tls === undefined ? undefined : tlsOptions(tls),
    maxHeaderSize: limits.maxHeaderSize,
    requestTimeoutMs: limits.requestTimeoutMs,
    headersTimeoutMs: limits.headersTimeoutMs,
    // The program's own pages and helper routes (e.g. the upload page), before the S3 listener.
    routes: gens.routes,
    listener: gens.listener,
  });
  // Malformed requests and Node's timeouts are answered with S3 XML by the server; logged here.
  s3Server.on('clientError', (err: NodeJS.ErrnoException) => log.warn({ code: err.code }, 'client error'));
  // Failed TLS handshakes (scanners, clients that distrust the certificate) never become requests.
  s3Server.on('tlsClientError', (err: NodeJS.ErrnoException) => log.debug({ code: err.code, err: err.message }, 'tls handshake failed'));
  let draining = false;
  const adminState: AdminState = {
    metrics,
    gateway: () => gens.current.gateway,
    token: () => gens.current.config.admin?.token,
    draining: () => draining,
    serveTls: tls !== undefined,
  };
  const admin = config.admin === null ? undefined : createServer((req, res) => void adminHandler(req, res, adminState));
  const s3Addr = await listen(s3Server, config.listen.host, config.listen.port);
  const adminAddr = admin === undefined ? undefined : await listen(admin, config.admin!.host, config.admin!.port);
  const reloadTls = (files: TlsConfig | undefined): TlsSummary => {
    if (files === undefined) throw new ConfigError('tls: not configured (the listener serves plain HTTP)');
    const next = readTls(files);
    replaceCertificate(s3Server, next);
    tls = next;
    return next.summary;
  };
  let shutdownP: Promise<void> | undefined;
  return {
    endpoint: urlOf(s3Addr, tls === undefined ? 'http' : 'https'),
    get tls() {
      return tls?.summary;
    },
    adminEndpoint: adminAddr === undefined ? undefined : urlOf(adminAddr),
    get gateway() {
      return gens.current.gateway;
    },
    metrics,
    reload(wanted) {
      const { config: next, needRestart } = liveConfig(gens.current.config, wanted);
      gens.swap(createGeneration(next, pool, log, onResponse));
      // Node's own timeouts of the listener (connections check them as they go).
      s3Server.requestTimeout = next.limits.requestTimeoutMs;
      s3Server.headersTimeout = next.limits.requestTimeoutMs > 0 ? Math.min(next.limits.headersTimeoutMs, next.limits.requestTimeoutMs) : next.limits.headersTimeoutMs;
      if (next.tls === undefined) return { needRestart, tls: undefined, tlsError: undefined };
      try {
        return { needRestart, tls: reloadTls(next.tls), tlsError: undefined };
      } catch (err) {
        return { needRestart, tls: tls?.summary, tlsError: err instanceof Error ? err.message : String(err) };
      }
    },
    reloadTls: () => reloadTls(gens.current.config.tls),
    shutdown() {
      shutdownP ??= (async () => {
        draining = true;
        const closed = new Promise<void>((r) => s3Server.close(() => r()));
        s3Server.closeIdleConnections();
        const deadline = Date.now() + gens.current.config.limits.shutdownTimeoutMs;
        while (gens.listener.active > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
          s3Server.closeIdleConnections();
        }
        s3Server.closeAllConnections();
        await closed;
        await gens.close();
        if (admin !== undefined) {
          admin.closeAllConnections();
          await new Promise<void>((r) => admin.close(() => r()));
        }
      })();
      return shutdownP;
    },
  };
}
