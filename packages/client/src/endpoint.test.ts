import { describe, expect, it } from 'vitest';
import { buildQuery, parseEndpoint, targetFor } from './endpoint.js';

describe('endpoint parsing and addressing', () => {
  it('host[:port] defaults to https; secure:false gives http; URLs keep their scheme', () => {
    expect(parseEndpoint('play.min.io')).toMatchObject({ protocol: 'https:', hostname: 'play.min.io', port: '', pathStyle: true, aws: false });
    expect(parseEndpoint('127.0.0.1:9000', false)).toMatchObject({ protocol: 'http:', port: '9000', pathStyle: true });
    expect(parseEndpoint('http://localhost:8080/')).toMatchObject({ protocol: 'http:', hostname: 'localhost', basePath: '' });
    expect(() => parseEndpoint('ftp://x')).toThrow(TypeError);
    expect(() => parseEndpoint('http://x', true)).toThrow(TypeError);
  });

  it('AWS hosts are virtual-hosted by default and name their region', () => {
    expect(parseEndpoint('s3.amazonaws.com')).toMatchObject({ aws: true, pathStyle: false, hostRegion: undefined });
    expect(parseEndpoint('https://s3.eu-west-1.amazonaws.com')).toMatchObject({ aws: true, hostRegion: 'eu-west-1' });
    expect(parseEndpoint('s3.dualstack.us-west-2.amazonaws.com').hostRegion).toBe('us-west-2');
  });

  it('targets: virtual-hosted on AWS with the bucket region host; path-style for dotted buckets over https and for other hosts', () => {
    const aws = parseEndpoint('s3.amazonaws.com');
    expect(targetFor(aws, 'eu-west-2', 'photos', 'a b/c.jpg', '?x=1')).toEqual({ origin: 'https://photos.s3.eu-west-2.amazonaws.com', path: '/a%20b/c.jpg?x=1' });
    expect(targetFor(aws, 'us-east-1', 'my.bucket', 'k', '')).toEqual({ origin: 'https://s3.us-east-1.amazonaws.com', path: '/my.bucket/k' });
    expect(targetFor(aws, 'us-east-1', undefined, undefined, '')).toEqual({ origin: 'https://s3.us-east-1.amazonaws.com', path: '/' });
    const local = parseEndpoint('http://127.0.0.1:9000/prefix');
    expect(targetFor(local, 'us-east-1', 'b', 'ü+%', '')).toEqual({ origin: 'http://127.0.0.1:9000', path: '/prefix/b/%C3%BC%2B%25' });
  });

  it('buildQuery encodes names and values as SigV4 does and writes bare sub-resources', () => {
    expect(buildQuery({ uploads: '', prefix: 'a b+c', 'max-keys': 5, skip: undefined })).toBe('?uploads&prefix=a%20b%2Bc&max-keys=5');
    expect(buildQuery({})).toBe('');
    expect(buildQuery({ events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'], prefix: undefined })).toBe('?events=s3%3AObjectCreated%3A%2A&events=s3%3AObjectRemoved%3A%2A');
  });
});
