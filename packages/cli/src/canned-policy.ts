// Canned anonymous access (`none`, `download`, `upload`, `public`) per bucket prefix, as bucket
// policy statements: read from a policy document, and written back into one.

/** Anonymous access to the objects under a prefix. */
export type Access = 'none' | 'download' | 'upload' | 'public';

/** The canned access words. */
export const ACCESS: readonly Access[] = ['none', 'download', 'upload', 'public'];

/** Access a policy grants. */
export type Granted = Exclude<Access, 'none'>;

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  [other: string]: unknown;
}

/** A bucket policy document. */
export interface PolicyDocument {
  Version?: string;
  Statement: Statement[];
  [other: string]: unknown;
}

const READ_OBJECT = ['s3:GetObject'];
const WRITE_OBJECT = ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:ListMultipartUploadParts', 's3:PutObject'];
const KNOWN = new Set(['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads', ...READ_OBJECT, ...WRITE_OBJECT]);

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function anonymous(p: unknown): boolean {
  if (p === '*') return true;
  const aws = (p as { AWS?: unknown } | undefined)?.AWS;
  return aws === '*' || (Array.isArray(aws) && aws.length === 1 && aws[0] === '*');
}

/** A statement this module writes (anonymous Allow of the canned actions on the bucket): replaced on every change. */
function canned(s: Statement, bucket: string): boolean {
  const arn = `arn:aws:s3:::${bucket}`;
  return s.Effect === 'Allow' && anonymous(s.Principal) && list(s.Action).every((a) => KNOWN.has(a)) && list(s.Resource).every((r) => r === arn || (r.startsWith(`${arn}/`) && r.endsWith('*')));
}

/** The canned access of each prefix the policy grants anonymous object access to (`''` is the whole bucket). */
export function accessByPrefix(doc: PolicyDocument | undefined, bucket: string): Map<string, Granted> {
  const arn = `arn:aws:s3:::${bucket}/`;
  const rights = new Map<string, { read: boolean; write: boolean }>();
  for (const s of doc?.Statement ?? []) {
    if (s.Effect !== 'Allow' || !anonymous(s.Principal)) continue;
    const actions = list(s.Action);
    const read = actions.some((a) => a === 's3:GetObject' || a === 's3:*');
    const write = actions.some((a) => a === 's3:PutObject' || a === 's3:*');
    for (const r of list(s.Resource)) {
      if (!r.startsWith(arn) || !r.endsWith('*')) continue;
      const prefix = r.slice(arn.length, -1);
      const had = rights.get(prefix) ?? { read: false, write: false };
      rights.set(prefix, { read: had.read || read, write: had.write || write });
    }
  }
  const out = new Map<string, Granted>();
  for (const [prefix, { read, write }] of rights) if (read || write) out.set(prefix, read && write ? 'public' : read ? 'download' : 'upload');
  return out;
}

/**
 * The policy with `prefix`'s canned access changed to `access`: the canned statements are written
 * again from every prefix's access (one set per prefix); other statements are kept as they are.
 * `undefined` when nothing is left (delete the policy).
 */
export function withAccess(doc: PolicyDocument | undefined, bucket: string, prefix: string, access: Access): PolicyDocument | undefined {
  const map = accessByPrefix(doc, bucket);
  if (access === 'none') map.delete(prefix);
  else map.set(prefix, access);
  const kept = (doc?.Statement ?? []).filter((s) => !canned(s, bucket));
  const statements = [...kept, ...[...map].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([p, a]) => statementsFor(bucket, p, a))];
  return statements.length === 0 ? undefined : { ...doc, Version: doc?.Version ?? '2012-10-17', Statement: statements };
}

/** The statements of one prefix's canned access (MinIO's canned policies). */
function statementsFor(bucket: string, prefix: string, access: Granted): Statement[] {
  const read = access !== 'upload';
  const write = access !== 'download';
  const allow = (Action: string[], Resource: string, Condition?: Statement['Condition']): Statement => ({
    Effect: 'Allow',
    Principal: { AWS: ['*'] },
    Action,
    Resource: [Resource],
    ...(Condition ? { Condition } : {}),
  });
  const arn = `arn:aws:s3:::${bucket}`;
  const out = [allow(['s3:GetBucketLocation', ...(write ? ['s3:ListBucketMultipartUploads'] : [])], arn)];
  if (read) out.push(allow(['s3:ListBucket'], arn, prefix === '' ? undefined : { StringEquals: { 's3:prefix': [prefix] } }));
  out.push(allow([...(read ? READ_OBJECT : []), ...(write ? WRITE_OBJECT : [])], `${arn}/${prefix}*`));
  return out;
}
