import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** Every module the file reaches through relative imports, and every package it imports. */
function closure(file: string, seen = new Set<string>(), packages = new Set<string>()): { seen: Set<string>; packages: Set<string> } {
  if (seen.has(file)) return { seen, packages };
  seen.add(file);
  const text = readFileSync(src + file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\b[^'"]*from\s+'([^']+)'/gm)) {
    const spec = m[1]!;
    if (spec.startsWith('./')) closure(spec.slice(2).replace(/\.js$/, '.ts'), seen, packages);
    else packages.add(spec);
  }
  return { seen, packages };
}

describe('entry points', () => {
  it('@s3kit/xml-shapes/operations reaches neither fast-xml-parser nor the XML code', () => {
    const { seen, packages } = closure('entry-operations.ts');
    expect([...packages].sort()).toEqual(['@s3kit/errors']);
    expect([...seen].filter((f) => /xml|fxp|scan|shapes|schema/.test(f))).toEqual([]);
  });

  it('@s3kit/xml-shapes reaches fast-xml-parser only through the opt-in @s3kit/xml-shapes/fxp', () => {
    expect([...closure('index.ts').packages].sort()).toEqual(['@s3kit/errors']);
    expect(closure('fxp.ts').packages.has('fast-xml-parser')).toBe(true);
  });

  it('package.json exports the entry points with source, types and default conditions', async () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    expect(pkg.exports['./operations']).toEqual({
      '@s3kit/source': './src/entry-operations.ts',
      types: './dist/entry-operations.d.ts',
      default: './dist/entry-operations.js',
    });
    expect(pkg.exports['./fxp']).toEqual({ '@s3kit/source': './src/fxp.ts', types: './dist/fxp.d.ts', default: './dist/fxp.js' });
    const ops = await import('@s3kit/xml-shapes/operations');
    expect(typeof ops.createRouter).toBe('function');
    expect('parseXml' in ops).toBe(false);
  });
});
