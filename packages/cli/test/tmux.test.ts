// The progress bar as a person sees it: the installed binary typed into a tmux pane (send-keys),
// the screen read back (capture-pane) while it runs: the total's percentage moves, and the pane
// ends with the per-file line, the summary and the shell's exit status.
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, bucketName, cleanBucket, gatewayServer, Home } from './cli.js';
import { randomFile } from './files.js';
import { countingProxy } from './proxy.js';

const MiB = 1024 * 1024;
const exec = promisify(execFile);
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasTmux)('progress bar in tmux (tooling/scripts/cli-tools.sh installs it)', () => {
  it('moves while uploading and ends with the summary line', async () => {
    const server = await gatewayServer();
    // 16 MiB/s: a 48 MiB upload takes ~3 s, long enough to watch.
    const proxy = await countingProxy(server.endpoint, 16 * MiB);
    const home = await Home.create();
    const bucket = bucketName('tmux');
    const socket = join(home.dir, 'tmux.sock');
    const tmux = (...args: string[]) => exec('tmux', ['-S', socket, ...args], { env: home.env });
    try {
      await server.s3.makeBucket(bucket);
      const file = join(home.dir, 'f.bin');
      await randomFile(file, 48 * MiB);
      expect((await home.run(['alias', 'set', 't', proxy.endpoint, server.accessKey, server.secretKey])).code).toBe(0);
      await tmux('new-session', '-d', '-x', '100', '-y', '30', 'sh');
      await tmux('send-keys', `'${BIN}' cp --part-size 5MiB --concurrency 1 '${file}' t/${bucket}/f.bin; echo "exit=$?"`, 'Enter');
      const seen: number[] = [];
      let screen = '';
      for (let i = 0; i < 600 && !/^exit=\d+$/m.test(screen); i++) {
        screen = (await tmux('capture-pane', '-p')).stdout;
        const total = /^Total +\[[# ]+\] +(\d+)% .* ETA \d+:\d\d$/m.exec(screen);
        if (total) seen.push(Number(total[1]));
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(new Set(seen).size).toBeGreaterThan(2); // the bar moved
      expect(seen).toEqual([...seen].sort((a, b) => a - b)); // only forward
      expect(screen).toMatch(new RegExp(`f\\.bin -> t/${bucket}/f\\.bin \\(48 MiB\\)\\n1 file\\(s\\), 48 MiB in [\\d.]+ s \\([\\d.]+ [KM]iB/s\\)\\nexit=0$`, 'm'));
      expect(screen).not.toMatch(/^Total/m); // the bar is gone at the end
    } finally {
      await tmux('kill-server').catch(() => undefined);
      await cleanBucket(server.s3, bucket);
      await proxy.close();
      await server.close();
      await home.close();
    }
  });
});
