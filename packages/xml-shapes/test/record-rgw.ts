// Records S3 XML bodies from a real Ceph RGW and checks that RGW accepts the request bodies
// buildXml writes. Not a test: run by hand against an RGW from tooling/ceph-rgw/rgw.sh:
//
//   eval "$(bash tooling/ceph-rgw/rgw.sh start /tmp/rgw)"   # prints S3KIT_RGW_* lines
//   S3KIT_RGW_ENDPOINT=… S3KIT_RGW_ACCESS_KEY=… S3KIT_RGW_SECRET_KEY=… \
//     NODE_OPTIONS=--conditions=@s3kit/source pnpm tsx test/record-rgw.ts
//
// Responses go to test/fixtures/ceph-rgw/<Root>.<step>.xml; the outcome of every step (and
// whether RGW accepted our body) goes to test/fixtures/ceph-rgw/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as s3 from '@aws-sdk/client-s3';
import { buildXml, parseErrorXml, parseXml, type ShapeInput, type ShapeName } from '../src/index.js';

const endpoint = process.env['S3KIT_RGW_ENDPOINT'];
const accessKeyId = process.env['S3KIT_RGW_ACCESS_KEY'];
const secretAccessKey = process.env['S3KIT_RGW_SECRET_KEY'];
if (!endpoint || !accessKeyId || !secretAccessKey) throw new Error('set S3KIT_RGW_ENDPOINT, S3KIT_RGW_ACCESS_KEY, S3KIT_RGW_SECRET_KEY');
const ENDPOINT: string = endpoint;

const outDir = fileURLToPath(new URL('./fixtures/ceph-rgw/', import.meta.url));
mkdirSync(outDir, { recursive: true });

interface Exchange {
  status: number;
  requestBody: string;
  responseBody: string;
}
let last: Exchange | undefined;
/** The last exchange (a function, so TypeScript does not narrow it across awaits). */
const lastExchange = (): Exchange | undefined => last;
let swap: string | undefined;

