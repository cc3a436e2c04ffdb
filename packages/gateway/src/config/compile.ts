import { SigV4Verifier } from '@s3kit/sigv4';
import { compilePolicyState } from '../authorize/policy-state.js';
import type { CorsRule, Identity } from '../pipeline/types.js';
import { DEFAULT_ACCOUNT, accountOf, checkAccountName } from '../accounts/account.js';
import { capabilitiesOf } from '../upstreams/upstream.js';
import { validateCors } from '../routes/cors.js';
import type { ConfigSnapshot, FixedSettings } from './snapshot.js';

/** What a reload may replace, whole. */
export interface ReloadableSettings {
  readonly identities: readonly Identity[];
  readonly bucketPolicies: Readonly<Record<string, unknown>>;
  readonly cors: Readonly<Record<string, readonly CorsRule[]>>;
}

/**
 * Validates and compiles one configuration snapshot: identities name configured upstreams,
 * policies parse (compiled once here, not per request), CORS rules are valid, and the SigV4
 * verifier reads this snapshot's identities. Creating a verifier per snapshot costs its small
 * caches of derived keys only at a reload.
 * @throws TypeError (or a policy validation error) naming the bad entry.
 */
export function compileConfig(fixed: FixedSettings, settings: ReloadableSettings): ConfigSnapshot {
  for (const [i, id] of settings.identities.entries()) {
    checkAccountName(id.account, `identities[${i}]`);
    const up = id.upstream ?? 'default';
    if (fixed.upstreams[up] === undefined) throw new TypeError(`identities: ${id.accessKeyId} names upstream "${up}", which is not configured`);
    // Ownership records live in the upstream's configStore: without one every bucket would stay the default account's.
    if (accountOf(id) !== DEFAULT_ACCOUNT && capabilitiesOf(fixed.upstreams[up]).configStore === undefined) {
      throw new TypeError(`identities[${i}].account: upstream "${up}" keeps no bucket configuration (configStore), where bucket ownership is recorded`);
    }
  }
  const policies = compilePolicyState(settings.identities, settings.bucketPolicies, fixed.anonymous.allow);
  validateCors(settings.cors);
  const identities = policies.identities;
  const verifier = new SigV4Verifier({
    region: fixed.region,
    clock: fixed.clock,
    maxSkewMs: fixed.maxSkewMs,
    // Header values as Node holds them (latin1 code units): the bytes the client signed.
    headerEncoding: 'latin1',
    getCredentials: (id) => {
      const identity = identities.get(id);
      return identity === undefined ? undefined : { secretAccessKey: identity.secretAccessKey };
    },
  });
  return { ...fixed, identities, verifier, policies, cors: settings.cors };
}
