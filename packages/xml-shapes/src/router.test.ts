import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isS3Error, type S3Error } from '@s3kit/errors';
import { OPERATIONS, OPERATION_LIST, UNMODELLED_SUBRESOURCES, requiredActions, type OperationName } from './operations.js';
import { createRouter, route } from './router.js';
import { validBucketName } from './bucket-name.js';
import { parseCopySource } from './copy-source.js';

const router = createRouter({ baseDomains: ['s3.example.com', 'localhost'] });

interface Req {
  method: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  host?: string;
}

/** One realistic request per routed operation (as the AWS SDK / MinIO client sends it). */
const TABLE: Record<OperationName, Req> = {
  ListBuckets: { method: 'GET', path: '/' },
  ListenNotification: { method: 'GET', path: '/', query: 'events=s3%3AObjectCreated%3A%2A&events=s3%3AObjectRemoved%3A%2A' },
  CreateBucket: { method: 'PUT', path: '/photos' },
  DeleteBucket: { method: 'DELETE', path: '/photos' },
  HeadBucket: { method: 'HEAD', path: '/photos' },
  ListObjects: { method: 'GET', path: '/photos', query: 'prefix=2024%2F&delimiter=%2F&marker=a' },
  ListObjectsV2: { method: 'GET', path: '/photos', query: 'list-type=2&prefix=&max-keys=1000&encoding-type=url' },
  ListObjectVersions: { method: 'GET', path: '/photos', query: 'versions&prefix=a' },
  ListMultipartUploads: { method: 'GET', path: '/photos', query: 'uploads&max-uploads=1000' },
  GetBucketLocation: { method: 'GET', path: '/photos', query: 'location' },
  GetBucketAcl: { method: 'GET', path: '/photos', query: 'acl' },
  PutBucketAcl: { method: 'PUT', path: '/photos', query: 'acl' },
  GetBucketOwnershipControls: { method: 'GET', path: '/photos', query: 'ownershipControls' },
  PutBucketOwnershipControls: { method: 'PUT', path: '/photos', query: 'ownershipControls' },
  DeleteBucketOwnershipControls: { method: 'DELETE', path: '/photos', query: 'ownershipControls' },
  GetBucketPolicyStatus: { method: 'GET', path: '/photos', query: 'policyStatus' },
  GetPublicAccessBlock: { method: 'GET', path: '/photos', query: 'publicAccessBlock' },
  PutPublicAccessBlock: { method: 'PUT', path: '/photos', query: 'publicAccessBlock' },
  DeletePublicAccessBlock: { method: 'DELETE', path: '/photos', query: 'publicAccessBlock' },
  GetBucketCors: { method: 'GET', path: '/photos', query: 'cors' },
  PutBucketCors: { method: 'PUT', path: '/photos', query: 'cors' },
  DeleteBucketCors: { method: 'DELETE', path: '/photos', query: 'cors' },
  GetBucketLifecycle: { method: 'GET', path: '/photos', query: 'lifecycle' },
  PutBucketLifecycle: { method: 'PUT', path: '/photos', query: 'lifecycle' },
  GetBucketLifecycleConfiguration: { method: 'GET', path: '/photos', query: 'lifecycle=' },
  PutBucketLifecycleConfiguration: { method: 'PUT', path: '/photos', query: 'lifecycle' },
  DeleteBucketLifecycle: { method: 'DELETE', path: '/photos', query: 'lifecycle' },
  GetBucketPolicy: { method: 'GET', path: '/photos', query: 'policy' },
  PutBucketPolicy: { method: 'PUT', path: '/photos', query: 'policy' },
  DeleteBucketPolicy: { method: 'DELETE', path: '/photos', query: 'policy' },
  GetBucketLogging: { method: 'GET', path: '/photos', query: 'logging' },
  PutBucketLogging: { method: 'PUT', path: '/photos', query: 'logging' },
  GetBucketNotification: { method: 'GET', path: '/photos', query: 'notification' },
  PutBucketNotification: { method: 'PUT', path: '/photos', query: 'notification' },
  GetBucketNotificationConfiguration: { method: 'GET', path: '/photos', query: 'notification' },
  PutBucketNotificationConfiguration: { method: 'PUT', path: '/photos', query: 'notification' },
  GetBucketReplication: { method: 'GET', path: '/photos', query: 'replication' },
  PutBucketReplication: { method: 'PUT', path: '/photos', query: 'replication' },
  DeleteBucketReplication: { method: 'DELETE', path: '/photos', query: 'replication' },
  GetBucketTagging: { method: 'GET', path: '/photos', query: 'tagging' },
  PutBucketTagging: { method: 'PUT', path: '/photos', query: 'tagging' },
  DeleteBucketTagging: { method: 'DELETE', path: '/photos', query: 'tagging' },
  GetBucketRequestPayment: { method: 'GET', path: '/photos', query: 'requestPayment' },
  GetBucketAccelerateConfiguration: { method: 'GET', path: '/photos', query: 'accelerate' },
  PutBucketAccelerateConfiguration: { method: 'PUT', path: '/photos', query: 'accelerate' },
  PutBucketRequestPayment: { method: 'PUT', path: '/photos', query: 'requestPayment' },
  GetBucketVersioning: { method: 'GET', path: '/photos', query: 'versioning' },
  PutBucketVersioning: { method: 'PUT', path: '/photos', query: 'versioning' },
  GetBucketWebsite: { method: 'GET', path: '/photos', query: 'website' },
  PutBucketWebsite: { method: 'PUT', path: '/photos', query: 'website' },
  DeleteBucketWebsite: { method: 'DELETE', path: '/photos', query: 'website' },
  DeleteObjects: { method: 'POST', path: '/photos', query: 'delete' },
  PostObject: { method: 'POST', path: '/photos', headers: { 'content-type': 'multipart/form-data; boundary=x' } },
  GetBucketEncryption: { method: 'GET', path: '/photos', query: 'encryption' },
  PutBucketEncryption: { method: 'PUT', path: '/photos', query: 'encryption' },
  DeleteBucketEncryption: { method: 'DELETE', path: '/photos', query: 'encryption' },
  GetObjectLockConfiguration: { method: 'GET', path: '/photos', query: 'object-lock' },
  PutObjectLockConfiguration: { method: 'PUT', path: '/photos', query: 'object-lock' },
  ListenBucketNotification: { method: 'GET', path: '/photos', query: 'prefix=&suffix=&events=s3%3AObjectCreated%3A%2A' },
  GetObject: { method: 'GET', path: '/photos/2024/cat.jpg', query: 'versionId=v1' },
  HeadObject: { method: 'HEAD', path: '/photos/2024/cat.jpg', query: 'partNumber=1' },
  PutObject: { method: 'PUT', path: '/photos/2024/cat.jpg', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
  CopyObject: { method: 'PUT', path: '/photos/copy.jpg', headers: { 'x-amz-copy-source': '/photos/2024/cat.jpg' } },
  DeleteObject: { method: 'DELETE', path: '/photos/2024/cat.jpg' },
  GetObjectAcl: { method: 'GET', path: '/photos/cat.jpg', query: 'acl' },
  PutObjectAcl: { method: 'PUT', path: '/photos/cat.jpg', query: 'acl' },
  GetObjectTorrent: { method: 'GET', path: '/photos/cat.jpg', query: 'torrent' },
  RestoreObject: { method: 'POST', path: '/photos/cat.jpg', query: 'restore&versionId=v1' },
  OptionsObject: { method: 'OPTIONS', path: '/photos/cat.jpg', headers: { origin: 'https://a.example', 'access-control-request-method': 'PUT' } },
  CreateMultipartUpload: { method: 'POST', path: '/photos/big.bin', query: 'uploads' },
  UploadPart: { method: 'PUT', path: '/photos/big.bin', query: 'partNumber=3&uploadId=VXBsb2FkIElE' },
  UploadPartCopy: {
    method: 'PUT',
    path: '/photos/big.bin',
    query: 'partNumber=3&uploadId=VXBsb2FkIElE',
    headers: { 'x-amz-copy-source': 'src/a.bin', 'x-amz-copy-source-range': 'bytes=0-99' },
  },
  CompleteMultipartUpload: { method: 'POST', path: '/photos/big.bin', query: 'uploadId=VXBsb2FkIElE' },
  AbortMultipartUpload: { method: 'DELETE', path: '/photos/big.bin', query: 'uploadId=VXBsb2FkIElE' },
  ListParts: { method: 'GET', path: '/photos/big.bin', query: 'uploadId=VXBsb2FkIElE&max-parts=1000' },
  GetObjectTagging: { method: 'GET', path: '/photos/cat.jpg', query: 'tagging' },
  PutObjectTagging: { method: 'PUT', path: '/photos/cat.jpg', query: 'tagging' },
  DeleteObjectTagging: { method: 'DELETE', path: '/photos/cat.jpg', query: 'tagging&versionId=v2' },
  GetObjectRetention: { method: 'GET', path: '/photos/cat.jpg', query: 'retention' },
  PutObjectRetention: { method: 'PUT', path: '/photos/cat.jpg', query: 'retention' },
  GetObjectLegalHold: { method: 'GET', path: '/photos/cat.jpg', query: 'legal-hold' },
  PutObjectLegalHold: { method: 'PUT', path: '/photos/cat.jpg', query: 'legal-hold' },
  GetObjectAttributes: { method: 'GET', path: '/photos/cat.jpg', query: 'attributes' },
  SelectObjectContent: { method: 'POST', path: '/photos/data.csv', query: 'select&select-type=2' },
};

function routeErr(fn: () => unknown): S3Error {
  try {
    fn();
  } catch (e) {
    if (isS3Error(e)) return e;
    throw e;
  }
  throw new Error('expected an S3Error');
}

describe('catalogue', () => {
  it('has all 54 operations of the 2015 S3 API', () => {
    expect(OPERATION_LIST.filter((o) => o.origin === 's3-2015')).toHaveLength(54);
  });

  it('covers the operations the MinIO client uses beyond 2015', () => {
    for (const name of [
      'ListObjectsV2',
      'GetObjectTagging',
      'PutObjectTagging',
      'DeleteObjectTagging',
      'GetBucketEncryption',
      'PutBucketEncryption',
      'DeleteBucketEncryption',
      'GetObjectLockConfiguration',
      'PutObjectLockConfiguration',
      'GetObjectRetention',
      'PutObjectRetention',
      'GetObjectLegalHold',
      'PutObjectLegalHold',
      'SelectObjectContent',
      'PutBucketLifecycleConfiguration',
      'PutBucketNotificationConfiguration',
      'ListenBucketNotification',
      'ListenNotification',
    ] as const) {
      expect(OPERATIONS[name].origin).not.toBe('s3-2015');
    }
  });

  it('gives every operation except the CORS preflight at least one IAM action', () => {
    for (const op of OPERATION_LIST) {
      if (op.name === 'OptionsObject') expect(op.actions).toEqual([]);
      else expect(op.actions.length).toBeGreaterThan(0);
    }
  });

  it('has no two routed rows with the same method, scope, query and headers', () => {
    const seen = new Map<string, string>();
    for (const op of OPERATION_LIST.filter((o) => o.routedAs === undefined)) {
      const sig = [op.method, op.scope, [...op.query].sort().join('&'), JSON.stringify(op.queryValues ?? {}), (op.headers ?? []).join()].join(' ');
      expect(seen.get(sig), `${op.name} collides`).toBeUndefined();
      seen.set(sig, op.name);
    }
  });

  it('resolves version-specific and two-resource IAM actions', () => {
    expect(requiredActions(OPERATIONS.GetObject)).toEqual([{ action: 's3:GetObject', resource: 'object' }]);
    expect(requiredActions(OPERATIONS.GetObject, { versionId: 'v' })).toEqual([{ action: 's3:GetObjectVersion', resource: 'object' }]);
    expect(requiredActions(OPERATIONS.CopyObject, { copySourceVersionId: 'v' })).toEqual([
      { action: 's3:GetObjectVersion', resource: 'copySource' },
      { action: 's3:PutObject', resource: 'object' },
    ]);
    expect(requiredActions(OPERATIONS.PutObject, { hasHeader: (h) => h === 'x-amz-tagging' })).toEqual([
      { action: 's3:PutObject', resource: 'object' },
      { action: 's3:PutObjectTagging', resource: 'object' },
    ]);
    const grants = new Set(['x-amz-acl', 'x-amz-grant-read']);
    expect(requiredActions(OPERATIONS.CreateBucket, { hasHeader: (h) => grants.has(h) })).toEqual([
      { action: 's3:CreateBucket', resource: 'bucket' },
      { action: 's3:PutBucketAcl', resource: 'bucket' },
    ]);
    expect(requiredActions(OPERATIONS.CreateBucket, { hasHeader: (h) => h === 'x-amz-bucket-object-lock-enabled' || h === 'x-amz-object-ownership' })).toEqual([
      { action: 's3:CreateBucket', resource: 'bucket' },
      { action: 's3:PutBucketObjectLockConfiguration', resource: 'bucket' },
      { action: 's3:PutBucketVersioning', resource: 'bucket' },
      { action: 's3:PutBucketOwnershipControls', resource: 'bucket' },
    ]);
    expect(requiredActions(OPERATIONS.ListBuckets)).toEqual([{ action: 's3:ListAllMyBuckets', resource: 'service' }]);
    expect(requiredActions(OPERATIONS.HeadBucket)).toEqual([{ action: 's3:ListBucket', resource: 'bucket' }]);
    expect(requiredActions(OPERATIONS.ListObjectVersions)[0]!.action).toBe('s3:ListBucketVersions');
    expect(requiredActions(OPERATIONS.ListMultipartUploads)[0]!.action).toBe('s3:ListBucketMultipartUploads');
    expect(requiredActions(OPERATIONS.DeleteObjects)).toEqual([{ action: 's3:DeleteObject', resource: 'eachKey' }]);
  });
});

describe('route: one realistic request per operation', () => {
  for (const [name, req] of Object.entries(TABLE) as [OperationName, Req][]) {
    const expected = OPERATIONS[name].routedAs ?? name;
    it(`routes ${req.method} ${req.path}${req.query ? `?${req.query}` : ''} to ${expected}`, () => {
      const r = router.route(req.method, req.host ?? 'localhost:9000', req.path, req.query, req.headers);
      expect(r.operation).toBe(expected);
      expect(r.spec.scope).toBe(OPERATIONS[name].scope);
      if (r.spec.scope === 'service') return;
      // The same request, virtual-hosted style.
      const bucketPath = req.path.slice('/photos'.length) || '/';
      const v = router.route(req.method, 'photos.s3.example.com', bucketPath, req.query, req.headers);
      expect(v.operation).toBe(r.operation);
      expect(v.bucket).toBe(r.bucket);
      expect(v.key).toBe(r.key);
    });
  }
});

describe('route: bucket and key extraction', () => {
  it('reads bucket names with dots from a virtual host and keeps the port out', () => {
    const r = router.route('GET', 'my.dotted.bucket.s3.example.com:443', '/a.txt', '', {});
    expect([r.bucket, r.key, r.style]).toEqual(['my.dotted.bucket', 'a.txt', 'virtual']);
  });

  it('treats an upper-case Host header case-insensitively', () => {
    expect(router.route('GET', 'Photos.S3.Example.COM', '/', '', {}).bucket).toBe('photos');
  });

  it('decodes %2F, unicode and keeps + literal in keys', () => {
    const r = router.route('GET', 'localhost', '/bk1/a%2Fb/c+d/%E2%9C%93%20x', '', {});
    expect(r.key).toBe('a/b/c+d/✓ x');
  });

  it('keeps a trailing slash and leading slashes in keys', () => {
    expect(router.route('PUT', 'localhost', '/bk1/dir/', '', {}).key).toBe('dir/');
    expect(router.route('GET', 'localhost', '/bk1//x', '', {}).key).toBe('/x');
    expect(router.route('GET', 'bk1.s3.example.com', '//x', '', {}).key).toBe('/x');
  });

  it('treats /bucket/ as the bucket (empty key)', () => {
    const r = router.route('GET', 'localhost', '/bk1/', '', {});
    expect([r.operation, r.key]).toEqual(['ListObjects', undefined]);
  });

  it('accepts the query inside the path, as Node req.url', () => {
    const r = router.route('GET', undefined, '/bk1/k?uploadId=u%2B1&max-parts=2');
    expect(r.operation).toBe('ListParts');
    expect(r.params['uploadId']).toBe('u+1');
  });

  it('decodes + in query values as space and takes the first of repeated keys', () => {
    const r = router.route('GET', undefined, '/bk1', 'prefix=a+b&prefix=zzz', {});
    expect(r.params['prefix']).toBe('a b');
  });

  it('accepts URLSearchParams, records and Headers objects', () => {
    const r = router.route('PUT', undefined, '/bk1/k', new URLSearchParams({ partNumber: '1', uploadId: 'x' }), new Headers({ 'X-Amz-Copy-Source': 'a/b' }));
    expect(r.operation).toBe('UploadPartCopy');
    expect(router.route('GET', undefined, '/bk1', { 'list-type': ['2'] }, {}).operation).toBe('ListObjectsV2');
  });

  it('does not read prototype properties as query keys', () => {
    expect(router.route('GET', undefined, '/bk1', 'constructor=1', {}).operation).toBe('ListObjects');
  });

  it('keeps query keys named like prototype properties as plain own keys, in a record with no prototype', () => {
    const r = router.route('GET', undefined, '/bk1', '__proto__=a&constructor=b&toString=c&list-type=2', {});
    expect(r.operation).toBe('ListObjectsV2');
    expect(Object.keys(r.params)).toEqual(['__proto__', 'constructor', 'toString', 'list-type']);
    // biome-ignore lint/suspicious/noProto: the point of the test
    expect([r.params['__proto__'], r.params['constructor'], r.params['toString']]).toEqual(['a', 'b', 'c']);
    expect(r.params instanceof Object).toBe(false);
    expect('hasOwnProperty' in r.params).toBe(false);
  });

  it('reads many query parameters the same way (past 32 the record is a dictionary, still without a prototype)', () => {
    const query = ['list-type=2', 'constructor=c', ...Array.from({ length: 40 }, (_, i) => `p${i}=${i}`)].join('&');
    for (const q of [query, new URLSearchParams(query), Object.fromEntries(new URLSearchParams(query))]) {
      const r = router.route('GET', undefined, '/bk1', q, {});
      expect(r.operation).toBe('ListObjectsV2');
      expect(Object.keys(r.params)).toHaveLength(42);
      expect([r.params['constructor'], r.params['p39']]).toEqual(['c', '39']);
      expect(r.params instanceof Object).toBe(false);
    }
  });

  it('property: any key survives percent-encoding in the path', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (key) => {
        const path = '/bk1/' + key.split('/').map(encodeURIComponent).join('/');
        expect(router.route('GET', undefined, path, '', {}).key).toBe(key);
      }),
    );
  });
});