// A fetch-based request handler that keeps the raw bodies (the SDK would otherwise parse them away).
const requestHandler = {
  async handle(req: {
    method: string;
    protocol: string;
    hostname: string;
    port?: number;
    path: string;
    query?: Record<string, string | string[] | null>;
    headers: Record<string, string>;
    body?: unknown;
  }) {
    const qs = Object.entries(req.query ?? {})
      .flatMap(([k, v]) => (v === null ? [encodeURIComponent(k)] : (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`)))
      .join('&');
    const url = `${req.protocol}//${req.hostname}${req.port ? `:${req.port}` : ''}${req.path}${qs ? `?${qs}` : ''}`;
    const headers = { ...req.headers };
    for (const h of Object.keys(headers)) if (['host', 'content-length', 'expect'].includes(h.toLowerCase())) delete headers[h];
    const body = req.body as string | Uint8Array | undefined;
    const res = await fetch(url, { method: req.method, headers, ...(body === undefined ? {} : { body: body as BodyInit }) });
    const bytes = new Uint8Array(await res.arrayBuffer());
    last = {
      status: res.status,
      requestBody: body === undefined ? '' : typeof body === 'string' ? body : new TextDecoder().decode(body),
      responseBody: new TextDecoder().decode(bytes),
    };
    return { response: { statusCode: res.status, reason: res.statusText, headers: Object.fromEntries([...(res.headers as unknown as Iterable<[string, string]>)]), body: bytes } };
  },
};

function client(secret = secretAccessKey!): s3.S3Client {
  const c = new s3.S3Client({
    endpoint: ENDPOINT,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: accessKeyId!, secretAccessKey: secret },
    requestHandler: requestHandler as never,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  // Replace the SDK's serialized XML with ours before checksums, Content-Length and signing.
  c.middlewareStack.add(
    (next) => async (args) => {
      const request = (args as { request: { body?: unknown; headers: Record<string, string> } }).request;
      if (swap !== undefined) {
        request.body = swap;
        for (const h of Object.keys(request.headers)) if (/^(content-length|content-md5|x-amz-checksum-|x-amz-sdk-checksum)/i.test(h)) delete request.headers[h];
        request.headers['content-md5'] = createHash('md5').update(swap).digest('base64');
        swap = undefined;
      }
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'xmlShapesSwapBody' },
  );
  return c;
}

const c = client();
const rows: string[] = [];

/** Runs one SDK command, optionally with our body, records the response body under `file`. */
async function step<N extends ShapeName>(name: string, command: object, opts: { ours?: [N, ShapeInput<N>]; record?: ShapeName | 'Error'; via?: s3.S3Client } = {}): Promise<string> {
  swap = opts.ours ? buildXml(opts.ours[0], opts.ours[1]) : undefined;
  last = undefined;
  let outcome: string;
  try {
    await (opts.via ?? c).send(command as never);
    outcome = `${lastExchange()?.status ?? '?'} OK`;
  } catch (e) {
    outcome = `${lastExchange()?.status ?? '?'} ${(e as Error).name}`;
  }
  const body = lastExchange()?.responseBody ?? '';
  let parsed = '';
  if (opts.record && body.trim().startsWith('<')) {
    const root = /<(\w+)[\s>/]/.exec(body.replace(/<\?xml[^>]*\?>/, ''))?.[1] ?? opts.record;
    const file = `${root}.${name}.xml`;
    writeFileSync(outDir + file, body);
    try {
      if (root === 'Error') parsed = `parsed: S3Error ${parseErrorXml(body).code}`;
      else {
        parseXml(root as ShapeName, body);
        parsed = `parsed as ${root}`;
      }
    } catch (e) {
      parsed = `PARSE FAILED: ${(e as Error).message}`;
    }
    parsed += ` → ${file}`;
  }
  const sent = opts.ours ? `our ${opts.ours[0]}` : '';
  rows.push(`| ${name} | ${sent} | ${outcome} | ${parsed} |`);
  console.log(name, sent, outcome, parsed);
  return body;
}

const B = 'xs-record';
const LOCKED = 'xs-record-locked';
const KEYS = [' ', 'a b+c/d.txt', 'photos/2024/☃ snow.txt', 'line\rbreak.txt', 'dir/', `q<&>"'.txt`, 'tab\there.txt'];

await step('create-bucket-empty-config', new s3.CreateBucketCommand({ Bucket: B }), { ours: ['CreateBucketConfiguration', {}], record: 'Error' });
await step('create-bucket-config-default', new s3.CreateBucketCommand({ Bucket: B }), {
  ours: ['CreateBucketConfiguration', { LocationConstraint: 'default' }],
  record: 'Error',
});
await step('create-bucket-no-body', new s3.CreateBucketCommand({ Bucket: B }), { record: 'Error' });
await step('list-buckets', new s3.ListBucketsCommand({}), { record: 'ListAllMyBucketsResult' });
await step('get-location', new s3.GetBucketLocationCommand({ Bucket: B }), { record: 'LocationConstraint' });
for (const k of KEYS) await c.send(new s3.PutObjectCommand({ Bucket: B, Key: k, Body: `body of ${JSON.stringify(k)}` }));

const v2 = await step('list-v2', new s3.ListObjectsV2Command({ Bucket: B }), { record: 'ListBucketResult' });
await step('list-v2-delimiter', new s3.ListObjectsV2Command({ Bucket: B, Delimiter: '/' }), { record: 'ListBucketResult' });
await step('list-v2-encoding-url', new s3.ListObjectsV2Command({ Bucket: B, EncodingType: 'url' }), { record: 'ListBucketResult' });
await step('list-v1', new s3.ListObjectsCommand({ Bucket: B, MaxKeys: 3 }), { record: 'ListBucketResult' });
const keysBack = parseXml('ListBucketResult', v2).Contents.map((x) => x.Key);
rows.push(`| list-v2 keys survive | | ${JSON.stringify([...KEYS].sort()) === JSON.stringify([...keysBack].sort()) ? 'yes' : `NO: ${JSON.stringify(keysBack)}`} | |`);

await step('put-versioning', new s3.PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }), {
  ours: ['VersioningConfiguration', { Status: 'Enabled' }],
});
await step('get-versioning', new s3.GetBucketVersioningCommand({ Bucket: B }), { record: 'VersioningConfiguration' });
await c.send(new s3.PutObjectCommand({ Bucket: B, Key: 'a b+c/d.txt', Body: 'v2' }));
await c.send(new s3.DeleteObjectCommand({ Bucket: B, Key: 'dir/' }));
await step('list-versions', new s3.ListObjectVersionsCommand({ Bucket: B }), { record: 'ListVersionsResult' });

const tags = {
  TagSet: [
    { Key: 'env', Value: ' ' },
    { Key: 'team x', Value: 'a&b<c>' },
  ],
};
await step('put-bucket-tagging', new s3.PutBucketTaggingCommand({ Bucket: B, Tagging: { TagSet: [] } }), { ours: ['Tagging', tags] });
const bt = await step('get-bucket-tagging', new s3.GetBucketTaggingCommand({ Bucket: B }), { record: 'Tagging' });
rows.push(
  `| bucket tag value ' ' survives | | ${bt.includes('<Value> </Value>') && JSON.stringify(parseXml('Tagging', bt).TagSet.find((t) => t.Key === 'env')) === '{"Key":"env","Value":" "}' ? 'yes' : 'NO'} | |`,
);
await step('put-object-tagging', new s3.PutObjectTaggingCommand({ Bucket: B, Key: ' ', Tagging: { TagSet: [] } }), { ours: ['Tagging', tags] });
await step('get-object-tagging', new s3.GetObjectTaggingCommand({ Bucket: B, Key: ' ' }), { record: 'Tagging' });

await step('put-cors', new s3.PutBucketCorsCommand({ Bucket: B, CORSConfiguration: { CORSRules: [] } }), {
  ours: ['CORSConfiguration', { CORSRule: [{ ID: 'r1', AllowedOrigin: ['https://a.example'], AllowedMethod: ['GET', 'PUT'], AllowedHeader: ['*'], ExposeHeader: ['ETag'], MaxAgeSeconds: 600 }] }],
});
await step('get-cors', new s3.GetBucketCorsCommand({ Bucket: B }), { record: 'CORSConfiguration' });

await step('put-lifecycle', new s3.PutBucketLifecycleConfigurationCommand({ Bucket: B, LifecycleConfiguration: { Rules: [] } }), {
  ours: [
    'LifecycleConfiguration',
    {
      Rule: [
        { ID: 'expire-logs', Filter: { Prefix: 'logs/' }, Status: 'Enabled', Expiration: { Days: 30 } },
        { ID: 'abort-mpu', Filter: { Prefix: '' }, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
        { ID: 'tagged', Filter: { And: { Prefix: 'tmp/', Tag: [{ Key: 'k', Value: 'v' }] } }, Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 5 } },
      ],
    },
  ],
});
await step('get-lifecycle', new s3.GetBucketLifecycleConfigurationCommand({ Bucket: B }), { record: 'LifecycleConfiguration' });

const acl = await step('get-bucket-acl', new s3.GetBucketAclCommand({ Bucket: B }), { record: 'AccessControlPolicy' });
const policy = parseXml('AccessControlPolicy', acl);
await step('put-bucket-acl', new s3.PutBucketAclCommand({ Bucket: B, AccessControlPolicy: {} }), {
  ours: [
    'AccessControlPolicy',
    {
      ...policy,
      AccessControlList: [...policy.AccessControlList, { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }],
    },
  ],
});
await step('get-bucket-acl-after', new s3.GetBucketAclCommand({ Bucket: B }), { record: 'AccessControlPolicy' });
await step('get-object-acl', new s3.GetObjectAclCommand({ Bucket: B, Key: ' ' }), { record: 'AccessControlPolicy' });

await step('put-request-payment', new s3.PutBucketRequestPaymentCommand({ Bucket: B, RequestPaymentConfiguration: { Payer: 'BucketOwner' } }), {
  ours: ['RequestPaymentConfiguration', { Payer: 'BucketOwner' }],
});
await step('get-request-payment', new s3.GetBucketRequestPaymentCommand({ Bucket: B }), { record: 'RequestPaymentConfiguration' });
await step('get-logging', new s3.GetBucketLoggingCommand({ Bucket: B }), { record: 'BucketLoggingStatus' });
await step('put-website', new s3.PutBucketWebsiteCommand({ Bucket: B, WebsiteConfiguration: {} }), {
  ours: ['WebsiteConfiguration', { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'error.html' } }],
  record: 'Error',
});
await step('get-website', new s3.GetBucketWebsiteCommand({ Bucket: B }), { record: 'WebsiteConfiguration' });
await step('put-encryption', new s3.PutBucketEncryptionCommand({ Bucket: B, ServerSideEncryptionConfiguration: { Rules: [] } }), {
  ours: ['ServerSideEncryptionConfiguration', { Rule: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] }],
  record: 'Error',
});
await step('get-encryption', new s3.GetBucketEncryptionCommand({ Bucket: B }), { record: 'ServerSideEncryptionConfiguration' });

