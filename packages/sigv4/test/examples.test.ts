import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadS3Vector } from '@s3kit/test-utils';
import { signPolicyV2 } from '../src/index.js';

// Each example runs on import; its console output and exports are checked here.
let printed: string[] = [];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
});
afterEach(() => vi.restoreAllMocks());

describe('README examples run and print what the README says', () => {
  it('examples/sign-and-presign.ts reproduces the AWS documentation signatures', async () => {
    const header = loadS3Vector<{ expected: { authorization: string; signature: string } }>('sigv4-header-get-object-range');
    const query = loadS3Vector<{ expected: { signature: string } }>('sigv4-presigned-get-object');
    const { signed, presigned } = await import('../examples/sign-and-presign.js');
    expect(signed.signature).toBe(header.expected.signature);
    expect(presigned.signature).toBe(query.expected.signature);
    expect(presigned.url).toContain('X-Amz-Expires=86400');
    expect(printed).toEqual([signed.headers['authorization'], presigned.url]);
  });

  it('examples/verify.ts accepts the signed PUT and refuses the tampered one with SignatureDoesNotMatch 403', async () => {
    const { ok, tampered } = await import('../examples/verify.js');
    expect(ok).toMatchObject({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', payloadMode: 'sha256', authType: 'header' });
    expect(tampered).toBe('SignatureDoesNotMatch 403');
    expect(printed[0]).toBe('AKIAIOSFODNN7EXAMPLE sha256 content-type;host;x-amz-content-sha256;x-amz-date');
  });

  it('examples/chunked-upload.ts round-trips 200 000 bytes through the aws-chunked encoder and verifying decoder', async () => {
    const { signed, received, verified } = await import('../examples/chunked-upload.js');
    expect(received.length).toBe(200_000);
    expect(received.every((b) => b === 0x78)).toBe(true);
    expect(verified.payloadMode).toBe('streaming-trailer');
    expect(Number(signed.headers['content-length'])).toBeGreaterThan(200_000);
    expect(printed).toEqual([`${signed.headers['content-length']} 200000 streaming-trailer`]);
  });

  it("examples/sigv2.ts signs the guide's Object PUT, verifies it, and signs a POST policy", async () => {
    const { signed, verified, form } = await import('../examples/sigv2.js');
    expect(signed.headers['authorization']).toBe('AWS AKIAIOSFODNN7EXAMPLE:iqRzw+ileNPu1fhspnRs8nOjjIA=');
    expect(verified.stringToSign).toBe('PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/awsexamplebucket1/photos/puppy.jpg');
    expect(form.signature).toBe(signPolicyV2(form.policy, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'));
  });
});
