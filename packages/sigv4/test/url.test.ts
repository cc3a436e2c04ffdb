import { describe, expect, it } from 'vitest';
import { splitUrl } from '../src/index.js';

describe('splitUrl', () => {
  it.each([
    ['https://Bucket.S3.amazonaws.com/Key%20A?x=1&y#frag', { protocol: 'https:', host: 'bucket.s3.amazonaws.com', path: '/Key%20A', query: 'x=1&y' }],
    ['HTTP://Host:80/a', { protocol: 'http:', host: 'host', path: '/a', query: '' }],
    ['http://host:8080', { protocol: 'http:', host: 'host:8080', path: '/', query: '' }],
    ['https://host:443?acl', { protocol: 'https:', host: 'host', path: '/', query: 'acl' }],
    ['http://host#f?x', { protocol: 'http:', host: 'host', path: '/', query: '' }],
    ['http://host/a#b?c', { protocol: 'http:', host: 'host', path: '/a', query: '' }],
    ['http://host?q=a/b#f', { protocol: 'http:', host: 'host', path: '/', query: 'q=a/b' }],
    ['https://user:p@ss@Host/k?u=a@b', { protocol: 'https:', host: 'host', path: '/k', query: 'u=a@b' }],
    ['https://host/a@b//c/', { protocol: 'https:', host: 'host', path: '/a@b//c/', query: '' }],
    ['/bucket/key?uploads', { protocol: '', host: '', path: '/bucket/key', query: 'uploads' }],
    ['?list-type=2', { protocol: '', host: '', path: '/', query: 'list-type=2' }],
  ])('%s', (url, parts) => {
    expect(splitUrl(url)).toEqual(parts);
  });

  it('takes URL objects as they are', () => {
    expect(splitUrl(new URL('https://host/a%20b?x=1'))).toEqual({ protocol: 'https:', host: 'host', path: '/a%20b', query: 'x=1' });
  });
});