// Multipart.
const mpuKey = 'multi part ☃.bin';
const init = await step('create-multipart', new s3.CreateMultipartUploadCommand({ Bucket: B, Key: mpuKey }), { record: 'InitiateMultipartUploadResult' });
const uploadId = parseXml('InitiateMultipartUploadResult', init).UploadId!;
const part = await c.send(new s3.UploadPartCommand({ Bucket: B, Key: mpuKey, UploadId: uploadId, PartNumber: 1, Body: 'only part' }));
await step('list-parts', new s3.ListPartsCommand({ Bucket: B, Key: mpuKey, UploadId: uploadId }), { record: 'ListPartsResult' });
await step('list-multipart-uploads', new s3.ListMultipartUploadsCommand({ Bucket: B }), { record: 'ListMultipartUploadsResult' });
await step('complete-multipart', new s3.CompleteMultipartUploadCommand({ Bucket: B, Key: mpuKey, UploadId: uploadId, MultipartUpload: { Parts: [] } }), {
  ours: ['CompleteMultipartUpload', { Part: [{ PartNumber: 1, ETag: part.ETag! }] }],
  record: 'CompleteMultipartUploadResult',
});
await step('copy-object', new s3.CopyObjectCommand({ Bucket: B, Key: 'copy.txt', CopySource: `${B}/${encodeURIComponent('a b+c/d.txt')}` }), { record: 'CopyObjectResult' });
const init2 = parseXml('InitiateMultipartUploadResult', await step('create-multipart-2', new s3.CreateMultipartUploadCommand({ Bucket: B, Key: 'mpu2' }), {}));
await step('upload-part-copy', new s3.UploadPartCopyCommand({ Bucket: B, Key: 'mpu2', UploadId: init2.UploadId!, PartNumber: 1, CopySource: `${B}/copy.txt` }), {
  record: 'CopyPartResult',
});
await c.send(new s3.AbortMultipartUploadCommand({ Bucket: B, Key: 'mpu2', UploadId: init2.UploadId! }));

