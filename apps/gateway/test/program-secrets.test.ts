import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, configProblems, startBuilt } from './support/built-program.js';

// Identity secrets kept out of the config file: `${ENV}` references and secretAccessKeyFile,
// through the built program on the embedded store.
let dir: string;
beforeAll(async () => {
  buildProgram();
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwsecrets-'));
}, 600_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

async function listBuckets(endpoint: string, accessKeyId: string, secretAccessKey: string): Promise<number> {
  const s = new SigV4Signer({ credentials: { accessKeyId, secretAccessKey }, region: 'us-east-1' }).sign({ method: 'GET', url: `${endpoint}/` });
  return (await fetch(s.url, { headers: s.headers })).status;
}

describe('s3kit-gateway: secrets from the environment and from files', () => {
  it('reads identity secrets from ${ENV} and secretAccessKeyFile, and leaves policy variables alone', async () => {
    await writeFile(join(dir, 'ops.secret'), 'secret-from-a-file\n', { mode: 0o600 });
    const cfg = join(dir, 'gw.yaml');
    await writeFile(
      cfg,
      [
        'listen: { port: 0 }',
        'admin: null',
        'identities:',
        '  - { accessKeyId: "${GW_APP_KEY}", secretAccessKey: "${GW_APP_SECRET}", allow: [{ bucket: "*", access: readwrite }] }',
        '  - { accessKeyId: OPS, secretAccessKeyFile: ops.secret, allow: [{ bucket: "*", access: read }] }',
        '  - name: home',
        '    accessKeyId: HOME',
        '    secretAccessKey: "literal-$${NOT_EXPANDED}"',
        '    policies:',
        '      - { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::home/${aws:username}/*" }] }',
        'upstreams:',
        `  default: { type: local, dir: ${join(dir, 'store')}, fsync: false }`,
      ].join('\n'),
    );
    const p = startBuilt(['--config', cfg], { env: { ...process.env, GW_APP_KEY: 'APPKEY', GW_APP_SECRET: 'app-secret-from-env' } });
    try {
      const endpoint = await p.endpoint;
      expect(await listBuckets(endpoint, 'APPKEY', 'app-secret-from-env')).toBe(200);
      expect(await listBuckets(endpoint, 'OPS', 'secret-from-a-file')).toBe(200);
      expect(await listBuckets(endpoint, 'OPS', 'secret-from-a-file\n')).toBe(403);
      // `$${` is a literal `${` (the secret is the text as written), and the policy's ${aws:username}
      // is the identity's name: allowed into home/home/ (404, no such bucket), denied elsewhere (403).
      const home = new SigV4Signer({ credentials: { accessKeyId: 'HOME', secretAccessKey: 'literal-${NOT_EXPANDED}' }, region: 'us-east-1' });
      const get = async (path: string): Promise<number> => {
        const s = home.sign({ method: 'GET', url: `${endpoint}${path}` });
        return (await fetch(s.url, { headers: s.headers })).status;
      };
      expect(await get('/home/home/x')).toBe(404);
      expect(await get('/home/other/x')).toBe(403);
      expect(p.out()).not.toContain('app-secret-from-env');
      expect(p.out()).not.toContain('secret-from-a-file');
    } finally {
      expect(await p.stop()).toBe(0);
    }
  }, 60_000);

  it('reports a missing variable, an unreadable secret file and a doubly given secret together', async () => {
    const problems = await configProblems(join(dir, 'bad.yaml'), [
      'identities:',
      '  - { accessKeyId: A, secretAccessKey: "${GW_NOT_SET_ANYWHERE}", allow: [{ bucket: "*", access: read }] }',
      '  - { accessKeyId: B, secretAccessKeyFile: ./no-such.secret, allow: [{ bucket: "*", access: read }] }',
      '  - { accessKeyId: C, secretAccessKey: x, secretAccessKeyFile: ./no-such.secret, allow: [{ bucket: "*", access: read }] }',
      'upstreams:',
      `  default: { type: local, dir: ${join(dir, 'store')} }`,
    ]);
    expect(problems).toEqual(
      [
        'identities[0].secretAccessKey: ${GW_NOT_SET_ANYWHERE}: the environment variable GW_NOT_SET_ANYWHERE is not set',
        'identities[1].secretAccessKeyFile: cannot read ./no-such.secret (ENOENT)',
        'identities[2].secretAccessKeyFile: give secretAccessKey or secretAccessKeyFile, not both',
      ].sort(),
    );
  }, 30_000);
});
