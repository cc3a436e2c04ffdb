import type { CryptoProvider } from './crypto.js';
import type { NativeCrc32 } from './native.js';

// `#native` for browser bundles (package.json `imports`, condition `browser`): a browser has no
// `process.getBuiltinModule`, so ./native.ts would find nothing there; this finds nothing without
// carrying the native provider and the probes. Workers bundles (`workerd`, `worker`) keep ./native.ts.

/** No native provider in a browser. */
export function nativeDefault(): CryptoProvider | null {
  return null;
}

/** No zlib in a browser. */
export function nativeCrc32(): NativeCrc32 | null {
  return null;
}