// DeleteObjects with whitespace and control-character keys in our XML.
const del = await step('delete-objects', new s3.DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'x' }] } }), {
  ours: ['Delete', { Object: [{ Key: ' ' }, { Key: 'line\rbreak.txt' }, { Key: 'tab\there.txt' }, { Key: `q<&>"'.txt` }, { Key: 'no-such-key' }] }],
  record: 'DeleteResult',
});
if (del.startsWith('<') || del.includes('<DeleteResult')) {
  const deleted = parseXml('DeleteResult', del).Deleted.map((d) => d.Key);
  rows.push(`| Delete keys ' ', '\\r', '\\t', '<&>"'' come back in DeleteResult | | ${JSON.stringify(deleted)} | |`);
}
await step('list-v2-after-delete', new s3.ListObjectsV2Command({ Bucket: B }), { record: 'ListBucketResult' });

// Object lock.
await step('create-locked-bucket', new s3.CreateBucketCommand({ Bucket: LOCKED, ObjectLockEnabledForBucket: true }), { record: 'Error' });
await step('put-object-lock', new s3.PutObjectLockConfigurationCommand({ Bucket: LOCKED, ObjectLockConfiguration: {} }), {
  ours: ['ObjectLockConfiguration', { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } }],
  record: 'Error',
});
await step('get-object-lock', new s3.GetObjectLockConfigurationCommand({ Bucket: LOCKED }), { record: 'ObjectLockConfiguration' });
await c.send(new s3.PutObjectCommand({ Bucket: LOCKED, Key: 'held', Body: 'x' })).catch(() => undefined);
await step('put-retention', new s3.PutObjectRetentionCommand({ Bucket: LOCKED, Key: 'held', Retention: {} }), {
  ours: ['Retention', { Mode: 'GOVERNANCE', RetainUntilDate: new Date(Date.now() + 86_400_000) }],
  record: 'Error',
});
await step('get-retention', new s3.GetObjectRetentionCommand({ Bucket: LOCKED, Key: 'held' }), { record: 'Retention' });
await step('put-legal-hold', new s3.PutObjectLegalHoldCommand({ Bucket: LOCKED, Key: 'held', LegalHold: {} }), { ours: ['LegalHold', { Status: 'ON' }], record: 'Error' });
await step('get-legal-hold', new s3.GetObjectLegalHoldCommand({ Bucket: LOCKED, Key: 'held' }), { record: 'LegalHold' });

