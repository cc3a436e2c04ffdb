// The browser app headless Chromium loads: the neutral client from the package (`@s3kit/client`
// under the `browser` condition, bundled by esbuild) and the shared scenario, on `window`.
import { S3Client } from '@s3kit/client';
import { scenario } from './scenario.js';

interface Run {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  tag: string;
}

const w = globalThis as unknown as { runScenario(r: Run): Promise<unknown>; clientReady: boolean };
w.runScenario = async (r) => {
  const s3 = new S3Client({ endpoint: r.endpoint, accessKey: r.accessKey, secretKey: r.secretKey, region: 'us-east-1' });
  try {
    return await scenario(s3, r.bucket, r.tag);
  } finally {
    await s3.close();
  }
};
w.clientReady = true;
