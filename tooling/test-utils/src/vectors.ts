import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the test vectors live: `$S3KIT_VECTORS` if set, else the repo's copy in
 * `tooling/vectors` (brought in from `../shared/vectors`, licences kept beside them).
 */
export function vectorsDir(): string {
  const fromEnv = process.env['S3KIT_VECTORS'];
  if (fromEnv) return resolve(fromEnv);
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = resolve(here, '../../vectors');
  if (!existsSync(join(dir, 'README.md'))) throw new Error(`test vectors not found at ${dir}`);
  return dir;
}

export function readVectorFile(...parts: string[]): string {
  return readFileSync(join(vectorsDir(), ...parts), 'utf8');
}

export function readVectorBytes(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(join(vectorsDir(), ...parts)));
}

/** Names of the case folders of `sigv4-suite/<suite>` (`v4`, `v4a`, `aws4_testsuite`). */
export function suiteCases(suite: 'v4' | 'v4a' | 'aws4_testsuite'): string[] {
  const dir = join(vectorsDir(), 'sigv4-suite', suite);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Reads a file of a suite case, or undefined if the case has no such file. */
export function suiteFile(suite: string, name: string, file: string): string | undefined {
  const path = join(vectorsDir(), 'sigv4-suite', suite, name, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Lists `s3/*.json` names (without extension), optionally filtered by `kind`. */
export function s3VectorNames(kind?: string): string[] {
  const dir = join(vectorsDir(), 's3');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .filter((n) => kind === undefined || (loadS3Vector(n) as { kind?: string }).kind === kind)
    .sort();
}

/** Parses `s3/<name>.json`. */
export function loadS3Vector<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readVectorFile('s3', `${name}.json`)) as T;
}

export interface RawRequest {
  method: string;
  /** The request target exactly as written (path and query, not decoded). */
  target: string;
  /** Header lines in order; continuation lines are joined to their header with `\n`. */
  headers: Array<[name: string, value: string]>;
  body: string;
}

/**
 * Parses the suite's raw `request.txt` / `.req` format: `METHOD target HTTP/1.1`, then
 * `Name:value` lines (continuation lines start with whitespace), a blank line, the body.
 */
export function parseRawRequest(text: string): RawRequest {
  const normalized = text.replace(/\r\n/g, '\n');
  const blank = normalized.indexOf('\n\n');
  const head = blank === -1 ? normalized : normalized.slice(0, blank);
  const body = blank === -1 ? '' : normalized.slice(blank + 2);
  const lines = head.split('\n');
  const requestLine = lines.shift() ?? '';
  const m = /^(\S+) (.*) HTTP\/1\.1$/.exec(requestLine);
  if (!m) throw new Error(`bad request line: ${requestLine}`);
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    if (line === '') continue;
    if (/^\s/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last[1] += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon === -1) throw new Error(`bad header line: ${line}`);
    headers.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  return { method: m[1]!, target: m[2]!, headers, body };
}
