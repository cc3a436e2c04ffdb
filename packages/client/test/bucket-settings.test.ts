// Bucket settings (bucket-settings.ts): CORS, website, logging, request payment, accelerate,
// ownership controls, public access block, policy status, and makeBucket's ownership option:
// set, get, change, delete and S3's error codes for missing configurations, on both upstream
// kinds: through the s3kit gateway on the embedded store (CORS, policy status and public access
// block served by the gateway itself), and Ceph RGW 16.2 directly (its differences asserted).
import { DeleteBucketPolicyCommand, PutBucketPolicyCommand, S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '../src/index.js';
import { boto3Runner, hasBoto3 } from './boto3.js';
import { startLocalGateway, type LocalGateway } from './gateway-local.js';
import { bucketName, cleanBucket, client, reason, rgw } from './helpers.js';

interface Opened {
  s3: S3Client;
  /** An AWS SDK v3 client of the same endpoint and identity (cross-client, and what the client lacks: bucket policies). */
  aws: () => AwsS3Client;
  /** Runs a boto3 snippet (`s3` is a boto3 client of the same endpoint and identity) and returns what it prints, as JSON. */
  boto3: (code: string) => Promise<unknown>;
  close: () => Promise<void>;
}
type Kind = [name: string, skip: boolean, open: () => Promise<Opened>];

const awsClient = (endpoint: string, accessKeyId: string, secretAccessKey: string, region = 'us-east-1') =>
  new AwsS3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });

const KINDS: Kind[] = [
  [
    'the gateway on the embedded store',
    false,
    async () => {
      const g: LocalGateway = await startLocalGateway();
      const s3 = g.client();
      return {
        s3,
        aws: () => awsClient(g.endpoint, g.accessKeyId, g.secretAccessKey),
        boto3: boto3Runner(g.endpoint, g.accessKeyId, g.secretAccessKey),
        close: async () => (await s3.close(), await g.close()),
      };
    },
  ],
  [
    `Ceph RGW directly ${reason}`,
    rgw === undefined,
    async () => ({
      s3: client(),
      aws: () => awsClient(rgw!.endpoint, rgw!.accessKeyId, rgw!.secretAccessKey, rgw!.region),
      boto3: boto3Runner(rgw!.endpoint, rgw!.accessKeyId, rgw!.secretAccessKey, rgw!.region),
      close: async () => undefined,
    }),
  ],
];

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );

