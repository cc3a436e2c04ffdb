import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { rgwOrSkip, PY, pythonClients } from '@s3kit/test-utils';
import * as Minio from 'minio';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, READER, type RunningGateway } from './support/gateway-server.js';
import { emptyBucket, formData, postForm, upstreamBytes, upstreamHead, upstreamKeys } from './support/post-forms.js';
import { gatewayOver, upstreamKinds } from './support/targets.js';

// Presigned POST forms built by real clients (boto3 generate_presigned_post, minio-js
// presignedPostPolicy) for a gateway identity, uploaded through the gateway as a browser does.
const { skip: skipBoto3, why: whyBoto3 } = pythonClients('boto3');
const { rgw, reason } = await rgwOrSkip();
const run = promisify(execFile);
const md5 = (b: string | Uint8Array): string => createHash('md5').update(b).digest('hex');

// generate_presigned_post as boto3 users call it; prints {url, fields} as JSON.
const BOTO3 = `
import json, sys, boto3
from botocore.config import Config
endpoint, key_id, secret, bucket, sigv, spec = sys.argv[1:7]
spec = json.loads(spec)
s3 = boto3.client('s3', endpoint_url=endpoint, aws_access_key_id=key_id, aws_secret_access_key=secret,
                  region_name=spec.get('region', 'us-east-1'), config=Config(signature_version=sigv, s3={'addressing_style': 'path'}))
print(json.dumps(s3.generate_presigned_post(bucket, spec['key'], Fields=spec.get('fields'), Conditions=spec.get('conditions'), ExpiresIn=spec.get('expires', 300))))
`;

