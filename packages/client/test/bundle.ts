// Bundles a small browser app with esbuild as a browser bundler would (platform 'browser', no
// externals, no Node polyfills): used by the runtime tests (the neutral entry must bundle, the
// bundle is what headless Chromium loads) and by the bundle-size bench.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Message } from 'esbuild';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface BrowserBundle {
  code: string;
  /** Every module the bundle holds (paths relative to the package). */
  inputs: string[];
  /** Minified bytes, and gzip -9 of them. */
  bytes: number;
  gzip: number;
}

/**
 * Bundles `app` for browsers: `source`, an ES module importing packages by name (resolved from
 * this package; what it exports is kept), or `entry`, a file (kept whole) of this package. `workspaceSources` resolves `@s3kit/*` to their TypeScript sources (the
 * `@s3kit/source` condition) so no build is needed; `external` leaves modules out. Rejects with esbuild's errors when it
 * cannot bundle (a `node:` import, a Node built-in).
 */
export async function bundleForBrowser(app: { source: string } | { entry: string }, options: { minify?: boolean; workspaceSources?: boolean; external?: string[] } = {}): Promise<BrowserBundle> {
  const out = await build({
    ...('source' in app ? { stdin: { contents: app.source, resolveDir: PACKAGE_DIR, sourcefile: 'app.ts', loader: 'ts' as const } } : { entryPoints: [join(PACKAGE_DIR, app.entry)] }),
    absWorkingDir: PACKAGE_DIR,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? true,
    metafile: true,
    logLevel: 'silent',
    conditions: options.workspaceSources ? ['@s3kit/source'] : [],
    external: options.external ?? [],
    // Bundlers replace this; some SDKs branch on it.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const code = out.outputFiles[0]!.text;
  const bytes = Buffer.byteLength(code);
  return { code, inputs: Object.keys(out.metafile.inputs), bytes, gzip: gzipSync(code, { level: 9 }).byteLength };
}

/** esbuild's errors of a failed bundle, one line each (`file: text`), or the error's message. */
export function bundleErrors(err: unknown): string[] {
  const errors = (err as { errors?: Message[] }).errors;
  if (!Array.isArray(errors)) return [String(err)];
  return errors.map((e) => `${e.location ? `${e.location.file}: ` : ''}${e.text}`);
}

/** The tiny browser app of the bundle-size comparison, per client: put, get and list one object. */
export const APPS = {
  '@s3kit/client': `
    import { S3Client } from '@s3kit/client';
    export async function app(endpoint: string) {
      const s3 = new S3Client({ endpoint, accessKey: 'AK', secretKey: 'SK', region: 'us-east-1' });
      await s3.putObject('bucket', 'key', 'hello');
      const text = await (await s3.getObject('bucket', 'key')).text();
      const keys: string[] = [];
      for await (const o of s3.listObjects('bucket', { recursive: true })) if ('key' in o) keys.push(o.key);
      return [text, keys];
    }`,
  '@aws-sdk/client-s3': `
    import { S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
    export async function app(endpoint: string) {
      const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } });
      await s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'key', Body: 'hello' }));
      const text = await (await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'key' }))).Body!.transformToString();
      const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: 'bucket' }))).Contents ?? []).map((o) => o.Key);
      return [text, keys];
    }`,
  minio: `
    import { Client } from 'minio';
    export async function app(endPoint: string) {
      const s3 = new Client({ endPoint, port: 9000, useSSL: false, accessKey: 'AK', secretKey: 'SK', region: 'us-east-1' });
      await s3.putObject('bucket', 'key', 'hello');
      const stream = await s3.getObject('bucket', 'key');
      let text = '';
      for await (const c of stream) text += c;
      const keys: string[] = [];
      for await (const o of s3.listObjects('bucket', '', true)) keys.push(o.name);
      return [text, keys];
    }`,
} as const;
