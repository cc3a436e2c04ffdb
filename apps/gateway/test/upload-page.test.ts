import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { browserTestsRun, launchChromium, s3From } from './support/browser.js';

// The upload page in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// the program runs on 127.0.0.1 with the embedded store; the page hashes the file, gets a ticket
// from its same-origin route, posts the form to the gateway, and shows the result.
// Skips when Chromium is missing, except under CI, where it must run (support/browser.ts).

const run = browserTestsRun('upload page browser tests');

const DEV = { name: 'dev', accessKeyId: 'AKIAUPLOADPAGEDEV001', secretAccessKey: 'upload-page-dev-secret-for-tests-only-0000', allow: [{ bucket: '*', access: 'readwrite' as const }] };

let dir: string;
let running: RunningServer;
let context: BrowserContext;
const pageErrors: string[] = [];

const { s3, keysIn } = s3From(() => running.endpoint, DEV);

async function openPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${running.endpoint}/_s3kit/upload`);
  return page;
}

/** Chooses a file and clicks Upload; resolves when the page shows a result or an error. */
async function uploadThrough(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<'result' | 'error'> {
  await page.setInputFiles('#file', file);
  await page.click('#upload');
  await page.waitForSelector('#result:not([hidden]), #error:not([hidden])', { timeout: 30_000 });
  return (await page.isVisible('#result')) ? 'result' : 'error';
}

describe.skipIf(!run)('upload page in headless Chromium', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3kit-uploadpage-'));
    const config = validateConfig(
      { listen: { port: 0 }, admin: null, identities: [DEV], upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false } }, uploadPage: { enabled: true, identity: 'dev' } },
      'test',
    );
    running = await startServer(config, pino({ level: 'silent' }));
    context = await launchChromium(dir);
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await running?.shutdown();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('uploads a chosen 3 MiB file (upload throttled): the progress bar moves through upload progress events to 100%, the page shows key, ETag and size, the object is stored with its bytes and Content-Type', async () => {
    const page = await openPage();
    await expect(page.textContent('h1')).resolves.toBe('Upload a file');
    await expect(page.textContent('#bucket')).resolves.toBe('uploads');
    // Every progress value the bar showed, to see that it moved and where it ended.
    // (Browser code as text: this project's tsconfig has no DOM types.)
    await page.evaluate(`(() => {
      const seen = [];
      window.progressSeen = seen;
      const bar = document.getElementById('progress');
      new MutationObserver(() => seen.push(bar.value)).observe(bar, { attributes: true, childList: true, characterData: true, subtree: true });
    })()`);
    // Throttle uploads (DevTools network emulation) so the progress events have something to show.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 4 * 1024 * 1024 });
    const bytes = randomBytes(3 * 1024 * 1024);
    const outcome = await uploadThrough(page, { name: 'photo.raw', mimeType: 'image/x-raw', buffer: bytes });
    expect(outcome, (await page.textContent('#error')) ?? '').toBe('result');
    expect(await page.evaluate("document.getElementById('progress').value")).toBe(100);
    expect(await page.textContent('#progress-text')).toBe('100%');
    const key = (await page.textContent('#result-key'))!;
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/photo\.raw$/);
    const md5 = createHash('md5').update(bytes).digest('hex');
    expect(await page.textContent('#result-etag')).toBe(`"${md5}"`);
    expect(await page.textContent('#result-size')).toContain(`${bytes.length} bytes`);
    const res = await s3('GET', `/uploads/${key}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-raw');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    const seen = (await page.evaluate('window.progressSeen')) as number[];
    // The bar moved through intermediate values in order (XHR upload progress events), ending at 100.
    expect(seen.at(-1)).toBe(100);
    expect(seen.filter((v) => v > 0 && v < 100).length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it('a file larger than its ticket allows is refused by the gateway with EntityTooLarge shown, and nothing is stored', async () => {
    const page = await openPage();
    // The page declares 1 KiB for a 2 MiB file, so the ticket's content-length-range is [0, 1024].
    await page.route('**/_s3kit/upload/ticket', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
      await route.continue({ postData: JSON.stringify({ ...body, size: 1024 }) });
    });
    const before = await keysIn('uploads');
    const outcome = await uploadThrough(page, { name: 'too-big.bin', mimeType: 'application/octet-stream', buffer: randomBytes(2 * 1024 * 1024) });
    expect(outcome).toBe('error');
    expect(await page.textContent('#error')).toMatch(/^Upload refused: EntityTooLarge: /);
    expect(await page.evaluate("document.getElementById('progress').value")).toBe(0);
    expect(await page.isVisible('#result')).toBe(false);
    expect(await keysIn('uploads')).toEqual(before);
    await page.close();
  }, 60_000);

  it('an expired ticket is refused with the S3 error shown (AccessDenied: policy expired), and nothing is stored', async () => {
    const page = await openPage();
    // A 1-second ticket, handed to the page 2.5 s later.
    await page.route('**/_s3kit/upload/ticket', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
      const response = await route.fetch({ postData: JSON.stringify({ ...body, expiresIn: 1 }) });
      await new Promise((r) => setTimeout(r, 2500));
      await route.fulfill({ response });
    });
    const before = await keysIn('uploads');
    const outcome = await uploadThrough(page, { name: 'late.txt', mimeType: 'text/plain', buffer: Buffer.from('too late\n') });
    expect(outcome).toBe('error');
    expect(await page.textContent('#error')).toMatch(/^Upload refused: AccessDenied: .*Policy expired/);
    expect(await keysIn('uploads')).toEqual(before);
    await page.close();
  }, 60_000);

  it("shows the ticket route's refusal of a file over 5 GiB (EntityTooLarge) without uploading", async () => {
    const page = await openPage();
    await page.route('**/_s3kit/upload/ticket', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
      await route.continue({ postData: JSON.stringify({ ...body, size: 6 * 1024 ** 3 }) });
    });
    const before = await keysIn('uploads');
    expect(await uploadThrough(page, { name: 'huge.iso', mimeType: 'application/octet-stream', buffer: Buffer.from('x') })).toBe('error');
    expect(await page.textContent('#error')).toMatch(/^No upload ticket: EntityTooLarge: /);
    expect(await keysIn('uploads')).toEqual(before);
    await page.close();
  }, 60_000);
});
