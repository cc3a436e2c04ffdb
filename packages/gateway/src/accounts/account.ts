import { createHash } from 'node:crypto';
import type { Identity } from '../pipeline/types.js';

/**
 * Accounts: gateway identities may belong to different accounts (`Identity.account`); those
 * without one share the default account, which owns every bucket without an ownership record
 * (so a gateway configured without accounts behaves exactly as before).
 */

/** The name of the account of identities without `account`. */
export const DEFAULT_ACCOUNT = 'default';

/** An account as S3 shows it: `Owner`'s `ID` (canonical id) and `DisplayName`. */
export interface AccountOwner {
  readonly id: string;
  readonly displayName: string;
}

/** Account names: what an ARN's account field and a display name can hold. */
const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The account an identity belongs to. */
export function accountOf(identity: Pick<Identity, 'account'> | undefined): string {
  return identity?.account ?? DEFAULT_ACCOUNT;
}

/** @throws TypeError naming the identity when its `account` is not a valid account name. */
export function checkAccountName(account: unknown, where: string): void {
  if (account === undefined) return;
  if (typeof account !== 'string' || !ACCOUNT_NAME.test(account)) {
    throw new TypeError(`${where}.account: must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
}

/**
 * The canonical id of an account: 64 lowercase hex digits, the SHA-256 of its name (stable across
 * gateways and restarts, as S3's canonical user ids are).
 */
export function canonicalIdOf(account: string): string {
  let id = canonicalIds.get(account);
  if (id === undefined) {
    // Accounts are configured names, so the memo stays small; it is bounded all the same.
    if (canonicalIds.size >= MAX_MEMO) canonicalIds.clear();
    id = createHash('sha256').update(`s3kit-account:${account}`).digest('hex');
    canonicalIds.set(account, id);
  }
  return id;
}

/** Canonical ids already computed (every authorized request needs its caller's). */
const canonicalIds = new Map<string, string>();
const MAX_MEMO = 1024;

/** The `Owner` of an account's buckets and objects: its canonical id and its name. */
export function ownerOf(account: string): AccountOwner {
  return { id: canonicalIdOf(account), displayName: account };
}

/** True when some identity names an account other than the default one (cross-account rules can apply). */
export function hasAccounts(identities: Iterable<Identity>): boolean {
  for (const id of identities) if (accountOf(id) !== DEFAULT_ACCOUNT) return true;
  return false;
}
