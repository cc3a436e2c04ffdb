import type { PolicyCondition } from './conditions.js';
import { jsonBase64, signInto, type PolicySigningOptions } from './create-presigned-post.js';
import { postUrl } from './endpoint.js';
import { PolicyWriter } from './policy-writer.js';

const MAX_EXPIRY_MS = 7 * 24 * 3600 * 1000;

/**
 * A POST policy builder with MinIO's `PostPolicy` methods. Each setter adds the condition and
 * the matching form field; setters return `this` so calls chain.
 */
export class PostPolicy {
  readonly conditions: PolicyCondition[] = [];
  readonly formData: Record<string, string> = {};
  expiration: Date | undefined;

  setExpires(date: Date): this {
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('Invalid date');
    this.expiration = date;
    return this;
  }

  setBucket(bucket: string): this {
    if (!bucket) throw new TypeError('bucket cannot be empty');
    return this.#eq('bucket', bucket);
  }

  setKey(key: string): this {
    if (!key) throw new TypeError('key cannot be empty');
    return this.#eq('key', key);
  }

  /** Any key with this prefix; the form's `key` field is set to the prefix (append `${filename}` yourself if wanted). */
  setKeyStartsWith(prefix: string): this {
    return this.#startsWith('key', prefix);
  }

  setContentType(type: string): this {
    if (!type) throw new TypeError('content-type cannot be empty');
    return this.#eq('Content-Type', type);
  }

  setContentTypeStartsWith(prefix: string): this {
    return this.#startsWith('Content-Type', prefix);
  }

  setContentDisposition(value: string): this {
    if (!value) throw new TypeError('content-disposition cannot be empty');
    return this.#eq('Content-Disposition', value);
  }

  setContentEncoding(value: string): this {
    if (!value) throw new TypeError('content-encoding cannot be empty');
    return this.#eq('Content-Encoding', value);
  }

  setContentLengthRange(min: number, max: number): this {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < 0) {
      throw new RangeError('content length bounds must be non-negative integers');
    }
    if (min > max) throw new RangeError('min cannot be more than max');
    this.conditions.push(['content-length-range', min, max]);
    return this;
  }

  /** `x-amz-meta-<name>` fields with exact conditions. */
  setUserMetaData(meta: Readonly<Record<string, string>>): this {
    for (const [name, value] of Object.entries(meta)) this.#eq(`x-amz-meta-${name}`, String(value));
    return this;
  }

  setSuccessActionStatus(status: 200 | 201 | 204): this {
    if (status !== 200 && status !== 201 && status !== 204) throw new RangeError('success_action_status must be 200, 201 or 204');
    return this.#eq('success_action_status', String(status));
  }

  setSuccessActionRedirect(url: string): this {
    if (!url) throw new TypeError('redirect URL cannot be empty');
    return this.#eq('success_action_redirect', url);
  }

  /** A base64 SHA-256 of the file, verified by the server at the end of the upload. */
  setChecksum(sha256Base64: string): this {
    if (!/^[A-Za-z0-9+/]{43}=$/.test(sha256Base64)) throw new TypeError('checksum must be a base64 SHA-256');
    this.#eq('x-amz-checksum-algorithm', 'SHA256');
    return this.#eq('x-amz-checksum-sha256', sha256Base64);
  }

  /** Any other condition, signed as given (no form field is added). */
  addCondition(condition: PolicyCondition): this {
    this.conditions.push(condition);
    return this;
  }

  #eq(field: string, value: string): this {
    this.conditions.push(['eq', `$${field}`, value]);
    this.formData[field] = value;
    return this;
  }

  #startsWith(field: string, prefix: string): this {
    this.conditions.push(['starts-with', `$${field}`, prefix]);
    this.formData[field] = prefix;
    return this;
  }
}

export interface PresignedPostPolicy {
  postURL: string;
  formData: Record<string, string>;
}

/**
 * Signs a {@link PostPolicy} like MinIO's `presignedPostPolicy`: policy JSON as `JSON.stringify`
 * writes it, expiration default 7 days, the form posted to the bucket URL.
 */
export function presignedPostPolicy(policy: PostPolicy, opts: PolicySigningOptions): PresignedPostPolicy {
  const bucket = policy.formData['bucket'];
  if (bucket === undefined) throw new TypeError('PostPolicy needs setBucket()');
  const nowMs = opts.now === undefined ? Date.now() : typeof opts.now === 'number' ? opts.now : opts.now.getTime();
  const expiration = (policy.expiration ?? new Date(nowMs + MAX_EXPIRY_MS)).toISOString();
  const formData: Record<string, string> = { ...policy.formData };
  const writer = new PolicyWriter('js');
  for (const c of policy.conditions) writer.add(c);
  signInto(formData, writer, nowMs, opts, () => jsonBase64(writer.json(expiration)));
  return { postURL: postUrl(bucket, opts), formData };
}
