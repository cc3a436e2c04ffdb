import { randomBytes } from 'node:crypto';
import { S3Error } from '@s3kit/errors';
import type { AclGrant } from './acl.js';
import type { StoredSse } from './sse-cipher.js';

/** A checksum stored with an object version (what the client sent, verified). */
export interface StoredChecksum {
  /** S3's name: CRC32, CRC32C, CRC64NVME, SHA1, SHA256. */
  readonly algorithm: 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
  /** Base64 of the digest; `<base64>-N` for a composite multipart checksum. */
  readonly value: string;
  readonly type: 'FULL_OBJECT' | 'COMPOSITE';
}

/** Object lock retention of one version. */
export interface Retention {
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  /** Milliseconds since the epoch. */
  readonly until: number;
}

/** One object version (the `null` version in an unversioned or suspended bucket). */
export interface ObjectVersion {
  /** The version id, `'null'` for the null version. */
  readonly id: string;
  /** Commit order in the store: a larger seq is newer. */
  readonly seq: number;
  readonly deleteMarker?: undefined;
  readonly size: number;
  /** MD5 hex, or `md5(part md5s)-N` for multipart objects; without quotes. */
  readonly etag: string;
  /** Milliseconds since the epoch. */
  readonly lastModified: number;
  readonly contentType: string;
  /** content-encoding, content-disposition, content-language, cache-control, expires. */
  readonly headers: Readonly<Record<string, string>>;
  /** `x-amz-meta-*` headers, lowercase names with the prefix. */
  readonly userMeta: Readonly<Record<string, string>>;
  readonly tags: readonly (readonly [string, string])[];
  /** Part sizes, for objects made by CompleteMultipartUpload. */
  readonly parts?: readonly number[];
  /** The parts' checksums (base64, same algorithm as `checksum`), for multipart objects. */
  readonly partChecksums?: readonly string[];
  readonly checksum?: StoredChecksum;
  readonly retention?: Retention;
  readonly legalHold?: boolean;
  /** The object ACL; absent is private (the owner's full control). */
  readonly acl?: readonly AclGrant[];
  /** The multipart upload this version completed (a repeated Complete answers it again). */
  readonly uploadId?: string;
  /** How the data file is encrypted (SSE-C, SSE-S3); unencrypted when absent. */
  readonly sse?: StoredSse;
  /** The data file's name in the key's directory. */
  readonly data: string;
}

/** A delete marker. */
export interface DeleteMarker {
  readonly id: string;
  readonly seq: number;
  readonly deleteMarker: true;
  readonly lastModified: number;
}

export type Version = ObjectVersion | DeleteMarker;

/** An object version as handlers see it: with its key. */
export type ObjectMeta = ObjectVersion & { readonly key: string };

/** The fields a writer chooses; the store fills in id, seq and the data file name. */
export type MetaFields = Omit<ObjectVersion, 'id' | 'seq' | 'data' | 'deleteMarker'>;

/**
 * The metadata file of one key: every version, newest first (the first is the current one).
 * Rewritten whole and renamed into place on every change: the commit point of the store.
 */
export interface KeyRecord {
  readonly v: 2;
  readonly key: string;
  readonly versions: readonly Version[];
}

/** The metadata file format of before versioning: one object, the null version. */
interface KeyRecordV1 extends Omit<ObjectVersion, 'id' | 'seq'> {
  readonly v: 1;
  readonly key: string;
}

/** Reads either file format. */
export function toKeyRecord(raw: KeyRecord | KeyRecordV1 | undefined): KeyRecord | undefined {
  if (raw === undefined) return undefined;
  if (raw.v === 2) return raw;
  const { v: _v, key, ...rest } = raw;
  return { v: 2, key, versions: [{ ...rest, id: 'null', seq: raw.lastModified * SEQ_PER_MS }] };
}

const SEQ_PER_MS = 4096;
let lastSeq = 0;

/** A store-wide increasing number: newer commits get larger ones, also across restarts (clock based). */
export function nextSeq(): number {
  lastSeq = Math.max(Date.now() * SEQ_PER_MS, lastSeq + 1);
  return lastSeq;
}

/** A new version id: 32 hex characters, the commit seq first (so ids of one key sort by age), then randomness. */
export function newVersionId(seq: number): string {
  return seq.toString(16).padStart(16, '0') + randomBytes(8).toString('hex');
}

const VERSION_ID = /^[0-9a-f]{32}$/;

/**
 * Validates a `versionId` from a request: `null` or one of ours.
 * @throws S3Error InvalidArgument (400) "Invalid version id specified", as S3 answers.
 */
export function checkVersionId(versionId: string | undefined, resource: string): string | undefined {
  if (versionId === undefined || versionId === 'null' || VERSION_ID.test(versionId)) return versionId;
  throw new S3Error('InvalidArgument', {
    resource,
    message: 'Invalid version id specified',
    details: { ArgumentName: 'versionId', ArgumentValue: versionId },
  });
}

/** The seq a version id was made with (`undefined` for `null`). */
export function seqOfVersionId(id: string): number | undefined {
  return VERSION_ID.test(id) ? parseInt(id.slice(0, 16), 16) : undefined;
}

/** The current version, if it is an object (not a delete marker). */
export function currentObject(versions: readonly Version[] | undefined): ObjectVersion | undefined {
  const v = versions?.[0];
  return v === undefined || v.deleteMarker === true ? undefined : v;
}

/**
 * Adds `version` as the newest. A null version replaces the existing null version (S3: in an
 * unversioned or suspended bucket a write or delete replaces the null version), which is
 * returned as `replaced` so its data can be removed.
 */
export function pushVersion(versions: readonly Version[], version: Version): { versions: Version[]; replaced: Version | undefined } {
  let replaced: Version | undefined;
  const rest = version.id === 'null' ? versions.filter((v) => (v.id === 'null' ? ((replaced = v), false) : true)) : [...versions];
  return { versions: [version, ...rest], replaced };
}
