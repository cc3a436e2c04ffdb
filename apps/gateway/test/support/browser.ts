import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SigV4Signer } from '@s3kit/sigv4';
import { isCi } from '@s3kit/test-utils';
import { chromium, type BrowserContext } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium, installed by tooling/scripts/chromium.sh (run by `pnpm test`). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether a browser suite runs: when Chromium is installed, and always under CI (where a missing
 * browser must fail, not skip). Says why when it skips.
 */
export function browserTestsRun(suite: string): boolean {
  const run = existsSync(CHROMIUM) || isCi();
  if (!run) process.stderr.write(`[s3kit] ${suite} skipped: ${CHROMIUM} missing (tooling/scripts/chromium.sh install)\n`);
  return run;
}

// The flags that work on this machine (no sandbox as root; no background network, which the closed network refuses).
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Headless Chromium with a fresh profile under `dir`, driven by playwright-core. */
export function launchChromium(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS });
}

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
