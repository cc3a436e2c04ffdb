import { SigV4Verifier } from '@s3kit/sigv4';
import { describe, expect, it } from 'vitest';
import { S3Client } from '../src/node.js';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('presigning for AWS hosts (no network: fixed region)', () => {
  const s3 = new S3Client({ endpoint: 's3.amazonaws.com', region: 'eu-west-1', credentials });

  it('a virtual-hosted regional URL whose signature the @s3kit/sigv4 verifier accepts, with overrides and version id', async () => {
    const date = new Date(Date.UTC(2026, 10, 23, 12, 0, 0));
    const url = await s3.presignedGetObject('photos', 'a b/ü.jpg', { expires: 900, requestDate: date, versionId: 'v1', query: { 'response-content-type': 'image/jpeg' } });
    const u = new URL(url);
    expect(u.host).toBe('photos.s3.eu-west-1.amazonaws.com');
    expect(u.pathname).toBe('/a%20b/%C3%BC.jpg');
    expect(u.searchParams.get('X-Amz-Credential')).toBe('AKIAIOSFODNN7EXAMPLE/20261123/eu-west-1/s3/aws4_request');
    expect([u.searchParams.get('versionId'), u.searchParams.get('response-content-type'), u.searchParams.get('X-Amz-Expires')]).toEqual(['v1', 'image/jpeg', '900']);
    const verifier = new SigV4Verifier({
      getCredentials: (id) => (id === credentials.accessKeyId ? { secretAccessKey: credentials.secretAccessKey } : undefined),
      region: 'eu-west-1',
      clock: () => date.getTime() + 60_000,
    });
    const ok = await verifier.verify({ method: 'GET', url: u.pathname + u.search, headers: { host: u.host } });
    expect([ok.authType, ok.accessKeyId, ok.region, ok.payloadHash]).toEqual(['presigned', credentials.accessKeyId, 'eu-west-1', 'UNSIGNED-PAYLOAD']);
    const tampered = url.replace('response-content-type=image%2Fjpeg', 'response-content-type=text%2Fhtml');
    const t = new URL(tampered);
    await expect(verifier.verify({ method: 'GET', url: t.pathname + t.search, headers: { host: t.host } })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('dotted bucket names go path-style over https; a POST policy targets the regional host', async () => {
    const url = new URL(await s3.presignedPutObject('my.dotted.bucket', 'k'));
    expect([url.host, url.pathname]).toEqual(['s3.eu-west-1.amazonaws.com', '/my.dotted.bucket/k']);
    const { PostPolicy } = await import('../src/index.js');
    const { postURL, formData } = await s3.presignedPostPolicy(new PostPolicy().setBucket('photos').setKey('x'));
    expect(postURL).toBe('https://photos.s3.eu-west-1.amazonaws.com/');
    expect(formData['x-amz-credential']).toMatch(/\/eu-west-1\/s3\/aws4_request$/);
  });
});
