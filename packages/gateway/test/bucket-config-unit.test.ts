import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BucketConfigCache } from '../src/bucket-config/cache.js';
import { documentName, type ConfigDocument, type ConfigStore } from '../src/bucket-config/config-store.js';
import { decodeCors, decodePolicy, decodePublicAccessBlock, jsonBytes } from '../src/bucket-config/documents.js';
import { bucketPoliciesFor } from '../src/bucket-config/effective.js';
import { createFileConfigStore } from '../src/bucket-config/local-config-store.js';
import { isPublicPolicy } from '../src/bucket-config/public-policy.js';
import { createS3ConfigStore } from '../src/bucket-config/s3-config-store.js';
import { s3Error } from '@s3kit/errors';
import { parsePolicy } from '../src/index.js';

const V = '2012-10-17';
const B = 'photos';
const enc = (s: string) => new TextEncoder().encode(s);

function policy(statement: Record<string, unknown>) {
  return parsePolicy({ Version: V, Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*`, ...statement }] }, { kind: 'bucket', bucket: B });
}

describe('IsPublic (AWS: a policy is public unless every Allow to everyone is limited by fixed values)', () => {
  it.each([
    ['Principal "*"', { Principal: '*' }, true],
    ['Principal {"AWS": "*"}', { Principal: { AWS: '*' } }, true],
    ['a fixed principal', { Principal: { AWS: ['arn:aws:iam::123456789012:user/alice'] } }, false],
    ['aws:SourceIp within a /24', { Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }, false],
    ['aws:SourceIp broader than /8', { Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } } }, true],
    ['IPv6 aws:SourceIp broader than /32', { Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '2001:db8::/16' } } }, true],
    ['NotIpAddress', { Principal: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }, true],
    ['a fixed aws:SourceVpce', { Principal: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }, false],
    ['aws:SourceArn with a wildcard', { Principal: '*', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudfront::*' } } }, true],
    ['StringEqualsIfExists (absent key escapes)', { Principal: '*', Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '123456789012' } } }, true],
    ['aws:userid of any role session', { Principal: '*', Condition: { StringEquals: { 'aws:userid': 'AROAEXAMPLEID:*' } } }, true],
    ['an unrelated condition (aws:SecureTransport)', { Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }, true],
    ['a Deny to everyone', { Principal: '*', Effect: 'Deny' }, false],
  ])('%s → %s', (_what, st, expected) => {
    expect(isPublicPolicy(policy(st))).toBe(expected);
  });

  it('RestrictPublicBuckets drops public statements for anonymous requests only, from both bucket policies', () => {
    const file = policy({ Principal: '*' });
    const api = {
      policy: { text: '', policy: policy({ Principal: { AWS: ['AKIAX'] } }), isPublic: false },
      publicAccessBlock: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: true },
    };
    expect(bucketPoliciesFor(file, api, false)).toHaveLength(2);
    expect(bucketPoliciesFor(file, api, true)).toEqual([api.policy.policy]);
  });
});

describe('S3 error answers of the documents', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return [(err as { code: string }).code, (err as Error).message];
    }
    return undefined;
  };
  it('MalformedPolicy with S3 messages', () => {
    expect(code(() => decodePolicy(enc(''), B))).toEqual(['MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'"]);
    expect(code(() => decodePolicy(enc('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Bogus":"x"},"Action":"s3:GetObject","Resource":"*"}]}'), B))).toEqual([
      'MalformedPolicy',
      'Invalid principal in policy',
    ]);
    expect(code(() => decodePolicy(enc('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"GetObject","Resource":"*"}]}'), B))).toEqual([
      'MalformedPolicy',
      'Policy has invalid action',
    ]);
    expect(
      code(() =>
        decodePolicy(enc('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringLikey":{"s3:prefix":"a"}}}]}'), B),
      ),
    ).toEqual(['MalformedPolicy', 'Invalid Condition type : StringLikey']);
    expect(
      code(() =>
        decodePolicy(enc(JSON.stringify({ Version: V, Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/${'k'.repeat(21 * 1024)}` }] })), B),
      )?.[1],
    ).toBe('Policy exceeds the maximum allowed document size.');
    expect(decodePolicy(enc(JSON.stringify({ Version: V, Statement: { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` } })), B).isPublic).toBe(true);
  });
  it('CORS: MalformedXML without rules or origins, InvalidRequest for methods and wildcards', () => {
    expect(code(() => decodeCors(enc('<CORSConfiguration></CORSConfiguration>')))?.[0]).toBe('MalformedXML');
    expect(code(() => decodeCors(enc('<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>')))?.[0]).toBe('MalformedXML');
    expect(code(() => decodeCors(enc('<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>TRACE</AllowedMethod></CORSRule></CORSConfiguration>')))).toEqual([
      'InvalidRequest',
      'Found unsupported HTTP method in CORS config. Unsupported method is TRACE',
    ]);
    const rules = Array.from({ length: 101 }, () => '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>').join('');
    expect(code(() => decodeCors(enc(`<CORSConfiguration>${rules}</CORSConfiguration>`)))?.[0]).toBe('MalformedXML');
  });
  it('PublicAccessBlockConfiguration: absent settings are false; a bad boolean is MalformedXML', () => {
    expect(decodePublicAccessBlock(enc('<PublicAccessBlockConfiguration><BlockPublicPolicy>true</BlockPublicPolicy></PublicAccessBlockConfiguration>'))).toEqual({
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    });
    expect(code(() => decodePublicAccessBlock(enc('<PublicAccessBlockConfiguration><BlockPublicPolicy>yes</BlockPublicPolicy></PublicAccessBlockConfiguration>')))?.[0]).toBe('MalformedXML');
  });
});

/** An in-memory config store that counts reads, as a remote S3 would answer them. */
function memoryStore(): ConfigStore & { reads: number; unchanged: number; docs: Map<string, ConfigDocument> } {
  let n = 0;
  const docs = new Map<string, ConfigDocument>();
  const s = {
    reads: 0,
    unchanged: 0,
    docs,
    async read(name: string, etag?: string) {
      s.reads++;
      const d = docs.get(name);
      if (d === undefined) return undefined;
      if (d.etag === etag) {
        s.unchanged++;
        return 'unchanged' as const;
      }
      return d;
    },
    async write(name: string, body: Uint8Array) {
      docs.set(name, { body, etag: `"${++n}"` });
    },
    async remove(name: string) {
      docs.delete(name);
    },
  };
  return s;
}

describe('BucketConfigCache: bounded staleness, conditional re-reads, read-your-writes', () => {
  it('serves fresh entries without reading, re-reads in the background past half the bound, and waits past the bound', async () => {
    const store = memoryStore();
    let now = 0;
    const cache = new BucketConfigCache(store, { maxStalenessMs: 1000, now: () => now });
    expect(await cache.get(B)).toEqual({});
    // One read per document: policy, CORS, public access block, owner.
    expect(store.reads).toBe(4);
    now = 400;
    await cache.get(B);
    expect(store.reads).toBe(4);
    // Another gateway sets a policy.
    const text = JSON.stringify({ Version: V, Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` }] });
    await store.write(documentName(B, 'policy'), enc(text));
    now = 700;
    expect((await cache.get(B)).policy).toBeUndefined(); // still the cached answer, a re-read started
    await new Promise((r) => setTimeout(r, 0));
    expect(store.reads).toBe(8);
    expect((await cache.get(B)).policy?.text).toBe(text);
    // Past the bound a request waits for the re-read; unchanged documents come back as 'unchanged'.
    now = 5000;
    expect((await cache.get(B)).policy?.isPublic).toBe(true);
    expect(store.unchanged).toBe(1);
    await store.remove(documentName(B, 'policy'));
    now = 10_000;
    expect((await cache.get(B)).policy).toBeUndefined();
  });

  it('sees its own writes at once and drops a deleted bucket', async () => {
    const store = memoryStore();
    const cache = new BucketConfigCache(store, { maxStalenessMs: 60_000 });
    await cache.get(B);
    const pab = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
    await cache.set(B, 'publicAccessBlock', jsonBytes(pab), pab);
    expect((await cache.get(B)).publicAccessBlock).toEqual(pab);
    expect([...store.docs.keys()]).toEqual([`${B}/public-access-block.json`]);
    await cache.drop(B);
    expect(await cache.get(B)).toEqual({});
    expect(store.docs.size).toBe(0);
  });

  it('refuses document names that could leave a bucket', () => {
    for (const bad of ['', '..', '.', 'a/b']) expect(() => documentName(bad, 'policy')).toThrow(TypeError);
  });
});

