import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../src/index.js';
import { bodyBytes, bodyText, md5b64, makeStore, type TestStore } from './helpers.js';

// Bucket configuration in the embedded store as AWS S3 documents it: tagging, website, logging,
// notification, replication, request payment, transfer acceleration (validated, stored and
// returned), RestoreObject and GetObjectTorrent. Real clients run the same operations through
// the gateway in bucket-config-gateway.test.ts, on the store and on Ceph RGW.

let t: TestStore;
beforeEach(async () => {
  t = await makeStore();
  await t.call('CreateBucket');
});
afterEach(async () => {
  await t.cleanup();
});

const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
type Op = { op: string; sub: string };
const TAGGING: Op = { op: 'BucketTagging', sub: 'tagging' };
const WEBSITE: Op = { op: 'BucketWebsite', sub: 'website' };
const LOGGING: Op = { op: 'BucketLogging', sub: 'logging' };
const NOTIFY: Op = { op: 'BucketNotificationConfiguration', sub: 'notification' };
const REPLICATION: Op = { op: 'BucketReplication', sub: 'replication' };
const PAYMENT: Op = { op: 'BucketRequestPayment', sub: 'requestPayment' };
const ACCELERATE: Op = { op: 'BucketAccelerateConfiguration', sub: 'accelerate' };

/** A PUT with its Content-MD5, as SDKs send configuration bodies. */
const put = (o: Op, body: string, bucket = 'bkt') => t.call(`Put${o.op}`, { method: 'PUT', bucket, query: { [o.sub]: '' }, data: body, headers: { 'content-md5': md5b64(body) } });
const putFail = (o: Op, body: string, headers: Record<string, string> = { 'content-md5': md5b64(body) }, bucket = 'bkt') =>
  t.fail(`Put${o.op}`, { method: 'PUT', bucket, query: { [o.sub]: '' }, data: body, headers });
const get = async (o: Op, bucket = 'bkt') => bodyText(await t.call(`Get${o.op}`, { bucket, query: { [o.sub]: '' } }));
const getFail = (o: Op, bucket = 'bkt') => t.fail(`Get${o.op}`, { bucket, query: { [o.sub]: '' } });
const del = (o: Op, bucket = 'bkt') => t.call(`Delete${o.op}`, { method: 'DELETE', bucket, query: { [o.sub]: '' } });
const err = (e: { code: string; status: number }) => [e.code, e.status];

const tagging = (tags: [string, string][]) => `<Tagging><TagSet>${tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`;
const versioning = (status: string, bucket = 'bkt') => {
  const body = `<VersioningConfiguration><Status>${status}</Status></VersioningConfiguration>`;
  return t.call('PutBucketVersioning', { method: 'PUT', bucket, query: { versioning: '' }, data: body });
};

