import { gzipSync } from 'node:zlib';

/** Browser weight of one entry: esbuild bundle, minified, and its gzip (level 9). */
export interface BundleWeight {
  minified: number;
  gzip: number;
  /** Minified bytes per input file, largest first (paths shortened after `node_modules/`). */
  inputs: Array<[file: string, bytes: number]>;
}

/**
 * Bundles `source` (an ES module, resolved from `resolveDir`) for the browser with esbuild,
 * minified with tree-shaking, as an app bundler would, and measures it. Packages resolve
 * through their `exports` (`default` = the built `dist`), so build them first — or pass
 * `conditions: ['@s3kit/source']` to bundle workspace sources. Extra `conditions` (e.g.
 * `workerd`, `worker`, as wrangler adds) come before esbuild's `browser`.
 */
export async function bundleWeight(source: string, resolveDir: string, options: { conditions?: string[] } = {}): Promise<BundleWeight> {
  const { build } = await import('esbuild');
  const result = await build({
    stdin: { contents: source, resolveDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    conditions: options.conditions ?? [],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs)
    .map(([file, i]): [string, number] => [file.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, ''), i.bytesInOutput])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs };
}

/** `12.3 KB` (1 KB = 1000 bytes, as bundle-size tools report). */
export function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} KB`;
}