for (const [name, skip, open] of KINDS) {
  const onRgw = name.startsWith('Ceph');
  describe.skipIf(skip)(`bucket settings, upstream: ${name}`, () => {
    let s3: S3Client;
    let close: () => Promise<void>;
    let awsFor: (s3: S3Client) => AwsS3Client;
    let boto3: Opened['boto3'];
    const bucket = bucketName('settings');
    const logs = bucketName('logs');
    beforeAll(async () => {
      let aws: () => AwsS3Client;
      ({ s3, close, aws, boto3 } = await open());
      awsFor = () => aws();
      await s3.makeBucket(bucket);
      await s3.makeBucket(logs);
    });
    afterAll(async () => {
      await cleanBucket(s3, bucket);
      await cleanBucket(s3, logs);
      await close?.();
    });

    it('CORS: NoSuchCORSConfiguration, set, get, change, delete', async () => {
      expect(await code(s3.getBucketCors(bucket))).toBe('NoSuchCORSConfiguration');
      const rule = { id: 'r1', allowedMethods: ['GET', 'PUT'], allowedOrigins: ['https://a.example'], allowedHeaders: ['*'], exposeHeaders: ['ETag'], maxAgeSeconds: 600 };
      await s3.setBucketCors(bucket, [rule]);
      expect(await s3.getBucketCors(bucket)).toEqual([rule]);
      await s3.setBucketCors(bucket, [
        { allowedMethods: ['GET'], allowedOrigins: ['*'] },
        { allowedMethods: ['HEAD'], allowedOrigins: ['https://b.example'] },
      ]);
      expect(await s3.getBucketCors(bucket)).toEqual([
        { allowedMethods: ['GET'], allowedOrigins: ['*'] },
        { allowedMethods: ['HEAD'], allowedOrigins: ['https://b.example'] },
      ]);
      await s3.deleteBucketCors(bucket);
      expect(await code(s3.getBucketCors(bucket))).toBe('NoSuchCORSConfiguration');
      expect(await code(s3.getBucketCors('s3kit-client-missing-bucket-x'))).toBe('NoSuchBucket');
    });

    it('website: set, get, change, delete (RGW 16.2 without the website API: its answers)', async () => {
      const config = {
        indexDocument: 'index.html',
        errorDocument: 'error.html',
        routingRules: [{ condition: { keyPrefixEquals: 'docs/' }, redirect: { replaceKeyPrefixWith: 'documents/', httpRedirectCode: '301' } }],
      };
      if (onRgw) {
        // RGW serves the website API only with rgw_enable_static_website; the test RGW has it off.
        expect(await code(s3.getBucketWebsite(bucket))).toBe('MethodNotAllowed');
        expect(await code(s3.setBucketWebsite(bucket, config))).toBe('MethodNotAllowed');
        expect(await code(s3.deleteBucketWebsite(bucket))).toBe('MethodNotAllowed');
        return;
      }
      expect(await code(s3.getBucketWebsite(bucket))).toBe('NoSuchWebsiteConfiguration');
      await s3.setBucketWebsite(bucket, config);
      expect(await s3.getBucketWebsite(bucket)).toEqual(config);
      await s3.setBucketWebsite(bucket, { redirectAllRequestsTo: { hostName: 'example.com', protocol: 'https' } });
      expect(await s3.getBucketWebsite(bucket)).toEqual({ redirectAllRequestsTo: { hostName: 'example.com', protocol: 'https' } });
      await s3.deleteBucketWebsite(bucket);
      expect(await code(s3.getBucketWebsite(bucket))).toBe('NoSuchWebsiteConfiguration');
    });

    it('logging: off, on, changed, off', async () => {
      if (onRgw) {
        // RGW 16.2 answers an empty <BucketLoggingStatus> (logging off) and refuses to set one.
        expect(await s3.getBucketLogging(bucket)).toBeUndefined();
        expect(await code(s3.setBucketLogging(bucket, { targetBucket: logs, targetPrefix: 'a/' }))).toBe('MethodNotAllowed');
        expect(await s3.getBucketLogging(bucket)).toBeUndefined();
        return;
      }
      expect(await s3.getBucketLogging(bucket)).toBeUndefined();
      await s3.setBucketLogging(bucket, { targetBucket: logs, targetPrefix: 'a/' });
      expect(await s3.getBucketLogging(bucket)).toEqual({ targetBucket: logs, targetPrefix: 'a/' });
      const withGrants = {
        targetBucket: logs,
        targetPrefix: 'b/',
        targetGrants: [{ grantee: { type: 'Group' as const, uri: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' }, permission: 'READ' as const }],
      };
      await s3.setBucketLogging(bucket, withGrants);
      expect(await s3.getBucketLogging(bucket)).toEqual(withGrants);
      await s3.setBucketLogging(bucket, undefined);
      expect(await s3.getBucketLogging(bucket)).toBeUndefined();
    });

    it('request payment: BucketOwner by default, Requester, back', async () => {
      expect(await s3.getBucketRequestPayment(bucket)).toBe('BucketOwner');
      await s3.setBucketRequestPayment(bucket, 'Requester');
      expect(await s3.getBucketRequestPayment(bucket)).toBe('Requester');
      await s3.setBucketRequestPayment(bucket, 'BucketOwner');
      expect(await s3.getBucketRequestPayment(bucket)).toBe('BucketOwner');
    });

    it('accelerate: never set, Enabled, Suspended', async () => {
      if (onRgw) {
        // RGW 16.2 has no accelerate API: a GET lists the bucket (<ListBucketResult>, which the
        // client refuses as MalformedXML) and a PUT answers InvalidArgument.
        expect(await code(s3.getBucketAccelerate(bucket))).toBe('MalformedXML');
        expect(await code(s3.setBucketAccelerate(bucket, 'Enabled'))).toBe('InvalidArgument');
        return;
      }
      expect(await s3.getBucketAccelerate(bucket)).toBeUndefined();
      await s3.setBucketAccelerate(bucket, 'Enabled');
      expect(await s3.getBucketAccelerate(bucket)).toBe('Enabled');
      await s3.setBucketAccelerate(bucket, 'Suspended');
      expect(await s3.getBucketAccelerate(bucket)).toBe('Suspended');
    });

    it('ownership controls: set, get, change, delete, OwnershipControlsNotFoundError', async () => {
      if (onRgw) {
        // RGW 16.2 has no ownership controls: a GET lists the bucket (MalformedXML to the client).
        expect(await code(s3.getBucketOwnershipControls(bucket))).toBe('MalformedXML');
        expect(await code(s3.setBucketOwnershipControls(bucket, 'ObjectWriter'))).toMatch(/^(InvalidArgument|NotImplemented|MalformedXML|resolved)$/);
        return;
      }
      // A new bucket has BucketOwnerEnforced (AWS since April 2023).
      expect(await s3.getBucketOwnershipControls(bucket)).toBe('BucketOwnerEnforced');
      await s3.setBucketOwnershipControls(bucket, 'ObjectWriter');
      expect(await s3.getBucketOwnershipControls(bucket)).toBe('ObjectWriter');
      await s3.setBucketOwnershipControls(bucket, 'BucketOwnerPreferred');
      expect(await s3.getBucketOwnershipControls(bucket)).toBe('BucketOwnerPreferred');
      await s3.deleteBucketOwnershipControls(bucket);
      expect(await code(s3.getBucketOwnershipControls(bucket))).toBe('OwnershipControlsNotFoundError');
    });

    it('makeBucket with objectOwnership', async () => {
      const b = bucketName('own');
      try {
        if (onRgw) {
          await s3.makeBucket(b, { objectOwnership: 'ObjectWriter' });
          expect(await s3.bucketExists(b)).toBe(true);
          return;
        }
        await s3.makeBucket(b, { objectOwnership: 'ObjectWriter' });
        expect(await s3.getBucketOwnershipControls(b)).toBe('ObjectWriter');
      } finally {
        await cleanBucket(s3, b);
      }
    });

    it('public access block: set, get, change, delete, NoSuchPublicAccessBlockConfiguration', async () => {
      const none = { blockPublicAcls: false, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: false };
      // The gateway has none for a new bucket; RGW 16.2 answers all false (under its own root,
      // <BlockPublicAccessBlockConfiguration>, which the client reads as S3's).
      if (onRgw) expect(await s3.getPublicAccessBlock(bucket)).toEqual(none);
      else expect(await code(s3.getPublicAccessBlock(bucket))).toBe('NoSuchPublicAccessBlockConfiguration');
      await s3.setPublicAccessBlock(bucket, { blockPublicAcls: true, blockPublicPolicy: true });
      expect(await s3.getPublicAccessBlock(bucket)).toEqual({ blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: true, restrictPublicBuckets: false });
      await s3.setPublicAccessBlock(bucket, { restrictPublicBuckets: true });
      expect(await s3.getPublicAccessBlock(bucket)).toEqual({ blockPublicAcls: false, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: true });
      await s3.deletePublicAccessBlock(bucket);
      // RGW 16.2 answers all false instead of the error.
      if (onRgw) expect(await s3.getPublicAccessBlock(bucket)).toEqual(none);
      else expect(await code(s3.getPublicAccessBlock(bucket))).toBe('NoSuchPublicAccessBlockConfiguration');
    });

    it('policy status: NoSuchBucketPolicy without a policy, then public or not as the policy says', async () => {
      // RGW 16.2 answers IsPublic false instead of NoSuchBucketPolicy.
      if (onRgw) expect(await s3.getBucketPolicyStatus(bucket)).toEqual({ isPublic: false });
      else expect(await code(s3.getBucketPolicyStatus(bucket))).toBe('NoSuchBucketPolicy');
      const aws = awsFor(s3);
      try {
        const statement = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` };
        await aws.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) }));
        expect(await s3.getBucketPolicyStatus(bucket)).toEqual({ isPublic: true });
        const mine = { ...statement, Principal: { AWS: ['arn:aws:iam::123456789012:root'] } };
        await aws.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [mine] }) }));
        // RGW 16.2 calls any bucket with a policy public.
        expect(await s3.getBucketPolicyStatus(bucket)).toEqual({ isPublic: onRgw });
        await aws.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      } finally {
        aws.destroy();
      }
    });

    it.skipIf(!hasBoto3)('cross-client: boto3 reads what @s3kit/client sets, and the other way round', async () => {
      const b = JSON.stringify(bucket);
      await s3.setBucketCors(bucket, [{ id: 'x', allowedMethods: ['GET'], allowedOrigins: ['https://c.example'], maxAgeSeconds: 60 }]);
      expect(await boto3(`print(json.dumps(s3.get_bucket_cors(Bucket=${b})['CORSRules']))`)).toEqual([{ ID: 'x', AllowedMethods: ['GET'], AllowedOrigins: ['https://c.example'], MaxAgeSeconds: 60 }]);
      await s3.setBucketRequestPayment(bucket, 'Requester');
      expect(await boto3(`print(json.dumps(s3.get_bucket_request_payment(Bucket=${b})['Payer']))`)).toBe('Requester');
      await boto3(`s3.put_bucket_request_payment(Bucket=${b}, RequestPaymentConfiguration={'Payer': 'BucketOwner'}); print('null')`);
      expect(await s3.getBucketRequestPayment(bucket)).toBe('BucketOwner');
      await boto3(`s3.put_bucket_cors(Bucket=${b}, CORSConfiguration={'CORSRules': [{'AllowedMethods': ['PUT'], 'AllowedOrigins': ['*'], 'ExposeHeaders': ['ETag']}]}); print('null')`);
      expect(await s3.getBucketCors(bucket)).toEqual([{ allowedMethods: ['PUT'], allowedOrigins: ['*'], exposeHeaders: ['ETag'] }]);
      await s3.deleteBucketCors(bucket);
      await s3.setPublicAccessBlock(bucket, { ignorePublicAcls: true });
      // (botocore ignores the root name, so it reads RGW 16.2's <BlockPublicAccessBlockConfiguration> too.)
      expect(await boto3(`print(json.dumps(s3.get_public_access_block(Bucket=${b})['PublicAccessBlockConfiguration']))`)).toEqual({
        BlockPublicAcls: false,
        IgnorePublicAcls: true,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      });
      await s3.deletePublicAccessBlock(bucket);
    });

    it('a missing bucket answers NoSuchBucket', async () => {
      const missing = 's3kit-client-no-such-bucket-zz';
      expect(await code(s3.getBucketRequestPayment(missing))).toBe('NoSuchBucket');
      expect(await code(s3.setPublicAccessBlock(missing, {}))).toBe('NoSuchBucket');
    });
  });
}
