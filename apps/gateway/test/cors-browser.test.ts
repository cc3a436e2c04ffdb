import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPresignedPost } from '@s3kit/post-policy';
import { SigV4Signer } from '@s3kit/sigv4';
import type { BrowserContext, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { browserTestsRun, launchChromium, s3From } from './support/browser.js';
import { startUploaderSite, type PageAnswer, type UploaderSite } from './cors-browser-page.js';

// Cross-origin browser uploads in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): a page served from another origin (another port on 127.0.0.1) uploads to the
// program, whose config has `buckets.shared.cors` allowing that origin. The program's access log
// shows which requests (preflight OPTIONS included) reached the gateway; the store is read back
// with signed requests from Node. (Log lines are polled: a line is written once its answer is flushed.)
// Skips when Chromium is missing, except under CI, where it must run (support/browser.ts).

const run = browserTestsRun('CORS browser tests');

const UPLOADER = { name: 'uploader', accessKeyId: 'AKIACORSBROWSER00001', secretAccessKey: 'cors-browser-secret-for-tests-only-000000', allow: [{ bucket: '*', access: 'readwrite' as const }] };
const REGION = 'us-east-1';
/** Bucket with CORS rules for the uploader site; bucket without any. */
const SHARED = 'shared';
const CLOSED = 'closed';

/** One access log line of the program (only the fields used here). */
interface AccessLine {
  msg: string;
  method: string;
  operation?: string;
  bucket?: string;
  key?: string;
  status: number;
  errorCode?: string;
  requestId: string;
}

let dir: string;
let running: RunningServer;
let context: BrowserContext;
/** The origin in the rules, and one that is not. */
let site: UploaderSite;
let foreign: UploaderSite;
const access: AccessLine[] = [];
const pageErrors: string[] = [];

const { s3, keysIn } = s3From(() => running.endpoint, UPLOADER, REGION);

/** The requests the gateway answered for one object key, in order: `METHOD Operation status[ ErrorCode]`. */
function seen(bucket: string, key: string): string[] {
  return access
    .filter((l) => l.msg === 'request' && l.bucket === bucket && l.key === key)
    .map((l) => `${l.method} ${l.operation ?? '-'} ${l.status}${l.errorCode === undefined ? '' : ` ${l.errorCode}`}`);
}

interface PageFile {
  base64: string;
  name: string;
  type: string;
}
const fileOf = (bytes: Buffer, name: string, type: string): PageFile => ({ base64: bytes.toString('base64'), name, type });
const md5 = (bytes: Buffer): string => `"${createHash('md5').update(bytes).digest('hex')}"`;

async function openSite(at: UploaderSite): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${at.origin}/`);
  await page.waitForFunction('window.uploaderReady === true');
  return page;
}

/** A POST Object form for one key, signed with the uploader identity (Content-Type and a size range in its policy). */
function form(bucket: string, key: string, contentType: string, maxBytes = 1024 * 1024): { url: string; fields: Record<string, string> } {
  const post = createPresignedPost({
    bucket,
    key,
    endpoint: running.endpoint,
    forcePathStyle: true,
    region: REGION,
    credentials: UPLOADER,
    fields: { 'Content-Type': contentType },
    conditions: [{ 'Content-Type': contentType }, ['content-length-range', 0, maxBytes]],
    expiresIn: 300,
  });
  return { url: post.url, fields: post.fields };
}

/**
 * A presigned PUT URL for one key; `x-amz-meta-source` and `content-type` stay signed headers the
 * browser must send, so the PUT is preflighted (PUT alone already is; the custom header must
 * match the rule's AllowedHeaders too).
 */
function presignedPut(bucket: string, key: string): { url: string; headers: Record<string, string> } {
  const s = new SigV4Signer({ credentials: UPLOADER, region: REGION }).presign({
    method: 'PUT',
    url: `${running.endpoint}/${bucket}/${key}`,
    headers: { 'content-type': 'application/octet-stream', 'x-amz-meta-source': 'cross-origin-page' },
    keepHeaders: ['x-amz-meta-source'],
    expiresIn: 300,
  });
  const headers = { ...s.headers };
  delete headers['host'];
  return { url: s.url, headers };
}

/** Runs the page's uploader functions (browser code as text: this project's tsconfig has no DOM types). */
function postForm(page: Page, f: { url: string; fields: Record<string, string> }, file: PageFile): Promise<PageAnswer> {
  return page.evaluate(`window.postForm(...${JSON.stringify([f.url, f.fields, file])})`) as Promise<PageAnswer>;
}
function putPresigned(page: Page, p: { url: string; headers: Record<string, string> }, file: PageFile): Promise<PageAnswer> {
  return page.evaluate(`window.putPresigned(...${JSON.stringify([p.url, p.headers, file])})`) as Promise<PageAnswer>;
}

describe.skipIf(!run)('cross-origin uploads in headless Chromium (per-bucket CORS rules)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3kit-corsbrowser-'));
    site = await startUploaderSite();
    foreign = await startUploaderSite();
    const config = validateConfig(
      {
        listen: { port: 0 },
        admin: null,
        identities: [UPLOADER],
        buckets: {
          [SHARED]: {
            cors: [
              {
                id: 'uploader-site',
                allowedOrigins: [site.origin],
                allowedMethods: ['POST', 'PUT'],
                allowedHeaders: ['content-type', 'x-amz-meta-*'],
                exposeHeaders: ['ETag', 'x-amz-request-id'],
              },
            ],
          },
        },
        upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false } },
      },
      'test',
    );
    // The access log, one JSON line per answered request, kept for the assertions.
    const log = pino({ level: 'info' }, { write: (line: string) => void access.push(JSON.parse(line) as AccessLine) });
    running = await startServer(config, log);
    for (const b of [SHARED, CLOSED]) expect((await s3('PUT', `/${b}`)).status).toBe(200);
    context = await launchChromium(dir);
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await running?.shutdown();
    await site?.close();
    await foreign?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('a POST Object form from the allowed origin (XHR FormData, a simple request: no preflight) is stored with its bytes and Content-Type; the page reads 204 and the exposed ETag and request id', async () => {
    const page = await openSite(site);
    const key = `form/${randomUUID()}.png`;
    const bytes = randomBytes(200 * 1024);
    const answer = await postForm(page, form(SHARED, key, 'image/png'), fileOf(bytes, 'picture.png', 'image/png'));
    expect(answer, JSON.stringify(answer)).toMatchObject({ status: 204, etag: md5(bytes) });
    await expect.poll(() => seen(SHARED, key)).toEqual(['POST PostObject 204']);
    expect(access.find((l) => l.requestId === answer.requestId)?.operation).toBe('PostObject');
    const res = await s3('GET', `/${SHARED}/${key}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 20_000);

  it('a refused form from the allowed origin: the page reads the S3 error (400 EntityTooLarge) because error answers carry the CORS headers too; nothing is stored', async () => {
    const page = await openSite(site);
    const key = `form/${randomUUID()}.bin`;
    const answer = await postForm(page, form(SHARED, key, 'application/octet-stream', 1024), fileOf(randomBytes(4096), 'big.bin', 'application/octet-stream'));
    expect(answer.status, JSON.stringify(answer)).toBe(400);
    expect(answer.body).toContain('<Code>EntityTooLarge</Code>');
    await expect.poll(() => seen(SHARED, key)).toEqual(['POST PostObject 400 EntityTooLarge']);
    expect(await keysIn(SHARED)).not.toContain(key);
    await page.close();
  }, 20_000);

  it('a presigned PUT with a custom x-amz-meta header from the allowed origin: the gateway answers the preflight OPTIONS (200), then the PUT is stored with bytes, Content-Type and metadata; the page reads the exposed ETag', async () => {
    const page = await openSite(site);
    const key = `put/${randomUUID()}.bin`;
    const bytes = randomBytes(150 * 1024);
    const answer = await putPresigned(page, presignedPut(SHARED, key), fileOf(bytes, 'data.bin', 'application/octet-stream'));
    expect(answer, JSON.stringify(answer)).toMatchObject({ status: 200, etag: md5(bytes) });
    await expect.poll(() => seen(SHARED, key)).toEqual(['OPTIONS PreflightRequest 200', 'PUT PutObject 200']);
    const res = await s3('GET', `/${SHARED}/${key}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-amz-meta-source')).toBe('cross-origin-page');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 20_000);

  it('a presigned PUT from an origin not in the rules: the gateway refuses the preflight (403 AccessForbidden), the browser never sends the PUT (fetch rejects with TypeError), nothing is stored', async () => {
    const page = await openSite(foreign);
    const key = `put/${randomUUID()}.bin`;
    const answer = await putPresigned(page, presignedPut(SHARED, key), fileOf(randomBytes(1024), 'data.bin', 'application/octet-stream'));
    expect(answer).toMatchObject({ status: 0, error: expect.stringMatching(/^TypeError: /) as unknown as string });
    await expect.poll(() => seen(SHARED, key)).toEqual(['OPTIONS PreflightRequest 403 AccessForbidden']);
    expect((await s3('HEAD', `/${SHARED}/${key}`)).status).toBe(404);
    await page.close();
  }, 20_000);

  it('a presigned PUT to a bucket without CORS rules, from the allowed origin: preflight refused (403 AccessForbidden, CORS not enabled), the PUT is never sent, nothing is stored', async () => {
    const page = await openSite(site);
    const key = `put/${randomUUID()}.bin`;
    const answer = await putPresigned(page, presignedPut(CLOSED, key), fileOf(randomBytes(1024), 'data.bin', 'application/octet-stream'));
    expect(answer).toMatchObject({ status: 0, error: expect.stringMatching(/^TypeError: /) as unknown as string });
    await expect.poll(() => seen(CLOSED, key)).toEqual(['OPTIONS PreflightRequest 403 AccessForbidden']);
    expect(await keysIn(CLOSED)).toEqual([]);
    await page.close();
  }, 20_000);

  it('a signed form POST from an origin not in the rules, and one to a bucket without rules: the page cannot read the answer (XHR status 0), but the browser sent the simple request and the gateway stored it (as S3 does: CORS guards reading answers, the signed policy guards writes)', async () => {
    const page = await openSite(foreign);
    const cases = [
      { from: foreign, bucket: SHARED, key: `form/${randomUUID()}.txt` },
      { from: site, bucket: CLOSED, key: `form/${randomUUID()}.txt` },
    ];
    for (const c of cases) {
      const p = c.from === foreign ? page : await openSite(site);
      const bytes = Buffer.from(`sent from ${c.from.origin}\n`);
      const answer = await postForm(p, form(c.bucket, c.key, 'text/plain'), fileOf(bytes, 'note.txt', 'text/plain'));
      expect(answer, JSON.stringify(answer)).toEqual({ status: 0, error: 'network error' });
      await expect.poll(() => seen(c.bucket, c.key)).toEqual(['POST PostObject 204']);
      const res = await s3('GET', `/${c.bucket}/${c.key}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      if (p !== page) await p.close();
    }
    await page.close();
  }, 20_000);
});
