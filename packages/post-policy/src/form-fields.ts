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

/** Form fields that become headers of the stored object, by lower-case field name. */
const HEADER_FIELDS: Record<string, string> = {
  'cache-control': 'cache-control',
  'content-type': 'content-type',
  'content-disposition': 'content-disposition',
  'content-encoding': 'content-encoding',
  'content-language': 'content-language',
  expires: 'expires',
  acl: 'x-amz-acl',
  tagging: 'x-amz-tagging',
};

/** Object headers S3 takes from x-amz-* form fields (metadata, storage, encryption, checksum, lock). */
function isObjectAmzField(name: string): boolean {
  return (
    name.startsWith('x-amz-meta-') ||
    name === 'x-amz-storage-class' ||
    name === 'x-amz-website-redirect-location' ||
    name.startsWith('x-amz-server-side-encryption') ||
    name.startsWith('x-amz-checksum-') ||
    name.startsWith('x-amz-object-lock-') ||
    name === 'x-amz-grant-read' ||
    name === 'x-amz-grant-read-acp' ||
    name === 'x-amz-grant-write-acp' ||
    name === 'x-amz-grant-full-control'
  );
}

/** The headers a PUT of the uploaded object should carry, from the resolved fields. */
export function objectHeaders(fields: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of fields) {
    const header = HEADER_FIELDS[name] ?? (isObjectAmzField(name) ? name : undefined);
    if (header !== undefined) out[header] = value;
  }
  return out;
}
