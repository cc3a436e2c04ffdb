import { randomUUID } from 'node:crypto';
import { S3Error } from '@s3kit/errors';
import type { Shape } from '@s3kit/xml-shapes';
import { parseRequestXml } from './xml.js';

type Notification = Shape<'NotificationConfiguration'>;
type Filter = Notification['QueueConfiguration'][number]['Filter'];

/** The event types S3 accepts in a notification configuration. */
const EVENTS = new Set([
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:ReducedRedundancyLostObject',
  's3:Replication:*',
  's3:Replication:OperationFailedReplication',
  's3:Replication:OperationNotTracked',
  's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold',
  's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
  's3:ObjectAcl:Put',
]);

/** An AWS ARN of `service` (partition, region, 12-digit account, resource). */
const arnOf = (service: string): RegExp => new RegExp(`^arn:aws(-cn|-us-gov)?:${service}:[a-z0-9-]+:\\d{12}:\\S+$`);
const DESTINATIONS = [
  ['QueueConfiguration', 'Queue', arnOf('sqs')],
  ['TopicConfiguration', 'Topic', arnOf('sns')],
  ['CloudFunctionConfiguration', 'CloudFunction', arnOf('lambda')],
] as const;
const MAX_FILTER_VALUE = 1024;

/** One configuration as the overlap check sees it. */
interface Target {
  readonly events: readonly string[];
  readonly prefix: string;
  readonly suffix: string;
}

const invalidArgument = (resource: string, message: string, name: string, value: string): S3Error =>
  new S3Error('InvalidArgument', { resource, message, details: { ArgumentName: name, ArgumentValue: value } });

/** S3's answer to a destination it cannot reach or publish to. */
const unvalidated = (resource: string, arn: string): S3Error =>
  new S3Error('InvalidArgument', {
    resource,
    message: 'Unable to validate the following destination configurations',
    details: { ArgumentName1: arn, ArgumentValue1: 'The destination does not exist or S3 is not permitted to publish to it' },
  });

/**
 * Reads a `NotificationConfiguration` (current or 2006 form) and validates it as S3 does: each
 * configuration has a destination ARN of its kind (SQS queue, SNS topic, Lambda function) and
 * supported event types, at most one prefix and one suffix filter rule, a unique Id (S3 makes
 * one up when missing), and no two configurations share an event type on overlapping filters.
 * S3 also checks each destination; with `destinations` (the store's webhook targets) a
 * destination must be one of them (MinIO's `arn:minio:sqs::ID:webhook` form included), as S3
 * refuses one it cannot validate; without, a well-formed ARN is accepted as is. Returns
 * undefined for an empty configuration.
 * @throws S3Error MalformedXML, InvalidArgument (400)
 */
export function parseNotification(raw: Uint8Array, maxBytes: number, resource: string, destinations?: ReadonlySet<string>): Notification | undefined {
  const doc = parseRequestXml('NotificationConfiguration', raw, maxBytes);
  const ids = new Set<string>();
  const targets: Target[] = [];
  const out: Record<string, unknown> = {};
  for (const [element, arnField, pattern] of DESTINATIONS) {
    const list = doc[element] as readonly (Record<string, unknown> & { Id?: string; Event: string[]; Filter?: Filter })[];
    out[element] = list.map((c) => {
      const arn = c[arnField] as string | undefined;
      if (arn === undefined || c.Event.length === 0) throw new S3Error('MalformedXML', { resource });
      if (destinations?.has(arn) !== true) {
        if (!pattern.test(arn)) throw invalidArgument(resource, 'The ARN is not well formed', arnField, arn);
        if (destinations !== undefined) throw unvalidated(resource, arn);
      }
      for (const e of c.Event) if (!EVENTS.has(e)) throw invalidArgument(resource, 'The event is not supported for notifications', 'Event', e);
      const id = c.Id ?? Buffer.from(randomUUID()).toString('base64');
      if (ids.has(id)) throw invalidArgument(resource, 'Configuration Id must be unique', 'Id', id);
      ids.add(id);
      const filter = normalizeFilter(c.Filter, resource);
      const rules = filter?.S3Key?.FilterRule ?? [];
      targets.push({ events: c.Event, prefix: rules.find((r) => r.Name === 'Prefix')?.Value ?? '', suffix: rules.find((r) => r.Name === 'Suffix')?.Value ?? '' });
      return { ...c, Id: id, ...(filter === undefined ? {} : { Filter: filter }) };
    });
  }
  checkOverlaps(targets, resource);
  const n = doc.QueueConfiguration.length + doc.TopicConfiguration.length + doc.CloudFunctionConfiguration.length;
  if (n === 0 && doc.EventBridgeConfiguration === undefined) return undefined;
  return { ...doc, ...out } as Notification;
}

/** Filter rule names as S3 returns them (`Prefix`, `Suffix`), one of each at most. */
function normalizeFilter(filter: Filter, resource: string): Filter {
  if (filter?.S3Key === undefined) return filter;
  const seen = new Set<string>();
  const FilterRule = filter.S3Key.FilterRule.map((r) => {
    const name = r.Name?.toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') throw invalidArgument(resource, 'filter rule name must be either prefix or suffix', 'FilterRule', r.Name ?? '');
    if (seen.has(name)) throw invalidArgument(resource, `Cannot specify more than one ${name} rule in a filter.`, 'FilterRule', r.Name ?? '');
    seen.add(name);
    const value = r.Value ?? '';
    if ([...value].length > MAX_FILTER_VALUE) throw invalidArgument(resource, 'The value of the filter rule is too long', 'FilterRule', name);
    return { Name: name === 'prefix' ? 'Prefix' : 'Suffix', Value: value };
  });
  return { S3Key: { FilterRule } };
}

/** One event type includes the other (`s3:ObjectCreated:*` includes `s3:ObjectCreated:Put`). */
function sharesEvent(a: string, b: string): boolean {
  const covers = (w: string, e: string): boolean => w === e || (w.endsWith(':*') && e.startsWith(w.slice(0, -1)));
  return covers(a, b) || covers(b, a);
}

/** @throws S3Error InvalidArgument when two configurations could fire for the same object and event. */
function checkOverlaps(targets: readonly Target[], resource: string): void {
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const a = targets[i]!;
      const b = targets[j]!;
      const prefixes = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
      const suffixes = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix);
      if (prefixes && suffixes && a.events.some((x) => b.events.some((y) => sharesEvent(x, y)))) {
        throw new S3Error('InvalidArgument', { resource, message: 'Configurations overlap. Configurations on the same bucket cannot share a common event type.' });
      }
    }
  }
}
