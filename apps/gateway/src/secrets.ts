import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Problems } from './config-errors.js';
import { isObj, type Reader } from './config-reader.js';

/** `${NAME}` (an environment variable name); `$${` stands for a literal `${`. */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Policy documents keep their own `${aws:username}`-style variables: never expanded. */
function isPolicy(path: string): boolean {
  return /^identities\[\d+\]\.policies$/.test(path) || /^buckets\.[^.]+\.policy$/.test(path);
}

/**
 * A config document with every `${NAME}` in its string values replaced by the environment
 * variable `NAME` (`$${` is a literal `${`), except inside policy documents, whose
 * `${aws:…}` variables are theirs. A variable that is not set is a problem of that field.
 */
export function expandEnv(doc: unknown, env: NodeJS.ProcessEnv, problems: Problems, path = ''): unknown {
  if (typeof doc === 'string') {
    return doc.replace(REFERENCE, (m, name: string | undefined) => {
      if (name === undefined) return '${';
      const v = env[name];
      if (v === undefined) {
        problems.add(path, `\${${name}}: the environment variable ${name} is not set`);
        return m;
      }
      return v;
    });
  }
  if (isPolicy(path)) return doc;
  if (Array.isArray(doc)) return doc.map((v, i) => expandEnv(v, env, problems, `${path}[${i}]`));
  if (isObj(doc)) {
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, expandEnv(v, env, problems, path === '' ? k : `${path}.${k}`)]));
  }
  return doc;
}

/**
 * A secret given inline (`field`) or in a file (`<field>File`, relative to the config file's
 * folder; one trailing newline dropped): exactly one of them. Undefined when neither is given
 * and `required` is false.
 */
export function secretOf(r: Reader, field: string, baseDir: string, required: true): string;
export function secretOf(r: Reader, field: string, baseDir: string, required: false): string | undefined;
export function secretOf(r: Reader, field: string, baseDir: string, required: boolean): string | undefined {
  const fileField = `${field}File`;
  if (r.has(field) && r.has(fileField)) r.report(fileField, `give ${field} or ${fileField}, not both`);
  if (!r.has(fileField)) return required || r.has(field) ? r.str(field) : undefined;
  const file = r.str(fileField);
  let text: string;
  try {
    text = readFileSync(resolve(baseDir, file), 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    r.report(fileField, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return '';
  }
  if (text === '') r.report(fileField, `${file} is empty`);
  return text;
}