describe('route: rejections', () => {
  it('answers a sub-resource with the wrong method with MethodNotAllowed (405) and Allow', () => {
    const e = routeErr(() => router.route('POST', undefined, '/bk1', 'tagging', {}));
    expect([e.code, e.status, e.headers['Allow']]).toEqual(['MethodNotAllowed', 405, 'GET, PUT, DELETE']);
  });

  it('answers POST to an object without a sub-resource with MethodNotAllowed', () => {
    const e = routeErr(() => router.route('POST', undefined, '/bk1/k', '', {}));
    expect(e.code).toBe('MethodNotAllowed');
    expect(e.headers['Allow']).toBe('GET, HEAD, PUT, DELETE, OPTIONS');
  });

  it('answers PUT on the service with MethodNotAllowed (Allow: GET)', () => {
    expect(routeErr(() => router.route('PUT', undefined, '/', '', {})).headers['Allow']).toBe('GET');
  });

  it('answers an unknown method with MethodNotAllowed', () => {
    expect(routeErr(() => router.route('PATCH', undefined, '/bk1/k', '', {})).code).toBe('MethodNotAllowed');
  });

  it('answers ?select without select-type=2 with InvalidRequest', () => {
    const e = routeErr(() => router.route('POST', undefined, '/bk1/k', 'select', {}));
    expect([e.code, e.message]).toEqual(['InvalidRequest', 'SelectObjectContent needs ?select-type=2.']);
  });

  it('answers two conflicting sub-resources with InvalidRequest', () => {
    expect(routeErr(() => router.route('GET', undefined, '/bk1', 'acl&cors', {})).code).toBe('InvalidRequest');
  });

  it('answers a bucket sub-resource on an object with InvalidRequest, and ?logging with NoLoggingStatusForKey', () => {
    expect(routeErr(() => router.route('GET', undefined, '/bk1/k', 'versioning', {})).code).toBe('InvalidRequest');
    expect(routeErr(() => router.route('GET', undefined, '/bk1/k', 'logging', {})).code).toBe('NoLoggingStatusForKey');
    expect(routeErr(() => router.route('GET', undefined, '/bk1', 'torrent', {})).code).toBe('RequestTorrentOfBucketError');
  });

  it('answers unmodelled S3 sub-resources with NotImplemented (501) instead of falling through', () => {
    const e = routeErr(() => router.route('GET', undefined, '/bk1', 'analytics', {}));
    expect([e.code, e.status]).toEqual(['NotImplemented', 501]);
  });

  it('rejects an upload part without uploadId with InvalidRequest', () => {
    expect(routeErr(() => router.route('PUT', undefined, '/bk1/k', 'partNumber=1', {})).code).toBe('InvalidRequest');
  });

  it('rejects bad bucket names with InvalidBucketName (400)', () => {
    for (const p of ['/ab', '/Bad', '/a..b', '/-ab', '/ab-', '/192.168.1.1', '/a_b', `/${'a'.repeat(64)}`]) {
      expect(routeErr(() => router.route('GET', undefined, p, '', {})).code, p).toBe('InvalidBucketName');
    }
  });

  it('accepts legacy bucket names when asked', () => {
    expect(validBucketName('My_Bucket', true)).toBe(true);
    expect(route('GET', undefined, '/My_Bucket', '', {}, { legacyBucketNames: true }).bucket).toBe('My_Bucket');
  });

  it('rejects malformed percent-encoding with InvalidURI', () => {
    expect(routeErr(() => router.route('GET', undefined, '/bk1/%E0%A4%A', '', {})).code).toBe('InvalidURI');
    expect(routeErr(() => router.route('GET', undefined, '/bk1/%ZZ', '', {})).code).toBe('InvalidURI');
    expect(routeErr(() => router.route('GET', undefined, 'b1/k', '', {})).code).toBe('InvalidURI');
  });

  it('rejects keys over 1024 UTF-8 bytes with KeyTooLongError', () => {
    expect(routeErr(() => router.route('PUT', undefined, '/bk1/' + 'é'.repeat(513), '', {})).code).toBe('KeyTooLongError');
    expect(router.route('PUT', undefined, '/bk1/' + 'é'.repeat(512), '', {}).operation).toBe('PutObject');
  });

  it('property: never throws anything but S3Error for arbitrary input', () => {
    fc.assert(
      fc.property(fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'FOO'), fc.string(), fc.string(), (m, p, q) => {
        try {
          router.route(m, 'x.localhost', '/' + p, q, {});
        } catch (e) {
          expect(isS3Error(e)).toBe(true);
        }
      }),
    );
  });
});

