// `--include` / `--exclude` globs over `/`-separated relative paths: `*` and `?` within one
// segment, `**` across segments, `[abc]` classes. A pattern without `/` matches the base name,
// one with `/` the whole relative path.
import { CliError, EXIT_USAGE } from './errors.js';

/** Decides which relative paths a command handles. */
export type PathFilter = (rel: string) => boolean;

/** A glob as a RegExp over a whole string. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` also matches no directory at all.
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) throw new CliError('UsageError', `unclosed [ in glob ${glob}`, EXIT_USAGE);
      const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/** The filter of `--include` and `--exclude` globs: included (by any include, or all when none) and not excluded. */
export function pathFilter(include: string[] = [], exclude: string[] = []): PathFilter | undefined {
  if (include.length === 0 && exclude.length === 0) return undefined;
  const compile = (globs: string[]) =>
    globs.map((g) => {
      const re = globToRegExp(g);
      return g.includes('/') ? (rel: string) => re.test(rel) : (rel: string) => re.test(rel.slice(rel.lastIndexOf('/') + 1));
    });
  const inc = compile(include);
  const exc = compile(exclude);
  return (rel) => (inc.length === 0 || inc.some((m) => m(rel))) && !exc.some((m) => m(rel));
}

/** The parseArgs options of the filter. */
export const FILTER_OPTIONS = {
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
} as const;
