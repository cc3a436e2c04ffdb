#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseCommandLine, portValue, programVersion } from './args.js';
import { applyOverrides, devConfig, loadConfigFile, type GatewayConfig } from './config.js';
import { describeFailure } from './failures.js';
import { explainGateway, formatExplanation, parseContext } from './explain.js';
import { relaunchWithProcessSettings } from './launcher.js';
import { programLogger } from './log-format.js';
import { reloadOnSignal } from './reload.js';
import { startServer } from './server.js';
import { checkUpstreamCredentials } from './upstream-credentials.js';

const HELP = `s3kit-gateway: an S3 gateway (verify, re-sign, stream) with an embedded local store.

Usage: s3kit-gateway [--config FILE] [--host H] [--port N] [--admin-port N] [--data-dir DIR] [--log-level L] [--log-format F]
                     [--tls-cert FILE --tls-key FILE [--tls-ca FILE]] [--trust-proxy LIST]
       s3kit-gateway explain --config FILE [--identity X] (--action A | --operation O) [--bucket B] [--key K] [--context k=v ...]
       s3kit-gateway --version | --help

  -c, --config FILE   JSON or YAML config (env S3KIT_GATEWAY_CONFIG). Without one: development
                      mode, the embedded store in --data-dir and generated keys (printed).
                      String values may use \${ENV_VAR}; secrets may come from files
                      (secretAccessKeyFile) and upstream keys from providers (see docs/gateway).
  --host H            listen address (env S3KIT_GATEWAY_HOST; default 127.0.0.1)
  --port N            S3 port (env S3KIT_GATEWAY_PORT; default 9000; 0 = any free port)
  --admin-port N      /metrics, /healthz, /readyz port (env S3KIT_GATEWAY_ADMIN_PORT; default 9001; -1 = off)
  --data-dir DIR      development mode data directory (env S3KIT_GATEWAY_DATA_DIR; default ./.data)
  --log-level L       trace|debug|info|warn|error|fatal|silent (env S3KIT_GATEWAY_LOG_LEVEL; default info)
  --log-format F      json (one JSON object a line on stdout) or pretty (one human line a request, colours
                      on a terminal) (env S3KIT_GATEWAY_LOG_FORMAT; config log.format; default json)
  --tls-cert FILE     serve HTTPS with this PEM certificate (env S3KIT_GATEWAY_TLS_CERT; config tls.cert)
  --tls-key FILE      its PEM private key (env S3KIT_GATEWAY_TLS_KEY; config tls.key)
  --tls-ca FILE       a PEM CA chain sent with it (env S3KIT_GATEWAY_TLS_CA; config tls.ca)
  --trust-proxy LIST  comma-separated addresses/CIDRs (or loopback) of trusted reverse proxies, whose
                      X-Forwarded-For/Proto/Host count (env S3KIT_GATEWAY_TRUST_PROXY; config trustProxy)

explain: would identity X (access key id or name; none = anonymous) be allowed the action or
operation on bucket/key, and which statement decided? Prints the decision, the deciding statement
and the per-statement trace; exit status 0 allow, 1 deny, 2 bad config or arguments.

Admin port: /metrics /healthz /readyz, and GET /explain?identity=&action=|operation=&bucket=&key=&context=k=v
(JSON, the same answer). With admin.token (or admin.tokenFile) in the config, all but /healthz need
Authorization: Bearer <token>.

Process settings: the gateway runs itself again once with the glibc malloc settings it needs
(MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_, MALLOC_ARENA_MAX; ones already set are kept);
S3KIT_GATEWAY_PROCESS_SETTINGS=off runs it as started.

Signals: SIGTERM/SIGINT drain in-flight requests and exit; SIGHUP reloads --config (identities,
policies, CORS, upstreams, limits, log level, admin token) and the TLS certificate files: new
requests use it, requests and connections open keep theirs; changed fields that need a restart
(listen and admin addresses, region, log format, an open store's dir) are named in a warning; an
invalid file is logged and changes nothing. The startup banner goes to stderr.`;

function load(configFile: string | undefined, dataDir: string, o: Parameters<typeof applyOverrides>[1]): GatewayConfig {
  const base = configFile === undefined ? devConfig(dataDir) : loadConfigFile(configFile);
  return applyOverrides(base, o);
}

