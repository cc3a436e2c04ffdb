// What the runtime offers beyond the Web APIs, found without importing it: Node, Bun and Deno expose
// `process.getBuiltinModule`; browsers and Workers do not, and get `undefined` (the portable path).
// Runtime-neutral module (no `node:` import), as `@s3kit/sigv4`'s `defaultCrypto()`.

/** A Node built-in module (`'node:crypto'`, `'node:events'`) when the runtime has one, else `undefined`. */
export function nodeBuiltin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return (proc?.getBuiltinModule?.(id) as T | undefined) ?? undefined;
  } catch {
    return undefined;
  }
}

const events = nodeBuiltin<{ setMaxListeners?: (n: number, ...targets: EventTarget[]) => void }>('node:events');

/** Lifts Node's listener-count warning on a signal every part in flight listens on (a no-op elsewhere). */
export function unlimitedListeners(signal: AbortSignal): void {
  events?.setMaxListeners?.(0, signal);
}
