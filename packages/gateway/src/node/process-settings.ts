/**
 * Process settings the gateway needs, for the program that runs it to apply at start (the
 * `s3kit-gateway` launcher does). Every streamed MiB passes through ~16 fresh 64 KiB socket
 * buffers, which V8 frees in batches of about 32 MiB (a scavenge forced by the young
 * generation's external bytes, whatever its size); with glibc's default trim threshold
 * (128 KiB) `free` hands the top of the heap back to the kernel after each batch and the next
 * buffers fault fresh zeroed pages in (up to one minor page fault per 4 KiB: ~0.2–0.5 s of
 * system CPU per GiB). Keeping 32 MiB (plus a 16 MiB pad) mapped removes those faults. One
 * malloc arena: the buffers are the main thread's, and a second arena for V8's and libuv's
 * threads raised the peak RSS while streaming by about 8 MB, at the same CPU per GiB. glibc
 * reads these variables only when the process starts, so a running process cannot apply them to
 * itself: see `processSettingsMissing`.
 */
export const GATEWAY_PROCESS_ENV: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_TRIM_THRESHOLD_: String(32 * 1024 * 1024),
  MALLOC_TOP_PAD_: String(16 * 1024 * 1024),
  MALLOC_ARENA_MAX: '1',
});

/**
 * Node/V8 flags the gateway's process needs, for the program that runs it to apply at start (V8
 * sizes its heap then). A young generation fixed at 8 MiB per semi-space: growing from V8's
 * default 1 MiB, enough short-lived wrappers of streamed socket buffers reach the old generation;
 * grown to 16 MiB after a burst of small requests, it is larger than the old generation's
 * headroom and V8 starts marking over and over. An initial old generation of 48 MiB: the
 * gateway's own is ~10 MiB, and from limits sized on that, the buffers in flight while streaming
 * start marking again and again. Without these flags streaming 256 MiB ran 6–9 Mark-Compact
 * collections (~0.3–0.6 s of CPU per GiB); with them, none.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = Object.freeze(['--min-semi-space-size=8', '--max-semi-space-size=8', '--initial-old-space-size=48']);

/** The {@link GATEWAY_NODE_FLAGS} `execArgv` lacks (a flag the operator gave, with any value, counts as given). */
export function nodeFlagsMissing(execArgv: readonly string[] = process.execArgv): string[] {
  const given = new Set(execArgv.map(flagName));
  return GATEWAY_NODE_FLAGS.filter((f) => !given.has(flagName(f)));
}

/** `--min-semi-space-size=8` → `--min-semi-space-size` (V8 also takes `_` for `-`). */
function flagName(arg: string): string {
  const eq = arg.indexOf('=');
  return (eq === -1 ? arg : arg.slice(0, eq)).replaceAll('_', '-');
}

/**
 * The {@link GATEWAY_PROCESS_ENV} entries `env` lacks (a variable the operator set, to any
 * value, counts as set), or none where they mean nothing: off Linux, or a C library other than
 * glibc (musl ignores them).
 */
export function processSettingsMissing(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const missing: Record<string, string> = {};
  if (process.platform !== 'linux' || !isGlibc()) return missing;
  for (const [k, v] of Object.entries(GATEWAY_PROCESS_ENV)) if (env[k] === undefined) missing[k] = v;
  return missing;
}

function isGlibc(): boolean {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return typeof header?.glibcVersionRuntime === 'string';
}
