import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, builtMain, pnpmCommand, startBuilt } from './support/built-program.js';

// The deployment files next to the program: the systemd unit passes `systemd-analyze verify`
// (with ExecStart pointing at the built program) and its hardening scores as systemd rates it;
// the Containerfile is multi-stage, runs as a non-root user with /data as a volume, the copy its
// build stage deploys serves, and its HEALTHCHECK command reports a running gateway healthy. The
// image itself is not built here: this
// machine reaches no container registry for the node base image and crun cannot set rlimits in
// its sandbox (see docs/gateway/deployment.md).
const deploy = fileURLToPath(new URL('../deploy/', import.meta.url));
const containerfile = readFileSync(fileURLToPath(new URL('../Containerfile', import.meta.url)), 'utf8');
const aptScript = fileURLToPath(new URL('../../../tooling/scripts/apt.sh', import.meta.url));
const ANALYZE = '/usr/bin/systemd-analyze';
const root = fileURLToPath(new URL('../../..', import.meta.url));
let dir: string;

beforeAll(() => {
  // systemd-analyze is Debian's `systemd` package, installed by the project's apt script when missing.
  if (!existsSync(ANALYZE)) execFileSync('bash', [aptScript, 'install', 'systemd'], { stdio: ['ignore', 'ignore', 'inherit'] });
  buildProgram();
  dir = mkdtempSync(join(tmpdir(), 's3kit-gwdeploy-'));
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example unit with ExecStart at the built program (verify checks that the command exists). */
function unitFile(edit: (text: string) => string = (t) => t): string {
  const text = readFileSync(join(deploy, 's3kit-gateway.service'), 'utf8').replace('/usr/local/bin/s3kit-gateway', builtMain);
  const file = join(dir, 's3kit-gateway.service');
  writeFileSync(file, edit(text));
  return file;
}

describe('apps/gateway/deploy/s3kit-gateway.service', () => {
  it('passes systemd-analyze verify without a warning', () => {
    const r = spawnSync(ANALYZE, ['verify', unitFile()], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The check is live: a misspelt option and a bad value are reported.
    const bad = spawnSync(ANALYZE, ['verify', unitFile((t) => t.replace('NoNewPrivileges=yes', 'NoNewPrivilegs=yes').replace('ProtectSystem=strict', 'ProtectSystem=sometimes'))], {
      encoding: 'utf8',
    });
    expect(bad.stderr).toContain("Unknown key 'NoNewPrivilegs'");
    expect(bad.stderr).toContain('Failed to parse protect system value');
  });

  it('is hardened: systemd-analyze security rates its exposure below 2 (of 10, "OK")', () => {
    const r = spawnSync(ANALYZE, ['security', '--offline=yes', '--no-pager', unitFile()], { encoding: 'utf8' });
    const level = /Overall exposure level for s3kit-gateway\.service: (\d+(?:\.\d+)?)/.exec(r.stdout)?.[1];
    expect(level, r.stdout + r.stderr).toBeDefined();
    expect(Number(level)).toBeLessThan(2);
  });
});

describe('apps/gateway/Containerfile', () => {
  it('is multi-stage, non-root, with /data as a volume and the program as its entry point', () => {
    expect(containerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(containerfile).toMatch(/^FROM \S+ AS build$/m);
    expect(containerfile).toMatch(/^COPY --from=build \/out \/app$/m);
    expect(containerfile).toMatch(/^USER node$/m);
    expect(containerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(containerfile).toMatch(/S3KIT_GATEWAY_DATA_DIR=\/data/);
    expect(containerfile).toMatch(/^ENTRYPOINT \["node", "\/app\/dist\/main\.js"\]$/m);
  });

  it("its build stage's pnpm deploy makes a self-contained copy that serves", async () => {
    const deployCmd = /pnpm (--filter s3kit-gateway deploy .*) \/out$/m.exec(containerfile)?.[1];
    expect(deployCmd).toBeDefined();
    const out = join(dir, 'out');
    const [cmd, ...args] = pnpmCommand();
    execFileSync(cmd!, [...args, ...deployCmd!.split(' '), out], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    expect(readFileSync(join(out, 'package.json'), 'utf8')).toContain('"name": "s3kit-gateway"');
    const p = startBuilt(['--data-dir', join(dir, 'deployed-data'), '--port', '0', '--admin-port', '-1'], { cwd: out, entry: join(out, 'dist/main.js') });
    try {
      expect((await fetch(`${await p.endpoint}/some-bucket/key`)).status).toBe(403);
    } finally {
      expect(await p.stop()).toBe(0);
    }
  }, 360_000);

  it('its HEALTHCHECK command reports a running gateway healthy through /healthz, and a stopped one unhealthy', async () => {
    const cmd = /^\s*CMD \["node", "-e", "(.+)"\]$/m.exec(containerfile)?.[1];
    expect(cmd).toContain('/healthz');
    const p = startBuilt(['--data-dir', join(dir, 'data'), '--port', '0', '--admin-port', '0']);
    await p.endpoint;
    const admin = /admin: +(http:\/\/[0-9.:]+)\//.exec(p.out())?.[1];
    expect(admin).toBeDefined();
    const check = (): number | null => spawnSync(process.execPath, ['-e', cmd!.replace('http://127.0.0.1:9001', admin!)]).status;
    try {
      expect(check()).toBe(0);
    } finally {
      expect(await p.stop()).toBe(0);
    }
    expect(check()).toBe(1);
  }, 60_000);
});
