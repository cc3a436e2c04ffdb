import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { browserTestsRun, launchChromium, type BrowserContext } from '@s3kit/test-utils/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTransport, S3Client as NeutralS3Client } from '../src/index.js';
import { S3Client } from '../src/node.js';
import { bundleErrors, bundleForBrowser } from './bundle.js';
import { startLocalGateway, type LocalGateway } from './gateway-local.js';
import { bucketName, cleanBucket, reason, rgw } from './helpers.js';
import { pattern, scenario, type ScenarioReport } from './runtimes/scenario.js';

// "Runs everywhere": the neutral entry bundles for browsers with no Node built-in, and the same
// scenario (list, one PUT, multipart from a Blob and from a Web stream, get as text/bytes/stream/
// range, presigned GET and PUT) gives the same answers on Node over the fetch transport (through
// the gateway on the embedded store and on Ceph RGW) and in headless Chromium from the bundle
// (through the gateway on the embedded store, CORS set with PutBucketCors).

const MiB = 1024 * 1024;
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const md5 = (b: Uint8Array | string): string => createHash('md5').update(b).digest('hex');

/** S3's multipart ETag: MD5 of the parts' MD5s, `-<parts>`. */
function multipartEtag(data: Uint8Array, partSize: number): string {
  const digests: Buffer[] = [];
  for (let off = 0; off < data.byteLength; off += partSize)
    digests.push(
      createHash('md5')
        .update(data.subarray(off, off + partSize))
        .digest(),
    );
  return `${md5(Buffer.concat(digests))}-${digests.length}`;
}

/** What scenario(…, tag) must report on every runtime and upstream. */
function expected(tag: string, nodeReadable = false): ScenarioReport {
  const big = pattern(11 * MiB);
  const small = `hello from ${tag}`;
  const listed = [`blob.bin:${11 * MiB}`, `small.txt:${small.length}`, `stream.bin:${6 * MiB}`];
  return {
    putEtag: md5(small),
    blobEtag: multipartEtag(big, 5 * MiB),
    streamEtag: multipartEtag(big.subarray(0, 6 * MiB), 5 * MiB),
    listed,
    text: small,
    metadata: { runtime: tag },
    contentType: 'text/plain',
    blobMatches: true,
    streamedBytes: 6 * MiB,
    streamMatches: true,
    range: [...big.subarray(5 * MiB - 2, 5 * MiB + 2)],
    rangeSize: 11 * MiB,
    presignedGet: small,
    presignedPutStatus: 200,
    presignedSize: 'via a presigned PUT'.length,
    listedAfterRemove: listed,
    nodeReadable,
  };
}

