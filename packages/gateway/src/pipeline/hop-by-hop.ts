/** RFC 9110 §7.6.1 hop-by-hop headers, plus the ones a proxy must not pass on as they are. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Copies `headers` without hop-by-hop ones (and those named in `Connection`). */
export function withoutHopByHop(headers: Readonly<Record<string, string>>): Record<string, string> {
  const named = new Set((headers['connection'] ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k) && !named.has(k)) out[k] = v;
  return out;
}
