import { createHash } from 'node:crypto';
import { CopyObjectCommand, DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@s3kit/post-policy';
import { SigV2Signer, SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../src/index.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { localTarget, type Target } from './support/targets.js';

// Policy documents × real signed requests through the gateway over the embedded store: every
// decision is the HTTP status the gateway answered (403 AccessDenied or the store's success).

const ALICE = { name: 'alice', accessKeyId: 'AKIAPOLICYALICE00001', secretAccessKey: 'alice-secret-key-for-policy-tests-000000' };
const V = '2012-10-17';
const B = 'pol';

let target: Target;
let g: RunningGateway;

const sha = (b: string | Uint8Array): string => createHash('sha256').update(b).digest('hex');
const md5b64 = (b: string | Uint8Array): string => createHash('md5').update(b).digest('base64');

interface SendInit {
  headers?: Record<string, string>;
  body?: string;
  presign?: boolean;
  v2?: boolean;
  unsigned?: boolean;
  anonymous?: boolean;
  date?: number;
  payloadHash?: string;
}

/** One request signed by alice (or unsigned); the status the gateway answered. */
async function send(method: string, path: string, init: SendInit = {}): Promise<{ status: number; body: string }> {
  const url = `${g.endpoint}${path}`;
  let out: { url: string; headers: Record<string, string> };
  if (init.anonymous === true) out = { url, headers: init.headers ?? {} };
  else if (init.v2 === true) {
    const s = new SigV2Signer({ credentials: ALICE }).sign({ method, url, headers: init.headers ?? {} });
    out = s;
  } else {
    const signer = new SigV4Signer({ credentials: ALICE, region: 'us-east-1' });
    const input = {
      method,
      url,
      headers: init.headers ?? {},
      ...(init.body === undefined ? {} : { body: init.body }),
      ...(init.date === undefined ? {} : { date: init.date }),
      ...(init.payloadHash === undefined ? {} : { payloadHash: init.payloadHash }),
    };
    out = init.presign === true ? signer.presign({ ...input, expiresIn: 600 }) : signer.sign(input);
  }
  const res = await fetch(out.url, { method, headers: out.headers, ...(init.body === undefined ? {} : { body: init.body }) });
  return { status: res.status, body: await res.text() };
}

const status = async (method: string, path: string, init?: SendInit): Promise<number> => (await send(method, path, init)).status;

function sdk(creds: { accessKeyId: string; secretAccessKey: string }): AwsS3Client {
  return new AwsS3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: creds });
}

async function sdkStatus(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  }
}

/** Sets alice's identity policies (and/or allow shorthand) and the bucket policies. */
function configure(alice: Partial<Identity>, bucketPolicies: Record<string, unknown> = {}): void {
  g.gateway.update({ identities: [ADMIN, { ...ALICE, ...alice }], bucketPolicies });
}

const idp = (...Statement: object[]) => ({ Version: V, Statement });
const allowAll = { Sid: 'AllowAll', Effect: 'Allow', Action: 's3:*', Resource: '*' };

async function put(key: string, body: string, tagging?: string, bucket = B): Promise<void> {
  const admin = sdk(ADMIN);
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...(tagging === undefined ? {} : { Tagging: tagging }) }));
  admin.destroy();
}

async function stored(key: string, bucket = B): Promise<string | undefined> {
  return (await target.stored(bucket, key))?.toString();
}

beforeAll(async () => {
  target = await localTarget();
  g = await startGateway(target.upstream);
  for (const b of [B, 'src', 'dst']) await target.createBucket(b);
  await put('public/a.txt', 'a', 'class=public');
  await put('secret/b.txt', 'b', 'Class=public&class=secret');
  await put('home/alice/x.txt', 'x');
  await put('home/bob/y.txt', 'y');
  await put('public/s.txt', 's', undefined, 'src');
  await put('private/p.txt', 'p', undefined, 'src');
});
afterAll(async () => {
  await g?.close();
  await target?.close();
});