describe("the embedded store's config directory (createFileConfigStore)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3kit-config-store-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes whole documents (temp + rename), reads them conditionally by ETag, removes them; old temp files of a crash are swept', async () => {
    const store = createFileConfigStore({ dir, fsync: true });
    expect(await store.read('b1/policy.json')).toBeUndefined();
    await store.write('b1/policy.json', enc('{"a":1}'));
    const doc = await store.read('b1/policy.json');
    expect(doc !== undefined && doc !== 'unchanged' && new TextDecoder().decode(doc.body)).toBe('{"a":1}');
    const etag = (doc as ConfigDocument).etag;
    expect(await store.read('b1/policy.json', etag)).toBe('unchanged');
    // A crash between the temp file and its rename left one behind: the next write of the bucket sweeps it (once old enough).
    const stale = join(dir, 'b1', '.tmp-deadbeef');
    await writeFile(stale, 'partial');
    await utimes(stale, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    await store.write('b1/policy.json', enc('{"a":2}'));
    expect(await readdir(join(dir, 'b1'))).toEqual(['policy.json']);
    expect(await store.read('b1/policy.json', etag)).not.toBe('unchanged');
    await store.remove('b1/policy.json');
    await store.remove('b1/policy.json');
    expect(await store.read('b1/policy.json')).toBeUndefined();
  });
});