describe('route: soundness over sub-resource combinations', () => {
  const keys = [...new Set(OPERATION_LIST.flatMap((o) => o.query)), ...UNMODELLED_SUBRESOURCES.slice(0, 3), 'versionId', 'prefix'];
  const ERRORS = new Set(['MethodNotAllowed', 'InvalidRequest', 'NotImplemented', 'NoLoggingStatusForKey', 'RequestTorrentOfBucketError']);

  it('property: a routed operation has all its identifying keys, and every present sub-resource is accounted for', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS'),
        fc.constantFrom('/', '/bk1', '/bk1/k'),
        fc.subarray(keys, { maxLength: 4 }),
        fc.constantFrom('2', '1', ''),
        fc.boolean(),
        (method, path, present, value, copy) => {
          const query = present.map((k) => `${k}=${value}`).join('&');
          const headers = copy ? { 'x-amz-copy-source': 'a/b' } : {};
          try {
            const r = router.route(method, undefined, path, query, headers);
            expect(r.spec.method).toBe(method);
            for (const k of r.spec.query) expect(present).toContain(k);
            for (const [k, v] of Object.entries(r.spec.queryValues ?? {})) expect(r.params[k]).toBe(v);
            for (const h of r.spec.headers ?? []) expect(h in headers).toBe(true);
            // No unmodelled sub-resource is ever routed, and no other operation's sub-resource is ignored.
            const ident = new Set([...OPERATION_LIST.flatMap((o) => o.query), ...UNMODELLED_SUBRESOURCES]);
            const accounted = new Set([...r.spec.query, ...(r.spec.accepts ?? [])]);
            for (const k of present) if (ident.has(k)) expect(accounted.has(k), `${k} ignored by ${r.operation}`).toBe(true);
          } catch (e) {
            expect(isS3Error(e), String(e)).toBe(true);
            expect(ERRORS.has((e as S3Error).code), (e as S3Error).code).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseCopySource', () => {
  it('parses bucket, encoded key and versionId', () => {
    expect(parseCopySource('/src/a%20b%2Fc.txt?versionId=3%2B')).toEqual({ bucket: 'src', key: 'a b/c.txt', versionId: '3+' });
    expect(parseCopySource('src/k')).toEqual({ bucket: 'src', key: 'k' });
  });

  it('rejects a value without a key with InvalidArgument (400)', () => {
    expect(routeErr(() => parseCopySource('/onlybucket')).code).toBe('InvalidArgument');
    expect(routeErr(() => parseCopySource('/b/')).code).toBe('InvalidArgument');
  });
});
