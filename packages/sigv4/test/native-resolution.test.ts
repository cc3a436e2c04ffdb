import { fileURLToPath } from 'node:url';
import { bundleWeight } from '@s3kit/test-utils';
import { describe, expect, it } from 'vitest';
import { nativeCrc32, nativeDefault } from '../src/native.browser.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const APP = "export { defaultCrypto, createChecksum, nativeCrypto } from '@s3kit/sigv4';";

// `#native` (package.json `imports`): browser bundles take the stub, which carries neither the
// node:crypto provider nor the probes; Workers bundles (wrangler adds `workerd`, `worker` before
// `browser`) keep the probe, since Workers with nodejs_compat have process.getBuiltinModule.
describe('#native resolution', () => {
  it.each([
    ['a browser bundler', [], 'src/native.browser.ts'],
    ['Cloudflare Workers (wrangler)', ['workerd', 'worker'], 'src/native.ts'],
  ])('%s (extra conditions %j) bundles %s', async (_, conditions, expected) => {
    const w = await bundleWeight(APP, PACKAGE_DIR, { conditions: [...conditions, '@s3kit/source'] });
    // Paths relative to the package, wherever vitest runs from.
    const files = w.inputs.map(([file]) => file.replace(/^.*?(?=src\/)/, ''));
    expect(files.filter((f) => /^src\/native(\.browser)?\.ts$/.test(f))).toEqual([expected]);
    // nativeCrypto stays exported (and bundled when imported) either way.
    expect(files).toContain('src/native-crypto.ts');
  });

  it('the browser stub finds nothing, so the defaults are noble and the table CRC32', () => {
    expect(nativeDefault()).toBeNull();
    expect(nativeCrc32()).toBeNull();
  });
});