async function main(): Promise<void> {
  const env = process.env;
  const { values, positionals } = parseCommandLine({
    allowPositionals: true,
    options: {
      identity: { type: 'string' },
      action: { type: 'string' },
      operation: { type: 'string' },
      bucket: { type: 'string' },
      key: { type: 'string' },
      context: { type: 'string', multiple: true },
      config: { type: 'string', short: 'c' },
      host: { type: 'string' },
      port: { type: 'string' },
      'admin-port': { type: 'string' },
      'data-dir': { type: 'string' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
      'trust-proxy': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (values.version) {
    process.stdout.write(`${programVersion()}\n`);
    return;
  }
  const configFile = values.config ?? env['S3KIT_GATEWAY_CONFIG'];
  const tlsOverrides = {
    tlsCert: values['tls-cert'] ?? env['S3KIT_GATEWAY_TLS_CERT'],
    tlsKey: values['tls-key'] ?? env['S3KIT_GATEWAY_TLS_KEY'],
    tlsCa: values['tls-ca'] ?? env['S3KIT_GATEWAY_TLS_CA'],
  };
  if (positionals[0] === 'explain') {
    process.exitCode = explainCommand(configFile, values, tlsOverrides);
    return;
  }
  if (positionals.length > 0) {
    process.stderr.write(`s3kit-gateway: unknown command ${JSON.stringify(positionals[0])} (see --help)\n`);
    process.exitCode = 2;
    return;
  }
  // Serving: with the process settings the gateway needs (this process may only relay to the one that has them).
  if (relaunchWithProcessSettings()) return;
  const dataDir = values['data-dir'] ?? env['S3KIT_GATEWAY_DATA_DIR'] ?? '.data';
  const overrides = {
    host: values.host ?? env['S3KIT_GATEWAY_HOST'],
    port: portValue(values.port === undefined ? 'S3KIT_GATEWAY_PORT' : '--port', values.port ?? env['S3KIT_GATEWAY_PORT']),
    adminPort: portValue(values['admin-port'] === undefined ? 'S3KIT_GATEWAY_ADMIN_PORT' : '--admin-port', values['admin-port'] ?? env['S3KIT_GATEWAY_ADMIN_PORT'], -1),
    logLevel: values['log-level'] ?? env['S3KIT_GATEWAY_LOG_LEVEL'],
    logFormat: values['log-format'] ?? env['S3KIT_GATEWAY_LOG_FORMAT'],
    ...tlsOverrides,
    trustProxy: values['trust-proxy'] ?? env['S3KIT_GATEWAY_TRUST_PROXY'],
  };
  const config = load(configFile, dataDir, overrides);
  // Secrets never reach the log: identities are not logged, and the redaction covers mistakes.
  const log = programLogger({ level: config.log.level, base: { service: 's3kit-gateway' }, redact: ['*.secretAccessKey', '*.authorization', 'secretAccessKey', '*.token'] }, config.log.format);
  // An unreadable certificate or an upstream provider without credentials fails as the file's errors do.
  await checkUpstreamCredentials(config.upstreams);
  const running = await startServer(config, log);
  const lines = [
    `s3kit gateway listening on ${running.endpoint}`,
    `  region:     ${config.region}`,
    ...(running.tls === undefined ? [] : [`  tls:        ${running.tls.subject} (serial ${running.tls.serial}, valid to ${running.tls.validTo})`]),
    ...(config.trustProxy.length === 0 ? [] : [`  proxies:    X-Forwarded-* trusted from ${config.trustProxy.join(', ')}`]),
    ...(config.devKeys
      ? [
          `  access key: ${config.identities[0]!.accessKeyId}`,
          `  secret key: ${config.identities[0]!.secretAccessKey}`,
          `  store:      embedded, data in ${(config.upstreams['default'] as { dir: string }).dir}`,
          `  keys kept:  ${resolve(dataDir, 'dev-keys.json')}`,
        ]
      : [`  config:     ${config.source} (${config.identities.length} identities)`]),
    `  admin:      ${running.adminEndpoint === undefined ? 'off' : `${running.adminEndpoint}/metrics /healthz /readyz /explain${config.admin?.token === undefined ? '' : ' (bearer token)'}`}`,
    ...(config.uploadPage.enabled ? [`  upload:     ${running.endpoint}/_s3kit/upload (browser upload page)`] : []),
    ...(config.devKeys
      ? [
          `  try:        AWS_ACCESS_KEY_ID=${config.identities[0]!.accessKeyId} AWS_SECRET_ACCESS_KEY=${config.identities[0]!.secretAccessKey} aws --endpoint-url ${running.endpoint} s3 mb s3://my-bucket`,
        ]
      : []),
  ];
  // The banner is for people: stdout stays pure log lines (JSON by default).
  process.stderr.write(`${lines.join('\n')}\n`);
  log.info(
    {
      endpoint: running.endpoint,
      admin: running.adminEndpoint,
      region: config.region,
      identities: config.identities.length,
      ...(running.tls === undefined ? {} : { tls: running.tls }),
      ...(config.trustProxy.length === 0 ? {} : { trustProxy: config.trustProxy }),
    },
    'started',
  );

  const stop = (signal: string): void => {
    log.info({ signal }, 'draining');
    void running.shutdown().then(() => {
      log.info('stopped');
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => reloadOnSignal(running, configFile === undefined ? undefined : () => load(configFile, dataDir, overrides), log));
}

/** `s3kit-gateway explain …`: prints the decision and the deciding statement; exit 0 allow, 1 deny, 2 error. */
function explainCommand(
  configFile: string | undefined,
  v: { identity?: string | undefined; action?: string | undefined; operation?: string | undefined; bucket?: string | undefined; key?: string | undefined; context?: string[] | undefined },
  tls: Parameters<typeof applyOverrides>[1],
): number {
  if (configFile === undefined) {
    process.stderr.write('s3kit-gateway explain: --config FILE is required\n');
    return 2;
  }
  if ((v.action === undefined) === (v.operation === undefined)) {
    process.stderr.write('s3kit-gateway explain: give exactly one of --action or --operation\n');
    return 2;
  }
  try {
    const config = applyOverrides(loadConfigFile(configFile), tls);
    const result = explainGateway(config).explain({
      // As the server would see a request: over TLS exactly when it serves TLS.
      secure: config.tls !== undefined,
      identity: v.identity,
      action: v.action,
      operation: v.operation,
      bucket: v.bucket,
      key: v.key,
      context: parseContext(v.context ?? []),
    });
    process.stdout.write(`${formatExplanation(result)}\n`);
    return result.decision === 'allow' ? 0 : 1;
  } catch (err) {
    process.stderr.write(`${describeFailure(err, 's3kit-gateway explain').lines.join('\n')}\n`);
    return 2;
  }
}

// Every failure to start is one line per problem and a non-zero exit, never a stack.
main().catch((err: unknown) => {
  const { lines, exitCode } = describeFailure(err);
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(exitCode);
});