describe('bucket tagging', () => {
  it('puts (204), gets sorted by key, deletes (204), and answers NoSuchTagSet without tags', async () => {
    expect(err(await getFail(TAGGING))).toEqual(['NoSuchTagSet', 404]);
    expect(
      (
        await put(
          TAGGING,
          tagging([
            ['team', 'a b'],
            ['cost-center', '42'],
            ['empty', ''],
          ]),
        )
      ).status,
    ).toBe(204);
    expect(await get(TAGGING)).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Tagging ${XMLNS}><TagSet><Tag><Key>cost-center</Key><Value>42</Value></Tag><Tag><Key>empty</Key><Value></Value></Tag><Tag><Key>team</Key><Value>a b</Value></Tag></TagSet></Tagging>`,
    );
    expect((await del(TAGGING)).status).toBe(204);
    expect(err(await getFail(TAGGING))).toEqual(['NoSuchTagSet', 404]);
    expect((await del(TAGGING)).status).toBe(204);
    // An empty tag set is no tag set.
    await put(TAGGING, tagging([['a', '1']]));
    await put(TAGGING, '<Tagging><TagSet/></Tagging>');
    expect(err(await getFail(TAGGING))).toEqual(['NoSuchTagSet', 404]);
  });

  it("keeps S3's limits: 50 tags, keys 1-128 and values 0-256 characters, unique keys, no aws: prefix, AWS's tag alphabet", async () => {
    const fifty = Array.from({ length: 50 }, (_, i): [string, string] => [`k${i}`, 'v'.repeat(256)]);
    await put(TAGGING, tagging(fifty.map(([k, v], i) => (i === 0 ? ['é'.repeat(128), v] : [k, v]))));
    expect((await get(TAGGING)).match(/<Tag>/g)).toHaveLength(50);
    const tooMany = await putFail(TAGGING, tagging([...fifty, ['k50', 'v']]));
    expect([tooMany.code, tooMany.status, tooMany.message]).toEqual(['BadRequest', 400, 'Bucket tag count cannot be greater than 50']);
    // Tags are checked before the count, as AWS.
    expect((await putFail(TAGGING, tagging([...fifty, ['aws:x', 'v']]))).code).toBe('InvalidTag');
    for (const [k, v, message] of [
      ['k'.repeat(129), 'v', 'The TagKey you have provided is invalid'],
      ['', 'v', 'The TagKey you have provided is invalid'],
      ['k', 'v'.repeat(257), 'The TagValue you have provided is invalid'],
      ['aws:cloudformation', 'v', 'Your TagKey cannot be prefixed with aws:'],
      ['a#b', 'v', 'The TagKey you have provided is invalid'],
      ['k', 'a*b', 'The TagValue you have provided is invalid'],
    ] as const) {
      const e = await putFail(TAGGING, tagging([[k, v]]));
      expect([e.code, e.status, e.message], k).toEqual(['InvalidTag', 400, message]);
    }
    const dup = await putFail(
      TAGGING,
      tagging([
        ['a', '1'],
        ['a', '2'],
      ]),
    );
    expect([dup.code, dup.message]).toEqual(['InvalidTag', 'Cannot provide multiple Tags with the same key']);
    // Nothing above changed the stored set.
    expect((await get(TAGGING)).match(/<Tag>/g)).toHaveLength(50);
  });

  it('needs Content-MD5 or a checksum, well-formed XML and an existing bucket', async () => {
    const body = tagging([['a', '1']]);
    const nodigest = await putFail(TAGGING, body, {});
    expect([nodigest.code, nodigest.status, nodigest.message]).toEqual(['InvalidRequest', 400, 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*']);
    expect((await t.call('PutBucketTagging', { method: 'PUT', query: { tagging: '' }, data: body, headers: { 'x-amz-checksum-crc32': crc32b64(body) } })).status).toBe(204);
    expect(err(await putFail(TAGGING, '<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>'))).toEqual(['MalformedXML', 400]);
    expect(err(await putFail(TAGGING, '<Tagging><TagSet>'))).toEqual(['MalformedXML', 400]);
    expect(err(await putFail(TAGGING, '<Other/>'))).toEqual(['MalformedXML', 400]);
    expect(err(await putFail(TAGGING, body, { 'content-md5': md5b64('other') }))).toEqual(['BadDigest', 400]);
    expect(err(await putFail(TAGGING, body, undefined, 'nobucket'))).toEqual(['NoSuchBucket', 404]);
    expect(err(await getFail(TAGGING, 'nobucket'))).toEqual(['NoSuchBucket', 404]);
    expect(err(await t.fail('DeleteBucketTagging', { method: 'DELETE', bucket: 'nobucket', query: { tagging: '' } }))).toEqual(['NoSuchBucket', 404]);
  });
});

describe('bucket website', () => {
  const site =
    '<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>404.html</Key></ErrorDocument>' +
    '<RoutingRules><RoutingRule><Condition><KeyPrefixEquals>docs/</KeyPrefixEquals></Condition><Redirect><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith></Redirect></RoutingRule>' +
    '<RoutingRule><Condition><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><Protocol>https</Protocol><HostName>example.com</HostName><HttpRedirectCode>307</HttpRedirectCode></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>';

  it('stores and returns an index/error/routing-rules configuration, replaces it by a redirect of all requests, deletes it', async () => {
    expect(err(await getFail(WEBSITE))).toEqual(['NoSuchWebsiteConfiguration', 404]);
    expect((await put(WEBSITE, site)).status).toBe(200);
    expect(await get(WEBSITE)).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n${site.replace('<WebsiteConfiguration>', `<WebsiteConfiguration ${XMLNS}>`)}`);
    const all = '<WebsiteConfiguration><RedirectAllRequestsTo><HostName>example.org</HostName><Protocol>https</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>';
    await put(WEBSITE, all);
    expect(await get(WEBSITE)).toContain('<RedirectAllRequestsTo><HostName>example.org</HostName><Protocol>https</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>');
    expect((await del(WEBSITE)).status).toBe(204);
    expect((await del(WEBSITE)).status).toBe(204);
    expect(err(await getFail(WEBSITE))).toEqual(['NoSuchWebsiteConfiguration', 404]);
  });

  it('refuses what S3 refuses, storing nothing', async () => {
    const index = (inner = '') => `<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument>${inner}</WebsiteConfiguration>`;
    const rules = (...r: string[]) => index(`<RoutingRules>${r.map((x) => `<RoutingRule>${x}</RoutingRule>`).join('')}</RoutingRules>`);
    const cases: [string, string, string?][] = [
      ['<WebsiteConfiguration/>', 'InvalidArgument', 'A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty'],
      ['<WebsiteConfiguration><IndexDocument><Suffix>a/index.html</Suffix></IndexDocument></WebsiteConfiguration>', 'InvalidArgument', 'The IndexDocument Suffix is not well formed'],
      ['<WebsiteConfiguration><IndexDocument><Suffix></Suffix></IndexDocument></WebsiteConfiguration>', 'InvalidArgument', 'The IndexDocument Suffix is not well formed'],
      [index('<RedirectAllRequestsTo><HostName>x</HostName></RedirectAllRequestsTo>'), 'MalformedXML'],
      ['<WebsiteConfiguration><RedirectAllRequestsTo><Protocol>http</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>', 'MalformedXML'],
      [
        rules(...Array.from({ length: 51 }, () => '<Redirect><HostName>x</HostName></Redirect>')),
        'InvalidRequest',
        '51 routing rules provided, the number of routing rules in a website configuration is limited to 50.',
      ],
      [rules('<Redirect><HttpRedirectCode>300</HttpRedirectCode></Redirect>'), 'InvalidRequest', 'The provided HTTP redirect code (300) is not valid. Valid codes are 3XX except 300.'],
      [
        rules('<Redirect><ReplaceKeyWith>a</ReplaceKeyWith><ReplaceKeyPrefixWith>b/</ReplaceKeyPrefixWith></Redirect>'),
        'InvalidRequest',
        'You can only define ReplaceKeyPrefix or ReplaceKey but not both.',
      ],
      [
        rules('<Condition><HttpErrorCodeReturnedEquals>302</HttpErrorCodeReturnedEquals></Condition><Redirect><HostName>x</HostName></Redirect>'),
        'InvalidRequest',
        'The provided HTTP error code (302) is not valid. Valid codes are 4XX or 5XX.',
      ],
      [rules('<Condition/><Redirect><HostName>x</HostName></Redirect>'), 'InvalidRequest'],
      [rules('<Redirect><Protocol>ftp</Protocol></Redirect>'), 'InvalidRequest'],
      [rules('<Redirect/>'), 'InvalidRequest'],
      [rules('<Condition><KeyPrefixEquals>a</KeyPrefixEquals></Condition>'), 'MalformedXML'],
      ['<WebsiteConfiguration><IndexDocument>', 'MalformedXML'],
    ];
    for (const [body, code, message] of cases) {
      const e = await putFail(WEBSITE, body);
      expect([e.code, e.status], body).toEqual([code, 400]);
      if (message !== undefined) expect(e.message, body).toBe(message);
    }
    expect(err(await putFail(WEBSITE, index(), {}))).toEqual(['InvalidRequest', 400]);
    expect(err(await getFail(WEBSITE))).toEqual(['NoSuchWebsiteConfiguration', 404]);
    expect(err(await putFail(WEBSITE, index(), undefined, 'nobucket'))).toEqual(['NoSuchBucket', 404]);
  });
});

