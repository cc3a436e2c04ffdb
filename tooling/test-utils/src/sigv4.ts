import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { vectorsDir } from './vectors.js';

/**
 * Case names of the botocore `aws4_testsuite`, including the nested folders
 * (`normalize-path/get-slash`, `post-sts-token/post-sts-header-after`). A case is a folder
 * holding `<name>.req`.
 */
export function aws4SuiteCases(): string[] {
  const root = join(vectorsDir(), 'sigv4-suite', 'aws4_testsuite');
  const out: string[] = [];
  const walk = (rel: string): void => {
    const dir = join(root, rel);
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      const sub = rel === '' ? d.name : `${rel}/${d.name}`;
      if (existsSync(join(root, sub, `${d.name}.req`))) out.push(sub);
      walk(sub);
    }
  };
  walk('');
  return out.sort();
}

export interface Aws4SuiteCase {
  name: string;
  req: string;
  creq: string;
  sts: string;
  authz: string;
  sreq: string;
}

/** The five files of an `aws4_testsuite` case, byte-exact. */
export function aws4SuiteCase(name: string): Aws4SuiteCase {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dir = join(vectorsDir(), 'sigv4-suite', 'aws4_testsuite', name);
  const read = (ext: string) => readFileSync(join(dir, `${base}.${ext}`), 'utf8');
  return { name, req: read('req'), creq: read('creq'), sts: read('sts'), authz: read('authz'), sreq: read('sreq') };
}

/**
 * Flips one byte of an ASCII string (`xor` on its char code). Used by the
 * "rejects any single-byte change" tests.
 */
export function flipByte(s: string, index: number, xor = 1): string {
  return s.slice(0, index) + String.fromCharCode(s.charCodeAt(index) ^ xor) + s.slice(index + 1);
}
