import { InvalidArgument, s3ErrorOf, type S3Error } from '@s3kit/errors';

/** InvalidArgument for a required form field that is missing (S3's wording). */
export function mustContain(field: string): S3Error {
  return s3ErrorOf(InvalidArgument, `Bucket POST must contain a field named '${field}'.  If it is specified, please check the order of the fields.`, {
    details: { ArgumentName: field },
  });
}

/**
 * Field names S3 does not require a policy condition for: the signature and credential
 * fields, the policy itself, the file, and anything prefixed `x-ignore-`.
 */
export function isExemptField(lowerName: string): boolean {
  return EXEMPT.has(lowerName) || lowerName.startsWith('x-ignore-');
}

const EXEMPT = new Set(['x-amz-signature', 'signature', 'awsaccesskeyid', 'file', 'policy']);

/** The file name without any client path: the text after the last `/` or `\`. */
export function baseFilename(name: string | undefined): string {
  if (name === undefined) return '';
  const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return cut === -1 ? name : name.slice(cut + 1);
}

/**
 * Form fields stored as object headers under their own (lower-case) name: the exact names
 * first, then the prefixes (metadata, encryption, checksum, object lock).
 */
const OBJECT_HEADER =
  /^(?:(?:cache-control|content-(?:type|disposition|encoding|language)|expires|x-amz-(?:storage-class|website-redirect-location|grant-(?:read|read-acp|write-acp|full-control)))$|x-amz-(?:meta-|server-side-encryption|checksum-|object-lock-))/;

/** The object headers a form sets: the fields above, and `acl`/`tagging` as `x-amz-acl`/`x-amz-tagging`. */
export function objectHeaders(fields: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (OBJECT_HEADER.test(name)) out[name] = value;
    else if (name === 'acl' || name === 'tagging') out[`x-amz-${name}`] = value;
  }
  return out;
}
