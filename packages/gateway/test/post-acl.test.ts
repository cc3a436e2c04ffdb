// A browser POST form's `acl` field through the gateway: the upstream applies it as the PUT's
// x-amz-acl, as S3 does, on both upstream kinds (the embedded store and Ceph RGW).
import { createPresignedPost } from '@s3kit/post-policy';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyText } from './helpers.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { formData, postForm, upstreamBytes } from './support/post-forms.js';
import { upstreamKinds, type Target } from './support/targets.js';

const { rgw, reason } = await rgwOrSkip();
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(noUpstream)(`a POST form's acl field through the gateway to ${name}`, () => {
    let target: Target;
    let g: RunningGateway;
    const stamp = Date.now().toString(36);
    const enforced = `post-acl-e-${stamp}`;
    const writer = `post-acl-w-${stamp}`;
    const post = (bucket: string, key: string, acl: string) => {
      const p = createPresignedPost({ bucket, key, credentials: ADMIN, endpoint: g.endpoint, forcePathStyle: true, fields: { acl }, conditions: [{ acl }] });
      return postForm(p.url, formData(p.fields, 'form bytes'));
    };
    const objectAcl = async (bucket: string, key: string): Promise<string> => {
      return bodyText(await target.upstream.handle({ method: 'GET', operation: 'GetObjectAcl', bucket, key, query: { acl: '' }, headers: {} }));
    };
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream);
      await target.createBucket(enforced);
      await target.upstream.handle({ method: 'PUT', operation: 'CreateBucket', bucket: writer, query: {}, headers: { 'x-amz-object-ownership': 'ObjectWriter' } });
    });
    afterAll(async () => {
      await g?.close();
      await target?.close();
    });

    it('refuses an unknown canned ACL with InvalidArgument (400) and stores nothing', async () => {
      const res = await post(writer, 'bogus.txt', 'bogus');
      expect([res.status, /<Code>([^<]+)<\/Code>/.exec(res.body)?.[1]]).toEqual([400, 'InvalidArgument']);
      expect(await upstreamBytes(target.upstream, writer, 'bogus.txt')).toBeUndefined();
    });

    it('applies acl=public-read where ACLs are enabled (GetObjectAcl shows AllUsers READ)', async () => {
      expect((await post(writer, 'pub.txt', 'public-read')).status).toBe(204);
      expect(await objectAcl(writer, 'pub.txt')).toContain(`<URI>${ALL_USERS}</URI></Grantee><Permission>READ</Permission>`);
    });

    it(`acl=public-read on a new bucket: ${onRgw ? 'applied (RGW 16.2 has no Object Ownership)' : 'AccessControlListNotSupported (400), nothing stored; bucket-owner-full-control is accepted'}`, async () => {
      const res = await post(enforced, 'pub.txt', 'public-read');
      if (onRgw) {
        expect(res.status).toBe(204);
      } else {
        expect([res.status, /<Code>([^<]+)<\/Code>/.exec(res.body)?.[1]]).toEqual([400, 'AccessControlListNotSupported']);
        expect(await upstreamBytes(target.upstream, enforced, 'pub.txt')).toBeUndefined();
      }
      expect((await post(enforced, 'owned.txt', 'bucket-owner-full-control')).status).toBe(204);
    });
  });
}
