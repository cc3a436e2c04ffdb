/** RFC 9110 §7.6.1 hop-by-hop headers, plus the ones a proxy must not pass on as they are. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Copies `headers` without hop-by-hop ones (and those named in `Connection`), nor the (lowercase) names in `drop`. */
export function withoutHopByHop(headers: Readonly<Record<string, string>>, drop?: ReadonlySet<string>): Record<string, string> {
  const connection = headers['connection'];
  // `keep-alive` and `close` (nearly every answer) name no header beyond the hop-by-hop ones: no Set per request.
  const named = connection === undefined || connection === 'keep-alive' || connection === 'close' ? undefined : new Set(connection.split(',').map((s) => s.trim().toLowerCase()));
  const out: Record<string, string> = {};
  for (const k in headers) if (!HOP_BY_HOP.has(k) && named?.has(k) !== true && drop?.has(k) !== true) out[k] = headers[k]!;
  return out;
}
