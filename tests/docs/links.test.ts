import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every relative link and #anchor in the repository's Markdown must resolve: a moved file or a
// renamed heading fails here, not in a reader's browser. Anchors follow GitHub's slugs.

const ROOT = resolve(import.meta.dirname, '..', '..');
const SKIP_DIRS = new Set(['node_modules', '.git', '.turbo', 'dist', 'coverage', '.data']);
const SKIP_PATHS = new Set(['tooling/clients']);

function markdownFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !SKIP_PATHS.has(relative(ROOT, path))) markdownFiles(path, out);
    } else if (entry.name.endsWith('.md')) out.push(path);
  }
  return out;
}

/** The lines outside fenced code blocks, with inline code spans blanked. */
function proseLines(text: string): { line: string; n: number }[] {
  const out: { line: string; n: number }[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(raw)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker.startsWith(fence)) fence = undefined;
      return;
    }
    if (fence === undefined) out.push({ line: raw.replace(/(`+)(?:(?!\1).)+?\1/g, (m) => ' '.repeat(m.length)), n: i + 1 });
  });
  return out;
}

/** GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[*_`]/g, (c) => (c === '_' ? '_' : ''));
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

const anchorCache = new Map<string, Set<string>>();
function anchors(file: string): Set<string> {
  let set = anchorCache.get(file);
  if (set !== undefined) return set;
  set = new Set();
  const seen = new Map<string, number>();
  const text = readFileSync(file, 'utf8');
  let fence: string | undefined;
  for (const raw of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(raw)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker.startsWith(fence)) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      set.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const m of raw.matchAll(/<a\s[^>]*(?:name|id)="([^"]+)"/g)) set.add(m[1]!);
  }
  anchorCache.set(file, set);
  return set;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

function links(file: string): Link[] {
  const out: Link[] = [];
  for (const { line, n } of proseLines(readFileSync(file, 'utf8'))) {
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+(?:\([^\s)]*\)[^\s)]*)*)(?:\s+"[^"]*")?\s*\)/g)) {
      out.push({ file, line: n, target: m[1]!.replace(/^<|>$/g, '') });
    }
    const ref = /^ {0,3}\[[^\]]+\]:\s*(\S+)/.exec(line);
    if (ref !== null) out.push({ file, line: n, target: ref[1]! });
  }
  return out;
}

/** Why a link does not resolve, or undefined when it does. */
function problem({ file, target }: Link): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return undefined; // http:, mailto:, …
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  if (pathPart.startsWith('/')) return 'absolute path (use a relative one)';
  const dest = pathPart === '' ? file : resolve(dirname(file), pathPart.split('?')[0]!);
  if (!existsSync(dest)) return `no such file: ${relative(ROOT, dest)}`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(dest).isDirectory() || !dest.endsWith('.md')) return `#${anchor} on a file that is not Markdown`;
  return anchors(dest).has(anchor) ? undefined : `no heading #${anchor} in ${relative(ROOT, dest)}`;
}

describe('documentation links', () => {
  const files = markdownFiles(ROOT);

  it('finds the Markdown files', () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md']));
  });

  it('every relative link and #anchor resolves', () => {
    const broken = files
      .flatMap(links)
      .map((link) => ({ link, why: problem(link) }))
      .filter((x) => x.why !== undefined)
      .map(({ link, why }) => `${relative(ROOT, link.file)}:${link.line}: (${link.target}) ${why}`);
    expect(broken).toEqual([]);
  });

  it('computes GitHub slugs', () => {
    expect(slug('`createGateway(options: GatewayOptions): Gateway`')).toBe('creategatewayoptions-gatewayoptions-gateway');
    expect(slug('Set through the S3 API')).toBe('set-through-the-s3-api');
    expect(slug('TLS and reverse proxies')).toBe('tls-and-reverse-proxies');
    expect(slug('Limits / non-goals')).toBe('limits--non-goals');
  });
});
