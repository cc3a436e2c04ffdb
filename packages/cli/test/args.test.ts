// Option values that start with '-' (RGW and MinIO version ids can): taken as the value, as mc does.
import { describe, expect, it } from 'vitest';
import { parse } from '../src/args.js';

const OPTIONS = { 'version-id': { type: 'string' }, recursive: { type: 'boolean', short: 'r' }, attr: { type: 'string', short: 'a' } } as const;

describe('parse', () => {
  it('takes a value starting with a dash as the value of the option before it', () => {
    const p = parse('tag', ['--version-id', '-ipwpQdChSoSjtdT8GskEy', 't/b/k'], OPTIONS, 1);
    expect([p.values['version-id'], p.positionals]).toEqual(['-ipwpQdChSoSjtdT8GskEy', ['t/b/k']]);
    expect(parse('tag', ['-a', '-x=1', 't/b/k'], OPTIONS, 1).values.attr).toBe('-x=1');
    expect(parse('tag', ['--version-id=-abc', 't/b/k'], OPTIONS, 1).values['version-id']).toBe('-abc');
  });

  it('leaves options, -- and a lone - alone', () => {
    expect(() => parse('tag', ['--version-id', '-r', 't/b/k'], OPTIONS, 1)).toThrow(/ambiguous/);
    expect(() => parse('tag', ['--version-id', '--json', 't/b/k'], OPTIONS, 1)).toThrow(/ambiguous/);
    expect(parse('cp', ['--', '--version-id', '-abc'], OPTIONS, 2).positionals).toEqual(['--version-id', '-abc']);
    expect(parse('cp', ['--version-id', '-', 'x'], OPTIONS, 1).values['version-id']).toBe('-');
  });
});
