import { filterTags, type LifecycleRule } from './lifecycle-config.js';
import type { BucketState } from './store-core.js';
import type { ObjectVersion, Version } from './versions.js';

// When S3's lifecycle rules say a version goes: pure functions of the rules, the key's versions
// and the time, shared by the sweeper (lifecycle-sweeper.ts) and the x-amz-expiration header.

export const DAY_MS = 86_400_000;

/**
 * When an age of `days` counted from `from` is reached, as S3 counts it: `from` plus the days,
 * rounded up to the next midnight UTC (an object created 2014-01-15T10:30Z with Days=3
 * expires at 2014-01-19T00:00Z).
 */
export function dueAfterDays(from: number, days: number): number {
  return (Math.floor(from / DAY_MS) + days + 1) * DAY_MS;
}

/** The key prefix a rule applies to ('' for all keys). */
export function rulePrefix(r: LifecycleRule): string {
  return r.prefix ?? r.filter?.Prefix ?? r.filter?.And?.Prefix ?? '';
}

/** Whether the rule filters on tags or object size (so it never applies to delete markers or uploads). */
function hasObjectPredicates(r: LifecycleRule): boolean {
  const f = r.filter;
  if (f === undefined) return false;
  return filterTags(f).length > 0 || [f.ObjectSizeGreaterThan, f.ObjectSizeLessThan, f.And?.ObjectSizeGreaterThan, f.And?.ObjectSizeLessThan].some((n) => n !== undefined);
}

/** Whether an enabled rule's filter selects this object version. */
export function matchesObject(r: LifecycleRule, key: string, v: Pick<ObjectVersion, 'size' | 'tags'>): boolean {
  if (r.status !== 'Enabled' || !key.startsWith(rulePrefix(r))) return false;
  const f = r.filter;
  if (f === undefined) return true;
  for (const t of filterTags(f)) if (!v.tags.some(([k, val]) => k === t.Key && val === t.Value)) return false;
  const gt = f.ObjectSizeGreaterThan ?? f.And?.ObjectSizeGreaterThan;
  const lt = f.ObjectSizeLessThan ?? f.And?.ObjectSizeLessThan;
  return (gt === undefined || v.size > gt) && (lt === undefined || v.size < lt);
}

/** Whether an enabled rule applies to a delete marker (or an upload) of `key`: prefix only. */
export function matchesKeyOnly(r: LifecycleRule, key: string): boolean {
  return r.status === 'Enabled' && !hasObjectPredicates(r) && key.startsWith(rulePrefix(r));
}

/** When (and by which rule) the current object version expires; the earliest rule wins. */
export function currentExpiry(rules: readonly LifecycleRule[], key: string, v: ObjectVersion): { at: number; ruleId: string } | undefined {
  let best: { at: number; ruleId: string } | undefined;
  for (const r of rules) {
    const e = r.expiration;
    if (e === undefined || (e.days === undefined && e.date === undefined) || !matchesObject(r, key, v)) continue;
    const at = e.days !== undefined ? dueAfterDays(v.lastModified, e.days) : e.date!;
    if (best === undefined || at < best.at) best = { at, ruleId: r.id };
  }
  return best;
}

/**
 * The `x-amz-expiration` header S3 sends on PUT, GET and HEAD of a current version that an
 * expiration rule selects: `expiry-date="<HTTP date>", rule-id="<URL-encoded id>"`.
 */
export function expirationHeader(state: BucketState | undefined, key: string, v: ObjectVersion): Record<string, string> {
  const rules = state?.lifecycle?.rules;
  if (rules === undefined) return {};
  const e = currentExpiry(rules, key, v);
  if (e === undefined) return {};
  return { 'x-amz-expiration': `expiry-date="${new Date(e.at).toUTCString()}", rule-id="${encodeURIComponent(e.ruleId)}"` };
}

/** What the sweeper does to one version of a key. */
export type LifecycleAction =
  /** The current object expires: removed (unversioned), or a delete marker is added (versioned). */
  | { readonly kind: 'expire'; readonly version: ObjectVersion }
  /** A noncurrent version, or an expired object delete marker, is removed for good. */
  | { readonly kind: 'remove'; readonly version: Version; readonly noncurrent: boolean };

/**
 * What the rules do to a key's versions (newest first) at `now`:
 * - the current object, when an Expiration (Days or Date) selecting it is due;
 * - a current delete marker that is the key's only version (an expired object delete marker),
 *   with ExpiredObjectDeleteMarker, or when an Expiration's Days (counted from the marker) or
 *   Date is reached (S3 cleans such markers with Days rules too);
 * - noncurrent versions (objects and delete markers), NoncurrentDays after they became
 *   noncurrent (when the next newer version was made), beyond the NewerNoncurrentVersions
 *   newest noncurrent ones.
 * Locks are not looked at here: the sweeper's delete refuses to remove a locked version.
 */
export function planKey(rules: readonly LifecycleRule[], key: string, versions: readonly Version[], now: number): LifecycleAction[] {
  const out: LifecycleAction[] = [];
  const current = versions[0];
  if (current === undefined) return out;
  if (current.deleteMarker !== true) {
    const e = currentExpiry(rules, key, current);
    if (e !== undefined && now >= e.at) out.push({ kind: 'expire', version: current });
  } else if (versions.length === 1 && rules.some((r) => markerExpired(r, key, current.lastModified, now))) {
    out.push({ kind: 'remove', version: current, noncurrent: false });
  }
  for (let i = 1; i < versions.length; i++) {
    const v = versions[i]!;
    const since = versions[i - 1]!.lastModified;
    const due = rules.some((r) => {
      const nve = r.noncurrentExpiration;
      if (nve === undefined) return false;
      if (!(v.deleteMarker === true ? matchesKeyOnly(r, key) : matchesObject(r, key, v))) return false;
      // The newest `newer` noncurrent versions (positions 1..newer) are kept.
      if (nve.newer !== undefined && i <= nve.newer) return false;
      return now >= dueAfterDays(since, nve.days);
    });
    if (due) out.push({ kind: 'remove', version: v, noncurrent: true });
  }
  return out;
}

function markerExpired(r: LifecycleRule, key: string, made: number, now: number): boolean {
  const e = r.expiration;
  if (e === undefined || !matchesKeyOnly(r, key)) return false;
  if (e.expiredObjectDeleteMarker === true) return true;
  if (e.days !== undefined) return now >= dueAfterDays(made, e.days);
  return e.date !== undefined && now >= e.date;
}

/** When an incomplete multipart upload of `key` initiated at `initiated` is aborted, if a rule says so. */
export function uploadDue(rules: readonly LifecycleRule[], key: string, initiated: number, now: number): boolean {
  return rules.some((r) => r.abortDays !== undefined && matchesKeyOnly(r, key) && now >= dueAfterDays(initiated, r.abortDays));
}