describe('a remote S3 config store (createS3ConfigStore)', () => {
  it("reads 404 as no document, creates the system bucket on the first write, and turns other upstream errors into the gateway's own failure", async () => {
    const objects = new Map<string, Uint8Array>();
    let bucketExists = false;
    let denied = false;
    const seen: string[] = [];
    const store = createS3ConfigStore({ bucket: 'sys', prefix: 'p/' }, async (req) => {
      seen.push(`${req.operation} ${req.bucket}/${req.key ?? ''}`);
      if (denied) throw s3Error('AccessDenied');
      if (req.operation === 'CreateBucket') {
        bucketExists = true;
        return { status: 200, headers: {} };
      }
      if (!bucketExists) throw s3Error('NoSuchBucket');
      if (req.operation === 'PutObject') {
        const chunks: Uint8Array[] = [];
        for await (const c of req.body as AsyncIterable<Uint8Array>) chunks.push(c);
        objects.set(req.key!, Buffer.concat(chunks));
        return { status: 200, headers: { etag: '"e1"' } };
      }
      const body = objects.get(req.key!);
      if (body === undefined) throw s3Error('NoSuchKey');
      if (req.headers['if-none-match'] === '"e1"') return { status: 304, headers: {} };
      return { status: 200, headers: { etag: '"e1"' }, body };
    });
    expect(await store.read('b/policy.json')).toBeUndefined();
    await store.write('b/policy.json', enc('{}'));
    expect(seen).toEqual(['GetObject sys/p/b/policy.json', 'PutObject sys/p/b/policy.json', 'CreateBucket sys/', 'PutObject sys/p/b/policy.json']);
    expect(await store.read('b/policy.json', '"e1"')).toBe('unchanged');
    denied = true;
    const err = await store.read('b/policy.json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as { code?: string }).code).toBeUndefined();
    expect((err as Error).message).toContain('AccessDenied');
  });
});
