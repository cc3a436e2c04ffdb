// The undici dispatchers the transport builds, loaded from their own modules. undici's index also
// loads fetch, WebSocket, EventSource, the cache and the mock agents, which the transport never
// uses: half of undici's ~21 MB of RSS in every process that imports it. undici 7 has no
// `exports` map, so its files are reachable by path; if a release moves them, the index is used.
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

function fromParts(): Pick<typeof Undici, 'Agent' | 'ProxyAgent' | 'EnvHttpProxyAgent'> {
  try {
    const parts = {
      Agent: require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent,
      ProxyAgent: require('undici/lib/dispatcher/proxy-agent.js') as typeof Undici.ProxyAgent,
      EnvHttpProxyAgent: require('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof Undici.EnvHttpProxyAgent,
    };
    // What undici's index does on load: `request()`, `stream()`, `pipeline()`, `connect()` and
    // `upgrade()` on every dispatcher, so `transport.dispatcher.request()` works as with the index.
    const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as typeof Undici.Dispatcher;
    Object.assign(Dispatcher.prototype, require('undici/lib/api/index.js') as object);
    if ([parts.Agent, parts.ProxyAgent, parts.EnvHttpProxyAgent].every((c) => typeof c === 'function' && c.prototype instanceof Dispatcher)) return parts;
  } catch {
    // A layout this module does not know: the index below.
  }
  return require('undici') as typeof Undici;
}

export const { Agent, ProxyAgent, EnvHttpProxyAgent } = fromParts();
