/** Looks up a condition key (case-insensitive) in the request context; `undefined` when absent. */
export type ContextLookup = (key: string) => readonly string[] | undefined;

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Splits a policy string into literal text and wildcard characters, substituting policy variables
 * (`${aws:username}`, `${aws:SourceIp, 'default'}`) and escapes (`${*}`, `${?}`, `${$}`). Substituted
 * text is always literal: a `*` inside a username never acts as a wildcard. Returns `undefined` when a
 * variable has no single value in the context (and no default), in which case the value matches nothing.
 * With `variables: false` (Version 2008-10-17, or Action) the text is taken as is.
 */
export function tokenize(text: string, lookup: ContextLookup, variables: boolean): Array<{ literal: string } | { wild: '*' | '?' }> | undefined {
  const out: Array<{ literal: string } | { wild: '*' | '?' }> = [];
  const pushRaw = (raw: string): void => {
    let lit = '';
    for (const ch of raw) {
      if (ch === '*' || ch === '?') {
        if (lit) out.push({ literal: lit });
        lit = '';
        out.push({ wild: ch });
      } else lit += ch;
    }
    if (lit) out.push({ literal: lit });
  };
  if (!variables) {
    pushRaw(text);
    return out;
  }
  let last = 0;
  for (const m of text.matchAll(VARIABLE)) {
    pushRaw(text.slice(last, m.index));
    last = m.index + m[0].length;
    const body = m[1] ?? '';
    if (body === '*' || body === '?' || body === '$') {
      out.push({ literal: body });
      continue;
    }
    const def = /^\s*([^,]+?)\s*,\s*'([^']*)'\s*$/.exec(body);
    const key = def ? (def[1] ?? '') : body.trim();
    const values = lookup(key);
    if (values !== undefined && values.length === 1) out.push({ literal: values[0] ?? '' });
    else if (def) out.push({ literal: def[2] ?? '' });
    else return undefined;
  }
  pushRaw(text.slice(last));
  return out;
}

/** Text after substituting variables and escapes (wildcards kept as plain characters), or `undefined`. */
export function substitute(text: string, lookup: ContextLookup, variables: boolean): string | undefined {
  const tokens = tokenize(text, lookup, variables);
  if (!tokens) return undefined;
  return tokens.map((t) => ('literal' in t ? t.literal : t.wild)).join('');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Patterns without variables depend only on the policy text: cached (bounded; cleared when full),
// one map per case mode, keyed by the policy's own string (no key string built per lookup).
const caches = { sensitive: new Map<string, RegExp>(), ignoreCase: new Map<string, RegExp>() };
const CACHE_LIMIT = 2048;

/**
 * Compiles a wildcard pattern (`*` any run, `?` one character) to an anchored RegExp, or `undefined`
 * when a policy variable is unresolved.
 */
export function compileWildcard(text: string, lookup: ContextLookup, opts: { variables: boolean; ignoreCase?: boolean }): RegExp | undefined {
  const cacheable = !opts.variables || !text.includes('${');
  const cache = opts.ignoreCase ? caches.ignoreCase : caches.sensitive;
  if (cacheable) {
    const hit = cache.get(text);
    if (hit) return hit;
  }
  const re = compileUncached(text, lookup, opts);
  if (cacheable && re) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, re);
  }
  return re;
}

function compileUncached(text: string, lookup: ContextLookup, opts: { variables: boolean; ignoreCase?: boolean }): RegExp | undefined {
  const tokens = tokenize(text, lookup, opts.variables);
  if (!tokens) return undefined;
  const src = tokens.map((t) => ('literal' in t ? escapeRegExp(t.literal) : t.wild === '*' ? '[\\s\\S]*' : '[\\s\\S]')).join('');
  return new RegExp(`^${src}$`, opts.ignoreCase ? 'iu' : 'u');
}

export function wildcardMatch(pattern: string, value: string, lookup: ContextLookup, opts: { variables: boolean; ignoreCase?: boolean }): boolean {
  const re = compileWildcard(pattern, lookup, opts);
  return re?.test(value) === true;
}
