// MinIO's listing extension: with `metadata=true`, MinIO writes each object's user metadata
// (`<UserMetadata><X-Amz-Meta-Name>value</X-Amz-Meta-Name>…</UserMetadata>`, arbitrary element
// names, so no fixed @s3kit/xml-shapes shape) and tags (`<UserTags>a=1&amp;b=2</UserTags>`) into
// every <Contents>/<Version>. Read here as minio-py reads them (datatypes.py Object.fromxml).

/** What MinIO added to one listed object. */
export interface ListedUserMeta {
  /** Element name → text (`X-Amz-Meta-Name`, `content-type`, ... as MinIO writes them). */
  metadata: Record<string, string>;
  /** Object tags, when MinIO sent `<UserTags>`. */
  tags: Record<string, string> | undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e] ?? m;
  });
}

function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * The `<UserMetadata>`/`<UserTags>` of each `<element>` (`Contents` or `Version`) of a listing body,
 * in document order (aligned with the parsed shape's list of the same element).
 */
export function listedUserMeta(xml: string, element: 'Contents' | 'Version'): ListedUserMeta[] {
  const out: ListedUserMeta[] = [];
  const each = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g');
  for (const [, body = ''] of xml.matchAll(each)) {
    const metadata: Record<string, string> = {};
    const um = /<UserMetadata>([\s\S]*?)<\/UserMetadata>/.exec(body)?.[1];
    if (um) {
      for (const m of um.matchAll(/<([A-Za-z_][\w.:-]*)(?:\s[^>]*)?(?:\/>|>([^<]*)<\/\1\s*>)/g)) {
        const name = m[1]!;
        metadata[name.includes(':') ? name.slice(name.indexOf(':') + 1) : name] = decode(m[2] ?? '');
      }
    }
    const ut = /<UserTags>([^<]*)<\/UserTags>/.exec(body)?.[1];
    let tags: Record<string, string> | undefined;
    if (ut) {
      tags = {};
      for (const pair of decode(ut).split('&')) {
        if (!pair) continue;
        const i = pair.indexOf('=');
        tags[formDecode(i < 0 ? pair : pair.slice(0, i))] = i < 0 ? '' : formDecode(pair.slice(i + 1));
      }
    }
    out.push({ metadata, tags });
  }
  return out;
}
