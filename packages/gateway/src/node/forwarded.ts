import { cidrContains, parseCidr, parseIp, type Cidr } from '../policy/cidr.js';

/** Decides whether a connecting peer is a trusted reverse proxy. */
export type ProxyTrust = (address: string) => boolean;

const NAMED: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
};

/**
 * Compiles a list of trusted reverse proxies: IPv4/IPv6 addresses, CIDRs (`10.0.0.0/8`,
 * `fd00::/8`) or `loopback` (127.0.0.0/8 and ::1). IPv4-mapped IPv6 peers (`::ffff:10.1.2.3`)
 * match IPv4 entries.
 * @throws TypeError naming the first entry that is none of these.
 */
export function trustProxy(list: readonly string[]): ProxyTrust {
  const cidrs: Cidr[] = [];
  for (const entry of list) {
    for (const text of NAMED[entry.trim().toLowerCase()] ?? [entry]) {
      const c = parseCidr(text.trim());
      if (c === undefined) throw new TypeError(`trustProxy: ${JSON.stringify(entry)} is not an IP address, a CIDR or "loopback"`);
      cidrs.push(c);
    }
  }
  if (cidrs.length === 0) return () => false;
  return (address) => {
    const ip = parseIp(address);
    return ip !== undefined && cidrs.some((c) => cidrContains(c, ip));
  };
}

/** The client as the gateway should see it (policies, URLs it hands out, access log). */
export interface ForwardedClient {
  /** The client's address: the peer's, or behind trusted proxies the rightmost untrusted `X-Forwarded-For` hop. */
  readonly remoteAddress: string | undefined;
  /** The client used TLS: the connection's, or a trusted proxy's `X-Forwarded-Proto`. */
  readonly secure: boolean;
  /** A trusted proxy's `X-Forwarded-Host`; undefined otherwise (the `Host` header holds). */
  readonly host: string | undefined;
}

type HeaderValue = string | readonly string[] | undefined;

function values(h: HeaderValue): string[] {
  if (h === undefined) return [];
  return (typeof h === 'string' ? [h] : h)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** An `X-Forwarded-For` hop without brackets or port (`[::1]:80` → `::1`, `1.2.3.4:5` → `1.2.3.4`), or undefined when it is no address. */
function hopAddress(hop: string): string | undefined {
  let a = hop;
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracket) a = bracket[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  return parseIp(a) === undefined ? undefined : a;
}

// A host name or address with an optional port; anything else (paths, userinfo, spaces) is ignored.
const HOST = /^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Who the client is, from the connection and, only when the connecting peer is a trusted proxy,
 * the `X-Forwarded-*` headers:
 *
 * - `X-Forwarded-For` is read from the right, skipping trusted proxies; the first untrusted hop is
 *   the client (hops further left were written by the client and prove nothing). When every hop
 *   is trusted the leftmost is; an entry that is no address stops the walk at the hop after it.
 * - `X-Forwarded-Proto` and `X-Forwarded-Host`: their last value, the one the nearest proxy set.
 *
 * From an untrusted peer (or without `trusted`) the headers change nothing. The `Host` header is
 * never rewritten: clients sign the Host they addressed, and it is what signatures are checked with.
 */
export function forwardedClient(
  peer: { readonly remoteAddress: string | undefined; readonly secure: boolean },
  headers: Readonly<Record<string, HeaderValue>>,
  trusted: ProxyTrust | undefined,
): ForwardedClient {
  const direct = { remoteAddress: peer.remoteAddress, secure: peer.secure, host: undefined };
  if (trusted === undefined || peer.remoteAddress === undefined || !trusted(peer.remoteAddress)) return direct;
  let client = peer.remoteAddress;
  const hops = values(headers['x-forwarded-for']);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hopAddress(hops[i]!);
    if (hop === undefined) break;
    client = hop;
    if (!trusted(hop)) break;
  }
  const proto = values(headers['x-forwarded-proto']).at(-1)?.toLowerCase();
  const host = values(headers['x-forwarded-host']).at(-1);
  return {
    remoteAddress: client,
    secure: proto === 'https' ? true : proto === 'http' ? false : peer.secure,
    host: host !== undefined && HOST.test(host) ? host : undefined,
  };
}
