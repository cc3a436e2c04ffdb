import { createGateway, type ExplainQuery, type Explanation, type Gateway, type Upstream } from '@s3kit/gateway';
import type { GatewayConfig } from './config.js';

/**
 * A gateway built from a config only to answer explain questions: upstreams are never called
 * (policies are explained without requests, so `s3:ExistingObjectTag/<k>` comes from `--context`).
 */
export function explainGateway(config: GatewayConfig): Gateway {
  const never: Upstream = {
    handle: () => Promise.reject(new Error('explain: upstreams are not contacted')),
  };
  return createGateway({
    region: config.region,
    identities: config.identities,
    anonymous: config.anonymous,
    bucketPolicies: config.bucketPolicies,
    upstreams: Object.fromEntries(Object.keys(config.upstreams).map((name) => [name, never])),
  });
}

/**
 * Condition keys from `k=v` strings (a key given twice becomes a list).
 * @throws TypeError for an entry without `=`.
 */
export function parseContext(entries: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq <= 0) throw new TypeError(`--context: expected key=value (got ${JSON.stringify(e)})`);
    const k = e.slice(0, eq);
    const v = e.slice(eq + 1);
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * The explain query of an admin request's search parameters (`identity`, `action` or `operation`,
 * `bucket`, `key`, repeated `context=k=v`); `defaults.secure` is the running listener's
 * `aws:SecureTransport` (a `context` value wins).
 */
export function queryFromSearch(params: URLSearchParams, defaults: { secure?: boolean } = {}): ExplainQuery {
  const get = (k: string): string | undefined => params.get(k) ?? undefined;
  const context = params.getAll('context');
  return {
    identity: get('identity'),
    action: get('action'),
    operation: get('operation'),
    bucket: get('bucket'),
    key: get('key'),
    ...(defaults.secure === undefined ? {} : { secure: defaults.secure }),
    ...(context.length === 0 ? {} : { context: parseContext(context) }),
  };
}

/** Human-readable explain answer for the CLI: decision, deciding statement, then each check with its trace. */
export function formatExplanation(e: Explanation): string {
  const lines = [
    `decision: ${e.decision}`,
    `identity: ${e.identity}`,
    `deciding statement: ${e.statement === undefined ? 'none (no statement allows it: implicit deny)' : e.statement.description}`,
    `reason: ${e.reason}`,
  ];
  for (const c of e.checks) {
    lines.push(`check ${c.action} on ${c.resource}: ${c.decision}${c.statement === undefined ? '' : ` by ${c.statement.description}`}`);
    for (const t of c.trace) {
      lines.push(
        `  ${t.source} statement ${t.index}${t.sid ? ` (Sid "${t.sid}")` : ''} ${t.effect}: ${t.outcome === 'applies' ? 'applies' : `no match (${t.outcome}${t.condition ? `: ${t.condition}` : ''})`}`,
      );
    }
  }
  return lines.join('\n');
}
