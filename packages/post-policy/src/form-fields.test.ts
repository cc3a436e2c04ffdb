import { describe, expect, it } from 'vitest';
import { objectHeaders } from './form-fields.js';

describe('objectHeaders', () => {
  it('keeps the fields S3 stores as object headers, in form order, and maps acl/tagging to x-amz-*', () => {
    const stored = [
      'cache-control',
      'content-type',
      'content-disposition',
      'content-encoding',
      'content-language',
      'expires',
      'x-amz-meta-a',
      'x-amz-storage-class',
      'x-amz-website-redirect-location',
      'x-amz-server-side-encryption',
      'x-amz-server-side-encryption-customer-key',
      'x-amz-checksum-crc32',
      'x-amz-object-lock-mode',
      'x-amz-grant-read',
      'x-amz-grant-read-acp',
      'x-amz-grant-write-acp',
      'x-amz-grant-full-control',
    ];
    const dropped = [
      'key',
      'bucket',
      'policy',
      'success_action_status',
      'content-typex',
      'x-amz-meta',
      'x-amz-grant-write',
      'x-amz-storage-classes',
      'x-amz-date',
      'constructor',
      'toString',
      '__proto__',
    ];
    const fields = new Map<string, string>([...stored, 'acl', 'tagging', ...dropped].map((n) => [n, `v:${n}`]));
    const headers = objectHeaders(fields);
    expect(Object.keys(headers)).toEqual([...stored, 'x-amz-acl', 'x-amz-tagging']);
    expect(headers['x-amz-acl']).toBe('v:acl');
    expect(headers['x-amz-tagging']).toBe('v:tagging');
    expect(headers['x-amz-meta-a']).toBe('v:x-amz-meta-a');
  });
});
