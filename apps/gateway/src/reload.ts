import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { GatewayConfig, UpstreamConfig } from './config.js';
import type { ReloadOutcome, RunningServer } from './server.js';

/** A reloaded config as it can apply live, and the changed fields that need a restart. */
export interface LiveConfig {
  /** `next` with every field that cannot change live kept as it runs. */
  readonly config: GatewayConfig;
  /** Changed fields kept as they run (e.g. `listen.port`, `admin.port`, `upstreams.default.dir`). */
  readonly needRestart: readonly string[];
}

/**
 * What of `next` a running program can apply (SIGHUP): identities, policies, CORS, upstreams,
 * limits, trusted proxies, the upload page, the admin token, the log level and the TLS files.
 * Not live, kept as they run: the listen and admin addresses, serving TLS or not, the region,
 * `limits.maxHeaderSize` (Node's parser limit), `log.format`, and of the local stores already
 * open their `dir`, `fsync` and the `notifications` targets they were given (a store is never
 * opened twice on one directory).
 */
export function liveConfig(running: GatewayConfig, next: GatewayConfig): LiveConfig {
  const needRestart: string[] = [];
  const keep = <T>(field: string, now: T, wanted: T): T => {
    if (!isDeepStrictEqual(now, wanted)) needRestart.push(field);
    return now;
  };
  const listen = { host: keep('listen.host', running.listen.host, next.listen.host), port: keep('listen.port', running.listen.port, next.listen.port) };
  const admin =
    running.admin === null || next.admin === null
      ? keep('admin', running.admin, next.admin)
      : { ...next.admin, host: keep('admin.host', running.admin.host, next.admin.host), port: keep('admin.port', running.admin.port, next.admin.port) };
  // Certificate files may change (renewal), not whether TLS is served.
  const tls = (running.tls === undefined) !== (next.tls === undefined) ? keep('tls', running.tls, next.tls) : next.tls;
  const stores = Object.values(running.upstreams).filter((u) => u.type === 'local');
  const upstreams: Record<string, UpstreamConfig> = {};
  for (const [name, u] of Object.entries(next.upstreams)) {
    const was = running.upstreams[name];
    if (u.type !== 'local') {
      upstreams[name] = u;
      continue;
    }
    const dir = was?.type === 'local' ? keep(`upstreams.${name}.dir`, was.dir, u.dir) : u.dir;
    const open = stores.find((s) => s.dir === dir);
    upstreams[name] = { ...u, dir, fsync: open === undefined ? u.fsync : keep(`upstreams.${name}.fsync`, open.fsync, u.fsync) };
  }
  return {
    config: {
      ...next,
      listen,
      admin,
      tls,
      region: keep('region', running.region, next.region),
      log: { level: next.log.level, format: keep('log.format', running.log.format, next.log.format) },
      limits: { ...next.limits, maxHeaderSize: keep('limits.maxHeaderSize', running.limits.maxHeaderSize, next.limits.maxHeaderSize) },
      notifications: stores.length === 0 ? next.notifications : keep('notifications', running.notifications, next.notifications),
      upstreams,
    },
    needRestart,
  };
}

/**
 * SIGHUP: reads the config again (`load`; undefined in development mode, without a file) and
 * applies it: one info line for what changed, one warning naming the changed fields that need a
 * restart. An invalid config is logged and changes nothing; the TLS files are re-read either way.
 */
export function reloadOnSignal(running: RunningServer, load: (() => GatewayConfig) | undefined, log: Logger): void {
  let next: GatewayConfig | undefined;
  let outcome: ReloadOutcome | undefined;
  if (load === undefined) log.warn('SIGHUP: no config file to reload (development mode)');
  else {
    try {
      next = load();
      outcome = running.reload(next);
    } catch (err) {
      log.error({ err: messageOf(err) }, 'reload failed; keeping the current configuration');
    }
  }
  if (next !== undefined && outcome !== undefined) {
    // The summary shows at the more verbose of the two levels, then the new level holds.
    if (log.levels.values[next.log.level]! < log.levelVal) log.level = next.log.level;
    log.info(
      {
        identities: next.identities.length,
        bucketPolicies: Object.keys(next.bucketPolicies).length,
        cors: Object.keys(next.cors).length,
        upstreams: Object.keys(next.upstreams),
        logLevel: next.log.level,
      },
      'reloaded identities, policies, cors, upstreams, limits and log level',
    );
  }
  // The certificate files are re-read even when the config is not (a renewal needs no config change).
  let tlsError = outcome?.tlsError;
  let tls = outcome?.tls;
  if (outcome === undefined && running.tls !== undefined) {
    try {
      tls = running.reloadTls();
    } catch (err) {
      tlsError = messageOf(err);
    }
  }
  if (tlsError !== undefined) log.error({ err: tlsError }, 'TLS reload failed; keeping the current certificate');
  else if (tls !== undefined) log.info({ tls }, 'reloaded TLS certificate');
  if (next === undefined || outcome === undefined) return;
  log.level = next.log.level;
  if (outcome.needRestart.length > 0) log.warn({ fields: outcome.needRestart }, `SIGHUP: changed fields need a restart and keep their running values: ${outcome.needRestart.join(', ')}`);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
