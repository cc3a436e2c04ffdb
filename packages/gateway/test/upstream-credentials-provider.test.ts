import { rgwOrSkip } from '@s3kit/test-utils';
import { describe, expect, it } from 'vitest';
import { createS3Upstream, type UpstreamCredentials } from '../src/index.js';

const { rgw, reason } = await rgwOrSkip();

// createS3Upstream with a credentials provider (as @s3kit/client's refreshing ones): asked before
// every request, and its latest credentials sign the presigned URLs of the redirect offload.
describe.skipIf(!rgw)(`createS3Upstream with a credentials provider, Ceph RGW ${reason}`, () => {
  it('asks the provider per request and presigns with what it gave last (none before the first request)', async () => {
    let calls = 0;
    const provider = async (): Promise<UpstreamCredentials> => {
      calls++;
      return { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey };
    };
    const up = createS3Upstream({ endpoint: rgw!.endpoint, region: rgw!.region, credentials: provider, profile: { checksumHeaders: false } });
    const bucket = `provider-${Date.now().toString(36)}`;
    const get = { method: 'GET', operation: 'GetObject', bucket, key: 'a.txt', query: {}, headers: {} } as const;
    try {
      expect(up.capabilities!.presign!(get, 60)).toBeUndefined();
      expect(() => up.presign(get, 60)).toThrow('no credentials from the provider yet');
      expect((await up.handle({ method: 'PUT', operation: 'CreateBucket', bucket, query: {}, headers: {} })).status).toBe(200);
      expect((await up.handle({ method: 'PUT', operation: 'PutObject', bucket, key: 'a.txt', query: {}, headers: { 'content-length': '5' }, body: new Blob(['hello']).stream() })).status).toBe(200);
      expect(calls).toBeGreaterThanOrEqual(2);
      const url = up.capabilities!.presign!(get, 60)!;
      expect(new URL(url).searchParams.get('X-Amz-Credential')).toMatch(new RegExp(`^${rgw!.accessKeyId}/`));
      expect(await (await fetch(url)).text()).toBe('hello');
    } finally {
      await up.close();
    }
  });
});
