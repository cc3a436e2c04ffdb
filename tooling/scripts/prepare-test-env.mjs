#!/usr/bin/env node
// Installs what the test suite needs beyond npm packages, from Debian's apt: Ceph RGW (a real S3
// server, tooling/ceph-rgw/rgw.sh), awscli + s3cmd + python3-boto3 + minio-py's dependencies (py-clients.sh) and Chromium
// (chromium.sh), tmux + rclone for the command line's terminal test and benchmarks (cli-tools.sh), all through tooling/scripts/apt.sh. Runs before `pnpm test`.
//
// - CI (or S3KIT_RGW=1): install, and fail loudly if it cannot.
// - Elsewhere: install when we can (root with apt-get); otherwise say that the RGW tests will
//   skip and how to get them. S3KIT_RGW=0 skips this step entirely.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const env = process.env;
const ci = env.CI !== undefined && !['', '0', 'false'].includes(env.CI.toLowerCase());
const want = env.S3KIT_RGW;
const script = fileURLToPath(new URL('../ceph-rgw/rgw.sh', import.meta.url));
const log = (msg) => process.stderr.write(`[s3kit] ${msg}\n`);

if (want === '0' && !ci) {
  log('S3KIT_RGW=0: not installing Ceph RGW; tests that need a real S3 server will skip.');
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
const required = ci || want === '1';

if (!isRoot || !hasApt) {
  const why = !hasApt ? 'apt-get is not available' : 'not running as root';
  if (required) {
    log(`cannot install Ceph RGW (${why}), but CI / S3KIT_RGW=1 requires it.`);
    process.exit(1);
  }
  log(`not installing Ceph RGW (${why}); tests that need a real S3 server will skip unless it is installed.`);
  process.exit(0);
}

const started = Date.now();
const res = spawnSync('bash', [script, 'install'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (res.status !== 0) {
  log(`Ceph RGW install failed (exit ${res.status}).`);
  process.exit(required ? 1 : 0);
}
log(`Ceph RGW ready to start (install step ${Date.now() - started} ms).`);

// The gateway's real-client tests also drive awscli, boto3 and minio-py (vendored; its dependencies are Debian's packages), same rules.
const py = spawnSync('bash', [fileURLToPath(new URL('./py-clients.sh', import.meta.url)), 'install'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (py.status !== 0) {
  log(`awscli/python3-boto3/minio-py dependencies install failed (exit ${py.status}).`);
  process.exit(required ? 1 : 0);
}

// The upload page's browser tests drive Debian's Chromium (playwright-core, executablePath), same rules.
const chromium = spawnSync('bash', [fileURLToPath(new URL('./chromium.sh', import.meta.url)), 'install'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (chromium.status !== 0) {
  log(`chromium install failed (exit ${chromium.status}); the upload page's browser tests will skip.`);
  process.exit(required ? 1 : 0);
}

// The command line's terminal test drives tmux; its benchmarks rclone and awscli; same rules.
const cliTools = spawnSync('bash', [fileURLToPath(new URL('./cli-tools.sh', import.meta.url)), 'install'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (cliTools.status !== 0) {
  log(`tmux/rclone install failed (exit ${cliTools.status}); the command line's terminal test will skip.`);
  process.exit(required ? 1 : 0);
}
