import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { isCi } from './rgw.js';

export type { BrowserContext, Page } from 'playwright-core';

// `@s3kit/test-utils/browser` (a subpath, so that suites without a browser never load playwright-core).

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