describe('bucket logging', () => {
  it('is off (an empty BucketLoggingStatus) until enabled with an existing target bucket, and off again with an empty status', async () => {
    expect(await get(LOGGING)).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<BucketLoggingStatus ${XMLNS}></BucketLoggingStatus>`);
    await t.call('CreateBucket', { bucket: 'logs' });
    const on = '<BucketLoggingStatus><LoggingEnabled><TargetBucket>logs</TargetBucket><TargetPrefix>bkt/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>';
    expect((await put(LOGGING, on)).status).toBe(200);
    expect(await get(LOGGING)).toContain('<LoggingEnabled><TargetBucket>logs</TargetBucket><TargetPrefix>bkt/</TargetPrefix></LoggingEnabled>');
    const partitioned = '<TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>EventTime</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat>';
    await put(LOGGING, on.replace('</TargetPrefix>', `</TargetPrefix>${partitioned}`));
    expect(await get(LOGGING)).toContain(`<TargetPrefix>bkt/</TargetPrefix>${partitioned}</LoggingEnabled>`);
    await put(LOGGING, on.replace('</TargetPrefix>', '</TargetPrefix><TargetObjectKeyFormat><SimplePrefix/></TargetObjectKeyFormat>'));
    expect(await get(LOGGING)).toContain('<TargetObjectKeyFormat><SimplePrefix></SimplePrefix></TargetObjectKeyFormat>');
    for (const bad of ['<TargetObjectKeyFormat/>', `<TargetObjectKeyFormat><SimplePrefix/>${partitioned.slice(23, -24)}</TargetObjectKeyFormat>`, partitioned.replace('EventTime', 'Noon')]) {
      expect(err(await putFail(LOGGING, on.replace('</TargetPrefix>', `</TargetPrefix>${bad}`))), bad).toEqual(['MalformedXML', 400]);
    }
    await put(LOGGING, '<BucketLoggingStatus/>');
    expect(await get(LOGGING)).not.toContain('LoggingEnabled');
  });

  it('refuses a missing target bucket (InvalidTargetBucketForLogging), a missing prefix (MalformedXML), no digest', async () => {
    const to = (b: string) => `<BucketLoggingStatus><LoggingEnabled><TargetBucket>${b}</TargetBucket><TargetPrefix>p/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>`;
    const e = await putFail(LOGGING, to('nobucket'));
    expect([e.code, e.status, e.message]).toEqual(['InvalidTargetBucketForLogging', 400, 'The target bucket for logging does not exist']);
    expect(err(await putFail(LOGGING, '<BucketLoggingStatus><LoggingEnabled><TargetBucket>bkt</TargetBucket></LoggingEnabled></BucketLoggingStatus>'))).toEqual(['MalformedXML', 400]);
    expect(err(await putFail(LOGGING, to('bkt'), {}))).toEqual(['InvalidRequest', 400]);
    expect(await get(LOGGING)).not.toContain('LoggingEnabled');
  });
});

describe('bucket notification', () => {
  const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:events';
  const queue = (id: string, events: string[], filter = '') =>
    `<QueueConfiguration>${id === '' ? '' : `<Id>${id}</Id>`}<Queue>${QUEUE}</Queue>${events.map((e) => `<Event>${e}</Event>`).join('')}${filter}</QueueConfiguration>`;
  const notify = (...c: string[]) => `<NotificationConfiguration>${c.join('')}</NotificationConfiguration>`;
  const rule = (name: string, value: string) => `<FilterRule><Name>${name}</Name><Value>${value}</Value></FilterRule>`;

  it('is empty until set; stores and returns configurations, filter rule names as S3 spells them, a made-up Id when none; empty removes', async () => {
    expect(await get(NOTIFY)).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<NotificationConfiguration ${XMLNS}></NotificationConfiguration>`);
    const body = notify(
      queue('created', ['s3:ObjectCreated:*'], `<Filter><S3Key>${rule('prefix', 'images/')}${rule('SUFFIX', '.jpg')}</S3Key></Filter>`),
      queue('', ['s3:ObjectRemoved:Delete']),
      '<TopicConfiguration><Id>t</Id><Topic>arn:aws:sns:us-east-1:123456789012:topic</Topic><Event>s3:ObjectTagging:*</Event></TopicConfiguration>',
    );
    // No digest: S3's model does not require one for this operation.
    expect((await t.call('PutBucketNotificationConfiguration', { method: 'PUT', query: { notification: '' }, data: body })).status).toBe(200);
    const got = await get(NOTIFY);
    expect(got).toContain(
      `<QueueConfiguration><Id>created</Id><Queue>${QUEUE}</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>Prefix</Name><Value>images/</Value></FilterRule><FilterRule><Name>Suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter></QueueConfiguration>`,
    );
    expect(got).toMatch(new RegExp(`<QueueConfiguration><Id>[A-Za-z0-9+/=]{20,}</Id><Queue>${QUEUE}</Queue><Event>s3:ObjectRemoved:Delete</Event></QueueConfiguration>`));
    expect(got).toContain('<TopicConfiguration><Id>t</Id><Topic>arn:aws:sns:us-east-1:123456789012:topic</Topic><Event>s3:ObjectTagging:*</Event></TopicConfiguration>');
    // The same Id on a second read: it was made once, at PUT.
    expect(await get(NOTIFY)).toBe(got);
    await put(NOTIFY, '<NotificationConfiguration/>');
    expect(await get(NOTIFY)).not.toContain('Configuration><');
  });

  it('takes the 2006 form (one Event each, CloudFunction with InvocationRole) and EventBridge', async () => {
    const old =
      '<NotificationConfiguration><TopicConfiguration><Topic>arn:aws:sns:us-east-1:123456789012:t</Topic><Event>s3:ReducedRedundancyLostObject</Event></TopicConfiguration>' +
      '<CloudFunctionConfiguration><Id>f</Id><CloudFunction>arn:aws:lambda:us-east-1:123456789012:function:f</CloudFunction><InvocationRole>arn:aws:iam::123456789012:role/r</InvocationRole><Event>s3:ObjectCreated:Put</Event></CloudFunctionConfiguration>' +
      '<EventBridgeConfiguration/></NotificationConfiguration>';
    await put(NOTIFY, old);
    const got = await get(NOTIFY);
    expect(got).toContain('<Event>s3:ReducedRedundancyLostObject</Event>');
    expect(got).toContain(
      '<CloudFunctionConfiguration><Id>f</Id><CloudFunction>arn:aws:lambda:us-east-1:123456789012:function:f</CloudFunction><InvocationRole>arn:aws:iam::123456789012:role/r</InvocationRole><Event>s3:ObjectCreated:Put</Event></CloudFunctionConfiguration>',
    );
    expect(got).toContain('<EventBridgeConfiguration></EventBridgeConfiguration>');
  });

  it('refuses unsupported events, malformed ARNs, bad filter rules, duplicate Ids and overlapping configurations', async () => {
    const cases: [string, string, string?][] = [
      [notify(queue('a', ['s3:ObjectCreated:Get'])), 'InvalidArgument', 'The event is not supported for notifications'],
      [notify(queue('a', ['s3:ObjectCreated:*']).replace(QUEUE, 'arn:aws:sns:us-east-1:123456789012:t')), 'InvalidArgument', 'The ARN is not well formed'],
      [notify(queue('a', ['s3:ObjectCreated:*']).replace(QUEUE, 'arn:minio:sqs::1:webhook')), 'InvalidArgument'],
      [notify(queue('a', [])), 'MalformedXML'],
      [notify(queue('a', ['s3:ObjectCreated:*'], `<Filter><S3Key>${rule('middle', 'x')}</S3Key></Filter>`)), 'InvalidArgument', 'filter rule name must be either prefix or suffix'],
      [notify(queue('a', ['s3:ObjectCreated:*'], `<Filter><S3Key>${rule('prefix', 'x')}${rule('Prefix', 'y')}</S3Key></Filter>`)), 'InvalidArgument'],
      [notify(queue('a', ['s3:ObjectCreated:*'], `<Filter><S3Key>${rule('prefix', 'a/')}</S3Key></Filter>`), queue('a', ['s3:ObjectRemoved:*'])), 'InvalidArgument', 'Configuration Id must be unique'],
      [
        notify(
          queue('a', ['s3:ObjectCreated:*'], `<Filter><S3Key>${rule('prefix', 'a/')}</S3Key></Filter>`),
          queue('b', ['s3:ObjectCreated:Put'], `<Filter><S3Key>${rule('prefix', 'a/b')}</S3Key></Filter>`),
        ),
        'InvalidArgument',
        'Configurations overlap. Configurations on the same bucket cannot share a common event type.',
      ],
    ];
    for (const [body, code, message] of cases) {
      const e = await putFail(NOTIFY, body);
      expect([e.code, e.status], body).toEqual([code, 400]);
      if (message !== undefined) expect(e.message, body).toBe(message);
    }
    // Disjoint prefixes or events do not overlap.
    await put(
      NOTIFY,
      notify(
        queue('a', ['s3:ObjectCreated:*'], `<Filter><S3Key>${rule('prefix', 'a/')}</S3Key></Filter>`),
        queue('b', ['s3:ObjectCreated:*'], `<Filter><S3Key>${rule('prefix', 'b/')}</S3Key></Filter>`),
        queue('c', ['s3:ObjectRemoved:*']),
      ),
    );
    expect((await get(NOTIFY)).match(/<QueueConfiguration>/g)).toHaveLength(3);
  });
});

