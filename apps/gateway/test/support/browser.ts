import { SigV4Signer } from '@s3kit/sigv4';
import { expect } from 'vitest';

// Chromium itself (browserTestsRun, launchChromium) is shared: @s3kit/test-utils/browser.
export { browserTestsRun, launchChromium } from '@s3kit/test-utils/browser';

/** Signed S3 requests to the program from Node, to read back what the browser stored. */
export function s3From(endpoint: () => string, credentials: { accessKeyId: string; secretAccessKey: string }, region = 'us-east-1') {
  const signer = new SigV4Signer({ credentials, region });
  const s3 = (method: string, path: string): Promise<Response> => {
    const s = signer.sign({ method, url: `${endpoint()}${path}` });
    return fetch(s.url, { method, headers: s.headers });
  };
  /** The keys of a bucket (ListObjectsV2, first page). */
  const keysIn = async (bucket: string): Promise<string[]> => {
    const res = await s3('GET', `/${bucket}?list-type=2`);
    const xml = await res.text();
    expect(res.status, xml).toBe(200);
    return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
  };
  return { s3, keysIn };
}
