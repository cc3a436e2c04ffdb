import { rgwOrSkip } from '@s3kit/test-utils';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayServer, createGateway } from '../src/index.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { upstreamKinds, type Target } from './support/targets.js';

// The library's trustProxy through the real server (createGatewayServer) over the embedded store
// and Ceph RGW: forwarded headers from a trusted peer decide aws:SourceIp and aws:SecureTransport
// and reach the access log; the object arrives upstream as sent. explain() answers like a
// request without `secure` unless told the request came over TLS.
const { rgw, reason } = await rgwOrSkip();
const V = '2012-10-17';

function officeAndTls(bucket: string): unknown {
  return {
    Version: V,
    Statement: [
      { Sid: 'OfficeOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
      { Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ],
  };
}

async function put(g: RunningGateway, path: string, body: string, forwarded: Record<string, string>): Promise<number> {
  const s = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' }).sign({ method: 'PUT', url: `${g.endpoint}${path}`, body: new TextEncoder().encode(body) });
  const res = await fetch(s.url, { method: 'PUT', headers: { ...s.headers, ...forwarded }, body });
  await res.arrayBuffer();
  return res.status;
}

for (const [name, skip, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(skip)(`trustProxy through the server to ${name}`, () => {
    const bucket = `fwd-${Date.now().toString(36)}`;
    let target: Target;
    let trusting: RunningGateway;
    let untrusting: RunningGateway;
    beforeAll(async () => {
      target = await make();
      await target.createBucket(bucket);
      const options = { bucketPolicies: { [bucket]: officeAndTls(bucket) } };
      trusting = await startGateway(target.upstream, { ...options, server: { trustProxy: (a: string) => a === '127.0.0.1' || a === '::ffff:127.0.0.1' } });
      untrusting = await startGateway(target.upstream, { ...options, server: { trustProxy: ['192.0.2.1'] } });
    });
    afterAll(async () => {
      await trusting?.close();
      await untrusting?.close();
      await target?.close();
    });

    it("a trusted peer's X-Forwarded-For/Proto satisfy IpAddress and SecureTransport conditions; the object arrives upstream", async () => {
      const forwarded = { 'x-forwarded-for': '203.0.113.50', 'x-forwarded-proto': 'https' };
      expect(await put(trusting, `/${bucket}/office.txt`, 'from the office over tls', forwarded)).toBe(200);
      expect((await target.stored(bucket, 'office.txt'))?.toString()).toBe('from the office over tls');
      await trusting.loggedFor('office.txt');
      expect(trusting.log.find((e) => e.key === 'office.txt')?.remoteAddress).toBe('203.0.113.50');
      expect(await put(trusting, `/${bucket}/office.txt`, 'plain', { 'x-forwarded-for': '203.0.113.50' })).toBe(403);
      expect(await put(trusting, `/${bucket}/office.txt`, 'elsewhere', { 'x-forwarded-for': '198.51.100.9', 'x-forwarded-proto': 'https' })).toBe(403);
    });

    it('from an untrusted peer the same headers change nothing', async () => {
      expect(await put(untrusting, `/${bucket}/spoof.txt`, 'spoofed', { 'x-forwarded-for': '203.0.113.50', 'x-forwarded-proto': 'https' })).toBe(403);
      expect(await target.stored(bucket, 'spoof.txt')).toBeUndefined();
      await untrusting.loggedFor('spoof.txt');
      expect(untrusting.log.find((e) => e.key === 'spoof.txt')?.remoteAddress).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    });
  });
}

describe('explain() and aws:SecureTransport', () => {
  it('answers like a request without `secure` (the TlsOnly deny applies) unless told the request came over TLS', () => {
    const gateway = createGateway({ identities: [ADMIN], upstreams: { default: { handle: () => Promise.reject(new Error('unused')) } }, bucketPolicies: { b: officeAndTls('b') } });
    const q = { identity: ADMIN.accessKeyId, action: 's3:GetObject', bucket: 'b', key: 'k', context: { 'aws:SourceIp': '203.0.113.1' } };
    expect(gateway.explain(q)).toMatchObject({ decision: 'deny', statement: { sid: 'TlsOnly' } });
    expect(gateway.explain({ ...q, secure: true }).decision).toBe('allow');
    expect(gateway.explain({ ...q, secure: true, context: { ...q.context, 'aws:SecureTransport': 'false' } }).decision).toBe('deny');
  });

  it('refuses a trustProxy entry that is no address or CIDR', () => {
    const gateway = createGateway({ identities: [ADMIN], upstreams: { default: { handle: () => Promise.reject(new Error('unused')) } } });
    expect(() => createGatewayServer(gateway, { trustProxy: ['proxy.internal'] })).toThrow(/"proxy.internal" is not an IP address/);
  });
});
