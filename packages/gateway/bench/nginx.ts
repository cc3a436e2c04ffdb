// nginx 1.22 (Debian's nginx-light, installed through tooling/scripts/apt.sh) as the native
// reference hop of the proxy bench: one process (master_process off) with a temp prefix and
// config, response and request buffering off and 64 KiB buffers, keep-alive to the sink.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const APT = fileURLToPath(new URL('../../../tooling/scripts/apt.sh', import.meta.url));
const NGINX = '/usr/sbin/nginx';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function listening(port: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => (c.end(), resolve(true))).once('error', () => resolve(false));
    });
    if (ok) return true;
  }
  return false;
}

/** Starts nginx in front of the sink on `upstreamPort`; undefined (with the reason) when it cannot be installed or started. */
export async function startNginx(upstreamPort: number): Promise<{ child: ChildProcess; port: number; stop(): void } | { reason: string }> {
  const install = spawnSync('bash', [APT, 'install', 'nginx-light'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (install.status !== 0) return { reason: `nginx-light not installed: ${install.stderr.trim().split('\n').pop() ?? ''}` };
  const dir = mkdtempSync(join(tmpdir(), 's3kit-bench-nginx-'));
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t};`).join(' ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; master_process off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off; ${temp}
  upstream sink { server 127.0.0.1:${upstreamPort}; keepalive 32; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 0; client_body_buffer_size 64k;
    proxy_request_buffering off; proxy_buffering off; proxy_buffer_size 64k; proxy_buffers 4 64k;
    location / { proxy_pass http://sink; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`,
  );
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = (): void => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  if (!(await listening(port, 5000))) {
    stop();
    return { reason: 'nginx did not start listening' };
  }
  return { child, port, stop };
}
