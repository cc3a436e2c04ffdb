// The transport loads undici's dispatchers from their own modules, not undici's index (fetch,
// WebSocket, mocks: ~10 MB of RSS it never uses), and they are the very classes the index exports.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as undici from 'undici';
import { describe, expect, it } from 'vitest';
import { Agent, EnvHttpProxyAgent, ProxyAgent } from '../src/undici-dispatchers.js';
import { createTransport } from '../src/index.js';

describe('undici dispatchers', () => {
  it('are the classes undici exports, with the request API on every dispatcher', async () => {
    expect([Agent, ProxyAgent, EnvHttpProxyAgent]).toEqual([undici.Agent, undici.ProxyAgent, undici.EnvHttpProxyAgent]);
    const t = createTransport({ proxy: false });
    expect(t.dispatcher).toBeInstanceOf(undici.Dispatcher);
    expect(typeof (t.dispatcher as undici.Dispatcher).request).toBe('function');
    await t.close();
  });

  it("importing the package does not load undici's index", () => {
    const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const script = `import(${JSON.stringify(entry)}).then((m) => { m.createTransport({ proxy: false }); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /undici[\\\\/](index|lib[\\\\/]web[\\\\/]fetch)/.test(f)))); });`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual([]);
  });
});
