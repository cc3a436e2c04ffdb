import { spawn } from 'node:child_process';

/**
 * A node:http server in a child process (so `process.cpuUsage()` counts only client work): every
 * GET gets `bytes` of body with the headers S3 sends for GetObject.
 */
export async function startChildServer(bytes: number): Promise<{ origin: string; stop(): void }> {
  const code = `
    const http = require('node:http');
    const body = Buffer.alloc(${bytes}, 97);
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(body.length),
        etag: '"0123456789abcdef0123456789abcdef"',
        'last-modified': 'Mon, 23 Nov 2026 14:00:00 GMT',
        'x-amz-request-id': 'BENCH0000000000',
        'x-amz-id-2': 'benchhostid',
        'accept-ranges': 'bytes',
      });
      res.end(body);
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
  `;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}