describe('the neutral entry bundles for browsers', () => {
  it('esbuild (platform browser, no externals) bundles @s3kit/client under the browser condition: no node: module, no undici', async () => {
    const b = await bundleForBrowser({ source: "export * from '@s3kit/client';" }, { workspaceSources: true });
    expect(b.inputs.filter((i) => i.startsWith('node:') || i.includes('/undici') || i.includes('http-transport/src/transport.ts'))).toEqual([]);
    expect(b.inputs).toContain('src/index.ts');
    expect(b.inputs).not.toContain('src/node.ts');
    expect(b.bytes).toBeGreaterThan(0);
  });

  it.each([
    ['a browser bundler', ['browser'], 'src/index.ts'],
    ['Cloudflare Workers (wrangler)', ['workerd', 'worker', 'browser'], 'src/index.ts'],
    ['Deno', ['deno', 'node'], 'src/index.ts'],
    ['Bun', ['bun', 'node'], 'src/index.ts'],
    ['Node', ['node'], 'src/node.ts'],
  ])('%s (conditions %j) resolves @s3kit/client to %s', async (_, conditions, entry) => {
    const out = await build({
      stdin: { contents: "export * from '@s3kit/client';", resolveDir: PACKAGE_DIR },
      absWorkingDir: PACKAGE_DIR,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: [...conditions, '@s3kit/source'],
      external: ['node:*', 'undici'],
      logLevel: 'silent',
    });
    // The Node entry re-exports the neutral one.
    const entries = Object.keys(out.metafile.inputs).filter((i) => i === 'src/index.ts' || i === 'src/node.ts');
    expect(entries.sort()).toEqual(entry === 'src/node.ts' ? ['src/index.ts', 'src/node.ts'] : ['src/index.ts']);
  });

  it('the Node entry does not bundle for browsers (the check has teeth): undici needs node: modules', async () => {
    const err = await bundleForBrowser({ source: "export * from '@s3kit/client/node';" }, { workspaceSources: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(bundleErrors(err).some((m) => /Could not resolve "node:/.test(m))).toBe(true);
  });
});

describe('Node over the fetch transport: the gateway on the embedded store', () => {
  let gw: LocalGateway;
  const bucket = bucketName('rt-local');
  beforeAll(async () => {
    gw = await startLocalGateway();
    await gw.client().makeBucket(bucket);
  });
  afterAll(async () => {
    await cleanBucket(gw.client(), bucket);
    await gw.close();
  });
  const options = () => ({ endpoint: gw.endpoint, accessKey: gw.accessKeyId, secretKey: gw.secretAccessKey, region: 'us-east-1' });

  it('the neutral S3Client (fetch by default) runs the scenario', async () => {
    const s3 = new NeutralS3Client(options());
    expect(await scenario(s3, bucket, 'node-neutral')).toEqual(expected('node-neutral'));
    await s3.close();
  });

  it('an aborted putObject from an endless Web stream rejects with TransportAbortedError, cancels the stream and leaves no upload', async () => {
    const s3 = new NeutralS3Client(options());
    let cancelled: unknown;
    const endless = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new Uint8Array(256 * 1024)),
      cancel: (reason) => {
        cancelled = reason ?? 'cancelled';
      },
    });
    const ac = new AbortController();
    const put = s3.putObject(bucket, 'aborted.bin', endless, { partSize: 5 * MiB, signal: ac.signal, onProgress: () => ac.abort(new Error('enough')) });
    await expect(put).rejects.toMatchObject({ code: 'S3KIT_TRANSPORT_ABORTED' });
    expect(cancelled).toBeDefined();
    const uploads: string[] = [];
    for await (const u of s3.listIncompleteUploads(bucket)) uploads.push(u.key);
    expect(uploads).toEqual([]);
    await s3.close();
  });

  it("the Node entry's S3Client with transport: fetchTransport() runs it too, and on its default (undici) transport gets Readable bodies", async () => {
    const viaFetch = new S3Client({ ...options(), transport: fetchTransport() });
    expect(await scenario(viaFetch, bucket, 'node-fetch')).toEqual(expected('node-fetch'));
    await viaFetch.close();
    const viaUndici = new S3Client(options());
    expect(await scenario(viaUndici, bucket, 'node-undici')).toEqual(expected('node-undici', true));
    await viaUndici.close();
  });
});

describe.skipIf(!rgw)(`Node over the fetch transport: Ceph RGW${reason ? ` (${reason})` : ''}`, () => {
  const bucket = bucketName('rt-rgw');
  const options = () => ({ endpoint: rgw!.endpoint, accessKey: rgw!.accessKeyId, secretKey: rgw!.secretAccessKey, region: rgw!.region });
  afterAll(async () => {
    const admin = new S3Client(options());
    await cleanBucket(admin, bucket);
    await admin.close();
  });

  it('the neutral S3Client runs the scenario', async () => {
    const s3 = new NeutralS3Client(options());
    await s3.makeBucket(bucket);
    expect(await scenario(s3, bucket, 'rgw-neutral')).toEqual(expected('rgw-neutral'));
    await s3.close();
  });
});

/** A page origin (another port on 127.0.0.1) serving the page and the bundled app. */
async function serveApp(code: string): Promise<{ origin: string; server: Server }> {
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>s3kit client</title><script type="module" src="/app.js"></script></head><body></body></html>';
  const server = createServer((req, res) => {
    if (req.url === '/app.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.skipIf(!browserTestsRun('client browser tests'))('headless Chromium: the bundled neutral client through the gateway on the embedded store', () => {
  let gw: LocalGateway;
  let site: { origin: string; server: Server };
  let dir: string;
  let context: BrowserContext;
  const bucket = bucketName('rt-browser');
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const bundle = await bundleForBrowser({ entry: 'test/runtimes/browser-app.ts' }, { workspaceSources: true, minify: false });
    [gw, site, dir] = await Promise.all([startLocalGateway(), serveApp(bundle.code), mkdtemp(join(tmpdir(), 's3kit-client-browser-'))]);
    const admin = gw.client();
    await admin.makeBucket(bucket);
    await admin.setBucketCors(bucket, [
      {
        allowedOrigins: [site.origin],
        allowedMethods: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'],
        allowedHeaders: ['*'],
        // What the client reads from answers besides the CORS-safelisted headers.
        exposeHeaders: ['ETag', 'x-amz-version-id', 'x-amz-meta-runtime', 'content-range', 'x-amz-request-id', 'x-amz-checksum-type'],
      },
    ]);
    context = await launchChromium(dir);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    site?.server.close();
    if (gw) {
      await cleanBucket(gw.client(), bucket);
      await gw.close();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists, uploads (one PUT, multipart from a Blob and a stream), downloads and presigns as on Node', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${site.origin}/`);
    await page.waitForFunction('window.clientReady === true');
    const run = { endpoint: gw.endpoint, accessKey: gw.accessKeyId, secretKey: gw.secretAccessKey, bucket, tag: 'chromium' };
    const report = await page.evaluate((r) => (globalThis as unknown as { runScenario(x: typeof r): Promise<ScenarioReport> }).runScenario(r), run);
    expect(report).toEqual(expected('chromium'));
    expect(pageErrors).toEqual([]);
    // What the browser stored, read back from Node on the undici transport.
    const admin = gw.client();
    const stat = await admin.statObject(bucket, 'chromium/blob.bin');
    expect([stat.size, stat.etag]).toEqual([11 * MiB, multipartEtag(pattern(11 * MiB), 5 * MiB)]);
    await page.close();
  }, 120_000);
});