describe('bucket replication', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/replication';
  const v1 = (dest = 'dst', extra = '') =>
    `<ReplicationConfiguration><Role>${ROLE}</Role><Rule><ID>r1</ID><Prefix>logs/</Prefix><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::${dest}</Bucket>${extra}</Destination></Rule></ReplicationConfiguration>`;
  const v2 = (rules: string) => `<ReplicationConfiguration><Role>${ROLE}</Role>${rules}</ReplicationConfiguration>`;
  const v2rule = (id: string, priority: number, dmr = '<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>') =>
    `<Rule><ID>${id}</ID><Priority>${priority}</Priority><Filter><Prefix>${id}/</Prefix></Filter><Status>Enabled</Status>${dmr}<Destination><Bucket>arn:aws:s3:::dst</Bucket><StorageClass>STANDARD_IA</StorageClass></Destination></Rule>`;

  beforeEach(async () => {
    await t.call('CreateBucket', { bucket: 'dst' });
  });

  it("needs versioning Enabled on the bucket (InvalidRequest) and on the destination; stores, returns, deletes; versioning can't be suspended under it", async () => {
    const unversioned = await putFail(REPLICATION, v1());
    expect([unversioned.code, unversioned.status, unversioned.message]).toEqual(['InvalidRequest', 400, "Versioning must be 'Enabled' on the bucket to apply a replication configuration"]);
    await versioning('Enabled');
    expect((await putFail(REPLICATION, v1())).message).toBe('Destination bucket must have versioning enabled.');
    expect((await putFail(REPLICATION, v1('missing'))).message).toBe('Destination bucket must exist.');
    expect((await putFail(REPLICATION, v1('bkt'))).message).toBe('Destination bucket cannot be the same as the source bucket.');
    await versioning('Enabled', 'dst');
    expect(err(await getFail(REPLICATION))).toEqual(['ReplicationConfigurationNotFoundError', 404]);
    expect((await put(REPLICATION, v1())).status).toBe(200);
    expect(await get(REPLICATION)).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n${v1().replace('<ReplicationConfiguration>', `<ReplicationConfiguration ${XMLNS}>`)}`);
    const s = await t.fail('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: '<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>' });
    expect([s.code, s.status]).toEqual(['InvalidBucketState', 409]);
    await put(REPLICATION, v2(v2rule('a', 1) + v2rule('b', 2)));
    expect(await get(REPLICATION)).toContain('<Rule><ID>b</ID><Priority>2</Priority><Filter><Prefix>b/</Prefix></Filter><Status>Enabled</Status>');
    expect((await del(REPLICATION)).status).toBe(204);
    expect(err(await getFail(REPLICATION))).toEqual(['ReplicationConfigurationNotFoundError', 404]);
    await versioning('Suspended');
  });

  it('refuses malformed rules with the codes S3 answers', async () => {
    await versioning('Enabled');
    await versioning('Enabled', 'dst');
    const cases: [string, string][] = [
      [`<ReplicationConfiguration><Rule><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::dst</Bucket></Destination></Rule></ReplicationConfiguration>`, 'MalformedXML'],
      [v2(''), 'MalformedXML'],
      [v1().replace('Enabled', 'On'), 'MalformedXML'],
      [v1().replace('arn:aws:s3:::dst', 'dst'), 'InvalidArgument'],
      [v1('dst', '<StorageClass>COLD</StorageClass>'), 'InvalidStorageClass'],
      [v2(v2rule('a', 1, '')), 'InvalidRequest'],
      [v2(v2rule('a', 1) + v2rule('b', 1)), 'InvalidRequest'],
      [v2(v2rule('a', 1) + v2rule('a', 2)), 'InvalidArgument'],
      [v2(v2rule('x'.repeat(256), 1)), 'InvalidArgument'],
      [v1().replace('<Prefix>logs/</Prefix>', '<Prefix>logs/</Prefix><Filter><Prefix>a</Prefix></Filter>'), 'MalformedXML'],
    ];
    for (const [body, code] of cases) expect(err(await putFail(REPLICATION, body)), body).toEqual([code, 400]);
    expect(err(await putFail(REPLICATION, v1(), {}))).toEqual(['InvalidRequest', 400]);
    expect(err(await getFail(REPLICATION))).toEqual(['ReplicationConfigurationNotFoundError', 404]);
  });

  it('gives a rule without an ID one, as S3', async () => {
    await versioning('Enabled');
    await versioning('Enabled', 'dst');
    await put(REPLICATION, v1().replace('<ID>r1</ID>', ''));
    expect(await get(REPLICATION)).toMatch(/<Rule><ID>[A-Za-z0-9+/=]{20,}<\/ID><Prefix>logs\/<\/Prefix>/);
  });
});

describe('request payment and transfer acceleration', () => {
  it('request payment: BucketOwner by default, Requester when set, MalformedXML for another payer, digest required', async () => {
    expect(await get(PAYMENT)).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<RequestPaymentConfiguration ${XMLNS}><Payer>BucketOwner</Payer></RequestPaymentConfiguration>`);
    await put(PAYMENT, '<RequestPaymentConfiguration><Payer>Requester</Payer></RequestPaymentConfiguration>');
    expect(await get(PAYMENT)).toContain('<Payer>Requester</Payer>');
    expect(err(await putFail(PAYMENT, '<RequestPaymentConfiguration><Payer>Anyone</Payer></RequestPaymentConfiguration>'))).toEqual(['MalformedXML', 400]);
    expect(err(await putFail(PAYMENT, '<RequestPaymentConfiguration/>'))).toEqual(['MalformedXML', 400]);
    expect(err(await putFail(PAYMENT, '<RequestPaymentConfiguration><Payer>BucketOwner</Payer></RequestPaymentConfiguration>', {}))).toEqual(['InvalidRequest', 400]);
    await put(PAYMENT, '<RequestPaymentConfiguration><Payer>BucketOwner</Payer></RequestPaymentConfiguration>');
    expect(await get(PAYMENT)).toContain('<Payer>BucketOwner</Payer>');
  });

  it('accelerate: empty until set, Enabled/Suspended, MalformedXML otherwise, refused on a bucket name with dots', async () => {
    expect(await get(ACCELERATE)).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<AccelerateConfiguration ${XMLNS}></AccelerateConfiguration>`);
    await t.call('PutBucketAccelerateConfiguration', { method: 'PUT', query: { accelerate: '' }, data: '<AccelerateConfiguration><Status>Enabled</Status></AccelerateConfiguration>' });
    expect(await get(ACCELERATE)).toContain('<Status>Enabled</Status>');
    await put(ACCELERATE, '<AccelerateConfiguration><Status>Suspended</Status></AccelerateConfiguration>');
    expect(await get(ACCELERATE)).toContain('<Status>Suspended</Status>');
    expect(err(await putFail(ACCELERATE, '<AccelerateConfiguration><Status>On</Status></AccelerateConfiguration>'))).toEqual(['MalformedXML', 400]);
    await t.call('CreateBucket', { bucket: 'with.dots' });
    const dots = await putFail(ACCELERATE, '<AccelerateConfiguration><Status>Enabled</Status></AccelerateConfiguration>', undefined, 'with.dots');
    expect([dots.code, dots.status]).toEqual(['InvalidRequest', 400]);
    expect(err(await getFail(ACCELERATE, 'nobucket'))).toEqual(['NoSuchBucket', 404]);
  });
});

describe('configuration is durable bucket state', () => {
  it('survives a restart, and goes with the bucket when it is deleted', async () => {
    await t.call('CreateBucket', { bucket: 'logs' });
    await put(TAGGING, tagging([['a', '1']]));
    await put(WEBSITE, '<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>');
    await put(LOGGING, '<BucketLoggingStatus><LoggingEnabled><TargetBucket>logs</TargetBucket><TargetPrefix>p</TargetPrefix></LoggingEnabled></BucketLoggingStatus>');
    await put(PAYMENT, '<RequestPaymentConfiguration><Payer>Requester</Payer></RequestPaymentConfiguration>');
    await t.store.close();
    const again = createLocalStore({ dir: t.dir, fsync: false });
    const read = async (operation: string, sub: string) => bodyText(await again.handle({ method: 'GET', operation, bucket: 'bkt', query: { [sub]: '' }, headers: {} }));
    expect(await read('GetBucketTagging', 'tagging')).toContain('<Key>a</Key>');
    expect(await read('GetBucketWebsite', 'website')).toContain('<Suffix>index.html</Suffix>');
    expect(await read('GetBucketLogging', 'logging')).toContain('<TargetBucket>logs</TargetBucket>');
    expect(await read('GetBucketRequestPayment', 'requestPayment')).toContain('<Payer>Requester</Payer>');
    await again.handle({ method: 'DELETE', operation: 'DeleteBucket', bucket: 'bkt', query: {}, headers: {} });
    await again.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'bkt', query: {}, headers: {} });
    await expect(read('GetBucketTagging', 'tagging')).rejects.toMatchObject({ code: 'NoSuchTagSet' });
    await expect(read('GetBucketWebsite', 'website')).rejects.toMatchObject({ code: 'NoSuchWebsiteConfiguration' });
    await again.close();
  });
});

describe('RestoreObject and GetObjectTorrent', () => {
  const restore = (key: string, body = '<RestoreRequest><Days>1</Days></RestoreRequest>', query: Record<string, string> = {}) =>
    t.fail('RestoreObject', { method: 'POST', key, query: { restore: '', ...query }, data: body });

  it('RestoreObject of a (STANDARD) object is InvalidObjectState (403); of nothing NoSuchKey; of a bad body MalformedXML', async () => {
    await t.call('PutObject', { key: 'k', data: 'data' });
    const e = await restore('k');
    expect([e.code, e.status, e.message]).toEqual(['InvalidObjectState', 403, "Restore is not allowed for the object's current storage class"]);
    expect(err(await restore('missing'))).toEqual(['NoSuchKey', 404]);
    expect(err(await restore('k', '<RestoreRequest><Days>x</Days></RestoreRequest>'))).toEqual(['MalformedXML', 400]);
    expect(err(await restore('k', '<RestoreRequest><Days>1</Days></RestoreRequest>', { versionId: 'null' }))).toEqual(['InvalidObjectState', 403]);
    expect(err(await t.fail('RestoreObject', { method: 'POST', bucket: 'nobucket', key: 'k', query: { restore: '' }, data: '' }))).toEqual(['NoSuchBucket', 404]);
  });

  it('GetObjectTorrent answers the bencoded metainfo: length, name, 256 KiB SHA-1 pieces, bucket and key', async () => {
    const data = Buffer.alloc(256 * 1024 + 10, 7);
    await t.call('PutObject', { key: 'dir/file.bin', data });
    const res = await t.call('GetObjectTorrent', { key: 'dir/file.bin', query: { torrent: '' } });
    expect(res.headers['content-type']).toBe('application/x-bittorrent');
    expect(res.headers['content-disposition']).toBe("attachment; filename*=UTF-8''file.bin.torrent");
    const body = await bodyBytes(res);
    const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();
    const pieces = Buffer.concat([sha1(data.subarray(0, 256 * 1024)), sha1(data.subarray(256 * 1024))]);
    const expected = Buffer.concat([
      Buffer.from(`d4:infod6:lengthi${data.length}e4:name8:file.bin12:piece lengthi262144e6:pieces40:`),
      pieces,
      Buffer.from('12:x-amz-bucket3:bkt9:x-amz-key12:dir/file.binee'),
    ]);
    expect(body.equals(expected)).toBe(true);
    expect(err(await t.fail('GetObjectTorrent', { key: 'missing', query: { torrent: '' } }))).toEqual(['NoSuchKey', 404]);
  });
});

/** CRC32 (IEEE) of a string, base64, as x-amz-checksum-crc32 carries it. */
function crc32b64(s: string): string {
  let c = ~0;
  for (const b of Buffer.from(s)) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE(~c >>> 0);
  return out.toString('base64');
}
