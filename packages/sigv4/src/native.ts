import type { CryptoProvider } from './crypto.js';
import { nativeCrypto, type NodeCryptoLike } from './native-crypto.js';

// The runtime's own modules, found through `process.getBuiltinModule` (Node, Bun, Deno, Workers
// with nodejs_compat), so nothing here imports from Node. Browser bundles resolve `#native` to
// ./native.browser.ts instead (package.json `imports`), which finds nothing and carries none of this.

function builtin(id: string): unknown {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.(id);
  } catch {
    return undefined;
  }
}

let native: CryptoProvider | null | undefined;

/** The runtime's node:crypto provider, or null. Computed once. */
export function nativeDefault(): CryptoProvider | null {
  if (native === undefined) {
    const mod = builtin('node:crypto') as NodeCryptoLike | undefined;
    native = mod && typeof mod.createHmac === 'function' ? nativeCrypto(mod) : null;
  }
  return native;
}

/** `zlib.crc32(data, value)`. */
export type NativeCrc32 = (data: Uint8Array, value?: number) => number;

let crc32: NativeCrc32 | null | undefined;

/** `zlib.crc32` (Node >= 20.15, Bun, Deno's Node layer) when it computes CRC32 right, or null. Computed once. */
export function nativeCrc32(): NativeCrc32 | null {
  if (crc32 === undefined) {
    const z = builtin('node:zlib') as { crc32?: NativeCrc32 } | undefined;
    try {
      crc32 = typeof z?.crc32 === 'function' && z.crc32(new Uint8Array([49, 50, 51, 52, 53, 54, 55, 56, 57])) === 0xcbf43926 ? z.crc32 : null;
    } catch {
      crc32 = null;
    }
  }
  return crc32;
}