interface Case {
  name: string;
  identity?: Partial<Identity>;
  bucket?: Record<string, unknown>;
  request: () => Promise<number>;
  status: number;
}

const GET_A = (init?: SendInit) => status('GET', `/${B}/public/a.txt`, init);

const cases: Case[] = [
  // ---- evaluation logic ----
  { name: 'implicit deny: no policy allows GetObject → 403', identity: { policies: [idp({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' })] }, request: GET_A, status: 403 },
  {
    name: 'Allow from the identity policy alone → 200',
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/public/*` })] },
    request: GET_A,
    status: 200,
  },
  {
    name: 'Allow from the bucket policy alone (Principal names the user ARN) → 200',
    identity: { policies: [] },
    bucket: { [B]: idp({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/alice' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` }) },
    request: GET_A,
    status: 200,
  },
  {
    name: 'Deny in the bucket policy overrides Allow in the identity policy → 403',
    identity: { policies: [idp(allowAll)] },
    bucket: { [B]: idp({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/public/*` }) },
    request: GET_A,
    status: 403,
  },
  {
    name: 'Deny in the identity policy overrides Allow in the bucket policy → 403',
    identity: { policies: [idp({ Effect: 'Deny', Action: 's3:Get*', Resource: '*' })] },
    bucket: { [B]: idp({ Effect: 'Allow', Principal: { AWS: ALICE.accessKeyId }, Action: 's3:*', Resource: `arn:aws:s3:::${B}/*` }) },
    request: GET_A,
    status: 403,
  },
  {
    name: 'bucket policy Principal naming the account root does not allow by itself (AWS delegation) → 403',
    identity: { policies: [] },
    bucket: { [B]: idp({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` }) },
    request: GET_A,
    status: 403,
  },
  { name: 'NotAction: Allow everything but s3:GetObject → GET 403', identity: { policies: [idp({ Effect: 'Allow', NotAction: 's3:GetObject', Resource: '*' })] }, request: GET_A, status: 403 },
  {
    name: 'NotAction: Allow everything but s3:GetObject → HEAD bucket 200',
    identity: { policies: [idp({ Effect: 'Allow', NotAction: 's3:GetObject', Resource: '*' })] },
    request: () => status('HEAD', `/${B}`),
    status: 200,
  },
  {
    name: 'NotResource: Deny outside public/ → public/a.txt 200',
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:GetObject', NotResource: `arn:aws:s3:::${B}/public/*` })] },
    request: GET_A,
    status: 200,
  },
  {
    name: 'NotResource: Deny outside public/ → secret/b.txt 403',
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:GetObject', NotResource: `arn:aws:s3:::${B}/public/*` })] },
    request: () => status('GET', `/${B}/secret/b.txt`),
    status: 403,
  },
  // ---- variables ----
  {
    name: '${aws:username} home prefix: own home 200',
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/home/\${aws:username}/*` })] },
    request: () => status('GET', `/${B}/home/alice/x.txt`),
    status: 200,
  },
  {
    name: '${aws:username} home prefix: another home 403',
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/home/\${aws:username}/*` })] },
    request: () => status('GET', `/${B}/home/bob/y.txt`),
    status: 403,
  },
  // ---- condition keys, each sourced from the real request ----
  {
    name: 'aws:SourceIp IpAddress 127.0.0.0/8 (the test client) → 200',
    identity: { policies: [idp({ ...allowAll, Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } })] },
    request: GET_A,
    status: 200,
  },
  { name: 'aws:SourceIp IpAddress 10.0.0.0/8 → 403', identity: { policies: [idp({ ...allowAll, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })] }, request: GET_A, status: 403 },
  {
    name: 'aws:SecureTransport false (plain HTTP) hits a TLS-only Deny → 403',
    identity: { policies: [idp(allowAll)] },
    bucket: { [B]: idp({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${B}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) },
    request: GET_A,
    status: 403,
  },
  {
    name: 'aws:CurrentTime DateGreaterThan 2020 → 200',
    identity: { policies: [idp({ ...allowAll, Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } })] },
    request: GET_A,
    status: 200,
  },
  {
    name: 'aws:CurrentTime DateLessThan 2020 → 403',
    identity: { policies: [idp({ ...allowAll, Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } })] },
    request: GET_A,
    status: 403,
  },
  {
    name: 'aws:EpochTime NumericGreaterThan 1577836800 → 200',
    identity: { policies: [idp({ ...allowAll, Condition: { NumericGreaterThan: { 'aws:EpochTime': '1577836800' } } })] },
    request: GET_A,
    status: 200,
  },
  { name: 'aws:username StringEquals alice → 200', identity: { policies: [idp({ ...allowAll, Condition: { StringEquals: { 'aws:username': 'alice' } } })] }, request: GET_A, status: 200 },
  { name: 'aws:userid StringEquals another key → 403', identity: { policies: [idp({ ...allowAll, Condition: { StringEquals: { 'aws:userid': 'AKIAOTHER' } } })] }, request: GET_A, status: 403 },
  {
    name: 'aws:userid StringEquals the access key id → 200',
    identity: { policies: [idp({ ...allowAll, Condition: { StringEquals: { 'aws:userid': ALICE.accessKeyId } } })] },
    request: GET_A,
    status: 200,
  },
  ...(['home/alice/', 'home/bob/'] as const).map((prefix) => ({
    name: `s3:prefix StringLike home/\${aws:username}/* with prefix ${prefix} → ${prefix.includes('alice') ? 200 : 403}`,
    identity: {
      policies: [idp({ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${B}`, Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*', 'home/${aws:username}/'] } } })],
    },
    request: () => status('GET', `/${B}?list-type=2&prefix=${encodeURIComponent(prefix)}`),
    status: prefix.includes('alice') ? 200 : 403,
  })),
  {
    name: 's3:delimiter StringEquals "/" with delimiter=/ → 200',
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { StringEquals: { 's3:delimiter': '/' } } })] },
    request: () => status('GET', `/${B}?list-type=2&delimiter=%2F`),
    status: 200,
  },
  {
    name: 's3:delimiter StringEquals "/" without delimiter → 403',
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { StringEquals: { 's3:delimiter': '/' } } })] },
    request: () => status('GET', `/${B}?list-type=2`),
    status: 403,
  },
  ...([50, 500] as const).map((n) => ({
    name: `s3:max-keys NumericLessThanEquals 100 with MaxKeys ${n} (AWS SDK) → ${n <= 100 ? 200 : 403}`,
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { NumericLessThanEquals: { 's3:max-keys': '100' } } })] },
    request: () => {
      const c = sdk(ALICE);
      return sdkStatus(c.send(new ListObjectsV2Command({ Bucket: B, MaxKeys: n }))).finally(() => c.destroy());
    },
    status: n <= 100 ? 200 : 403,
  })),
  ...(['private', 'public-read'] as const).map((acl) => ({
    name: `s3:x-amz-acl: Deny public-read, PUT with x-amz-acl: ${acl} → ${acl === 'private' ? 200 : 403}`,
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 's3:x-amz-acl': ['public-read', 'public-read-write'] } } })] },
    request: () => status('PUT', `/${B}/acl-${acl}.txt`, { headers: { 'x-amz-acl': acl }, body: 'z' }),
    status: acl === 'private' ? 200 : 403,
  })),
  {
    name: 's3:x-amz-content-sha256: Deny UNSIGNED-PAYLOAD, PUT signed UNSIGNED-PAYLOAD → 403',
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 's3:x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } } })] },
    request: () => status('PUT', `/${B}/unsigned.txt`, { body: 'u', payloadHash: 'UNSIGNED-PAYLOAD' }),
    status: 403,
  },
  {
    name: 's3:x-amz-content-sha256: Deny UNSIGNED-PAYLOAD, PUT with the hex SHA-256 → 200',
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 's3:x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } } })] },
    request: () => status('PUT', `/${B}/signed.txt`, { body: 'u', payloadHash: sha('u') }),
    status: 200,
  },
  ...(['public/s.txt', 'private/p.txt'] as const).map((src) => ({
    name: `s3:x-amz-copy-source StringLike src/public/* copying src/${src} → ${src.startsWith('public') ? 200 : 403}`,
    identity: {
      policies: [
        idp(
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::src/*' },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::dst/*', Condition: { StringLike: { 's3:x-amz-copy-source': 'src/public/*' } } },
        ),
      ],
    },
    request: () => status('PUT', `/dst/copy-${src.replace('/', '-')}`, { headers: { 'x-amz-copy-source': `/src/${src}` } }),
    status: src.startsWith('public') ? 200 : 403,
  })),
  ...(['COPY', 'REPLACE'] as const).map((directive) => ({
    name: `s3:x-amz-metadata-directive: Deny REPLACE, copy with ${directive} → ${directive === 'COPY' ? 200 : 403}`,
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 's3:x-amz-metadata-directive': 'REPLACE' } } })] },
    request: () => status('PUT', `/dst/md-${directive}`, { headers: { 'x-amz-copy-source': '/src/public/s.txt', 'x-amz-metadata-directive': directive } }),
    status: directive === 'COPY' ? 200 : 403,
  })),
  {
    name: 's3:x-amz-server-side-encryption: Deny aws:kms, PUT with aws:kms → 403 (nothing stored)',
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } })] },
    request: async () => {
      const s = await status('PUT', `/${B}/sse.txt`, { headers: { 'x-amz-server-side-encryption': 'aws:kms' }, body: 'e' });
      expect(await stored('sse.txt')).toBeUndefined();
      return s;
    },
    status: 403,
  },
  ...(['env=dev', 'env=prod'] as const).map((tagging) => ({
    name: `s3:RequestObjectTag/env: Deny prod, PUT with x-amz-tagging ${tagging} → ${tagging === 'env=dev' ? 200 : 403}`,
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 's3:RequestObjectTag/env': 'prod' } } })] },
    request: () => status('PUT', `/${B}/tag-${tagging}.txt`, { headers: { 'x-amz-tagging': tagging }, body: 't' }),
    status: tagging === 'env=dev' ? 200 : 403,
  })),
  {
    name: 's3:RequestObjectTag/<k> is case-sensitive on the tag key: Deny Env=prod does not match env=prod → 200',
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 's3:RequestObjectTag/Env': 'prod' } } })] },
    request: () => status('PUT', `/${B}/tag-case.txt`, { headers: { 'x-amz-tagging': 'env=prod' }, body: 't' }),
    status: 200,
  },
  ...(['dev', 'prod'] as const).map((env) => ({
    name: `s3:RequestObjectTag/env from a PutObjectTagging body: Deny prod, <Tag> env=${env} → ${env === 'dev' ? 200 : 403}`,
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:PutObjectTagging', Resource: '*', Condition: { StringEquals: { 's3:RequestObjectTag/env': 'prod' } } })] },
    request: async () => {
      const body = `<Tagging><TagSet><Tag><Key>env</Key><Value>${env}</Value></Tag></TagSet></Tagging>`;
      const code = await status('PUT', `/${B}/home/alice/x.txt?tagging`, { body, headers: { 'content-md5': md5b64(body) } });
      // The buffered body reached the store: the tag is set when allowed.
      if (code === 200) expect((await send('GET', `/${B}/home/alice/x.txt?tagging`)).body).toContain(`<Value>${env}</Value>`);
      return code;
    },
    status: env === 'dev' ? 200 : 403,
  })),
  ...(['env=dev', 'env=dev&owner=x'] as const).map((tagging) => ({
    name: `s3:RequestObjectTagKeys ForAllValues:StringEquals [env] with ${tagging} → ${tagging === 'env=dev' ? 200 : 403}`,
    identity: {
      policies: [idp({ Effect: 'Allow', Action: ['s3:PutObject', 's3:PutObjectTagging'], Resource: '*', Condition: { 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['env'] } } })],
    },
    request: () => status('PUT', `/${B}/tagkeys-${tagging.length}.txt`, { headers: { 'x-amz-tagging': tagging }, body: 't' }),
    status: tagging === 'env=dev' ? 200 : 403,
  })),
  ...(
    [
      ['public/a.txt', 200],
      ['secret/b.txt', 403],
      ['missing/none.txt', 403],
    ] as const
  ).map(([key, code]) => ({
    name: `s3:ExistingObjectTag/class StringEquals public (read from the store) GET ${key} → ${code}`,
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 's3:ExistingObjectTag/class': 'public' } } })] },
    request: () => status('GET', `/${B}/${key}`),
    status: code,
  })),
  ...(
    [
      ['header', 200],
      ['v2', 403],
    ] as const
  ).map(([how, code]) => ({
    name: `s3:signatureversion: Deny other than AWS4-HMAC-SHA256, ${how === 'v2' ? 'SigV2' : 'SigV4'} GET → ${code}`,
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringNotEquals: { 's3:signatureversion': 'AWS4-HMAC-SHA256' } } })] },
    request: () => GET_A({ v2: how === 'v2' }),
    status: code,
  })),
  {
    name: 's3:signatureversion "AWS" for SigV2: Allow only AWS, SigV2 GET → 200',
    identity: { policies: [idp({ ...allowAll, Condition: { StringEquals: { 's3:signatureversion': 'AWS' } } })] },
    request: () => GET_A({ v2: true }),
    status: 200,
  },
  ...(
    [
      ['header', 200],
      ['presign', 403],
    ] as const
  ).map(([how, code]) => ({
    name: `s3:authType: Deny REST-QUERY-STRING, ${how} GET → ${code}`,
    identity: { policies: [idp(allowAll, { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 's3:authType': 'REST-QUERY-STRING' } } })] },
    request: () => GET_A({ presign: how === 'presign' }),
    status: code,
  })),
  ...(['REST-HEADER', 'POST'] as const).map((type) => ({
    name: `s3:authType and s3:signatureversion of a browser POST form: Allow PutObject only for POST + AWS4-HMAC-SHA256, ${type === 'POST' ? 'a SigV4 form → 204' : 'a header-signed PUT → 403'}`,
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 's3:authType': 'POST', 's3:signatureversion': 'AWS4-HMAC-SHA256' } } })] },
    request: async () => {
      if (type === 'REST-HEADER') return status('PUT', `/${B}/form-put.txt`, { body: 'p' });
      const post = createPresignedPost({ bucket: B, key: 'form.txt', credentials: ALICE, endpoint: g.endpoint, region: 'us-east-1' });
      const form = new FormData();
      for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
      form.append('file', new File(['form body'], 'f.txt'));
      const res = await fetch(post.url, { method: 'POST', body: form });
      await res.arrayBuffer();
      return res.status;
    },
    status: type === 'POST' ? 204 : 403,
  })),
  ...([0, 8 * 60_000] as const).map((age) => ({
    name: `s3:signatureAge NumericLessThan 300000: signed ${age / 60_000} min ago → ${age === 0 ? 200 : 403}`,
    identity: { policies: [idp({ ...allowAll, Condition: { NumericLessThan: { 's3:signatureAge': '300000' } } })] },
    request: () => GET_A({ date: Date.now() - age }),
    status: age === 0 ? 200 : 403,
  })),
  {
    name: 's3:VersionId with ?versionId=null needs s3:GetObjectVersion: Allow only GetObject → 403',
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })] },
    request: () => status('GET', `/${B}/public/a.txt?versionId=null`),
    status: 403,
  },
  {
    name: 's3:VersionId StringEquals null on s3:GetObjectVersion → 200',
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:GetObjectVersion', Resource: '*', Condition: { StringEquals: { 's3:VersionId': 'null' } } })] },
    request: () => status('GET', `/${B}/public/a.txt?versionId=null`),
    status: 200,
  },
  // ---- two resources ----
  {
    name: 'CopyObject with PutObject on the target but no GetObject on the source → 403',
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::dst/*' })] },
    request: () => {
      const c = sdk(ALICE);
      return sdkStatus(c.send(new CopyObjectCommand({ Bucket: 'dst', Key: 'c1', CopySource: 'src/public/s.txt' }))).finally(() => c.destroy());
    },
    status: 403,
  },
  {
    name: 'CopyObject with GetObject on the source but no PutObject on the target → 403',
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::src/*' })] },
    request: () => {
      const c = sdk(ALICE);
      return sdkStatus(c.send(new CopyObjectCommand({ Bucket: 'dst', Key: 'c2', CopySource: 'src/public/s.txt' }))).finally(() => c.destroy());
    },
    status: 403,
  },
  {
    name: 'CopyObject with both, the source allowed by the source bucket policy → 200',
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::dst/*' })] },
    bucket: { src: idp({ Effect: 'Allow', Principal: { AWS: ALICE.accessKeyId }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::src/public/*' }) },
    request: async () => {
      const c = sdk(ALICE);
      const s = await sdkStatus(c.send(new CopyObjectCommand({ Bucket: 'dst', Key: 'c3', CopySource: 'src/public/s.txt' }))).finally(() => c.destroy());
      expect(await stored('c3', 'dst')).toBe('s');
      return s;
    },
    status: 200,
  },
  // ---- allow shorthand ----
  { name: 'allow shorthand read: GET 200', identity: { allow: [{ bucket: B, access: 'read' }] }, request: GET_A, status: 200 },
  { name: 'allow shorthand read: PUT 403', identity: { allow: [{ bucket: B, access: 'read' }] }, request: () => status('PUT', `/${B}/ro.txt`, { body: 'r' }), status: 403 },
  { name: 'allow shorthand write: GET 403', identity: { allow: [{ bucket: B, access: 'write' }] }, request: GET_A, status: 403 },
  { name: 'allow shorthand: ListBuckets stays open → 200', identity: { allow: [] }, request: () => status('GET', '/'), status: 200 },
  {
    name: 'allow shorthand with a Deny identity policy beside it → 403',
    identity: { allow: [{ bucket: '*', access: 'readwrite' }], policies: [idp({ Effect: 'Deny', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/public/*` })] },
    request: GET_A,
    status: 403,
  },
  {
    name: 'policies only (no shorthand): ListBuckets is not implied → 403',
    identity: { policies: [idp({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })] },
    request: () => status('GET', '/'),
    status: 403,
  },
  // ---- anonymous ----
  {
    name: 'anonymous GET with Principal "*" bucket policy → 200',
    bucket: { [B]: idp({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/public/*` }) },
    request: () => GET_A({ anonymous: true }),
    status: 200,
  },
  {
    name: 'anonymous GET outside the Principal "*" resource → 403',
    bucket: { [B]: idp({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/public/*` }) },
    request: () => status('GET', `/${B}/secret/b.txt`, { anonymous: true }),
    status: 403,
  },
  { name: 'anonymous GET with no bucket policy → 403', request: () => GET_A({ anonymous: true }), status: 403 },
  {
    name: 'anonymous GET with an account-principal Allow → 403',
    bucket: { [B]: idp({ Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` }) },
    request: () => GET_A({ anonymous: true }),
    status: 403,
  },
];

describe('policies through the gateway (embedded store, real signed requests)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      configure(c.identity ?? { policies: [] }, c.bucket ?? {});
      expect(await c.request()).toBe(c.status);
    });
  }

  it('answers a denial with AccessDenied (403) whose XML names no policy, statement or Sid', async () => {
    configure({ policies: [idp({ Sid: 'SecretSidName', Effect: 'Deny', Action: 's3:*', Resource: '*' })] });
    const r = await send('GET', `/${B}/public/a.txt`);
    expect(r.status).toBe(403);
    expect(r.body).toContain('<Code>AccessDenied</Code>');
    expect(r.body).toContain('<Message>Access Denied</Message>');
    expect(r.body).not.toMatch(/SecretSidName|statement|policy/i);
  });

  describe('DeleteObjects needs s3:DeleteObject on each key of its body, decided per key (test/policy-delete-objects.test.ts has the rest)', () => {
    const policy = idp({ Effect: 'Allow', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${B}/tmp/*` });
    it('deletes when every key is allowed (the buffered body reaches the store intact)', async () => {
      await put('tmp/1', '1');
      await put('tmp/2', '2');
      configure({ policies: [policy] });
      const c = sdk(ALICE);
      const res = await c.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'tmp/1' }, { Key: 'tmp/2' }] } }));
      c.destroy();
      expect(res.Deleted?.map((d) => d.Key).sort()).toEqual(['tmp/1', 'tmp/2']);
      expect(res.Errors).toBeUndefined();
      expect(await stored('tmp/1')).toBeUndefined();
    });
    it('answers 200 with an AccessDenied <Error> for a key outside, deleting only the allowed one', async () => {
      await put('tmp/3', '3');
      configure({ policies: [policy] });
      const c = sdk(ALICE);
      const res = await c.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'tmp/3' }, { Key: 'home/bob/y.txt' }] } }));
      c.destroy();
      expect(res.Deleted?.map((d) => d.Key)).toEqual(['tmp/3']);
      expect(res.Errors).toEqual([{ Key: 'home/bob/y.txt', Code: 'AccessDenied', Message: 'Access Denied' }]);
      expect(await stored('tmp/3')).toBeUndefined();
      expect(await stored('home/bob/y.txt')).toBe('y');
    });
    it('a key with a VersionId needs s3:DeleteObjectVersion (denied in the DeleteResult under s3:DeleteObject alone)', async () => {
      await put('tmp/4', '4');
      configure({ policies: [policy] });
      const body = '<Delete><Object><Key>tmp/4</Key><VersionId>null</VersionId></Object></Delete>';
      const denied = await send('POST', `/${B}?delete`, { body, headers: { 'content-md5': md5b64(body) } });
      expect(denied.status).toBe(200);
      expect(denied.body).toContain('<Error><Key>tmp/4</Key><VersionId>null</VersionId><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      expect(await stored('tmp/4')).toBe('4');
      configure({ policies: [idp({ Effect: 'Allow', Action: 's3:DeleteObjectVersion', Resource: `arn:aws:s3:::${B}/tmp/*` })] });
      const allowed = await send('POST', `/${B}?delete`, { body, headers: { 'content-md5': md5b64(body) } });
      expect([allowed.status, allowed.body.includes('<Error>')]).toEqual([200, false]);
      expect(await stored('tmp/4')).toBeUndefined();
    });
    it('answers MalformedXML (400) for a body that is not a <Delete>, and MaxMessageLengthExceeded over 2 MiB', async () => {
      configure({ policies: [idp(allowAll)] });
      const bad = '<NotDelete/>';
      expect(await status('POST', `/${B}?delete`, { body: bad, headers: { 'content-md5': md5b64(bad) } })).toBe(400);
      const big = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(80_000)}</Delete>`;
      const r = await send('POST', `/${B}?delete`, { body: big, headers: { 'content-md5': md5b64(big) } });
      expect([r.status, /<Code>(\w+)<\/Code>/.exec(r.body)?.[1]]).toEqual([400, 'MaxMessageLengthExceeded']);
    });
  });

  describe('update() and explain()', () => {
    it('rejects an invalid policy naming identity, policy and statement, and changes nothing', () => {
      configure({ policies: [idp(allowAll)] });
      expect(() => g.gateway.update({ identities: [ADMIN, { ...ALICE, policies: [idp(allowAll), idp(allowAll, { Effect: 'Maybe', Action: 's3:*', Resource: '*' })] }] })).toThrow(
        /identities\[1\]\.policies\[1\]\.Statement\[1\]\.Effect: must be "Allow" or "Deny"/,
      );
      expect(() => g.gateway.update({ bucketPolicies: { [B]: idp({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' }) } })).toThrow(
        /bucketPolicies\.pol\.Statement\[0\]\.Resource/,
      );
      expect(g.gateway.explain({ identity: 'alice', action: 's3:GetObject', bucket: B, key: 'k' }).decision).toBe('allow');
    });
    it('swaps atomically: a request in flight keeps the policies it started with', async () => {
      configure({ policies: [idp(allowAll)] });
      // A slow PUT starts under Allow; Deny is loaded while its body is still streaming.
      const signer = new SigV4Signer({ credentials: ALICE, region: 'us-east-1' });
      const s = signer.sign({ method: 'PUT', url: `${g.endpoint}/${B}/slow.txt`, headers: { 'content-length': '4' }, payloadHash: 'UNSIGNED-PAYLOAD' });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const body = (async function* () {
        yield new TextEncoder().encode('ab');
        await gate;
        yield new TextEncoder().encode('cd');
      })();
      const pending = fetch(s.url, { method: 'PUT', headers: s.headers, body: body as unknown as ReadableStream, duplex: 'half' } as RequestInit);
      await new Promise((r) => setTimeout(r, 150));
      configure({ policies: [idp({ Effect: 'Deny', Action: 's3:*', Resource: '*' })] });
      release();
      expect((await pending).status).toBe(200);
      expect(await stored('slow.txt')).toBe('abcd');
      expect(await status('PUT', `/${B}/slow2.txt`, { body: 'x' })).toBe(403);
    });
    it('explains a decision: the deciding statement with its source, index and Sid, and the trace', () => {
      configure(
        { allow: [{ bucket: '*', access: 'read' }], policies: [idp({ Sid: 'NoSecrets', Effect: 'Deny', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/secret/*` })] },
        { [B]: idp({ Sid: 'Pub', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/public/*` }) },
      );
      const deny = g.gateway.explain({ identity: ALICE.accessKeyId, operation: 'GetObject', bucket: B, key: 'secret/b.txt' });
      expect(deny.decision).toBe('deny');
      expect(deny.statement).toMatchObject({ policy: 'identity', source: 'policies[0]', index: 0, sid: 'NoSecrets' });
      expect(deny.checks[0]!.trace.map((t) => [t.source, t.index, t.outcome])).toEqual([
        ['allow', 0, 'action'],
        ['allow', 1, 'applies'],
        ['policies[0]', 0, 'applies'],
        ['bucket', 0, 'resource'],
      ]);
      const anon = g.gateway.explain({ operation: 'GetObject', bucket: B, key: 'public/a.txt' });
      expect([anon.decision, anon.identity, anon.statement?.source, anon.statement?.sid]).toEqual(['allow', 'anonymous', 'bucket', 'Pub']);
      const copy = g.gateway.explain({ identity: 'alice', operation: 'CopyObject', bucket: 'dst', key: 'k', context: { 's3:x-amz-copy-source': 'src/x' } });
      expect(copy.checks.map((c) => [c.action, c.resource, c.decision])).toEqual([
        ['s3:GetObject', 'arn:aws:s3:::src/x', 'allow'],
        ['s3:PutObject', 'arn:aws:s3:::dst/k', 'implicit-deny'],
      ]);
      expect(copy.decision).toBe('implicit-deny');
      expect(g.gateway.explain({ identity: 'alice', action: 's3:GetObject', bucket: B, key: 'x', context: { 'aws:SourceIp': '10.1.1.1' } }).decision).toBe('allow');
      expect(() => g.gateway.explain({ identity: 'nobody', action: 's3:GetObject' })).toThrow(/no identity/);
    });
  });
});
