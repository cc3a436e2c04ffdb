import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS, GATEWAY_PROCESS_ENV, nodeFlagsMissing, processSettingsMissing } from '@s3kit/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProgram, type Program } from './support/program.js';

// The program applies the process settings it needs (glibc malloc thresholds) by running itself
// again once with them: the serving process has them, the launcher relays signals and exits as it
// does, and the serving process never outlives the launcher.
const glibcLinux = Object.keys(processSettingsMissing({})).length > 0;

let dir: string;
let cfg: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwlaunch-'));
  cfg = join(dir, 'gw.yaml');
  await writeFile(cfg, ['listen: { port: 0 }', 'admin: null', 'identities: []', 'upstreams:', `  default: { type: local, dir: ${join(dir, 'store')}, fsync: false }`].join('\n'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function run(env: NodeJS.ProcessEnv): Program {
  // This process's environment without the settings (unless the case sets them).
  const clean = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([k, v]) => v !== undefined && !(k in GATEWAY_PROCESS_ENV && !(k in env))));
  return startProgram(['--config', cfg], clean);
}

/** The pids of a process's children (Linux). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
}

function cmdlineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

function environOf(pid: number): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('GATEWAY_NODE_FLAGS', () => {
  it('are missing unless given, with any value and either spelling', () => {
    expect(GATEWAY_NODE_FLAGS).toEqual(['--min-semi-space-size=8', '--max-semi-space-size=8', '--initial-old-space-size=48']);
    expect(nodeFlagsMissing([])).toEqual([...GATEWAY_NODE_FLAGS]);
    expect(nodeFlagsMissing(['--inspect', '--min-semi-space-size=8'])).toEqual(['--max-semi-space-size=8', '--initial-old-space-size=48']);
    expect(nodeFlagsMissing(['--min_semi_space_size=2', '--max-semi-space-size=32', '--initial_old_space_size=64'])).toEqual([]);
  });
});

describe.runIf(glibcLinux)('s3kit-gateway process settings (glibc Linux)', () => {
  it('serves from a process with GATEWAY_PROCESS_ENV, relays SIGTERM and exits 0 with it', async () => {
    const p = run({});
    const endpoint = await p.endpoint;
    const [server] = childrenOf(p.child.pid!);
    expect(server).toBeDefined();
    expect(environOf(server!)).toMatchObject({ ...GATEWAY_PROCESS_ENV, S3KIT_GATEWAY_PROCESS_SETTINGS: 'applied' });
    expect(cmdlineOf(server!)).toEqual(expect.arrayContaining([...GATEWAY_NODE_FLAGS]));
    expect((await fetch(`${endpoint}/`)).status).toBe(403);
    const exited = new Promise<number | null>((r) => p.child.once('exit', r));
    p.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(alive(server!)).toBe(false);
  }, 60_000);

  it("keeps an operator's own value, and runs as started with S3KIT_GATEWAY_PROCESS_SETTINGS=off", async () => {
    const own = run({ MALLOC_TRIM_THRESHOLD_: '1048576' });
    await own.endpoint;
    const [server] = childrenOf(own.child.pid!);
    expect(environOf(server!)).toMatchObject({ MALLOC_TRIM_THRESHOLD_: '1048576', MALLOC_TOP_PAD_: GATEWAY_PROCESS_ENV['MALLOC_TOP_PAD_'] });
    // The launcher killed outright: the serving process drains and goes too.
    own.child.kill('SIGKILL');
    for (let i = 0; i < 200 && alive(server!); i++) await new Promise((r) => setTimeout(r, 25));
    expect(alive(server!)).toBe(false);

    const off = run({ S3KIT_GATEWAY_PROCESS_SETTINGS: 'off' });
    expect((await fetch(`${await off.endpoint}/`)).status).toBe(403);
    expect(childrenOf(off.child.pid!)).toEqual([]);
    const exited = new Promise<number | null>((r) => off.child.once('exit', r));
    off.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