// Errors.
await step('error-no-such-key', new s3.GetObjectCommand({ Bucket: B, Key: 'missing/☃' }), { record: 'Error' });
await step('error-no-such-bucket', new s3.ListObjectsV2Command({ Bucket: 'xs-no-such-bucket' }), { record: 'Error' });
await step('error-no-such-policy', new s3.GetBucketPolicyCommand({ Bucket: B }), { record: 'Error' });
await step('error-signature', new s3.ListObjectsV2Command({ Bucket: B }), { record: 'Error', via: client('wrong-secret') });
// A malformed body (raw text, not from buildXml): RGW's MalformedXML error.
swap = '<Tagging><TagSet><Tag><Key>k</Key></TagSet></Tagging>';
try {
  await c.send(new s3.PutBucketTaggingCommand({ Bucket: B, Tagging: { TagSet: [] } }));
} catch {
  /* recorded below */
}
const bad = lastExchange();
if (bad?.responseBody.includes('<Error')) {
  writeFileSync(outDir + 'Error.malformed-tagging.xml', bad.responseBody);
  rows.push(`| error-malformed-tagging (raw bad XML) | | ${bad.status} ${parseErrorXml(bad.responseBody).code} | → Error.malformed-tagging.xml |`);
}

writeFileSync(
  outDir + 'README.md',
  `# Bodies recorded from Ceph RGW

Recorded by \`test/record-rgw.ts\` from radosgw 16.2 (Pacific) started by
\`tooling/ceph-rgw/rgw.sh\` on ${new Date().toISOString().slice(0, 10)}. "our X" means the request
carried the body \`buildXml('X', …)\` wrote (swapped in before the SDK signed it), so a 2xx shows RGW
accepted s3kit's XML. Every recorded response is parsed by \`test/fixtures.test.ts\`.

| step | request body | status | response |
|---|---|---|---|
${rows.join('\n')}
`,
);
console.log('done');