interface Boto3Spec {
  key: string;
  fields?: Record<string, string>;
  conditions?: unknown[];
  expires?: number;
  region?: string;
}
async function boto3Post(g: RunningGateway, bucket: string, sigv: 's3v4' | 's3', spec: Boto3Spec, who = ADMIN): Promise<{ url: string; fields: Record<string, string> }> {
  const r = await run(PY, ['-c', BOTO3, g.endpoint, who.accessKeyId, who.secretAccessKey, bucket, sigv, JSON.stringify(spec)], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: '/usr/bin:/bin', HOME: '/tmp' },
  });
  return JSON.parse(r.stdout) as { url: string; fields: Record<string, string> };
}

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(noUpstream)(`presigned POST forms from real clients, uploaded through the gateway to ${name}`, () => {
    const s = gatewayOver(make, 'pc');
    const { bucket } = s;
    beforeEach(async () => emptyBucket(s.target.upstream, bucket));

    describe.skipIf(skipBoto3)(`boto3 generate_presigned_post ${whyBoto3}`, () => {
      it('SigV4 form with Fields and Conditions (${filename} key, Content-Type, metadata, 201): stored with its bytes, Content-Type and metadata', async () => {
        const post = await boto3Post(s.g, bucket, 's3v4', {
          key: 'boto3/${filename}',
          fields: { 'Content-Type': 'text/csv', 'x-amz-meta-who': 'boto3', success_action_status: '201' },
          conditions: [['starts-with', '$Content-Type', 'text/'], { 'x-amz-meta-who': 'boto3' }, { success_action_status: '201' }, ['content-length-range', 1, 1_000_000]],
        });
        expect(post.url).toBe(`${s.g.endpoint}/${bucket}`);
        expect(post.fields['x-amz-algorithm']).toBe('AWS4-HMAC-SHA256');
        const data = 'a,b\n1,2\n'.repeat(5000);
        const res = await postForm(post.url, formData(post.fields, data, 'table.csv'));
        expect(res.status).toBe(201);
        expect(res.body).toContain('<Key>boto3/table.csv</Key>');
        expect(res.headers['etag']).toBe(`"${md5(data)}"`);
        expect((await upstreamBytes(s.target.upstream, bucket, 'boto3/table.csv'))?.toString()).toBe(data);
        const head = await upstreamHead(s.target.upstream, bucket, 'boto3/table.csv');
        expect([head?.['content-type'], head?.['x-amz-meta-who']]).toEqual(['text/csv', 'boto3']);
      });

      it('SigV2 form (signature_version s3): stored, 204', async () => {
        const post = await boto3Post(s.g, bucket, 's3', { key: 'boto3-v2/${filename}' });
        expect(post.fields['AWSAccessKeyId']).toBe(ADMIN.accessKeyId);
        const res = await postForm(post.url, formData(post.fields, 'signed with v2', 'v2.txt'));
        expect(res.status).toBe(204);
        expect((await upstreamBytes(s.target.upstream, bucket, 'boto3-v2/v2.txt'))?.toString()).toBe('signed with v2');
      });

      it('a boto3 form over its content-length-range: EntityTooLarge (400), nothing stored; one for another region: InvalidArgument (400)', async () => {
        const small = await boto3Post(s.g, bucket, 's3v4', { key: 'big.bin', conditions: [['content-length-range', 1, 1000]] });
        const big = await postForm(small.url, formData(small.fields, new Blob([new Uint8Array(500_000)])));
        expect([big.status, big.code]).toEqual([400, 'EntityTooLarge']);
        const eu = await boto3Post(s.g, bucket, 's3v4', { key: 'eu.bin', region: 'eu-central-1' });
        const wrong = await postForm(eu.url, formData(eu.fields, 'x'));
        expect([wrong.status, wrong.code]).toEqual([400, 'InvalidArgument']);
        expect(await upstreamKeys(s.target.upstream, bucket)).toEqual([]);
      });

      it('a boto3 form signed by a read-only identity: AccessDenied (403), nothing stored', async () => {
        const post = await boto3Post(s.g, bucket, 's3v4', { key: 'reader.bin' }, READER);
        const res = await postForm(post.url, formData(post.fields, 'x'));
        expect([res.status, res.code]).toEqual([403, 'AccessDenied']);
        expect(await upstreamKeys(s.target.upstream, bucket)).toEqual([]);
      });
    });

    describe('minio-js presignedPostPolicy', () => {
      const client = () =>
        new Minio.Client({ endPoint: '127.0.0.1', port: s.g.port, useSSL: false, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1', pathStyle: true });

      it('key prefix, Content-Type, content-length-range and metadata: stored with its bytes, Content-Type and metadata', async () => {
        const mc = client();
        const policy = mc.newPostPolicy();
        policy.setBucket(bucket);
        policy.setKeyStartsWith('minio/');
        policy.setContentType('image/png');
        policy.setContentLengthRange(1, 1_000_000);
        policy.setUserMetaData({ owner: 'ann' });
        policy.setExpires(new Date(Date.now() + 600_000));
        const { postURL, formData: fields } = await mc.presignedPostPolicy(policy);
        expect(postURL).toBe(`${s.g.endpoint}/${bucket}`);
        const data = new Uint8Array(250_000).map((_, i) => (i * 31) & 0xff);
        const res = await postForm(postURL, formData({ ...fields, key: 'minio/cat.png' }, new Blob([data]), 'cat.png'));
        expect(res.status).toBe(204);
        expect(res.headers['etag']).toBe(`"${md5(data)}"`);
        expect((await upstreamBytes(s.target.upstream, bucket, 'minio/cat.png'))?.equals(Buffer.from(data))).toBe(true);
        const head = await upstreamHead(s.target.upstream, bucket, 'minio/cat.png');
        expect([head?.['content-type'], head?.['x-amz-meta-owner']]).toEqual(['image/png', 'ann']);
      });

      it('a minio form with a key outside its prefix: AccessDenied (403) naming the condition, nothing stored', async () => {
        const mc = client();
        const policy = mc.newPostPolicy();
        policy.setBucket(bucket);
        policy.setKeyStartsWith('minio/');
        policy.setExpires(new Date(Date.now() + 600_000));
        const { postURL, formData: fields } = await mc.presignedPostPolicy(policy);
        const res = await postForm(postURL, formData({ ...fields, key: 'elsewhere/cat.png' }, 'x'));
        expect([res.status, res.code]).toEqual([403, 'AccessDenied']);
        expect(res.body).toContain('<Message>Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "minio/"]</Message>');
        expect(await upstreamKeys(s.target.upstream, bucket)).toEqual([]);
      });
    });
  });
}
