/** Parses the AWS shared config/credentials INI format: `[section]`, `key = value`, `#`/`;` comments. */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = Object.create(null) as Record<string, Record<string, string>>;
  let section: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      const name = header[1]!;
      section = out[name] ??= Object.create(null) as Record<string, string>;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || section === undefined) continue;
    // Nested (indented) sub-properties like `s3 =\n  max_concurrent_requests = 10` are flattened.
    const key = line.slice(0, eq).trim().toLowerCase();
    let value = line.slice(eq + 1).trim();
    const comment = value.search(/\s[#;]/);
    if (comment >= 0) value = value.slice(0, comment).trim();
    section[key] = value;
  }
  return out;
}
