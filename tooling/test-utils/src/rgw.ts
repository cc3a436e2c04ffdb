import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A real S3 server for tests: Ceph RGW (radosgw 16.2 "Pacific") on 127.0.0.1, started by
 * `tooling/ceph-rgw/rgw.sh` (see its README for the differences from AWS that tests must know).
 */
export interface RgwHandle {
  /** `http://127.0.0.1:<port>`; path-style addressing (`forcePathStyle: true`). */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Region to sign with (`us-east-1`; RGW accepts any SigV4 region). */
  readonly region: string;
  /** Stops the instance if this process started it; a no-op for one given through the environment. */
  stop(): Promise<void>;
}

export interface RgwAvailability {
  /** The server, or undefined when tests should skip. */
  readonly rgw: RgwHandle | undefined;
  /** Why `rgw` is undefined (empty when it is set). */
  readonly reason: string;
}

export interface StartRgwOptions {
  /** Extra environment for `rgw.sh start` (e.g. `S3KIT_RGW_MEMSTORE_BYTES`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill `rgw.sh start` after this long (default 90 000 ms; the script itself gives up at 60 s). */
  readonly timeoutMs?: number;
}

const BINARIES = ['monmaptool', 'ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph', 'curl'];

/** Path of `tooling/ceph-rgw/rgw.sh` (or `$S3KIT_RGW_SCRIPT`). */
export function rgwScript(): string {
  const fromEnv = process.env['S3KIT_RGW_SCRIPT'];
  if (fromEnv) return resolve(fromEnv);
  return fileURLToPath(new URL('../../ceph-rgw/rgw.sh', import.meta.url));
}

/** True when `CI` is set to anything but '', '0' or 'false'. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

function onPath(name: string): boolean {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).concat(['/usr/bin', '/usr/sbin']);
  return dirs.some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The binaries `rgw.sh start` needs that are missing (empty when it can run). */
export function missingRgwBinaries(): string[] {
  if (process.platform !== 'linux') return ['(linux host)'];
  return BINARIES.filter((b) => !onPath(b));
}

/**
 * An RGW described by `S3KIT_RGW_ENDPOINT` (+ `_ACCESS_KEY`, `_SECRET_KEY`, `_REGION`), e.g. set by
 * the vitest global setup or by `.ci/run` from `rgw.env`. Its `stop()` does nothing: whoever
 * started it stops it.
 */
export function rgwFromEnv(env: NodeJS.ProcessEnv = process.env): RgwHandle | undefined {
  const endpoint = env['S3KIT_RGW_ENDPOINT'];
  if (!endpoint) return undefined;
  const accessKeyId = env['S3KIT_RGW_ACCESS_KEY'];
  const secretAccessKey = env['S3KIT_RGW_SECRET_KEY'];
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('S3KIT_RGW_ENDPOINT is set but S3KIT_RGW_ACCESS_KEY / S3KIT_RGW_SECRET_KEY are not');
  }
  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    accessKeyId,
    secretAccessKey,
    region: env['S3KIT_RGW_REGION'] || 'us-east-1',
    stop: async () => {},
  };
}

