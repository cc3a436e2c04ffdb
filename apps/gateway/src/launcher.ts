import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { nodeFlagsMissing, processSettingsMissing } from '@s3kit/gateway';

/** Set in the relaunched process (and by an operator: `off` keeps the process as started). */
const MARK = 'S3KIT_GATEWAY_PROCESS_SETTINGS';
/** Signals the program handles (drain, reload): relayed to the relaunched process. */
const RELAYED = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * Applies the process settings the gateway needs (`GATEWAY_PROCESS_ENV`: glibc malloc
 * thresholds; `GATEWAY_NODE_FLAGS`: V8 heap sizing; both read only at process start) by running
 * this program again with them, once.
 * Returns `false` in the process that should serve (settings applied, nothing to apply, or
 * `S3KIT_GATEWAY_PROCESS_SETTINGS=off`); `true` in the launcher, which then only relays
 * SIGTERM/SIGINT/SIGHUP and exits as the relaunched process does. The relaunched process runs
 * in its own process group (a terminal's Ctrl-C reaches it once, through the launcher) and
 * drains and exits when the launcher goes away (IPC disconnect), so it never outlives it.
 */
export function relaunchWithProcessSettings(): boolean {
  const env = process.env;
  if (env[MARK] === 'applied') {
    // The channel only watches the launcher: it must not keep this process alive by itself.
    process.channel?.unref();
    process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    return false;
  }
  const missing = processSettingsMissing(env);
  const flags = nodeFlagsMissing();
  if (env[MARK] === 'off' || (Object.keys(missing).length === 0 && flags.length === 0)) return false;
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    env: { ...env, ...missing, [MARK]: 'applied' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  for (const s of RELAYED) process.on(s, () => child.kill(s));
  child.once('error', (err) => {
    process.stderr.write(`s3kit-gateway: cannot relaunch with its process settings: ${err.message}\n`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => process.exit(code ?? 128 + (signal === null ? 0 : constants.signals[signal])));
  return true;
}
