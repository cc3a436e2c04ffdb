import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { send, start, stop, until } from './support/store-process.js';

// Bucket configuration shares bucket.json with versioning and object lock: a configuration
// write killed with kill -9 (a gateway over the store in a process of its own) must leave the
// previous or the new document, never a torn one, and never lose the rest of the bucket state.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-crash-config-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const md5 = (s: string): string => createHash('md5').update(s).digest('base64');
const tagging = (v: string): string => `<Tagging><TagSet><Tag><Key>k</Key><Value>${v}</Value></Tag><Tag><Key>other</Key><Value>${v}</Value></Tag></TagSet></Tagging>`;
const website = (v: string): string => `<WebsiteConfiguration><IndexDocument><Suffix>${v}.html</Suffix></IndexDocument></WebsiteConfiguration>`;

it('keeps a whole configuration and the versioning state when killed during configuration writes', async () => {
  const a = start(dir);
  const port = await a.port;
  expect((await send(port, 'PUT', '/bkt')).status).toBe(200);
  const versioning = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
  expect((await send(port, 'PUT', '/bkt?versioning', versioning)).status).toBe(200);
  expect((await send(port, 'PUT', '/bkt/obj', 'data')).status).toBe(200);
  expect((await send(port, 'PUT', '/bkt?tagging', tagging('v0'), { 'content-md5': md5(tagging('v0')) })).status).toBe(204);
  // Writes in flight when the process dies.
  const writes: Promise<unknown>[] = [];
  let done = 0;
  const counted = (p: Promise<{ status: number }>): Promise<unknown> =>
    p.then(
      (r) => void (r.status < 300 && done++),
      () => undefined,
    );
  for (let i = 1; i <= 300; i++) {
    writes.push(counted(send(port, 'PUT', '/bkt?tagging', tagging(`v${i}`), { 'content-md5': md5(tagging(`v${i}`)) })));
    writes.push(counted(send(port, 'PUT', '/bkt?website', website(`w${i}`), { 'content-md5': md5(website(`w${i}`)) })));
  }
  // Killed once some have committed, with the rest still in flight.
  await until('some configuration writes done', async () => (done >= 30 ? true : undefined));
  a.child.kill('SIGKILL');
  expect(await a.exited).toBe('SIGKILL');
  await Promise.all(writes);

  const b = start(dir);
  const port2 = await b.port;
  const tags = await send(port2, 'GET', '/bkt?tagging');
  expect(tags.status).toBe(200);
  const values = [...tags.body.matchAll(/<Value>(v\d+)<\/Value>/g)].map((m) => m[1]);
  // Both tags of one PUT: the same value twice.
  expect(values).toHaveLength(2);
  expect(values[0]).toBe(values[1]);
  const site = await send(port2, 'GET', '/bkt?website');
  expect([200, 404]).toContain(site.status);
  if (site.status === 200) expect(site.body).toMatch(/<Suffix>w\d+\.html<\/Suffix>/);
  expect((await send(port2, 'GET', '/bkt?versioning')).body).toContain('<Status>Enabled</Status>');
  expect((await send(port2, 'GET', '/bkt/obj')).body).toBe('data');
  await stop(b);
}, 60_000);