/** Parses the `KEY=value` lines `rgw.sh start` prints (and writes to `DIR/rgw.env`). */
export function parseRgwEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(S3KIT_RGW_[A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

function runScript(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [rgwScript(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n(killed by rgw.ts after ${timeoutMs} ms)`;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

// Instances this process started; stopped synchronously if the process exits without stop().
const running = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const dir of running) {
      spawnSync('bash', [rgwScript(), 'stop', dir], { stdio: 'ignore', timeout: 20_000 });
    }
  });
}

/**
 * Starts a fresh RGW with `rgw.sh start` (~3 s) and resolves to its handle; call `stop()` when done.
 * First stops instances whose owner process has died (`rgw.sh reap`: runs killed with SIGKILL).
 * Throws when `rgw.sh start` fails (its stderr, with the daemons' log tails, is in the message).
 */
export async function spawnRgw(options: StartRgwOptions = {}): Promise<RgwHandle> {
  const script = rgwScript();
  if (!existsSync(script)) throw new Error(`rgw.sh not found at ${script}`);
  const env = { ...process.env, S3KIT_RGW_OWNER_PID: String(process.pid), ...options.env };
  await runScript(['reap'], env, 60_000).catch(() => undefined);
  const { code, stdout, stderr } = await runScript(['start'], env, options.timeoutMs ?? 90_000);
  const vars = parseRgwEnv(stdout);
  const dir = vars['S3KIT_RGW_DIR'];
  if (code !== 0 || !dir) {
    if (dir) await runScript(['stop', dir], env, 30_000).catch(() => undefined);
    throw new Error(`rgw.sh start failed (exit ${code}):\n${stderr.trim()}`);
  }
  running.add(dir);
  installExitHook();
  const base = rgwFromEnv(vars);
  if (!base) throw new Error(`rgw.sh start printed no S3KIT_RGW_ENDPOINT:\n${stdout}`);
  let stopping: Promise<void> | undefined;
  return {
    ...base,
    stop() {
      stopping ??= runScript(['stop', dir], env, 30_000).then(({ code: c, stderr: e }) => {
        running.delete(dir);
        if (c !== 0) throw new Error(`rgw.sh stop ${dir} failed (exit ${c}):\n${e.trim()}`);
      });
      return stopping;
    },
  };
}

/**
 * Why no RGW can be had here, or undefined when one can: one is given through
 * `S3KIT_RGW_ENDPOINT`, or the binaries are installed. `S3KIT_RGW=0` disables RGW tests.
 */
export function rgwUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['S3KIT_RGW_ENDPOINT']) return undefined;
  if (env['S3KIT_RGW'] === '0') return 'RGW tests disabled by S3KIT_RGW=0';
  const missing = missingRgwBinaries();
  if (missing.length > 0) {
    return `Ceph RGW is not installed (missing: ${missing.join(', ')}); run \`bash tooling/ceph-rgw/rgw.sh install\` or set S3KIT_RGW_ENDPOINT`;
  }
  return undefined;
}

/**
 * The RGW for this test file: the one in `S3KIT_RGW_ENDPOINT` if set (global setup or CI), else a
 * fresh one started with `rgw.sh` if Ceph is installed, else undefined (skip). Under CI
 * (`CI` set) an unavailable RGW throws instead, so that CI fails rather than skips. A failing
 * start always throws.
 */
export async function startRgw(options: StartRgwOptions = {}): Promise<RgwHandle | undefined> {
  const given = rgwFromEnv();
  if (given) return given;
  const reason = rgwUnavailableReason();
  if (reason !== undefined) {
    if (isCi() && process.env['S3KIT_RGW'] !== '0') {
      throw new Error(`CI is set but no Ceph RGW is available: ${reason}`);
    }
    return undefined;
  }
  return spawnRgw(options);
}

/**
 * A Ceph RGW of this file's own, even when the run shares one (`S3KIT_RGW_ENDPOINT`): for tests
 * that leave radosgw in a state other suites must not see. After any S3 Select request, radosgw
 * 16.2 refuses every browser POST form (400 "Malformed JSON", or it closes the connection), so
 * Select tests use this. Small memstore; stop it in `afterAll` with a long timeout (a clean stop writes the memstore out). Skips or, under CI, throws as
 * `rgwOrSkip()` does.
 */
export async function privateRgwOrSkip(options: StartRgwOptions = {}): Promise<RgwAvailability> {
  const { S3KIT_RGW_ENDPOINT: _shared, ...env } = process.env;
  const why = rgwUnavailableReason(env);
  if (why === undefined) {
    const rgw = await spawnRgw({ ...options, env: { S3KIT_RGW_MEMSTORE_BYTES: String(512 * 1024 * 1024), ...options.env } });
    return { rgw, reason: '' };
  }
  if (isCi() && process.env['S3KIT_RGW'] !== '0') throw new Error(`CI is set but no Ceph RGW is available: ${why}`);
  const reason = `(skipped: ${why})`;
  process.stderr.write(`[s3kit] ${reason}\n`);
  return { rgw: undefined, reason };
}

/**
 * `startRgw()` plus the reason to show when skipping. Use with top-level await:
 *
 * ```ts
 * const { rgw, reason } = await rgwOrSkip();
 * afterAll(() => rgw?.stop());
 * describe.skipIf(!rgw)(`against Ceph RGW ${reason}`, () => { ... });
 * ```
 */
export async function rgwOrSkip(options: StartRgwOptions = {}): Promise<RgwAvailability> {
  const rgw = await startRgw(options);
  if (rgw) return { rgw, reason: '' };
  const reason = `(skipped: ${rgwUnavailableReason() ?? 'unavailable'})`;
  process.stderr.write(`[s3kit] ${reason}\n`);
  return { rgw: undefined, reason };
}
