/**
 * Bundle size of a tiny browser app (putObject, getObject, listObjects; test/bundle.ts APPS) per
 * client: esbuild, platform browser, minified, gzip -9; @s3kit/client from its dist (the `browser`
 * condition picks the neutral entry). minio-js is Node-oriented: its bundle fails on Node
 * built-ins; the row says which, and the size with them left external (it would not run).
 */
import { APPS, bundleErrors, bundleForBrowser, type BrowserBundle } from '../test/bundle.js';

const kb = (n: number): string => (n / 1024).toFixed(1);

async function measure(source: string): Promise<{ bundle?: BrowserBundle; missing: string[] }> {
  try {
    return { bundle: await bundleForBrowser({ source }), missing: [] };
  } catch (err) {
    const missing = [
      ...new Set(
        bundleErrors(err)
          .map((m) => /Could not resolve "([^"]+)"/.exec(m)?.[1])
          .filter((m): m is string => m !== undefined),
      ),
    ].sort();
    return { missing };
  }
}

export async function bundleSizeBench(): Promise<Map<string, BrowserBundle | undefined>> {
  const out = new Map<string, BrowserBundle | undefined>();
  const rows: Array<Record<string, string>> = [];
  let ours: BrowserBundle | undefined;
  for (const [name, source] of Object.entries(APPS)) {
    const { bundle, missing } = await measure(source);
    out.set(name, bundle);
    if (name === '@s3kit/client') ours = bundle;
    if (bundle) {
      rows.push({ client: name, 'min KiB': kb(bundle.bytes), 'min+gzip KiB': kb(bundle.gzip), 'ours/this (gzip)': ours ? (ours.gzip / bundle.gzip).toFixed(2) : '?' });
      continue;
    }
    // What it would take: the Node built-ins it imports, polyfilled or stubbed. Left external, for scale.
    const external = await bundleForBrowser({ source: `${source}\n` }, { external: missing }).catch(() => undefined);
    rows.push({
      client: name,
      'min KiB': external ? `(${kb(external.bytes)})` : 'fails',
      'min+gzip KiB': external ? `(${kb(external.gzip)})` : 'fails',
      'ours/this (gzip)': `fails: ${missing.length} Node built-ins unresolved (${missing.join(', ')})`,
    });
  }
  console.log('\nBrowser bundle of a put/get/list app (esbuild --bundle --minify --platform=browser, gzip -9)');
  console.table(rows);
  return out;
}
