import { randomUUID } from 'node:crypto';
import { S3Error } from '@s3kit/errors';
import type { Shape } from '@s3kit/xml-shapes';
import type { StoreContext } from './context.js';
import { parseRequestXml } from './xml.js';

type Replication = Shape<'ReplicationConfiguration'>;
type Rule = Replication['Rule'][number];

const MAX_RULES = 1000;
const MAX_ID = 255;
const BUCKET_ARN = /^arn:aws(-cn|-us-gov)?:s3:::([^/]+)$/;
const STORAGE_CLASSES = new Set(['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR']);

const malformed = (resource: string): S3Error => new S3Error('MalformedXML', { resource });
const invalidRequest = (resource: string, message: string): S3Error => new S3Error('InvalidRequest', { resource, message });
const isStatus = (s: string | undefined): boolean => s === 'Enabled' || s === 'Disabled';

/**
 * Reads and validates a `ReplicationConfiguration` as S3 does: a Role and 1–1000 rules, each
 * with an Enabled/Disabled Status, a destination bucket ARN and a valid storage class, at most
 * one of the 2015 `Prefix` and the current `Filter` (which then needs `DeleteMarkerReplication`
 * and unique priorities), ids unique and at most 255 characters (S3 makes one up when missing).
 * The destinations are checked against the store by {@link checkReplicationTargets}.
 * @throws S3Error MalformedXML, InvalidArgument, InvalidRequest, InvalidStorageClass (400)
 */
export function parseReplication(raw: Uint8Array, maxBytes: number, resource: string): Replication {
  const doc = parseRequestXml('ReplicationConfiguration', raw, maxBytes);
  if (doc.Role === undefined || doc.Rule.length === 0) throw malformed(resource);
  if (doc.Rule.length > MAX_RULES) throw invalidRequest(resource, `The number of replication rules must not exceed ${MAX_RULES}.`);
  const ids = new Set<string>();
  const priorities = new Set<number>();
  const Rule = doc.Rule.map((r): Rule => {
    checkRule(r, resource);
    const id = r.ID ?? Buffer.from(randomUUID()).toString('base64');
    if ([...id].length > MAX_ID)
      throw new S3Error('InvalidArgument', { resource, message: `ID length should not exceed allowed limit of ${MAX_ID}`, details: { ArgumentName: 'ID', ArgumentValue: id } });
    if (ids.has(id)) throw new S3Error('InvalidArgument', { resource, message: 'Rule Id must be unique.', details: { ArgumentName: 'ID', ArgumentValue: id } });
    ids.add(id);
    if (r.Filter !== undefined && r.Priority !== undefined) {
      if (priorities.has(r.Priority)) throw invalidRequest(resource, `Found duplicate priority ${r.Priority} in rules`);
      priorities.add(r.Priority);
    }
    return { ...r, ID: id };
  });
  return { ...doc, Rule };
}

function checkRule(r: Rule, resource: string): void {
  if (!isStatus(r.Status) || r.Destination?.Bucket === undefined) throw malformed(resource);
  if (r.Prefix !== undefined && r.Filter !== undefined) throw malformed(resource);
  if (r.Filter !== undefined) {
    const f = r.Filter;
    if ([f.Prefix, f.Tag, f.And].filter((x) => x !== undefined).length > 1) throw malformed(resource);
    if (r.DeleteMarkerReplication === undefined) {
      throw invalidRequest(resource, 'DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.');
    }
  }
  if (r.DeleteMarkerReplication !== undefined && !isStatus(r.DeleteMarkerReplication.Status)) throw malformed(resource);
  if (!BUCKET_ARN.test(r.Destination.Bucket)) {
    throw new S3Error('InvalidArgument', { resource, message: 'Invalid bucket ARN.', details: { ArgumentName: 'Bucket', ArgumentValue: r.Destination.Bucket } });
  }
  const sc = r.Destination.StorageClass;
  if (sc !== undefined && !STORAGE_CLASSES.has(sc)) throw new S3Error('InvalidStorageClass', { resource, details: { StorageClassRequested: sc } });
}

/**
 * S3's checks of the destinations: each is another existing bucket with versioning Enabled.
 * @throws S3Error InvalidRequest (400)
 */
export async function checkReplicationTargets(ctx: StoreContext, bucket: string, config: Replication): Promise<void> {
  for (const r of config.Rule) {
    const target = BUCKET_ARN.exec(r.Destination!.Bucket!)![2]!;
    if (target === bucket) throw invalidRequest(bucket, 'Destination bucket cannot be the same as the source bucket.');
    const state = await ctx.core.bucketState(target);
    if (state === undefined) throw invalidRequest(bucket, 'Destination bucket must exist.');
    if (state.versioning !== 'Enabled') throw invalidRequest(bucket, 'Destination bucket must have versioning enabled.');
  }
}
