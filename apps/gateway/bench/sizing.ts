// Sizing figure for docs/gateway/deployment.md: one built s3kit-gateway process in front of a
// fresh Ceph RGW, driven by @s3kit/client (8 requests in flight): 1 MiB PUT and GET, 1 KiB GET.
// Reports wall-clock rates and the rates per second of gateway CPU (its process's user+system
// time), which is what sizes instances per core. Run: npx tsx apps/gateway/bench/sizing.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@s3kit/client';
import { spawnRgw } from '@s3kit/test-utils';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const CONCURRENCY = 8;
const KEY = { accessKeyId: 'SIZING', secretAccessKey: 'sizing-secret' };

const freePort = (): Promise<number> =>
  new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => r(port));
    });
  });

/** User+system CPU seconds of a process (and of the one it relaunched itself as). */
function cpuSeconds(pid: number): number {
  let total = 0;
  for (const p of [pid, ...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)]) {
    const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

async function phase(name: string, count: number, bytes: number, op: (i: number) => Promise<void>, pid?: number): Promise<void> {
  const cpu0 = pid === undefined ? 0 : cpuSeconds(pid);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await op(next++);
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = pid === undefined ? Number.NaN : cpuSeconds(pid) - cpu0;
  const mb = (count * bytes) / 1e6;
  console.log(
    JSON.stringify({
      phase: name,
      requests: count,
      wallS: +wall.toFixed(2),
      gatewayCpuS: +cpu.toFixed(2),
      reqPerS: Math.round(count / wall),
      mbPerS: +(mb / wall).toFixed(1),
      reqPerCpuS: Math.round(count / cpu),
      mbPerCpuS: +(mb / cpu).toFixed(1),
    }),
  );
}

async function suite(label: string, s3: S3Client, bucket: string, pid?: number): Promise<void> {
  console.log(`# ${label}`);
  const mib = Buffer.alloc(1 << 20, 7);
  const kib = Buffer.alloc(1024, 7);
  await s3.makeBucket(bucket);
  await s3.putObject(bucket, 'small', kib);
  await phase('PUT 1 MiB', 200, mib.length, async (i) => void (await s3.putObject(bucket, `big-${i}`, mib)), pid);
  await phase('GET 1 MiB', 200, mib.length, async (i) => void (await (await s3.getObject(bucket, `big-${i}`)).arrayBuffer()), pid);
  await phase('GET 1 KiB', 3000, kib.length, async () => void (await (await s3.getObject(bucket, 'small')).arrayBuffer()), pid);
}

const rgw = await spawnRgw();
const dir = mkdtempSync(join(tmpdir(), 's3kit-sizing-'));
const port = await freePort();
const config = join(dir, 'gateway.json');
writeFileSync(
  config,
  JSON.stringify({
    listen: { port },
    admin: null,
    identities: [{ ...KEY, allow: [{ bucket: '*', access: 'readwrite' }] }],
    upstreams: {
      default: { type: 's3', endpoint: rgw.endpoint, region: rgw.region, credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey }, profile: { checksumHeaders: false } },
    },
  }),
);
// The access log is on (info, to a discarded stdout) as in production.
const gw = spawn(process.execPath, [MAIN, '--config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
try {
  console.log(`# ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; client, gateway and RGW on this machine`);
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(endpoint).then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const run = Date.now().toString(36);
  const direct = new S3Client({ endpoint: rgw.endpoint, accessKey: rgw.accessKeyId, secretKey: rgw.secretAccessKey, region: rgw.region });
  const through = new S3Client({ endpoint, accessKey: KEY.accessKeyId, secretKey: KEY.secretAccessKey, region: 'us-east-1' });
  await suite('RGW directly', direct, `direct-${run}`);
  await suite('through 1 s3kit-gateway process', through, `gateway-${run}`, gw.pid!);
  await Promise.all([direct.close(), through.close()]);
} finally {
  gw.kill('SIGTERM');
  await new Promise((r) => gw.once('exit', r));
  await rgw.stop();
  rmSync(dir, { recursive: true, force: true });
}
