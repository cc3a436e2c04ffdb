/**
 * `pnpm --filter s3kit bench`: wall time of s3kit (its bin, the bundled dist/s3kit.js) next to `aws s3 cp`/`aws s3 sync`
 * (awscli) and `rclone copyto`/`copy`, each with its default settings, in the same run against the
 * same server: the s3kit gateway program on its embedded store on 127.0.0.1 (its own process).
 * Rows: one large file (2 GiB) up and down, many small files (2,000) up and down. Rounds are
 * interleaved with the contenders' order rotated; the table shows medians and the others' time
 * over s3kit's (above 1: s3kit is faster). awscli and rclone come from Debian
 * (tooling/scripts/cli-tools.sh); a missing one is left out of the table.
 * Env: BENCH_CLI_BIG_MIB (2048), BENCH_CLI_FILES (2000), BENCH_CLI_ROUNDS (3).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { S3Client } from '@s3kit/client';

const exec = promisify(execFile);
const MiB = 1024 * 1024;
const BIG_MIB = Number(process.env['BENCH_CLI_BIG_MIB'] ?? 2048);
const FILES = Number(process.env['BENCH_CLI_FILES'] ?? 2000);
const ROUNDS = Number(process.env['BENCH_CLI_ROUNDS'] ?? 3);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(root, 'packages/cli/dist/s3kit.js');
const GATEWAY = join(root, 'apps/gateway/dist/main.js');
const KEYS = { accessKeyId: 'AKIABENCHCLI00000001', secretAccessKey: 'bench-cli-secret-key-000000000000000000' };
const BUCKET = 'bench-cli';
/** Debian's awscli (tooling/scripts/cli-tools.sh), not another one earlier on PATH. */
const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** The gateway program over a fresh embedded store, in its own process. */
async function startGateway(dir: string): Promise<{ endpoint: string; stop(): void }> {
  execFileSync(process.execPath, [join(root, 'node_modules/turbo/bin/turbo'), 'run', 'build', '--filter=s3kit-gateway...', '--filter=s3kit...', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  });
  const config = join(dir, 'gateway.json');
  writeFileSync(
    config,
    JSON.stringify({ identities: [{ name: 'bench', ...KEYS, allow: [{ bucket: '*', access: 'readwrite' }] }], upstreams: { default: { type: 'local', dir: join(dir, 'store') } } }),
  );
  const port = await freePort();
  const child = spawn(process.execPath, [GATEWAY, '--config', config, '--port', String(port), '--admin-port=-1', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(endpoint).then(
        () => true,
        () => false,
      )
    )
      return { endpoint, stop: () => child.kill() };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('the gateway did not start');
}

interface Contender {
  name: string;
  env: Record<string, string>;
  upFile(file: string, key: string): string[];
  downFile(key: string, file: string): string[];
  upTree(dir: string, prefix: string): string[];
  downTree(prefix: string, dir: string): string[];
}

function contenders(endpoint: string, home: string): Contender[] {
  const base = { PATH: process.env['PATH'] ?? '', HOME: home };
  const aws = [AWS, '--endpoint-url', endpoint, 's3'];
  const all: Contender[] = [
    {
      name: 's3kit',
      env: { ...base, S3KIT_CONFIG_DIR: join(home, 's3kit'), AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: endpoint },
      upFile: (f, k) => [process.execPath, CLI, 'cp', '-q', f, `aws/${BUCKET}/${k}`],
      downFile: (k, f) => [process.execPath, CLI, 'cp', '-q', `aws/${BUCKET}/${k}`, f],
      upTree: (d, p) => [process.execPath, CLI, 'sync', '-q', d, `aws/${BUCKET}/${p}`],
      downTree: (p, d) => [process.execPath, CLI, 'sync', '-q', `aws/${BUCKET}/${p}`, d],
    },
    {
      name: 'aws s3',
      env: {
        ...base,
        AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: join(home, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
      },
      upFile: (f, k) => [...aws, 'cp', '--only-show-errors', f, `s3://${BUCKET}/${k}`],
      downFile: (k, f) => [...aws, 'cp', '--only-show-errors', `s3://${BUCKET}/${k}`, f],
      upTree: (d, p) => [...aws, 'sync', '--only-show-errors', d, `s3://${BUCKET}/${p}`],
      downTree: (p, d) => [...aws, 'sync', '--only-show-errors', `s3://${BUCKET}/${p}`, d],
    },
    {
      name: 'rclone',
      env: {
        ...base,
        RCLONE_CONFIG: join(home, 'rclone.conf'),
        RCLONE_CONFIG_GW_TYPE: 's3',
        RCLONE_CONFIG_GW_PROVIDER: 'Other',
        RCLONE_CONFIG_GW_ENDPOINT: endpoint,
        RCLONE_CONFIG_GW_ACCESS_KEY_ID: KEYS.accessKeyId,
        RCLONE_CONFIG_GW_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
        RCLONE_CONFIG_GW_REGION: 'us-east-1',
      },
      upFile: (f, k) => ['rclone', 'copyto', f, `gw:${BUCKET}/${k}`],
      downFile: (k, f) => ['rclone', 'copyto', `gw:${BUCKET}/${k}`, f],
      upTree: (d, p) => ['rclone', 'copy', d, `gw:${BUCKET}/${p}`],
      downTree: (p, d) => ['rclone', 'copy', `gw:${BUCKET}/${p}`, d],
    },
  ];
  return all.filter((c) => (c.name === 's3kit' ? true : c.name === 'rclone' ? has('rclone', ['version']) : has(AWS, ['--version'])));
}

/** Seconds one command takes (it must succeed). */
async function timed(argv: string[], env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  await exec(argv[0]!, argv.slice(1), { env, maxBuffer: 64 * MiB });
  return (performance.now() - t0) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const work = mkdtempSync(join(tmpdir(), 's3kit-cli-bench-'));
const gw = await startGateway(work);
const s3 = new S3Client({ endpoint: gw.endpoint, accessKey: KEYS.accessKeyId, secretKey: KEYS.secretAccessKey, region: 'us-east-1' });
try {
  await s3.makeBucket(BUCKET);
  const big = join(work, 'big.bin');
  const fd = openSync(big, 'w');
  const block = Buffer.allocUnsafe(4 * MiB);
  for (let i = 0; i < BIG_MIB / 4; i++) writeSync(fd, randomFillSync(block));
  closeSync(fd);
  const tree = join(work, 'tree');
  for (let i = 0; i < FILES; i++) {
    const dir = join(tree, `d${i % 20}`);
    if (i < 20) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.dat`), randomFillSync(Buffer.alloc(1024 + ((i * 7919) % 15360))));
  }
  const cs = contenders(gw.endpoint, work);
  const rows = [`${BIG_MIB >= 1024 ? `${BIG_MIB / 1024} GiB` : `${BIG_MIB} MiB`} file up`, 'file down', `${FILES.toLocaleString('en')} files up`, 'files down'] as const;
  const times = new Map<string, number[]>();
  const add = (row: string, c: string, s: number): void => {
    times.set(`${row}|${c}`, [...(times.get(`${row}|${c}`) ?? []), s]);
    process.stderr.write(`  ${row}: ${c} ${s.toFixed(2)} s\n`);
  };
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...cs.slice(round % cs.length), ...cs.slice(0, round % cs.length)];
    for (const c of order) {
      const tag = `${c.name.replace(/\W/g, '')}-${round}`;
      add(rows[0], c.name, await timed(c.upFile(big, `${tag}.bin`), c.env));
      const back = join(work, `${tag}.back`);
      add(rows[1], c.name, await timed(c.downFile(`${tag}.bin`, back), c.env));
      rmSync(back);
      await s3.removeObject(BUCKET, `${tag}.bin`);
      add(rows[2], c.name, await timed(c.upTree(tree, `${tag}/`), c.env));
      const down = join(work, `${tag}-tree`);
      add(rows[3], c.name, await timed(c.downTree(`${tag}/`, down), c.env));
      rmSync(down, { recursive: true });
      const keys: string[] = [];
      for await (const o of s3.listObjects(BUCKET, { prefix: `${tag}/`, recursive: true })) if ('key' in o) keys.push(o.key);
      for await (const failed of s3.removeObjects(BUCKET, keys)) throw new Error(`${failed.key}: ${failed.message}`);
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const others = cs.filter((c) => c.name !== 's3kit').map((c) => c.name);
  console.log(`\ns3kit vs ${others.join(', ')} — gateway on the embedded store, 127.0.0.1; each tool's defaults; median of ${ROUNDS} interleaved rounds (s)\n`);
  console.log(`| | ${cs.map((c) => c.name).join(' | ')} | ${others.map((o) => `${o} / s3kit`).join(' | ')} |`);
  console.log(`|---|${cs.map(() => '---:').join('|')}|${others.map(() => '---:').join('|')}|`);
  for (const row of rows) {
    const m = new Map(cs.map((c) => [c.name, median(times.get(`${row}|${c.name}`)!)]));
    console.log(`| ${row} | ${cs.map((c) => m.get(c.name)!.toFixed(2)).join(' | ')} | ${others.map((o) => `${(m.get(o)! / m.get('s3kit')!).toFixed(2)}×`).join(' | ')} |`);
  }
} finally {
  await s3.close();
  gw.stop();
  rmSync(work, { recursive: true, force: true });
}
